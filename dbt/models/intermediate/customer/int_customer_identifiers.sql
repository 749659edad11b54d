-- Identifiers that point at exactly one golden customer, for events that are not clustered by
-- identity resolution themselves (calls, purchases, cases, bag reports, payouts): a loyalty
-- number, an email blind index used by one customer only, or a record locator (its lead
-- passenger). An identifier shared by several customers (an agency mailbox) resolves to none.
with loyalty as (
    select 'loyalty_number' as identifier_type, loyalty_number as identifier, customer_id
    from {{ ref('stg_identity__golden_customers') }}
    where loyalty_number is not null
),

emails as (
    select 'email_bidx' as identifier_type, substring(subject_id, 7) as identifier, customer_id
    from {{ ref('int_customer_subjects') }}
    where subject_id like 'email:%'
),

locators as (
    select
        'record_locator' as identifier_type,
        passengers.record_locator as identifier,
        xref.customer_id
    from {{ ref('stg_pnr__passengers') }} as passengers
    inner join {{ ref('stg_identity__customer_xref') }} as xref
        on xref.source_table = 'silver.pnr_passengers'
        and passengers.pax_key = xref.record_key
    where passengers.is_lead_passenger
),

unioned as (
    select * from loyalty
    union all
    select * from emails
    union all
    select * from locators
),

final as (
    select identifier_type, identifier, max(customer_id) as customer_id
    from unioned
    group by identifier_type, identifier
    having count(distinct customer_id) = 1
)

select * from final
