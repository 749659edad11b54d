-- Every interaction and transaction of a customer in one chronological table.
-- Z-ordered by customer_id: "a customer's timeline" reads a narrow file range through Trino.
{{ config(post_hook="optimize {{ this }} zorder by (customer_id)") }}
with events as (
    select * from {{ ref('int_timeline_events_unioned') }}
),

final as (
    select
        sha2(concat_ws('|', source_table, source_key, event_type, customer_id), 256)
            as timeline_event_id,
        customer_id,
        row_number() over (
            partition by customer_id
            order by event_at, event_type, source_key
        ) as sequence_no,
        event_at,
        event_type,
        channel,
        summary,
        source_table,
        source_key,
        source_file
    from events
)

select * from final
