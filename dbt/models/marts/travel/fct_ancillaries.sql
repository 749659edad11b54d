-- Ancillaries per passenger and leg with fulfilment status and EUR price.
with ancillaries as (
    select * from {{ ref('stg_flight_ops__ancillaries') }}
),

tickets as (
    select * from {{ ref('int_tickets_resolved_to_customers') }}
),

fx as (
    select * from {{ ref('fx_rates_to_eur') }}
),

final as (
    select
        ancillaries.ancillary_id,
        tickets.customer_id,
        ancillaries.record_locator,
        ancillaries.ticket_number,
        ancillaries.carrier,
        ancillaries.flight_number,
        ancillaries.flight_date,
        ancillaries.ancillary_code,
        case ancillaries.ancillary_code
            when 'XBAG' then 'extra_bag'
            when 'SEAT' then 'seat'
            when 'LOUNGE' then 'lounge'
            when 'WIFI' then 'wifi'
            when 'MEAL' then 'meal'
            when 'UPGR' then 'upgrade'
            else lower(ancillaries.ancillary_code)
        end as ancillary_type,
        ancillaries.fulfilment_status,
        ancillaries.price,
        ancillaries.currency,
        round(ancillaries.price * fx.eur_per_unit, 2) as price_eur,
        ancillaries.source_file
    from ancillaries
    left join tickets
        on ancillaries.ticket_number = tickets.ticket_number
    left join fx
        on ancillaries.currency = fx.currency
)

select * from final
