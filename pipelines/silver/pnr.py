"""Silver PNRs: ``pnr_bookings`` (one row per locator), ``pnr_passengers``, ``pnr_segments``.

Bronze keeps each PNR whole, with passengers, segments, SSRs, contact and form of payment as JSON
text; silver parses them with fixed schemas (a field that does not fit becomes null and is
caught by a check, it never fails the batch), conforms values (``pipelines.silver.conform``) and
splits the record into three tables keyed by locator, locator + pax_id and locator + seg_id.

Duplicates: the latest landed copy of a locator wins (file name, then line; feed files are named
by date, so a late file of an older day never overwrites a newer copy: the MERGE only updates
when ``_record_version`` is greater). Rows failing a critical check go to
``quarantine.records`` with the check's name as reason.

Privacy: the form of payment keeps its type and brand only (no masked PAN, no token). A
passenger's names, date of birth, email, phone and passport (from SSR DOCS) are stored only
encrypted under the passenger record's subject key ``<locator>/<pax_id>`` (identity resolution
maps subjects to customers later), with the same blind indexes as loyalty so the two join. A
booking's contact is the lead passenger's when the contact type is ``passenger``; an agency's
contact details are not personal data of the traveller and only the agency name is kept.
"""

from __future__ import annotations

from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.silver.conform import (
    ConformReport,
    clean,
    is_iso_currency,
    is_known_airport,
    latest_by,
    local_to_utc,
    merge_counting,
    person_name,
    phone_e164,
    quarantine_rows,
    record_version,
    split_checks,
    utc_timestamp,
)
from pipelines.silver.merge import SilverReport, append_quarantine, stream_bronze
from pipelines.spark import table_path

TABLES = ("pnr_bookings", "pnr_passengers", "pnr_segments")
NESTED = {
    "passengers": "array<struct<pax_id:int, first_name:string, last_name:string, type:string, "
                  "loyalty_number:string, ticket_number:string, email:string, phone:string, "
                  "date_of_birth:string>>",
    "segments": "array<struct<seg_id:int, carrier:string, flight_number:string, origin:string, "
                "destination:string, departure_date:string, departure_time:string, "
                "cabin:string, rbd:string, status:string, "
                "fare:struct<amount:string, currency:string>>>",
    "ssrs": "array<struct<code:string, pax_id:int, seg_id:int, text:string>>",
    "contact": "struct<type:string, agency:string, email:string, phone:string>",
    "form_of_payment": "struct<type:string, brand:string, agency_iata:string>",
}
PII = ["first_name", "last_name", "date_of_birth", "email", "phone", "passport_number"]
BLIND_INDEXES = {"email": ["email"], "phone": ["phone"], "passport_number": ["passport_number"],
                 "name_dob": ["last_name", "first_name", "date_of_birth"]}
LINEAGE = ["_record_version", "_source_file", "_line", "_ingested_at", "_batch_id"]


def transform_pnr_bookings(bronze_df):
    """Parse and check bronze PNRs; return ``(bookings, rejects)``, duplicates not yet removed.

    ``bookings`` keeps the parsed nested arrays for the passenger and segment transforms.
    """
    from pyspark.sql import functions as F

    contact, fop = F.col("contact"), F.col("form_of_payment")
    parsed = bronze_df.select(
        F.upper(clean("record_locator")).alias("record_locator"),
        utc_timestamp("created_at").alias("created_at"),
        F.lower(clean("channel")).alias("channel"),
        F.upper(clean("office_id")).alias("office_id"),
        *[F.from_json(clean(c), schema).alias(c) for c, schema in NESTED.items()],
        record_version().alias("_record_version"),
        "_source_file", "_line", "_ingested_at", "_batch_id",
    ).select(
        "*",
        F.lower(contact["type"]).alias("contact_type"),
        (F.lower(contact["type"]) == "agency").alias("is_agency_contact"),
        F.when(F.lower(contact["type"]) == "agency", F.trim(contact["agency"])).alias(
            "agency_name"),
        F.upper(fop["type"]).alias("fop_type"),
        F.upper(fop["brand"]).alias("fop_brand"),
        fop["agency_iata"].alias("agency_iata"),
        F.size("passengers").alias("passenger_count"),
        F.size("segments").alias("segment_count"),
    )
    return split_checks(parsed, [
        ("record_locator_not_null", "record_locator", F.col("record_locator").isNull()),
        ("record_locator_format", "record_locator", ~F.col("record_locator").rlike(
            "^[A-Z0-9]{6}$")),
        ("created_at_parseable", "created_at", F.col("created_at").isNull()),
        ("passengers_parseable", "passengers", F.col("passenger_count") < 1),
        ("segments_parseable", "segments", F.col("segment_count") < 1),
    ], F.col("record_locator"))


