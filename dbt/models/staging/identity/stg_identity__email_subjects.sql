-- Email blind indexes of the records identity resolution clusters: how a consent given by
-- email (subject `email:<index>`) finds its golden customer. Blind indexes only, never emails.
with members as (
    select
        'silver.loyalty_members' as source_table,
        loyalty_number as record_key,
        email_bidx
    from {{ source('silver', 'loyalty_members') }}
),

passengers as (
    select
        'silver.pnr_passengers' as source_table,
        pax_key as record_key,
        email_bidx
    from {{ source('pnr', 'pnr_passengers') }}
),

unioned as (
    select * from members
    union all
    select * from passengers
)

select * from unioned where email_bidx is not null
