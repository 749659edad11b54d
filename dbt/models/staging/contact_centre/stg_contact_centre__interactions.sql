with source as (
    select * from {{ source('contact_centre', 'contact_interactions') }}
),

renamed as (
    select
        interaction_id,
        channel as interaction_channel,
        started_at,
        ended_at,
        agent_id,
        topic,
        csat,
        loyalty_number,
        record_locator,
        email_bidx,
        _source_file as source_file
    from source
)

select * from renamed
