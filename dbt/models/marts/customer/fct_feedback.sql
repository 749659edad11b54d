-- Complaints, compliments, cases and suggestions with status, response and resolution times,
-- escalations and re-opens, and (once the sentiment model has scored them) sentiment.
with cases as (
    select * from {{ ref('stg_feedback__cases') }}
),

events as (
    select
        case_id,
        count(case when case_event = 'escalated' then 1 end) as escalations,
        count(case when case_event = 'reopened' then 1 end) as reopens,
        count(*) as case_events
    from {{ ref('stg_feedback__events') }}
    group by case_id
),

sla as (
    select * from {{ ref('case_sla_targets') }}
),

disruptions as (
    -- the latest disruption on the case's booking before the case was opened
    select record_locator, flight_number, flight_date, outcome, scheduled_departure_at
    from {{ ref('fct_flights') }}
    where is_disrupted
),

{% if relation_exists('gold', 'feedback_sentiment') %}
sentiment as (
    select record_id as case_id, sentiment, sentiment_score
    from gold.feedback_sentiment
    where source = 'feedback'
),
{% endif %}

final as (
    select
        cases.case_id,
        {{ resolved_customer_id(loyalty=true, email=true, locator=true) }} as customer_id,
        cases.category,
        cases.case_channel,
        cases.priority,
        cases.case_status,
        cases.record_locator,
        cases.opened_at,
        cases.first_response_at,
        cases.escalated_at,
        cases.resolved_at,
        round((unix_timestamp(cases.first_response_at) - unix_timestamp(cases.opened_at))
            / 3600.0, 2) as hours_to_first_response,
        round((unix_timestamp(cases.resolved_at) - unix_timestamp(cases.opened_at))
            / 3600.0, 2) as hours_to_resolution,
        cases.resolved_at is null as is_open,
        sla.first_response_hours as sla_first_response_hours,
        sla.resolution_hours as sla_resolution_hours,
        coalesce(
            (unix_timestamp(coalesce(cases.first_response_at, current_timestamp()))
                - unix_timestamp(cases.opened_at)) / 3600.0 > sla.first_response_hours
            or (unix_timestamp(coalesce(cases.resolved_at, current_timestamp()))
                - unix_timestamp(cases.opened_at)) / 3600.0 > sla.resolution_hours,
            false) as is_sla_breached,
        latest_disruption.flight.flight_number as disruption_flight_number,
        latest_disruption.flight.flight_date as disruption_flight_date,
        latest_disruption.flight.outcome as disruption_outcome,
        coalesce(events.escalations, 0) as escalations,
        coalesce(events.reopens, 0) as reopens,
        cases.team,
        cases.resolution,
        {% if relation_exists('gold', 'feedback_sentiment') %}
        sentiment.sentiment,
        sentiment.sentiment_score,
        {% else %}
        cast(null as string) as sentiment,
        cast(null as double) as sentiment_score,
        {% endif %}
        cases.source_file
    from cases
    left join events
        on cases.case_id = events.case_id
    left join sla
        on cases.priority = sla.priority
    left join (
        select
            disruptions.record_locator,
            cases.case_id,
            max_by(struct(disruptions.flight_number, disruptions.flight_date,
                disruptions.outcome), disruptions.scheduled_departure_at) as flight
        from disruptions
        inner join cases
            on disruptions.record_locator = cases.record_locator
            and disruptions.scheduled_departure_at <= cases.opened_at
        group by disruptions.record_locator, cases.case_id
    ) as latest_disruption
        on cases.case_id = latest_disruption.case_id
    {{ resolve_customer('cases', loyalty_col='loyalty_number', email_bidx_col='email_bidx',
        locator_col='record_locator') }}
    {% if relation_exists('gold', 'feedback_sentiment') %}
    left join sentiment
        on cases.case_id = sentiment.case_id
    {% endif %}
)

select * from final