def latest_bookings(bookings_df):
    """One row per locator: the copy landed last (file name, then line)."""
    from pyspark.sql import functions as F

    return latest_by(bookings_df, ["record_locator"], F.col("_record_version").desc())


def booking_rows(bookings_df):
    return bookings_df.select(
        "record_locator", "created_at", "channel", "office_id", "contact_type",
        "is_agency_contact", "agency_name", "fop_type", "fop_brand", "agency_iata",
        "passenger_count", "segment_count", "_record_version", "_source_file", "_ingested_at")


def _docs(bookings_df):
    """First SSR DOCS per passenger: ``P/<issuer>/<number>/<nationality>/<ddMMMyy>/<sex>/...``.

    Two-digit birth years are placed in the century that puts them on or before the booking.
    """
    from pyspark.sql import functions as F

    ssrs = bookings_df.select("record_locator", "created_at",
                              F.posexplode("ssrs").alias("_pos", "ssr"))
    parts = F.split(F.col("ssr.text"), "/")
    dob = F.regexp_extract(parts[4], r"^(\d{2})([A-Za-z]{3})(\d{2})$", 0)
    yy = F.substring(dob, 6, 2).try_cast("int")
    century = F.when(yy <= F.year("created_at") % 100, F.lit(2000)).otherwise(F.lit(1900))
    docs = ssrs.where(F.upper("ssr.code") == "DOCS").select(
        "record_locator", F.col("ssr.pax_id").alias("pax_id"), "_pos",
        F.when(F.upper(F.trim(parts[0])) == "P", F.upper(F.regexp_replace(
            parts[2], "[^A-Za-z0-9]", ""))).alias("passport_number"),
        F.upper(F.trim(parts[1])).alias("document_country"),
        F.upper(F.trim(parts[3])).alias("nationality"),
        F.try_to_date(F.concat(F.substring(dob, 1, 2), F.initcap(F.substring(dob, 3, 3)),
                               (century + yy).cast("string")), "ddMMMyyyy")
        .alias("docs_dob"),
        F.nullif(F.trim(parts[4]), F.lit("")).alias("_raw_docs_dob"),
    )
    return latest_by(docs, ["record_locator", "pax_id"], F.col("_pos")).drop("_pos")


