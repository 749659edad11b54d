-- Consent in force per customer and purpose: the latest event across all of the customer's
-- subjects wins; at equal times a withdrawal wins (never act on a consent that was withdrawn).
with events as (
    select
        subjects.customer_id,
        events.*
    from {{ ref('stg_consents__events') }} as events
    inner join {{ ref('int_customer_subjects') }} as subjects
        on events.subject_id = subjects.subject_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by customer_id, purpose
            order by event_at desc, is_granted asc, consent_event_id desc
        ) as recency_rank
    from events
),

final as (
    select
        customer_id,
        purpose,
        is_granted,
        event_at as decided_at,
        channel as decided_via,
        policy_version
    from ranked
    where recency_rank = 1
)

select * from final
