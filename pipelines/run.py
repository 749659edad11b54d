"""The main job as a list of steps. Airflow tasks, the CLI and the tests call these functions.

Each step takes the settings, does one thing idempotently and returns a small JSON-able dict that
ends up in the run summary (``reports/last_run.json``).
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, date, datetime
from pathlib import Path

from pipelines.config import Settings

log = logging.getLogger(__name__)
SOURCES = ("loyalty", "pnr", "edh_flight_legs", "edh_pax", "edh_ancillaries", "edh_forecast",
           "contact_centre", "purchases", "feedback", "baggage", "compensation", "consents",
           "social")  # one conf/sources/<name>.yaml each; bronze ingests them in this order


def step_generate(settings: Settings) -> dict:
    """Write the demo feeds (deterministic for the seed, so a re-run rewrites identical files)."""
    from pipelines.generate import generate

    summary = generate(
        settings.var_dir, customers=int(settings.get("generator.customers")),
        days=int(settings.get("generator.days")), seed=int(settings.get("generator.seed")),
        start_date=date.fromisoformat(str(settings.get("generator.start_date"))))
    return summary.to_dict()


def step_bronze(settings: Settings) -> dict:
    from pipelines.bronze.all_sources import ingest_all
    from pipelines.spark import get_spark

    reports = ingest_all(get_spark(settings), settings, SOURCES)
    return {name: report.to_dict() for name, report in reports.items()}


def step_silver(settings: Settings) -> dict:
    from pipelines.silver.all_tables import build_all_silver
    from pipelines.spark import get_spark

    return build_all_silver(get_spark(settings), settings)


def step_identity(settings: Settings) -> dict:
    """Golden customers from silver (stable ids, guardrails), then their accuracy report."""
    from pipelines.identity.accuracy import identity_accuracy
    from pipelines.identity.golden import resolve_customers
    from pipelines.spark import get_spark

    spark = get_spark(settings)
    report = resolve_customers(spark, settings)
    report["accuracy"] = identity_accuracy(spark, settings)  # a report: reads ground truth
    return report


def step_compensation(settings: Settings, full: bool = True) -> dict:
    """EU261 / Montreal / goodwill decisions from silver ops -> gold, outbox and PostgreSQL.

    The daily job re-decides every flight (catch-up); ``compensation_hourly`` only the flights
    whose silver rows landed since the last run (see pipelines/compensation/decide.py).
    """
    from pipelines.compensation.decide import build_compensation_decisions
    from pipelines.spark import get_spark

    return build_compensation_decisions(get_spark(settings), settings, full=full)


FLIGHT_OPS_SOURCES = ("edh_flight_legs", "edh_pax", "baggage", "compensation")


def step_flight_ops(settings: Settings) -> dict:
    """Bronze and silver for the feeds compensation decides on (flight legs, passengers, bag
    reports, Finance payouts) only: the hourly path, so a disruption is decided within the hour
    without waiting for the daily run of every source. Checkpoints make it incremental."""
    from pipelines.bronze.all_sources import ingest_all
    from pipelines.silver.baggage import build_silver_baggage
    from pipelines.silver.compensation import build_silver_compensation
    from pipelines.silver.flight_ops import build_silver_flight_ops
    from pipelines.spark import get_spark

    spark = get_spark(settings)
    bronze = ingest_all(spark, settings, FLIGHT_OPS_SOURCES)
    silver = {}
    for build in (build_silver_flight_ops, build_silver_baggage, build_silver_compensation):
        silver.update({name: r.to_dict() for name, r in build(spark, settings).items()})
    return {"bronze": {name: r.to_dict() for name, r in bronze.items()}, "silver": silver}


def step_compensation_hourly(settings: Settings) -> dict:
    return step_compensation(settings, full=False)

def step_quality(settings: Settings) -> dict:
    """Every bronze and silver suite (``quality/suites``) whose table exists, one report each."""
    from pipelines.spark import get_spark
    from quality.runner import run_all_suites

    return run_all_suites(get_spark(settings), settings)


def step_gold(settings: Settings) -> dict:
    """dbt build on the shared session, then publish the gold tables to Trino."""
    from pipelines.gold import build_gold
    from pipelines.publish.trino_catalog import compare_counts, publish_gold
    from pipelines.spark import get_spark, register_lake_tables

    spark = get_spark(settings)
    register_lake_tables(spark, settings)
    report = build_gold(spark, settings).to_dict()
    publish_gold(settings)
    report["trino_vs_spark"] = compare_counts(spark, settings)
    return report


def step_train(settings: Settings) -> dict:
    from ml.loyalty_propensity.features import build_features
    from ml.loyalty_propensity.train import train_if_needed
    from ml.sentiment.train import train_if_needed as train_sentiment_if_needed
    from pipelines.spark import get_spark

    frame, version = build_features(get_spark(settings), settings)
    report = train_if_needed(settings, frame, version).to_dict()
    report["sentiment"] = train_sentiment_if_needed(settings, get_spark(settings)).to_dict()
    report["propensity"] = step_propensity_train(settings)  # models without a champion only
    return report


def step_propensity_train(settings: Settings, force: bool = False) -> dict:
    """Propensity models (conf/ml/propensity.yaml) without a champion, or all when ``force``
    (weekly DAG ``propensity_training``); champion alias only through the gates."""
    from ml.propensity.train import train_models
    from pipelines.spark import get_spark

    return train_models(settings, get_spark(settings), force=force)


def step_propensity_score(settings: Settings, run_id: str = "manual") -> dict:
    """Champions score the as-of date into gold.customer_scores (MERGE, changed rows only)
    and PostgreSQL customer_scores (diff-only); daily DAG ``propensity_scoring``."""
    from ml.propensity.score import score_and_push
    from pipelines.spark import get_spark

    return score_and_push(get_spark(settings), settings, run_id)


def step_score_and_push(settings: Settings, run_id: str) -> dict:
    from ml.loyalty_propensity.features import build_features
    from ml.loyalty_propensity.score import score_customers
    from ml.sentiment.score import score_lake
    from pipelines.publish.cmp_store import push_scores
    from pipelines.spark import get_spark

    frame, _ = build_features(get_spark(settings), settings)
    scores = score_customers(settings, frame)
    result = push_scores(settings, scores, run_id)
    sentiment = score_lake(get_spark(settings), settings)  # -> gold.feedback_sentiment (MERGE)
    propensity = step_propensity_score(settings, run_id)  # -> gold.customer_scores + CMP
    return {"scored": len(scores), **result.__dict__, "sentiment": sentiment,
            "propensity": propensity}


def step_nba(settings: Settings, run_id: str = "manual") -> dict:
    """Next best action per customer -> gold.next_best_action (MERGE), the CMP's
    next_best_action and segment_membership tables (diff-only), and the offline evaluation."""
    from ml.nba.job import run_nba
    from pipelines.spark import get_spark

    return run_nba(get_spark(settings), settings, run_id)


def step_publish(settings: Settings) -> dict:
    """Expose what the run wrote last to Trino and file its queries in the audit log.

    Re-registers the gold tables (scores, decisions and sentiment appear after the ``gold``
    step) and ``ops.audit_log`` (the DPO's view), then records the Trino queries against
    customer data spooled since the last collection (``lakehouse audit collect``).
    """
    from pipelines.publish.trino_catalog import publish_audit_log, publish_gold
    from privacy.query_audit import collect

    registered = publish_gold(settings)
    collected = collect(settings).to_dict()  # first: the very first run creates the log here
    audit_log = publish_audit_log(settings)
    return {"gold_tables": len(registered), "newly_registered": sorted(
        t for t, new in registered.items() if new), "audit_log_registered": audit_log,
        "query_audit": collected}


def step_audit_collect(settings: Settings) -> dict:
    """Spooled Trino query events -> ops.audit_log (hourly DAG ``query_audit``)."""
    from privacy.query_audit import collect

    return collect(settings).to_dict()


def step_retention(settings: Settings, as_of: str | None = None) -> dict:
    """Delete rows past conf/privacy/retention.yaml's periods, VACUUM, audit (daily DAG
    ``privacy_retention``)."""
    from pipelines.spark import get_spark
    from privacy.retention import enforce_retention

    day = date.fromisoformat(as_of) if as_of else None
    return enforce_retention(get_spark(settings), settings, day)


def step_partner_extract(settings: Settings, spec: str, as_of: str | None = None) -> dict:
    """One partner extract (conf/extracts/<spec>.yaml) -> its manifest (DAG
    ``partner_extracts``); a re-run for the same day replaces that day's output."""
    from pipelines.spark import get_spark
    from privacy.extract import run_extract

    day = date.fromisoformat(as_of) if as_of else None
    return run_extract(get_spark(settings), settings, spec, day).manifest


