with source as (
    select * from {{ source('feedback', 'feedback_events') }}
),

renamed as (
    select
        concat(case_id, '/', event, '/', cast(event_at as string)) as case_event_id,
        case_id,
        event as case_event,
        event_at,
        team,
        _source_file as source_file
    from source
)

select * from renamed
