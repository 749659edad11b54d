with members as (
    select * from {{ ref('stg_loyalty__members') }}
),

tier_changes as (
    select
        loyalty_number,
        count(*) as tiers_held
    from {{ ref('stg_loyalty__tier_changes') }}
    group by loyalty_number
),

final as (
    select
        concat('CUST-', members.loyalty_number) as customer_id,
        members.loyalty_number,
        members.tier,
        members.tier_since,
        members.tier in ('GOLD', 'PLATINUM') as is_elite,
        coalesce(tier_changes.tiers_held, 1) as tiers_held,
        members.points_balance,
        members.age_band,
        members.country,
        members.nationality,
        members.enrolled_at,
        datediff(current_date(), to_date(members.enrolled_at)) as tenure_days,
        members.profile_updated_at
    from members
    left join tier_changes
        on members.loyalty_number = tier_changes.loyalty_number
)

select * from final
