-- Web-shop and in-flight purchases per order line, with the buyer's golden customer and EUR amount.
with lines as (
    select * from {{ ref('stg_purchases__lines') }}
),

fx as (
    select * from {{ ref('fx_rates_to_eur') }}
),

final as (
    select
        lines.purchase_line_id,
        {{ resolved_customer_id(loyalty=true, email=true) }} as customer_id,
        lines.purchase_id,
        lines.line_no,
        lines.purchase_channel,
        lines.purchased_at,
        lines.flight_number,
        lines.flight_date,
        lines.seat,
        lines.sku,
        lines.item_name,
        lines.quantity,
        lines.unit_price,
        lines.amount,
        lines.currency,
        round(lines.amount * fx.eur_per_unit, 2) as amount_eur,
        lines.shipment_carrier,
        lines.shipped_on,
        lines.invoice_number,
        lines.source_file
    from lines
    {{ resolve_customer('lines', loyalty_col='loyalty_number', email_bidx_col='email_bidx') }}
    left join fx
        on lines.currency = fx.currency
)

select * from final
