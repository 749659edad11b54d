"""Every silver build, in order, as the ``silver`` step runs them.

Loyalty first (members are the subjects other tables link to), then bookings and the sources
that refer to them. Each build streams only bronze rows it has not seen (checkpoints), so the
whole step is cheap to re-run.
"""

from __future__ import annotations

from pipelines.config import Settings


def builds():
    from pipelines.silver.baggage import build_silver_baggage
    from pipelines.silver.compensation import build_silver_compensation
    from pipelines.silver.consents import build_silver_consents
    from pipelines.silver.contact_centre import build_silver_contact_centre
    from pipelines.silver.feedback import build_silver_feedback
    from pipelines.silver.flight_ops import build_silver_flight_ops
    from pipelines.silver.pnr import build_silver_pnr
    from pipelines.silver.pnr_service_requests import build_silver_pnr_service_requests
    from pipelines.silver.purchases import build_silver_purchases
    from pipelines.silver.social import build_silver_social

    return (build_silver_pnr, build_silver_consents, build_silver_pnr_service_requests,
            build_silver_flight_ops, build_silver_contact_centre, build_silver_purchases,
            build_silver_feedback, build_silver_baggage, build_silver_compensation,
            build_silver_social)


def build_all_silver(spark, settings: Settings) -> dict[str, dict]:
    """Run every silver build; ``{table: counts}``."""
    from pipelines.silver.loyalty import build_silver_loyalty

    reports = {"loyalty_members": build_silver_loyalty(spark, settings).to_dict()}
    for build in builds():
        reports.update({name: r.to_dict() for name, r in build(spark, settings).items()})
    return reports
