with source as (
    select * from {{ source('silver', 'loyalty_tier_history') }}
),

renamed as (
    select
        loyalty_number,
        tier,
        tier_since as tier_started_on
    from source
)

select * from renamed