def layer_counts(settings: Settings) -> dict[str, int]:
    """Rows per Delta table in the lake, for the summary."""
    from pipelines.spark import get_spark

    spark = get_spark(settings)
    lake = settings.path("paths.lake")
    return {f"{p.parent.parent.name}.{p.parent.name}":
            spark.read.format("delta").load(str(p.parent)).count()
            for p in sorted(lake.glob("*/*/_delta_log"))}


def write_summary(settings: Settings, run_id: str, steps: dict,
                  step_seconds: dict[str, float] | None = None) -> dict:
    """Assemble the run summary, write it to ``<reports>/last_run.json`` and return it."""
    summary = {
        "run_id": run_id,
        "env": settings.env,
        "finished_at": datetime.now(UTC).isoformat(),
        "rows_per_table": layer_counts(settings),
        "steps": steps,
        "step_seconds": step_seconds or {},
        "where_to_look": where_to_look(settings),
    }
    reports = settings.path("paths.reports")
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "last_run.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    return summary


def where_to_look(settings: Settings) -> dict[str, str]:
    """Commands a person can paste to look at what the run produced."""
    return {
        "trino": f"lakehouse sql \"select * from gold.dim_customer limit 5\"  (server "
                 f"{settings.get('trino.host')}:{settings.get('trino.port')}, catalog "
                 f"{settings.get('trino.catalog')})",
        "mlflow_ui": f".venv/bin/mlflow ui --backend-store-uri "
                     f"{settings.get('mlflow.tracking_uri')} --port 5000",
        "airflow_ui": "lakehouse airflow api-server --port 8080",
        "dbt_docs": f"{settings.var_dir / 'dbt' / 'target' / 'index.html'} (static site: "
                    f"open in a browser)",
        "segments": "lakehouse segments list; lakehouse segments export NAME --out FILE.csv",
        "notebooks": "notebooks/*.ipynb (query gold through Trino)",
        "lake": str(settings.path("paths.lake")),
        "summary": str(settings.path("paths.reports") / "last_run.json"),
    }


