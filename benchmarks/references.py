"""Single-node references run beside the pipeline on the same data (``bench_pipeline.py``).

- identity: Splink alone on DuckDB, same prepared records, same Splink settings and training as
  the golden-customer job (``pipelines.identity``), F1 by the same pairwise scorer;
- gold SQL: the dbt-compiled SQL of ``customer_360`` and ``fct_customer_timeline`` and every
  model upstream, transpiled Spark -> DuckDB by sqlglot, over the Parquet files of the current
  Delta snapshot of each silver/reference table (``inputFiles()``; DuckDB's ``delta`` extension
  is not available offline). The Spark side is ``dbt run`` of the same selection;
- PostgreSQL push vs plain ``COPY`` (``bench_cmp_push``), sentiment scoring vs a bare MiniLM
  forward pass (``bench_sentiment``), Trino lookups (``bench_trino_lookup``): their functions.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
from pathlib import Path
from typing import Any

from pipelines.config import Settings

log = logging.getLogger("bench_pipeline")
SCHEMAS = ("staging", "intermediate", "gold", "reference", "silver")
FOLDER_SCHEMA = {"staging": "staging", "intermediate": "intermediate", "marts": "gold"}
GOLD_TARGETS = ("customer_360", "fct_customer_timeline")
_REF = re.compile(r"\b(" + "|".join(SCHEMAS) + r")\.([a-z0-9_]+)\b")


# ---------------------------------------------------------------- identity: Splink on DuckDB

def splink_duckdb(spark, settings: Settings) -> dict[str, Any]:
    """Splink (DuckDB backend) over the job's prepared records: seconds, pairs, F1 vs truth."""
    from splink import DuckDBAPI, Linker

    from pipelines.identity import engine
    from pipelines.identity.accuracy import pairwise_scores, truth_links
    from pipelines.identity.fields import FULL_NAME, NAME_SOUNDS, NAME_VARIANTS
    from pipelines.identity.prepare import RECORD_ID
    from pipelines.identity.settings import load_identity_conf, splink_settings
    from pipelines.identity.sources import null_shared_identifiers, read_records

    conf = load_identity_conf(settings)
    gconf = conf["golden"]
    records, fields = read_records(spark, settings, conf)
    records, _ = null_shared_identifiers(records, gconf["identifier_limits"])
    cols = [RECORD_ID, *sorted(fields), *(c for c in (NAME_VARIANTS, NAME_SOUNDS, FULL_NAME)
                                         if c in records.columns)]
    frame = records.select(*cols).toPandas()  # clear PII in this process's memory only
    threshold = float(gconf["threshold"])
    started = time.perf_counter()
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(frame), splink_settings(conf, fields, "dedupe_only"))
    engine.train(linker, conf, fields, len(frame))
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold).as_pandas_dataframe()
    seconds = time.perf_counter() - started
    prefixes = {s["table"]: s["truth"] for s in gconf["sources"] if s.get("truth")}
    truth = truth_links(settings.path("paths.ground_truth"), prefixes)

    def scores_of(table) -> dict[str, Any]:
        rows = [(str(cid), truth[tuple(rid.split("|", 1))]) for rid, cid in
                zip(table[RECORD_ID], table["cluster_id"], strict=True)
                if tuple(rid.split("|", 1)) in truth]
        return {k: v for k, v in pairwise_scores(rows).items()
                if k in ("precision", "recall", "f1")}

    # Plain connected components over-link at the job's threshold (tuned for its guarded
    # clustering), so Splink alone is also scored at a stricter threshold (not timed).
    strict = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.9).as_pandas_dataframe()
    return {"seconds": round(seconds, 2), "records": len(frame), "threshold": threshold,
            "pairs_above_threshold": int(predictions.as_duckdbpyrelation().count("*")
                                         .fetchall()[0][0]),
            **scores_of(clusters), "at_threshold_0.9": scores_of(strict),
            "note": "Splink only: no deterministic rules, guardrails or stable ids; time excludes "
                    "reading and decrypting silver (shared with the job)"}


# ---------------------------------------------------------------- gold SQL: dbt vs DuckDB

def compiled_models(compiled_root: Path) -> dict[str, dict[str, Any]]:
    """``{name: {schema, sql, refs}}`` from dbt's ``target/compiled`` (tests skipped)."""
    models = {}
    for path in sorted(compiled_root.rglob("models/**/*.sql")):
        parts = path.relative_to(compiled_root).parts
        if any(p.endswith(".yml") for p in parts):
            continue  # a schema test's compiled query
        folder = parts[parts.index("models") + 1]
        sql = path.read_text(encoding="utf-8")
        models[path.stem] = {"schema": FOLDER_SCHEMA.get(folder, "gold"), "sql": sql,
                             "refs": sorted(set(_REF.findall(sql)))}
    return models


