-- E-ticket number → golden customer, from the PNR passengers identity resolution clustered.
-- EDH records (flown legs, ancillaries) carry the ticket, so they reach the customer through it.
select
    ticket_number,
    max(customer_id) as customer_id
from {{ ref('int_passenger_segments_joined') }}
where ticket_number is not null and customer_id is not null
group by ticket_number