def transform_pnr_passengers(bookings_df):
    """One row per locator + pax_id with clear PII still in; return ``(passengers, rejects)``.

    The caller must encrypt (:func:`protect_passengers`) before writing.
    """
    from pyspark.sql import functions as F

    pax = bookings_df.select(
        "record_locator", "contact", *LINEAGE,
        F.array_min("passengers.pax_id").alias("_lead"), F.explode("passengers").alias("p"))
    is_contact = (F.col("p.pax_id") == F.col("_lead")) & (F.lower("contact.type") == "passenger")
    region = F.when(F.length("nationality") == 2, F.col("nationality"))
    raw_phone = F.coalesce(F.nullif(F.trim("p.phone"), F.lit("")),
                           F.when(is_contact, F.trim("contact.phone")))
    docs = _docs(bookings_df).alias("d")
    typed = pax.alias("x").join(docs, (F.col("x.record_locator") == F.col("d.record_locator"))
                                & (F.col("x.p.pax_id") == F.col("d.pax_id")), "left").select(
        F.col("x.record_locator").alias("record_locator"), F.col("p.pax_id").alias("pax_id"),
        F.concat_ws("/", "x.record_locator", F.col("p.pax_id").cast("string")).alias("pax_key"),
        F.upper(F.trim("p.type")).alias("pax_type"),
        F.upper(F.nullif(F.trim("p.loyalty_number"), F.lit(""))).alias("loyalty_number"),
        F.nullif(F.regexp_replace("p.ticket_number", r"\D", ""), F.lit("")).alias(
            "ticket_number"),
        (F.col("p.pax_id") == F.col("_lead")).alias("is_lead_passenger"),
        person_name(F.col("p.first_name")).alias("first_name"),
        person_name(F.col("p.last_name")).alias("last_name"),
        F.coalesce(F.try_to_date(F.trim("p.date_of_birth")), F.col("docs_dob")).alias(
            "date_of_birth"),
        F.lower(F.coalesce(F.nullif(F.trim("p.email"), F.lit("")),
                           F.when(is_contact, F.trim("contact.email")))).alias("email"),
        raw_phone.alias("_raw_phone"), region.alias("_region"),
        "passport_number", "nationality", "document_country", "_raw_docs_dob",
        *[F.col(f"x.{c}").alias(c) for c in LINEAGE])
    e164 = phone_e164(F.col("_raw_phone"), F.col("_region"))
    typed = typed.withColumn("_e164", e164).withColumns({
        "phone": F.coalesce("_e164", F.regexp_replace("_raw_phone", r"[^0-9+]", "")),
        "phone_is_e164": F.when(F.col("_raw_phone").isNotNull(), F.col("_e164").isNotNull()),
        "has_travel_document": F.col("passport_number").isNotNull(),
    }).drop("_e164", "_raw_phone", "_region")
    return split_checks(typed, [
        ("pax_id_not_null", "pax_id", F.col("pax_id").isNull()),
        ("passenger_name_not_null", "last_name", F.col("last_name").isNull()),
    ], F.concat_ws("/", "record_locator", F.col("pax_id").cast("string")))


def impossible_dob_warnings(passengers_df):
    """Quarantine-shaped warnings for DOCS birth dates that are not dates (stored as null)."""
    from pyspark.sql import functions as F

    return passengers_df.where(F.col("date_of_birth").isNull()
                               & F.col("_raw_docs_dob").isNotNull()).select(
        F.lit("date_of_birth").alias("field"), F.lit("warning:date_of_birth_valid").alias(
            "reason"), F.col("pax_key").alias("raw"), "_source_file", "_line", "_ingested_at",
        "_batch_id")


def protect_passengers(passengers_df, settings: Settings):
    """Encrypt the passengers' PII under ``pax_key`` and add blind indexes; none stays clear."""
    from privacy.columns import encrypt_columns

    protected = encrypt_columns(passengers_df.drop("_raw_docs_dob", "_line", "_batch_id"),
                                "pax_key", PII, settings, BLIND_INDEXES)
    clear = sorted(set(PII) & set(protected.columns))
    if clear:
        raise LakehouseError(f"silver.pnr_passengers: PII still in clear: {clear}",
                             "check pipelines.silver.pnr.PII")
    return protected


