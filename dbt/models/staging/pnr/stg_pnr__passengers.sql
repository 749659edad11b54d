with source as (
    select * from {{ source('pnr', 'pnr_passengers') }}
),

renamed as (
    select
        pax_key,
        record_locator,
        pax_id,
        pax_type,
        loyalty_number,
        ticket_number,
        is_lead_passenger,
        nationality,
        has_travel_document,
        _source_file as source_file
    from source
)

select * from renamed
