-- One wide row per customer for the CMP and analysts (read by customer_id through Trino).
-- Z-ordered by customer_id so a point lookup reads one small file range (min/max skipping).
{{ config(post_hook="optimize {{ this }} zorder by (customer_id)") }}
with customers as (
    select * from {{ ref('dim_customer') }}
),

travel as (
    select * from {{ ref('int_customer_travel_summarised') }}
),

preferences as (
    select
        customer_id,
        max(case when preference = 'seat' then coalesce(observed_choice, stated_choice) end)
            as seat_preference,
        max(case when preference = 'meal' then coalesce(stated_choice, observed_choice) end)
            as meal_preference,
        max(case when preference = 'drink' then observed_choice end) as drink_preference
    from {{ ref('dim_customer_preferences') }}
    group by customer_id
),

interactions as (
    select
        customer_id,
        count(case when event_type in ('call', 'email', 'chat', 'social_dm') then 1 end)
            as interactions_total,
        count(case when event_type = 'call' then 1 end) as calls,
        count(case when event_type = 'email' then 1 end) as emails,
        count(case when event_type = 'chat' then 1 end) as chats,
        max(case when event_type in ('call', 'email', 'chat', 'social_dm') then event_at end)
            as last_interaction_at
    from {{ ref('fct_customer_timeline') }}
    group by customer_id
),

cases as (
    select
        customer_id,
        count(*) as cases_total,
        count(case when is_open then 1 end) as open_cases,
        count(case when category = 'complaint' then 1 end) as complaints
    from {{ ref('fct_feedback') }}
    where customer_id is not null
    group by customer_id
),

disruptions as (
    select
        customer_id,
        max(flight_date) as last_disruption_on,
        max_by(concat(flight_number, ' ', outcome), flight_date) as last_disruption
    from {{ ref('fct_flights') }}
    where is_disrupted and customer_id is not null
    group by customer_id
),

compensation as (
    select customer_id, sum(amount_eur) as compensation_paid_eur
    from (
        select
            {{ resolved_customer_id(locator=true) }} as customer_id,
            payouts.amount * fx.eur_per_unit as amount_eur
        from {{ ref('stg_compensation__payouts') }} as payouts
        {{ resolve_customer('payouts', locator_col='record_locator') }}
        left join {{ ref('fx_rates_to_eur') }} as fx
            on payouts.currency = fx.currency
    ) as paid
    where customer_id is not null
    group by customer_id
),
{% if relation_exists('gold', 'customer_scores') %}

scores as (
    select customer_id, map_from_entries(collect_list(struct(model_name, score))) as scores
    from gold.customer_scores
    group by customer_id
),
{% endif %}

final as (
    select
        customers.customer_id,
        customers.loyalty_number,
        customers.is_loyalty_member,
        customers.tier,
        customers.is_elite,
        customers.points_balance,
        customers.age_band,
        customers.country,
        customers.home_airport,
        customers.consents_in_force,
        customers.consent_marketing_email,
        coalesce(travel.trips_total, 0) as trips_total,
        coalesce(travel.flights_total, 0) as flights_total,
        coalesce(travel.flights_last_12m, 0) as flights_last_12m,
        coalesce(travel.flights_per_year, 0) as flights_per_year,
        coalesce(travel.upcoming_flights, 0) as upcoming_flights,
        travel.first_flight_on,
        travel.last_flight_on,
        travel.days_since_last_flight,
        coalesce(travel.top_routes, array()) as top_routes,
        coalesce(travel.business_cabin_share, 0) as business_cabin_share,
        coalesce(travel.premium_cabin_share, 0) as premium_cabin_share,
        coalesce(travel.revenue_total_eur, 0) as revenue_total_eur,
        coalesce(travel.revenue_last_12m_eur, 0) as revenue_last_12m_eur,
        coalesce(travel.family_bookings, 0) as family_bookings,
        preferences.seat_preference,
        preferences.meal_preference,
        preferences.drink_preference,
        coalesce(interactions.interactions_total, 0) as interactions_total,
        coalesce(interactions.calls, 0) as calls,
        coalesce(interactions.emails, 0) as emails,
        coalesce(interactions.chats, 0) as chats,
        interactions.last_interaction_at,
        coalesce(cases.cases_total, 0) as cases_total,
        coalesce(cases.open_cases, 0) as open_cases,
        coalesce(cases.complaints, 0) as complaints,
        disruptions.last_disruption,
        disruptions.last_disruption_on,
        datediff({{ as_of_date() }}, disruptions.last_disruption_on)
            as days_since_last_disruption,
        round(coalesce(compensation.compensation_paid_eur, 0), 2) as compensation_paid_eur,
        {% if relation_exists('gold', 'customer_scores') %}
        scores.scores,
        {% else %}
        cast(null as map<string, double>) as scores,
        {% endif %}
        customers.first_seen_at,
        customers.last_seen_at,
        {{ as_of_date() }} as as_of_date
    from customers
    left join travel
        on customers.customer_id = travel.customer_id
    left join preferences
        on customers.customer_id = preferences.customer_id
    left join interactions
        on customers.customer_id = interactions.customer_id
    left join cases
        on customers.customer_id = cases.customer_id
    left join disruptions
        on customers.customer_id = disruptions.customer_id
    left join compensation
        on customers.customer_id = compensation.customer_id
    {% if relation_exists('gold', 'customer_scores') %}
    left join scores
        on customers.customer_id = scores.customer_id
    {% endif %}
)

select * from final
