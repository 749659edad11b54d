-- Web-shop and in-flight purchases per order line, with the buyer's golden customer and EUR
-- amount. The buyer is found per line (loyalty number, else an email blind index of one
-- customer), then shared by every line of the same order, and for in-flight orders also from
-- the seat: the passenger who flew in that seat on that flight.
with lines as (
    select * from {{ ref('stg_purchases__lines') }}
),

fx as (
    select * from {{ ref('fx_rates_to_eur') }}
),

by_line as (
    select
        lines.*,
        {{ resolved_customer_id(loyalty=true, email=true) }} as line_customer_id
    from lines
    {{ resolve_customer('lines', loyalty_col='loyalty_number', email_bidx_col='email_bidx') }}
),

by_order as (
    select purchase_id, max(line_customer_id) as order_customer_id
    from by_line
    where line_customer_id is not null
    group by purchase_id
    having count(distinct line_customer_id) = 1
),

by_seat as (
    select flight_number, flight_date, seat, max(customer_id) as seat_customer_id
    from {{ ref('fct_flights') }}
    where seat is not null and customer_id is not null and flown_status = 'flown'
    group by flight_number, flight_date, seat
    having count(distinct customer_id) = 1
),

final as (
    select
        by_line.purchase_line_id,
        coalesce(by_line.line_customer_id, by_order.order_customer_id, by_seat.seat_customer_id)
            as customer_id,
        case
            when by_line.line_customer_id is not null then 'line_identifier'
            when by_order.order_customer_id is not null then 'same_order'
            when by_seat.seat_customer_id is not null then 'seat_flown'
        end as customer_matched_by,
        by_line.purchase_id,
        by_line.line_no,
        by_line.purchase_channel,
        by_line.purchased_at,
        by_line.flight_number,
        by_line.flight_date,
        by_line.seat,
        by_line.sku,
        by_line.item_name,
        by_line.quantity,
        by_line.unit_price,
        by_line.amount,
        by_line.currency,
        round(by_line.amount * fx.eur_per_unit, 2) as amount_eur,
        by_line.shipment_carrier,
        by_line.shipped_on,
        by_line.invoice_number,
        by_line.source_file
    from by_line
    left join by_order
        on by_line.purchase_id = by_order.purchase_id
    left join by_seat
        on by_line.purchase_channel = 'inflight'
        and by_line.flight_number = by_seat.flight_number
        and by_line.flight_date = by_seat.flight_date
        and by_line.seat = by_seat.seat
    left join fx
        on by_line.currency = fx.currency
)

select * from final
