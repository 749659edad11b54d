with source as (
    select * from {{ source('consents', 'consent_events') }}
),

renamed as (
    select
        event_id as consent_event_id,
        subject_id,
        subject_type,
        purpose,
        action as consent_action,
        is_granted,
        event_at,
        channel,
        policy_version,
        _source_file as source_file
    from source
)

select * from renamed
