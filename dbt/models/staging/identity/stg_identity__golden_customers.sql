with source as (
    select * from {{ source('identity', 'golden_customers') }}
),

renamed as (
    select
        customer_id,
        loyalty_number,
        record_count,
        sources,
        first_seen_at,
        last_seen_at
    from source
)

select * from renamed
