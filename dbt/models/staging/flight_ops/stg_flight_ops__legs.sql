with source as (
    select * from {{ source('flight_ops', 'flight_legs') }}
),

renamed as (
    select
        concat(flight_number, '/', cast(flight_date as string)) as flight_leg_id,
        carrier,
        flight_number,
        flight_date,
        origin,
        destination,
        scheduled_departure_at,
        scheduled_arrival_at,
        status as leg_status,
        arrival_delay_minutes,
        delay_cause_code,
        gate,
        diverted_to,
        seats
    from source
)

select * from renamed