def run_all(settings: Settings, run_id: str | None = None) -> dict:
    """Every step in order, in this process (what the DAG does, without Airflow).

    Each step's wall time goes to the log and to the summary's ``step_seconds``, so a slow
    step shows up without a profiler.
    """
    run_id = run_id or f"manual__{datetime.now(UTC):%Y%m%dT%H%M%S}"
    steps: dict[str, dict] = {}
    seconds: dict[str, float] = {}

    def timed(name: str, step, *args) -> None:
        start = time.perf_counter()
        steps[name] = step(settings, *args)
        seconds[name] = round(time.perf_counter() - start, 1)
        log.info("step %s took %.1f s", name, seconds[name])

    timed("generate", step_generate)
    timed("bronze", step_bronze)
    timed("silver", step_silver)
    timed("compensation", step_compensation)
    timed("identity", step_identity)
    timed("quality", step_quality)
    timed("gold", step_gold)
    timed("train", step_train)
    timed("score_and_push", step_score_and_push, run_id)
    timed("nba", step_nba, run_id)
    timed("publish", step_publish)
    return write_summary(settings, run_id, steps, seconds)


def format_summary(summary: dict) -> str:
    """Human-readable lines for the end of a run."""
    steps = summary["steps"]
    lines = [f"run {summary['run_id']} ({summary['env']}) finished {summary['finished_at']}",
             "rows per table:"]
    lines += [f"  {name:<36} {count:>8}" for name, count in summary["rows_per_table"].items()]
    bronze = steps.get("bronze", {}).values()
    lines.append(f"bronze this run: {len(bronze)} sources, landed "
                 f"{sum(b['landed'] for b in bronze)} = bronze {sum(b['bronze'] for b in bronze)}"
                 f" + quarantine {sum(b['quarantine'] for b in bronze)}, reconciled: "
                 f"{all(b['reconciled'] for b in bronze)}")
    quality = steps.get("quality", {})
    passed = sum(q["passed"] for q in quality.values())
    evaluated = sum(q["evaluated"] for q in quality.values())
    gold = steps.get("gold", {})
    lines.append(f"checks: GX {passed}/{evaluated} passed; dbt tests {gold.get('tests_passed')} "
                 f"passed, {len(gold.get('tests_warned', []))} warned, "
                 f"{len(gold.get('tests_failed', []))} failed"
                 + (" (gold inputs unchanged: build skipped)"
                    if gold.get("skipped_unchanged") else ""))
    lines.append(f"gold: {gold.get('models')} dbt models; docs site {gold.get('docs')}")
    lines.append(f"trino vs spark: {gold.get('trino_vs_spark')}")
    comp = steps.get("compensation", {})
    pg = comp.get("postgres", {})
    lines.append(f"compensation: {comp.get('events')} decisions this run ({comp.get('new')} new, "
                 f"{comp.get('changed')} changed) {comp.get('by_status')}; outbox "
                 f"+{comp.get('outbox_events')}; PostgreSQL {pg.get('inserted')} inserted, "
                 f"{pg.get('updated')} updated")
    acc = steps.get("identity", {}).get("accuracy", {})
    lines.append(f"identity: {steps.get('identity', {}).get('customers')} golden customers; "
                 f"pairwise precision {acc.get('precision')} recall {acc.get('recall')} "
                 f"F1 {acc.get('f1')}")
    train, push = steps.get("train", {}), steps.get("score_and_push", {})
    lines.append(f"model: {train.get('model_name')} v{train.get('version')} "
                 f"({'trained now' if train.get('trained') else 'existing champion'})")
    lines.append(f"pushed to PostgreSQL: {push.get('rows_in')} rows ({push.get('inserted')} "
                 f"inserted, {push.get('updated')} updated, {push.get('unchanged')} unchanged)")
    sentiment, scored = train.get("sentiment", {}), push.get("sentiment", {})
    lines.append(f"sentiment: {sentiment.get('model_name')} v{sentiment.get('version')} "
                 f"(champion: {sentiment.get('champion')}); gold.feedback_sentiment: "
                 f"{scored.get('scored', scored.get('skipped'))} scored this run")
    trained, pscored = train.get("propensity", {}), push.get("propensity", {})
    champions = {n: f"v{r['version']}" if r.get("champion") else "no champion"
                 for n, r in trained.items()}
    per_model = {n: r.get("scored", 0) for n, r in pscored.get("models", {}).items()}
    lines.append(f"propensity: {champions}; scored as of {pscored.get('as_of')}: {per_model}, "
                 f"gold rows written {pscored.get('written', 0)}, PostgreSQL "
                 f"{pscored.get('postgres')}")
    nba = steps.get("nba", {})
    pushed_nba, pushed_seg = nba.get("postgres", {}), nba.get("segments_postgres", {})
    gains = {k.rsplit("_vs_", 1)[1]: v for k, v in nba.get("evaluation", {}).items()
             if k.startswith("gain_eur_per_customer_vs_")}
    lines.append(f"next best action: {nba.get('decisions')} decisions as of {nba.get('as_of')} "
                 f"{nba.get('by_action')}; PostgreSQL +{pushed_nba.get('inserted')} "
                 f"~{pushed_nba.get('updated')}, segment_membership +{pushed_seg.get('inserted')} "
                 f"~{pushed_seg.get('updated')} -{pushed_seg.get('deleted')}; offline gain "
                 f"EUR/customer {gains}")
    published = steps.get("publish", {})
    audit = published.get("query_audit", {})
    lines.append(f"published: {published.get('gold_tables')} gold tables in Trino (new "
                 f"{published.get('newly_registered')}); query audit: {audit.get('recorded')} "
                 f"Trino queries recorded ({audit.get('denied')} denied) of "
                 f"{audit.get('events')} events")
    if summary.get("step_seconds"):
        lines.append("seconds per step: " + ", ".join(
            f"{name} {sec:g}" for name, sec in summary["step_seconds"].items()))
    lines.append("where to look:")
    lines += [f"  {k}: {v}" for k, v in summary["where_to_look"].items()]
    return "\n".join(lines)


