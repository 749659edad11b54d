with source as (
    select * from {{ source('purchases', 'purchase_lines') }}
),

renamed as (
    select
        concat(purchase_id, '/', cast(line_no as string)) as purchase_line_id,
        purchase_id,
        line_no,
        channel as purchase_channel,
        purchased_at,
        loyalty_number,
        email_bidx,
        flight_number,
        flight_date,
        seat,
        sku,
        item_name,
        quantity,
        unit_price,
        amount,
        currency,
        shipment_carrier,
        shipped_on,
        invoice_number,
        _source_file as source_file
    from source
)

select * from renamed