def upstream(models: dict[str, dict[str, Any]], targets: tuple[str, ...]) -> list[str]:
    """Targets and their model ancestors in dependency order (pure; unit-tested)."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        for _, ref in models[name]["refs"]:
            if ref in models and ref != name:
                visit(ref)
        order.append(name)

    for target in targets:
        visit(target)
    return order


def external_tables(models: dict[str, dict[str, Any]], names: list[str]) -> list[tuple[str, str]]:
    """``(schema, table)`` read by ``names`` that no model builds: Delta tables in the lake."""
    out = {(schema, table) for name in names for schema, table in models[name]["refs"]
           if table not in models}
    return sorted(out)


# Where sqlglot's Spark -> DuckDB translation is wrong for our SQL, the Spark function is renamed
# to a DuckDB macro before transpiling (sqlglot passes unknown functions through):
# unix_timestamp(<timestamp>) is read as unix_timestamp(<string>) and becomes strptime().
SPARK_RENAMES = {r"\bunix_timestamp\(": "bench_unix_ts("}
DUCKDB_MACROS = ("create or replace macro bench_unix_ts(x) as epoch(cast(x as timestamp))",)


def to_duckdb(sql: str) -> str:
    """Spark SQL -> DuckDB SQL with sqlglot (the dialect gap is functions and types)."""
    import sqlglot

    for pattern, replacement in SPARK_RENAMES.items():
        sql = re.sub(pattern, replacement, sql, flags=re.IGNORECASE)
    return ";\n".join(sqlglot.transpile(sql.strip().rstrip(";"), read="spark", write="duckdb"))


def duckdb_gold(spark, settings: Settings, out_dir: Path, keep_going: bool = False
                ) -> dict[str, Any]:
    """The compiled gold SQL of ``GOLD_TARGETS`` in DuckDB over silver Parquet; seconds, rows."""
    import duckdb

    models = compiled_models(settings.var_dir / "dbt" / "target" / "compiled")
    names = upstream(models, GOLD_TARGETS)
    lake = settings.path("paths.lake")
    # Each input table is first written out by Spark as plain Parquet (not timed): the job's own
    # session listed stale Delta files for DuckDB at 10k and 100k customers (8 and 10 of ~62
    # files, most silver tables empty to DuckDB, even after clearing caches), while a fresh
    # session listed them right. Spark reads the current snapshot, so the export is that table.
    export = out_dir / "silver_parquet"
    shutil.rmtree(export, ignore_errors=True)
    tables = external_tables(models, names)
    for schema, table in tables:
        (spark.read.format("delta").load(str(lake / schema / table))
         .write.mode("overwrite").parquet(str(export / schema / table)))
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("set timezone = 'UTC'")
    started = time.perf_counter()
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {schema}")
    for macro in DUCKDB_MACROS:
        con.execute(macro)
    for schema, table in tables:
        # Spark writes a schema-only file for an empty table, so every folder has one
        con.execute(f"create view {schema}.{table} as select * from read_parquet("
                    f"'{export / schema / table}/*.parquet', union_by_name = true)")
    failed = {}
    for name in names:
        kind = "view" if models[name]["schema"] in ("staging", "intermediate") else "table"
        try:
            con.execute(f"create {kind} {models[name]['schema']}.{name} as "
                        f"{to_duckdb(models[name]['sql'])}")
        except Exception as exc:  # noqa: BLE001 - a dialect gap is reported, not fatal
            failed[name] = str(exc).splitlines()[0][:300]
            if not keep_going:
                break
    if not failed:
        for target in GOLD_TARGETS:
            out = out_dir / f"{target}.parquet"
            con.execute(f"copy gold.{target} to '{out}' (format parquet)")
    seconds = time.perf_counter() - started
    agreement = {} if failed else {
        t: {"duckdb": con.execute(AGREEMENT[t].format(table=f"gold.{t}")).fetchone(),
            "spark": tuple(spark.sql(AGREEMENT[t].format(
                table=f"delta.`{lake / 'gold' / t}`")).first())}
        for t in GOLD_TARGETS}
    input_rows = sum(con.execute(f"select count(*) from {schema}.{table}").fetchone()[0]
                     for schema, table in tables)
    con.close()
    return {"seconds": round(seconds, 2), "models": len(names), "input_tables": len(tables),
            "input_rows": input_rows, "failed": failed,
            "agreement_with_spark_gold": agreement,
            "same_results": bool(agreement) and all(
                tuple(v["duckdb"]) == tuple(v["spark"]) for v in agreement.values())}


# The same aggregates on both engines' outputs: rows, customers and a few measures.
AGREEMENT = {
    "customer_360": "select count(*), count(distinct customer_id), sum(flights_total), "
                    "sum(interactions_total), cast(round(sum(revenue_total_eur)) as bigint) "
                    "from {table}",
    "fct_customer_timeline": "select count(*), count(distinct customer_id), max(sequence_no), "
                             "count(distinct event_type) from {table}",
}


def dbt_gold_subset(spark, settings: Settings) -> dict[str, Any]:
    """``dbt run`` of the same selection on the job's Spark session: seconds and rows."""
    from pipelines.gold import gold_vars, run_dbt

    selection = " ".join(f"+{t}" for t in GOLD_TARGETS)
    # the seeds (reference.*) too, rebuilt from empty as pipelines/gold.py does; no tests
    shutil.rmtree(settings.path("paths.lake") / "reference", ignore_errors=True)
    started = time.perf_counter()
    result = run_dbt(settings, ["build", "--select", selection, "--resource-type", "model",
                                "--resource-type", "seed", "--vars",
                                json.dumps(gold_vars(settings))])
    seconds = time.perf_counter() - started
    lake = settings.path("paths.lake")
    rows = {t: spark.read.format("delta").load(str(lake / "gold" / t)).count()
            for t in GOLD_TARGETS}
    return {"seconds": round(seconds, 2), "success": bool(result.success),
            "models": len(result.result or []), "rows": rows,
            "note": "includes Delta writes and the OPTIMIZE ZORDER post-hooks of both marts"}


