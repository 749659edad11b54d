-- Cross-model rule: every flown leg of a known customer is on that customer's timeline.
select flights.flight_passenger_id
from {{ ref('fct_flights') }} as flights
left join {{ ref('fct_customer_timeline') }} as timeline
    on timeline.customer_id = flights.customer_id
    and timeline.source_table = 'silver.flight_passengers'
    and timeline.source_key = concat(flights.ticket_number, '/', flights.flight_number, '/',
        date_format(flights.flight_date, 'yyyyMMdd'))
where flights.customer_id is not null
    and timeline.timeline_event_id is null
