with source as (
    select * from {{ source('feedback', 'feedback_cases') }}
),

renamed as (
    select
        case_id,
        category,
        channel as case_channel,
        priority,
        status as case_status,
        loyalty_number,
        record_locator,
        email_bidx,
        opened_at,
        first_response_at,
        escalated_at,
        resolved_at,
        team,
        resolution,
        _source_file as source_file
    from source
)

select * from renamed
