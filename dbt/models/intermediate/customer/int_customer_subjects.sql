-- Every consent subject a golden customer can be known by: their loyalty number and the email
-- blind index of each of their records.
with xref as (
    select * from {{ ref('stg_identity__customer_xref') }}
),

by_loyalty as (
    select
        customer_id,
        concat('loyalty:', record_key) as subject_id
    from xref
    where source_table = 'silver.loyalty_members'
),

by_email as (
    select
        xref.customer_id,
        concat('email:', emails.email_bidx) as subject_id
    from xref
    inner join {{ ref('stg_identity__email_subjects') }} as emails
        on xref.source_table = emails.source_table
        and xref.record_key = emails.record_key
),

unioned as (
    select * from by_loyalty
    union
    select * from by_email
)

select * from unioned
