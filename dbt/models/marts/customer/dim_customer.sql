with customers as (
    select * from {{ ref('stg_identity__golden_customers') }}
),

members as (
    select * from {{ ref('stg_loyalty__members') }}
),

tier_history as (
    select
        loyalty_number,
        count(*) as tiers_held,
        sort_array(collect_list(concat(cast(tier_started_on as string), ' ', tier)))
            as tier_history
    from {{ ref('stg_loyalty__tier_changes') }}
    group by loyalty_number
),

journeys as (
    -- where each booking of the customer starts: its first segment's origin
    select
        customer_id,
        record_locator,
        min_by(origin, seg_id) as journey_origin
    from {{ ref('int_passenger_segments_joined') }}
    group by customer_id, record_locator
),

home_airport as (
    select
        customer_id,
        max_by(journey_origin, struct(journeys_from, journey_origin)) as home_airport
    from (
        select customer_id, journey_origin, count(*) as journeys_from
        from journeys
        group by customer_id, journey_origin
    ) as counted
    group by customer_id
),

consents as (
    select
        customer_id,
        max(case when purpose = 'marketing_email' then is_granted end) as consent_marketing_email,
        max(case when purpose = 'sms' then is_granted end) as consent_sms,
        max(case when purpose = 'profiling' then is_granted end) as consent_profiling,
        max(case when purpose = 'partner_sharing' then is_granted end) as consent_partner_sharing,
        sort_array(collect_list(case when is_granted then purpose end)) as consents_in_force
    from {{ ref('int_consents_resolved_to_customers') }}
    group by customer_id
),

final as (
    select
        customers.customer_id,
        customers.loyalty_number,
        customers.loyalty_number is not null as is_loyalty_member,
        members.tier,
        members.tier_since,
        coalesce(members.tier in ('GOLD', 'PLATINUM'), false) as is_elite,
        case when members.loyalty_number is not null
            then coalesce(tier_history.tiers_held, 1) end as tiers_held,
        tier_history.tier_history,
        members.points_balance,
        coalesce(members.age_band, 'unknown') as age_band,
        members.country,
        members.nationality,
        home_airport.home_airport,
        coalesce(consents.consent_marketing_email, false) as consent_marketing_email,
        coalesce(consents.consent_sms, false) as consent_sms,
        coalesce(consents.consent_profiling, false) as consent_profiling,
        coalesce(consents.consent_partner_sharing, false) as consent_partner_sharing,
        coalesce(consents.consents_in_force, array()) as consents_in_force,
        members.enrolled_at,
        datediff({{ as_of_date() }}, to_date(members.enrolled_at)) as tenure_days,
        customers.record_count,
        customers.sources,
        customers.first_seen_at,
        customers.last_seen_at,
        members.profile_updated_at
    from customers
    left join members
        on customers.loyalty_number = members.loyalty_number
    left join tier_history
        on customers.loyalty_number = tier_history.loyalty_number
    left join home_airport
        on customers.customer_id = home_airport.customer_id
    left join consents
        on customers.customer_id = consents.customer_id
)

select * from final
