with source as (
    select * from {{ source('silver', 'loyalty_members') }}
),

renamed as (
    select
        loyalty_number,
        tier,
        tier_since,
        points_balance,
        age_band,
        country,
        nationality,
        enrolled_at,
        updated_at as profile_updated_at
    from source
)

select * from renamed
