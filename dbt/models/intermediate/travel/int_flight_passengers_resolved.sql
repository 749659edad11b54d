-- Passengers of operated legs with their golden customer: through identity resolution when the
-- EDH record was clustered, else through the PNR passenger with the same ticket number.
with passengers as (
    select * from {{ ref('stg_flight_ops__passengers') }}
),

xref as (
    select record_key, customer_id
    from {{ ref('stg_identity__customer_xref') }}
    where source_table = 'silver.flight_passengers'
),

by_ticket as (
    select * from {{ ref('int_tickets_resolved_to_customers') }}
),

final as (
    select
        passengers.*,
        coalesce(xref.customer_id, by_ticket.customer_id) as customer_id
    from passengers
    left join xref
        on passengers.pax_key = xref.record_key
    left join by_ticket
        on passengers.ticket_number = by_ticket.ticket_number
)

select * from final
