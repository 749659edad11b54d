-- One row per passenger and booked segment, with the golden customer and the passenger's share
-- of the segment fare in EUR (PNR fares are per segment for the whole party).
with passengers as (
    select * from {{ ref('stg_pnr__passengers') }}
),

segments as (
    select * from {{ ref('stg_pnr__segments') }}
),

bookings as (
    select * from {{ ref('stg_pnr__bookings') }}
),

xref as (
    select * from {{ ref('stg_identity__customer_xref') }}
    where source_table = 'silver.pnr_passengers'
),

fx as (
    select * from {{ ref('fx_rates_to_eur') }}
),

joined as (
    select
        concat(passengers.pax_key, '/', cast(segments.seg_id as string)) as booking_segment_id,
        xref.customer_id,
        passengers.pax_key,
        passengers.record_locator,
        passengers.pax_id,
        passengers.pax_type,
        passengers.ticket_number,
        passengers.loyalty_number,
        segments.seg_id,
        segments.carrier,
        segments.flight_number,
        segments.flight_no,
        segments.origin,
        segments.destination,
        concat(segments.origin, '-', segments.destination) as route,
        segments.departure_date,
        segments.departs_at,
        segments.cabin,
        segments.rbd,
        segments.segment_status,
        bookings.booked_at,
        bookings.booking_channel,
        bookings.passenger_count,
        round(segments.fare_amount * fx.eur_per_unit / bookings.passenger_count, 2)
            as fare_share_eur,
        segments.source_file
    from passengers
    inner join segments
        on passengers.record_locator = segments.record_locator
    inner join bookings
        on passengers.record_locator = bookings.record_locator
    left join xref
        on passengers.pax_key = xref.record_key
    left join fx
        on segments.fare_currency = fx.currency
)

select * from joined
