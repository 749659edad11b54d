-- Travel history per customer as of the data's as-of date: trips, flights, recency, cabin mix,
-- revenue, top routes and family travel. Segments departing after the as-of date are upcoming.
with segments as (
    select
        *,
        departure_date <= {{ as_of_date() }} as has_departed,
        departure_date > date_sub({{ as_of_date() }}, 365) as is_last_12m
    from {{ ref('fct_bookings') }}
    where segment_status is null or segment_status not in ('XX', 'HX', 'UN', 'NO')
),

families as (
    select record_locator
    from {{ ref('stg_pnr__passengers') }}
    group by record_locator
    having max(case when pax_type in ('CHD', 'INF') then 1 else 0 end) = 1
),

route_counts as (
    select customer_id, route, count(*) as flights_on_route
    from segments
    where has_departed
    group by customer_id, route
),

top_routes as (
    select
        customer_id,
        transform(
            slice(sort_array(collect_list(struct(-flights_on_route as rank_key, route))), 1, 3),
            r -> r.route
        ) as top_routes
    from route_counts
    group by customer_id
),

summarised as (
    select
        segments.customer_id,
        count(distinct case when has_departed then segments.record_locator end) as trips_total,
        count(case when has_departed then 1 end) as flights_total,
        count(case when has_departed and is_last_12m then 1 end) as flights_last_12m,
        count(case when not has_departed then 1 end) as upcoming_flights,
        max(case when has_departed then departure_date end) as last_flight_on,
        min(case when has_departed then departure_date end) as first_flight_on,
        avg(case when has_departed then cast(cabin = 'J' or cabin = 'F' as int) end)
            as business_cabin_share,
        avg(case when has_departed then cast(cabin in ('F', 'J', 'W') as int) end)
            as premium_cabin_share,
        coalesce(sum(fare_share_eur), 0) as revenue_total_eur,
        coalesce(sum(case when is_last_12m then fare_share_eur end), 0) as revenue_last_12m_eur,
        count(distinct families.record_locator) as family_bookings
    from segments
    left join families
        on segments.record_locator = families.record_locator
    group by segments.customer_id
),

final as (
    select
        summarised.*,
        datediff({{ as_of_date() }}, last_flight_on) as days_since_last_flight,
        round(flights_total * 365.0
            / greatest(datediff({{ as_of_date() }}, first_flight_on) + 1, 365), 2)
            as flights_per_year,
        coalesce(top_routes.top_routes, array()) as top_routes
    from summarised
    left join top_routes
        on summarised.customer_id = top_routes.customer_id
)

select * from final
