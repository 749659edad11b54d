"""Throughput of `sentiment_minilm@champion` on short texts vs a bare MiniLM forward pass.

Usage:
    LAKEHOUSE_ENV=scratch_d .venv/bin/python benchmarks/bench_sentiment.py [--texts N] [--repeats R]

Needs a champion (``lakehouse sentiment train``). Short texts are social posts and contact-centre
requests drawn from the generator's text module (10-25 tokens). ``scoring`` is the registered
model's ``predict`` (English check, length-sorted batches, mean pooling, head); ``bare_forward``
tokenises the same texts in their given order in batches of the same size and runs MiniLM +
mean pooling only, i.e. the floor any MiniLM scorer pays. Both use torch threads = cores;
``scoring_one_thread`` repeats the scoring on one thread, whose texts per CPU-second times the
cores estimates what idle cores deliver (the host is shared, so wall time also measures the
neighbours, and two threads spin-wait whenever one is descheduled). Also reports
macro-F1 of the champion and of the keyword rule on ``ml/sentiment/outside_texts.csv``,
hand-written texts in styles the generator never produces. The load average before and after is
recorded next to the figures. Writes
``benchmarks/results/sentiment.json``; never asserts on time.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_generate import machine  # noqa: E402

from pipelines.config import load_settings  # noqa: E402
from pipelines.logs import configure_logging  # noqa: E402

log = logging.getLogger("bench_sentiment")
OUTSIDE = REPO / "ml" / "sentiment" / "outside_texts.csv"


def short_texts(n: int, seed: int = 5) -> list[str]:
    """``n`` short texts: social posts of every mood and routine contact-centre requests."""
    from ml.sentiment.data import template_slots
    from pipelines.generate.feeds.contact_centre import ROUTINE_LINES
    from pipelines.generate.text import social_post

    r = random.Random(seed)
    moods, lines = ("negative", "positive", "neutral"), list(ROUTINE_LINES.values())
    return [social_post(r.getrandbits(48), moods[i % 3], template_slots(r)) if i % 4
            else r.choice(lines) for i in range(n)]


def timed(fn, repeats: int) -> list[tuple[float, float]]:
    """``(wall seconds, CPU seconds of this process, all threads)`` per repeat, after a warm-up.

    CPU seconds are recorded because the machine is shared: on a busy host the wall time
    measures the neighbours, while texts per CPU-second is what this code costs.
    """
    fn()  # warm-up: first-call allocations and lazy init are not throughput
    out = []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        out.append((time.perf_counter() - t0, time.process_time() - c0))
    return out


def bare_forward(encoder, texts: list[str]) -> None:
    """Tokenise in input order, forward, mean-pool: no sorting, no language check, no head."""
    import torch

    from ml.sentiment.encoder import mean_pool

    with torch.inference_mode():
        for start in range(0, len(texts), encoder.batch_size):
            batch = encoder.tokenizer(texts[start:start + encoder.batch_size], padding=True,
                                      truncation=True, max_length=encoder.max_tokens,
                                      return_tensors="pt")
            mean_pool(encoder.model(**batch).last_hidden_state, batch["attention_mask"])


def rates(runs: list[tuple[float, float]], n: int) -> dict[str, object]:
    """Texts per wall-clock second and per CPU-second of this process."""
    wall, cpu = [w for w, _ in runs], [c for _, c in runs]
    return {"texts_per_s_best": round(n / min(wall), 1),
            "texts_per_s_median": round(n / statistics.median(wall), 1),
            "texts_per_cpu_s": round(n / statistics.median(cpu), 1),
            "wall_seconds": [round(w, 2) for w in wall], "cpu_seconds": [round(c, 2) for c in cpu]}


def outside_check(model, conf: dict) -> dict:
    """Champion vs keyword rule on the hand-written texts (unknown counts as wrong)."""
    import pandas as pd

    from ml.sentiment.evaluate import keyword_baseline, metrics

    frame = pd.read_csv(OUTSIDE)
    predicted = model.predict(frame[["text"]])["sentiment"].tolist()
    baseline = keyword_baseline(frame["text"].tolist(), conf["baseline"])
    return {"rows": len(frame), "model": metrics(frame["label"], predicted, conf["labels"]),
            "keyword_baseline": metrics(frame["label"], baseline, conf["labels"])}


def main() -> None:
    import pandas as pd
    import torch
    import transformers

    from ml.sentiment.config import load_conf
    from ml.sentiment.encoder import load_encoder
    from ml.sentiment.score import champion

    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    configure_logging()
    settings, conf = load_settings(), load_conf()
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    model, version = champion(settings, conf)
    load_s = time.perf_counter() - t0
    encoder = load_encoder(conf["encoder"])
    texts = short_texts(args.texts)
    frame = pd.DataFrame({"text": texts})
    scoring = timed(lambda: model.predict(frame), args.repeats)
    bare = timed(lambda: bare_forward(encoder, texts), args.repeats)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: no spin-waiting on a descheduled sibling thread
    single = timed(lambda: model.predict(frame), args.repeats)
    torch.set_num_threads(threads)
    tokens = [len(ids) for ids in encoder.tokenizer(texts)["input_ids"]]
    report = {
        "benchmark": "sentiment_minilm@champion scoring vs bare MiniLM forward, short texts",
        "run_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {**machine(), "torch": torch.__version__,
                    "transformers": transformers.__version__,
                    "torch_threads": threads,
                    "load_average_1m_before_after": [round(load_before[0], 1),
                                                     round(os.getloadavg()[0], 1)]},
        "model_version": version, "texts": len(texts), "repeats": args.repeats,
        "tokens_mean": round(statistics.mean(tokens), 1), "tokens_max": max(tokens),
        "batch_size": encoder.batch_size, "model_load_s": round(load_s, 1),
        "scoring": rates(scoring, len(texts)), "bare_forward": rates(bare, len(texts)),
        "scoring_one_thread": rates(single, len(texts)),
        # On a busy host wall time measures the neighbours; one thread per core (e.g. one
        # scoring process per core) scales linearly, so idle cores give about this:
        "idle_cores_estimate_texts_per_s": round(
            len(os.sched_getaffinity(0)) * rates(single, len(texts))["texts_per_cpu_s"], 1),
        "target_texts_per_s": 300, "outside_texts": outside_check(model, conf),
    }
    path = REPO / "benchmarks" / "results" / "sentiment.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    log.info("sentiment: scoring %.0f texts/s, bare forward %.0f texts/s (best of %d), idle "
             "cores estimate %.0f texts/s -> %s", report["scoring"]["texts_per_s_best"],
             report["bare_forward"]["texts_per_s_best"], args.repeats,
             report["idle_cores_estimate_texts_per_s"], path)


if __name__ == "__main__":
    main()
