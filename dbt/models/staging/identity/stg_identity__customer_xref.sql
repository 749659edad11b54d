with source as (
    select * from {{ source('identity', 'customer_xref') }}
),

renamed as (
    select
        source_table,
        record_key,
        customer_id,
        matched_by,
        match_weight
    from source
)

select * from renamed
