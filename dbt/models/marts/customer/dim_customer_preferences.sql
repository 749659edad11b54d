-- Seat, meal and drink preferences per customer: what they state (PNR SSRs) versus what they
-- actually do (seats flown, meals and drinks bought on board), each with a confidence.
-- Confidence of an observed preference = share of the top choice x n / (n + 2): two out of
-- two is less certain than twenty out of twenty.
with xref as (
    select record_key as pax_key, customer_id
    from {{ ref('stg_identity__customer_xref') }}
    where source_table = 'silver.pnr_passengers'
),

ssrs as (
    select xref.customer_id, ssrs.ssr_code, ssrs.ssr_text
    from {{ ref('stg_pnr__service_requests') }} as ssrs
    inner join xref
        on ssrs.pax_key = xref.pax_key
),

stated as (
    select
        customer_id,
        'seat' as preference,
        {{ seat_position("regexp_extract(ssr_text, '([A-K])$', 1)") }} as choice
    from ssrs
    where ssr_code in ('RQST', 'SEAT', 'NSST')
    union all
    select customer_id, 'meal' as preference, ssr_code as choice
    from ssrs
    where ssr_code rlike '^[A-Z]{2}ML$'
),

observed as (
    select
        customer_id,
        'seat' as preference,
        {{ seat_position("regexp_extract(seat, '([A-K])$', 1)") }} as choice
    from {{ ref('fct_flights') }}
    where customer_id is not null and seat is not null and flown_status = 'flown'
    union all
    select
        customer_id,
        case when sku like 'DRK-%' then 'drink' else 'meal' end as preference,
        item_name as choice
    from {{ ref('fct_purchases') }}
    where customer_id is not null
        and purchase_channel = 'inflight'
        and (sku like 'DRK-%' or sku like 'MEA-%' or sku like 'SNK-%')
),

ranked as (
    select
        customer_id,
        preference,
        kind,
        choice,
        times,
        sum(times) over (partition by customer_id, preference, kind) as observations,
        row_number() over (
            partition by customer_id, preference, kind order by times desc, choice
        ) as choice_rank
    from (
        select customer_id, preference, 'stated' as kind, choice, count(*) as times
        from stated where choice is not null group by customer_id, preference, choice
        union all
        select customer_id, preference, 'observed' as kind, choice, count(*) as times
        from observed where choice is not null group by customer_id, preference, choice
    ) as counted
),

top as (
    select
        *,
        round(times / (observations + 2), 2) as confidence
    from ranked
    where choice_rank = 1
),

final as (
    select
        coalesce(stated.customer_id, observed.customer_id) as customer_id,
        coalesce(stated.preference, observed.preference) as preference,
        stated.choice as stated_choice,
        stated.confidence as stated_confidence,
        observed.choice as observed_choice,
        observed.confidence as observed_confidence,
        coalesce(observed.observations, 0) as observations,
        stated.choice is not null and observed.choice is not null
            and stated.choice != observed.choice as stated_differs_from_observed
    from (select * from top where kind = 'stated') as stated
    full outer join (select * from top where kind = 'observed') as observed
        on stated.customer_id = observed.customer_id
        and stated.preference = observed.preference
)

select * from final
