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
        case
            when members.date_of_birth is null then 'unknown'
            when floor(months_between(current_date(), members.date_of_birth) / 12) < 25 then '18-24'
            when floor(months_between(current_date(), members.date_of_birth) / 12) < 35 then '25-34'
            when floor(months_between(current_date(), members.date_of_birth) / 12) < 50 then '35-49'
            when floor(months_between(current_date(), members.date_of_birth) / 12) < 65 then '50-64'
            else '65+'
        end as age_band,
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