def load_summary(path: Path) -> dict:
    return json.loads(path.read_text())


STEPS = {
    "generate": step_generate,
    "bronze": step_bronze,
    "silver": step_silver,
    "compensation": step_compensation,
    "compensation_hourly": step_compensation_hourly,
    "flight_ops": step_flight_ops,
    "identity": step_identity,
    "quality": step_quality,
    "gold": step_gold,
    "train": step_train,
    "propensity_train": step_propensity_train,
    "propensity_score": step_propensity_score,
    "nba": step_nba,
    "publish": step_publish,
    "audit_collect": step_audit_collect,
}


def run_step(name: str, **kwargs) -> dict:
    """Run one named step with the environment's settings (the entry point of Airflow tasks)."""
    from pipelines.config import load_settings
    from pipelines.logs import configure_logging

    configure_logging()
    settings = load_settings()
    if name == "score_and_push":
        return step_score_and_push(settings, **kwargs)
    if name == "nba":
        return step_nba(settings, **kwargs)
    if name == "retention":
        return step_retention(settings, **kwargs)
    if name == "partner_extract":
        return step_partner_extract(settings, **kwargs)
    if name == "summary":
        summary = write_summary(settings, kwargs["run_id"], kwargs["steps"])
        log.info("run summary:\n%s", format_summary(summary))
        return summary
    return STEPS[name](settings, **kwargs)
