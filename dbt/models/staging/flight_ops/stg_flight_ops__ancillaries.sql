with source as (
    select * from {{ source('flight_ops', 'ancillaries') }}
),

renamed as (
    select
        concat(record_locator, '/', ticket_number, '/', flight_number, '/',
            cast(flight_date as string), '/', ancillary_code) as ancillary_id,
        concat(record_locator, '/', ticket_number) as pax_key,
        record_locator,
        ticket_number,
        carrier,
        flight_number,
        flight_date,
        ancillary_code,
        price,
        currency,
        status as fulfilment_status,
        _source_file as source_file
    from source
)

select * from renamed
