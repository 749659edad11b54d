with source as (
    select * from {{ source('pnr', 'pnr_bookings') }}
),

renamed as (
    select
        record_locator,
        created_at as booked_at,
        channel as booking_channel,
        office_id,
        is_agency_contact,
        agency_name,
        fop_type as payment_type,
        passenger_count,
        segment_count,
        _source_file as source_file
    from source
)

select * from renamed
