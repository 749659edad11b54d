with source as (
    select * from {{ source('pnr', 'pnr_service_requests') }}
),

renamed as (
    select
        concat(record_locator, '/', cast(pax_id as string)) as pax_key,
        record_locator,
        pax_id,
        seg_id,
        ssr_code,
        ssr_text,
        _source_file as source_file
    from source
)

select * from renamed