# ---------------------------------------------------------------- push, sentiment, Trino

def push_vs_copy(settings: Settings, rows: int) -> dict[str, Any]:
    """``cmp_store.push_scores`` into a store without these rows vs COPY into an empty table."""
    import bench_cmp_push as cmp

    cmp.clean(settings)
    data = cmp.score_rows(rows)
    copy_s = cmp.copy_empty(settings, data)
    push_s, counts = cmp.timed_push(settings, data, "bench-pipeline")
    cmp.clean(settings)
    return {"rows": rows, "copy_seconds": round(copy_s, 3), "push_seconds": round(push_s, 3),
            "push_counts": counts}


def sentiment_vs_bare(settings: Settings, texts: int) -> dict[str, Any]:
    """Champion ``predict`` vs bare MiniLM forward + pooling on the same ``texts`` short texts."""
    import bench_sentiment as bs
    import pandas as pd

    from ml.sentiment.config import load_conf
    from ml.sentiment.encoder import load_encoder
    from ml.sentiment.score import champion

    conf = load_conf()
    model, version = champion(settings, conf)
    encoder = load_encoder(conf["encoder"])
    sample = bs.short_texts(texts)
    frame = pd.DataFrame({"text": sample})
    # alternated, so a neighbour's burst on the shared host hits both sides alike
    scoring_runs, bare_runs = [], []
    for _ in range(3):
        scoring_runs += bs.timed(lambda: model.predict(frame), 1)
        bare_runs += bs.timed(lambda: bs.bare_forward(encoder, sample), 1)
    scoring, bare = bs.rates(scoring_runs, len(sample)), bs.rates(bare_runs, len(sample))
    return {"texts": len(sample), "model_version": version,
            "scoring_texts_per_s": scoring["texts_per_s_best"],
            "bare_texts_per_s": bare["texts_per_s_best"],
            "scoring_texts_per_cpu_s": scoring["texts_per_cpu_s"],
            "bare_texts_per_cpu_s": bare["texts_per_cpu_s"],
            "note": "generator-style short texts (bench_sentiment.short_texts); the lake's texts "
                    "are encrypted at rest"}


def trino_lookups(settings: Settings, lookups: int = 100) -> dict[str, Any]:
    """p50/p98 of customer 360 and timeline reads by id on the built gold, and a segment count."""
    import random

    import bench_trino_lookup as tl

    from pipelines.services import trino

    catalog = settings.get("trino.catalog")
    queries = {
        "customer_360_by_id": f"select * from {catalog}.gold.customer_360 where customer_id = ?",
        "timeline_by_id": f"select * from {catalog}.gold.fct_customer_timeline "
                          f"where customer_id = ? order by sequence_no",
        "segment_count": f"select segment, count(*) from {catalog}.gold.fct_segment_membership "
                         f"group by segment",
    }
    ids = [r[0] for r in trino.query(settings, f"select customer_id from {catalog}.gold."
                                               f"customer_360")]
    rng = random.Random(7)
    out = {}
    connection = trino.connect(settings)
    try:
        for name, sql in queries.items():
            n = 20 if name == "segment_count" else lookups
            params = (lambda: []) if name == "segment_count" else (lambda: [rng.choice(ids)])
            for _ in range(5):
                tl.timed(connection, sql, params())
            times = [tl.timed(connection, sql, params()) for _ in range(n)]
            out[name] = {"p50_ms": round(tl.percentile(times, 50), 1),
                         "p98_ms": round(tl.percentile(times, 98), 1), "queries": n}
    finally:
        connection.close()
    out["customers_in_gold"] = len(ids)
    return out