def transform_pnr_segments(bookings_df):
    """One row per locator + seg_id, airports and currency checked; ``(segments, rejects)``."""
    from pyspark.sql import functions as F

    seg = bookings_df.select("record_locator", *LINEAGE, F.explode("segments").alias("s"))
    typed = seg.select(
        "record_locator", F.col("s.seg_id").alias("seg_id"),
        F.upper(F.trim("s.carrier")).alias("carrier"),
        F.upper(F.regexp_replace("s.flight_number", r"\s", "")).alias("flight_number"),
        F.upper(F.trim("s.origin")).alias("origin"),
        F.upper(F.trim("s.destination")).alias("destination"),
        F.try_to_date(F.trim("s.departure_date")).alias("departure_date"),
        F.trim("s.departure_time").alias("departure_time_local"),
        F.upper(F.trim("s.cabin")).alias("cabin"), F.upper(F.trim("s.rbd")).alias("rbd"),
        F.upper(F.trim("s.status")).alias("status"),
        F.trim("s.fare.amount").try_cast("decimal(12,2)").alias("fare_amount"),
        F.upper(F.trim("s.fare.currency")).alias("fare_currency"), *LINEAGE)
    typed = typed.withColumn("departure_at_utc", local_to_utc(
        F.col("departure_date"), F.col("departure_time_local"), F.col("origin")))
    return split_checks(typed, [
        ("seg_id_not_null", "seg_id", F.col("seg_id").isNull()),
        ("origin_iata_known", "origin", ~is_known_airport(F.col("origin"))),
        ("destination_iata_known", "destination", ~is_known_airport(F.col("destination"))),
        ("departure_date_parseable", "departure_date", F.col("departure_date").isNull()),
        ("fare_currency_iso4217", "fare_currency", F.col("fare_amount").isNotNull()
         & ~is_iso_currency(F.col("fare_currency"))),
    ], F.concat_ws("/", "record_locator", F.col("seg_id").cast("string")))


def _count_split(report: ConformReport, read: int, kept: int, quarantined: int) -> None:
    report.read += read
    report.merged += kept
    report.quarantined += quarantined
    report.duplicates += read - kept - quarantined


def build_silver_pnr(spark, settings: Settings) -> dict[str, ConformReport]:
    """Stream new bronze PNRs into the three silver PNR tables; return their counts."""
    from pyspark.sql import functions as F

    reports = {t: ConformReport(table=t) for t in TABLES}

    def merge(df, table: str, keys: list[str]) -> int:
        return merge_counting(spark, df, table_path(settings, "silver", table), keys,
                              newer_than="_record_version")

    def handle(batch_df, batch_id: int, _: SilverReport) -> None:
        parsed, booking_rejects = transform_pnr_bookings(batch_df)
        bookings = latest_bookings(parsed).persist()
        pax, pax_rejects = transform_pnr_passengers(bookings)
        pax = pax.persist()
        pax_kept = latest_by(pax, ["record_locator", "pax_id"], F.col("_record_version").desc())
        segs, seg_rejects = transform_pnr_segments(bookings)
        segs_kept = latest_by(segs, ["record_locator", "seg_id"],
                              F.col("_record_version").desc()).drop("_line", "_batch_id")
        counts = {t: (n_read, n_kept, n_bad) for t, n_read, n_kept, n_bad in (
            ("pnr_bookings", batch_df.count(), bookings.count(), booking_rejects.count()),
            ("pnr_passengers", bookings.agg(F.sum("passenger_count")).first()[0] or 0,
             pax_kept.count(), pax_rejects.count()),
            ("pnr_segments", bookings.agg(F.sum("segment_count")).first()[0] or 0,
             segs_kept.count(), seg_rejects.count()))}
        warnings = impossible_dob_warnings(pax_kept)
        reports["pnr_passengers"].warnings += warnings.count()
        reports["pnr_bookings"].inserted += merge(booking_rows(bookings), "pnr_bookings",
                                                  ["record_locator"])
        reports["pnr_passengers"].inserted += merge(
            protect_passengers(pax_kept, settings), "pnr_passengers", ["record_locator", "pax_id"])
        reports["pnr_segments"].inserted += merge(segs_kept, "pnr_segments",
                                                  ["record_locator", "seg_id"])
        quarantine = (quarantine_rows(booking_rejects, "pnr", "pnr_bookings")
                      .unionByName(quarantine_rows(pax_rejects, "pnr", "pnr_passengers"))
                      .unionByName(quarantine_rows(seg_rejects, "pnr", "pnr_segments"))
                      .unionByName(quarantine_rows(warnings, "pnr", "pnr_passengers")))
        append_quarantine(settings, quarantine, "silver.pnr", batch_id)
        for table, (n_read, n_kept, n_bad) in counts.items():
            _count_split(reports[table], n_read, n_kept, n_bad)
        pax.unpersist()
        bookings.unpersist()

    stream_bronze(spark, settings, "pnr_bookings", "pnr", handle)
    return reports
