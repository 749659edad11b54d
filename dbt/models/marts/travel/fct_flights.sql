-- One row per passenger per operated leg: what actually happened (flown, no show, delayed,
-- involuntarily rebooked, cancelled, diverted), with gate and bag tags.
with passengers as (
    select * from {{ ref('int_flight_passengers_resolved') }}
),

legs as (
    select * from {{ ref('stg_flight_ops__legs') }}
),

final as (
    select
        passengers.flight_passenger_id,
        passengers.customer_id,
        passengers.record_locator,
        passengers.ticket_number,
        passengers.carrier,
        passengers.flight_number,
        passengers.flight_date,
        passengers.origin,
        passengers.destination,
        concat(passengers.origin, '-', passengers.destination) as route,
        legs.scheduled_departure_at,
        legs.scheduled_arrival_at,
        passengers.cabin,
        passengers.rbd,
        passengers.seat,
        passengers.flown_status,
        legs.leg_status,
        coalesce(legs.arrival_delay_minutes, 0) as arrival_delay_minutes,
        legs.delay_cause_code,
        legs.gate,
        legs.diverted_to,
        passengers.rebooked_from,
        coalesce(passengers.bag_count, 0) as bag_count,
        passengers.bag_tags,
        case
            when passengers.flown_status = 'involuntarily_rebooked' then 'involuntarily_rebooked'
            when legs.leg_status = 'cancelled' then 'cancelled'
            when passengers.flown_status = 'no_show' then 'no_show'
            when legs.leg_status = 'diverted' then 'diverted'
            when legs.leg_status = 'delayed' or legs.arrival_delay_minutes >= 15 then 'delayed'
            else 'on_time'
        end as outcome,
        (
            passengers.flown_status = 'involuntarily_rebooked'
            or passengers.rebooked_from is not null
            or legs.leg_status in ('cancelled', 'diverted')
            or coalesce(legs.arrival_delay_minutes, 0) >= 60
        ) as is_disrupted,
        passengers.source_file
    from passengers
    left join legs
        on passengers.flight_number = legs.flight_number
        and passengers.flight_date = legs.flight_date
)

select * from final
