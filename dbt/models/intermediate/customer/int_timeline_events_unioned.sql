-- Every interaction and transaction of a customer, one row per event, from each fact and
-- silver source. `source_key` uses the feed's own record key (e.g. `<locator>/<pax_id>`,
-- `<ticket>/<flight>/<yyyymmdd>`) so any row leads back to the landed record.
with bookings as (
    select
        customer_id,
        min(booked_at) as event_at,
        'booking' as event_type,
        max(booking_channel) as channel,
        concat('Booked ', record_locator, ': ',
            concat_ws(', ', collect_list(concat(flight_number, ' ', route))))
            as summary,
        'silver.pnr_passengers' as source_table,
        pax_key as source_key,
        max(source_file) as source_file
    from {{ ref('int_passenger_segments_joined') }}
    where customer_id is not null
    group by customer_id, pax_key, record_locator
),

flights as (
    select
        customer_id,
        coalesce(scheduled_departure_at, cast(flight_date as timestamp)) as event_at,
        case when is_disrupted then 'disruption' else 'flight' end as event_type,
        'airport' as channel,
        concat(flight_number, ' ', route, ' ', replace(outcome, '_', ' '),
            case when arrival_delay_minutes > 0
                then concat(' (', cast(arrival_delay_minutes as string), ' min late)')
                else '' end) as summary,
        'silver.flight_passengers' as source_table,
        concat(ticket_number, '/', flight_number, '/', date_format(flight_date, 'yyyyMMdd'))
            as source_key,
        source_file
    from {{ ref('fct_flights') }}
    where customer_id is not null
),

ancillaries as (
    select
        customer_id,
        cast(flight_date as timestamp) as event_at,
        'ancillary' as event_type,
        'airport' as channel,
        concat(replace(ancillary_type, '_', ' '), ' on ', flight_number, ' (',
            fulfilment_status, ')') as summary,
        'silver.ancillaries' as source_table,
        concat(ticket_number, '/', flight_number, '/', date_format(flight_date, 'yyyyMMdd'),
            '/', ancillary_code) as source_key,
        source_file
    from {{ ref('fct_ancillaries') }}
    where customer_id is not null
),

purchases as (
    select
        customer_id,
        purchased_at as event_at,
        'purchase' as event_type,
        purchase_channel as channel,
        concat(cast(quantity as string), ' x ', item_name, ' (', cast(amount_eur as string),
            ' EUR)') as summary,
        'silver.purchase_lines' as source_table,
        purchase_line_id as source_key,
        source_file
    from {{ ref('fct_purchases') }}
    where customer_id is not null
),

interactions as (
    select
        {{ resolved_customer_id(loyalty=true, email=true, locator=true) }} as customer_id,
        interactions.started_at as event_at,
        interactions.interaction_channel as event_type,
        interactions.interaction_channel as channel,
        coalesce(interactions.topic, interactions.interaction_channel) as summary,
        'silver.contact_interactions' as source_table,
        interactions.interaction_id as source_key,
        interactions.source_file
    from {{ ref('stg_contact_centre__interactions') }} as interactions
    {{ resolve_customer('interactions', loyalty_col='loyalty_number',
        email_bidx_col='email_bidx', locator_col='record_locator') }}
),

case_events as (
    select
        cases.customer_id,
        events.event_at,
        concat('case_', events.case_event) as event_type,
        cases.case_channel as channel,
        concat(cases.category, ' case ', cases.case_id, ' ', events.case_event) as summary,
        'silver.feedback_events' as source_table,
        concat(events.case_id, '/', events.case_event) as source_key,
        events.source_file
    from {{ ref('stg_feedback__events') }} as events
    inner join {{ ref('fct_feedback') }} as cases
        on events.case_id = cases.case_id
    where cases.customer_id is not null
),

bag_reports as (
    select
        {{ resolved_customer_id(email=true, locator=true) }} as customer_id,
        reports.reported_at as event_at,
        'baggage_report' as event_type,
        'airport' as channel,
        concat(initcap(reports.report_type), ' bag ', coalesce(reports.bag_tag, ''), ' on ',
            coalesce(reports.flight_number, '?')) as summary,
        'silver.baggage_reports' as source_table,
        reports.report_id as source_key,
        reports.source_file
    from {{ ref('stg_baggage__reports') }} as reports
    {{ resolve_customer('reports', email_bidx_col='email_bidx', locator_col='record_locator') }}
),

payouts as (
    select
        {{ resolved_customer_id(locator=true) }} as customer_id,
        cast(payouts.paid_on as timestamp) as event_at,
        'compensation_paid' as event_type,
        'finance' as channel,
        concat(coalesce(payouts.regime, 'compensation'), ' ', cast(payouts.amount as string),
            ' ', payouts.currency, ' for ', coalesce(payouts.flight_number, '?')) as summary,
        'silver.compensation_payouts' as source_table,
        payouts.payout_id as source_key,
        payouts.source_file
    from {{ ref('stg_compensation__payouts') }} as payouts
    {{ resolve_customer('payouts', locator_col='record_locator') }}
),

consents as (
    select
        subjects.customer_id,
        events.event_at,
        'consent_change' as event_type,
        events.channel,
        concat(events.purpose, ' ', events.consent_action) as summary,
        'silver.consent_events' as source_table,
        events.consent_event_id as source_key,
        events.source_file
    from {{ ref('stg_consents__events') }} as events
    inner join {{ ref('int_customer_subjects') }} as subjects
        on events.subject_id = subjects.subject_id
),

tiers as (
    select
        customers.customer_id,
        cast(changes.tier_started_on as timestamp) as event_at,
        'tier_change' as event_type,
        'loyalty' as channel,
        concat('Tier ', changes.tier) as summary,
        'silver.loyalty_tier_history' as source_table,
        concat(changes.loyalty_number, '/', changes.tier, '/',
            cast(changes.tier_started_on as string)) as source_key,
        cast(null as string) as source_file
    from {{ ref('stg_loyalty__tier_changes') }} as changes
    inner join {{ ref('stg_identity__golden_customers') }} as customers
        on changes.loyalty_number = customers.loyalty_number
),

unioned as (
    select * from bookings
    union all select * from flights
    union all select * from ancillaries
    union all select * from purchases
    union all select * from interactions where customer_id is not null
    union all select * from case_events
    union all select * from bag_reports where customer_id is not null
    union all select * from payouts where customer_id is not null
    union all select * from consents
    union all select * from tiers
)

select * from unioned
