with source as (
    select * from {{ source('pnr', 'pnr_segments') }}
),

renamed as (
    select
        concat(record_locator, '/', cast(seg_id as string)) as segment_key,
        record_locator,
        seg_id,
        carrier,
        flight_number,
        cast(regexp_extract(flight_number, '([0-9]+)$', 1) as int) as flight_no,
        origin,
        destination,
        departure_date,
        departure_at_utc as departs_at,
        cabin,
        rbd,
        status as segment_status,
        fare_amount,
        fare_currency,
        _source_file as source_file
    from source
)

select * from renamed
