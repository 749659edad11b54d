-- One row per passenger and booked segment. Operational outcome (flown, no show, delay,
-- rebooking, cancellation, gate, bags) comes from fct_flights, joined on the same key.
with segments as (
    select * from {{ ref('int_passenger_segments_joined') }}
),

final as (
    select
        booking_segment_id,
        customer_id,
        record_locator,
        pax_id,
        pax_type,
        ticket_number,
        seg_id,
        carrier,
        flight_number,
        origin,
        destination,
        route,
        departure_date,
        departs_at,
        cabin,
        rbd,
        segment_status,
        booked_at,
        booking_channel,
        passenger_count,
        fare_share_eur,
        datediff(departure_date, to_date(booked_at)) as days_booked_ahead,
        source_file
    from segments
)

select * from final
