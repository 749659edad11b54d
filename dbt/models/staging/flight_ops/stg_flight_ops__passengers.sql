with source as (
    select * from {{ source('flight_ops', 'flight_passengers') }}
),

renamed as (
    select
        concat(pax_key, '/', flight_number, '/', cast(flight_date as string))
            as flight_passenger_id,
        pax_key,
        record_locator,
        ticket_number,
        carrier,
        flight_number,
        flight_date,
        origin,
        destination,
        cabin,
        rbd,
        seat,
        flown_status,
        rebooked_from,
        bag_count,
        bag_tags,
        loyalty_number,
        _source_file as source_file
    from source
)

select * from renamed
