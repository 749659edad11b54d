with source as (
    select * from {{ source('compensation', 'compensation_payouts') }}
),

renamed as (
    select
        payout_id,
        paid_on,
        amount,
        currency,
        reason_code,
        regime,
        cause,
        flight_number,
        flight_date,
        record_locator,
        _source_file as source_file
    from source
)

select * from renamed
