with source as (
    select * from {{ source('baggage', 'baggage_reports') }}
),

renamed as (
    select
        report_id,
        reported_at,
        station,
        report_type,
        bag_tag,
        record_locator,
        flight_number,
        flight_date,
        email_bidx,
        status as report_status,
        _source_file as source_file
    from source
)

select * from renamed
