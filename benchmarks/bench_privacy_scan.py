"""PII scan recall and precision per entity type on our labelled sample, through the scan command.

Usage:
    LAKEHOUSE_ENV=scratch_e .venv/bin/python benchmarks/bench_privacy_scan.py [--build-sample]

``tests/data/privacy/labelled_sample_source.txt`` holds ~60 texts in the style of the generator's
contact-centre transcripts, feedback and social posts, with PII marked ``{TYPE|value}``;
``--build-sample`` turns it into ``labelled_sample.jsonl`` (text plus gold spans). The texts go
through :func:`privacy.scan.scan_file` (what ``lakehouse privacy scan`` runs) twice: with the
customers' names as the PERSON deny-list (``known_names.txt``, as profile data would supply
them) and without (cue heuristics only), so the deny-list's contribution is visible.

Scores, per entity type and overall:
- ``exact``: a prediction counts when type, start and end equal a gold span;
- ``overlap``: a gold span is found when a prediction of its type overlaps it (and a
  prediction is correct when it overlaps a gold span of its type);
- ``redacted_recall``: gold spans overlapped by a prediction of *any* type (what anonymisation
  removes), and ``leaked_chars``: gold PII characters no prediction covers.
A second, larger sample is generated (``--customers/--days/--seed``): contact-centre transcripts
and opened feedback cases, with gold spans taken from the generator's phrasing ("Meridian Air,
Anna speaking", "booking reference is ...", "reach you on ...", the card sentences) and from the
record's customer name; the deny-list is every generated person (``persons.csv``, first + last or
maiden name). Names the generator varied (typos, nicknames) are gold only when the record carries
the same spelling. Writes ``benchmarks/results/privacy_scan.json``; never asserts on time.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_generate import machine  # noqa: E402

DATA = REPO / "tests" / "data" / "privacy"
SOURCE, SAMPLE, NAMES = (DATA / "labelled_sample_source.txt", DATA / "labelled_sample.jsonl",
                         DATA / "known_names.txt")
MARK = re.compile(r"\{([A-Z_]+)\|([^{}]+)\}")
# The sample and the recognizers were written by the same person, so the figures flatter us;
# outside text (``lakehouse privacy scan`` on a real, hand-labelled document) is the real test.
NOTES = [
    "Sample written by the author of the recognizers: expect lower recall on outside text.",
    "First measurement (2026-11-29): overall overlap recall 0.9451, precision 0.9936; PERSON "
    "0.9388 (unknown names 0.857), E_TICKET 0.8. Two fixes followed from reading the misses: "
    "the spaced e-ticket pattern rejected a space before the number (bug), and a relation cue "
    "('my wife Emma Smith') was added to the PERSON heuristics.",
    "First generated-sample measurement (3000 customers, 10 days, seed 11): PNR_LOCATOR missed "
    "'AN2463' and 'CP574Y' after an explicit cue (flight-number-shaped codes were invalidated "
    "even after 'booking reference is'; now only the uncued pattern excludes that shape) and "
    "read 'BETTER' in shouted text as a locator (the weak upper-case pattern is now dropped in "
    "mostly-capital text). Remaining misses are generator name variations ('aDan Meijer', "
    "'deVries Julia', 'SSRA ROMANO') that neither the deny-list nor the cues catch.",
]


def parse_marked(marked: str) -> tuple[str, list[dict]]:
    """Plain text and gold spans from ``{TYPE|value}`` markup (``\\n`` becomes a line break)."""
    marked = marked.replace("\\n", "\n")
    text, spans, last = [], [], 0
    length = 0
    for match in MARK.finditer(marked):
        before = marked[last:match.start()]
        text.append(before)
        length += len(before)
        kind, value = match.groups()
        spans.append({"type": kind, "start": length, "end": length + len(value), "value": value})
        text.append(value)
        length += len(value)
        last = match.end()
    text.append(marked[last:])
    return "".join(text), spans


def build_sample() -> int:
    """Write ``labelled_sample.jsonl`` from the marked-up source; return the number of texts."""
    rows = []
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, marked = line.split("\t", 1)
        text, spans = parse_marked(marked)
        rows.append({"id": f"S{len(rows) + 1:03d}", "kind": kind, "text": text, "entities": spans})
    SAMPLE.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                      encoding="utf-8")
    return len(rows)


def _overlaps(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def score(gold: list[list[dict]], predicted: list[list[dict]]) -> dict:
    """Per-type and overall exact/overlap precision and recall, redaction recall, leaked chars."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    leaked = total_chars = 0
    for g_spans, p_spans in zip(gold, predicted, strict=True):
        for g in g_spans:
            c = counts[g["type"]]
            c["gold"] += 1
            c["exact_found"] += any(p["type"] == g["type"] and p["start"] == g["start"]
                                    and p["end"] == g["end"] for p in p_spans)
            c["overlap_found"] += any(p["type"] == g["type"] and _overlaps(p, g) for p in p_spans)
            c["redacted"] += any(_overlaps(p, g) for p in p_spans)
            covered = {i for p in p_spans for i in range(p["start"], p["end"])}
            leaked += sum(i not in covered for i in range(g["start"], g["end"]))
            total_chars += g["end"] - g["start"]
        for p in p_spans:
            c = counts[p["type"]]
            c["predicted"] += 1
            c["exact_correct"] += any(p["type"] == g["type"] and p["start"] == g["start"]
                                      and p["end"] == g["end"] for g in g_spans)
            c["overlap_correct"] += any(p["type"] == g["type"] and _overlaps(p, g)
                                        for g in g_spans)
    counts["ALL"] = defaultdict(int)
    for kind in [k for k in counts if k != "ALL"]:
        for key, value in counts[kind].items():
            counts["ALL"][key] += value
    per_type = {kind: {"gold": c["gold"], "predicted": c["predicted"],
                       "exact": {"recall": _ratio(c["exact_found"], c["gold"]),
                                 "precision": _ratio(c["exact_correct"], c["predicted"])},
                       "overlap": {"recall": _ratio(c["overlap_found"], c["gold"]),
                                   "precision": _ratio(c["overlap_correct"], c["predicted"])},
                       "redacted_recall": _ratio(c["redacted"], c["gold"])}
                for kind, c in sorted(counts.items())}
    return {"per_type": per_type, "leaked_chars": leaked, "gold_chars": total_chars}


def person_recall_by_knowledge(rows: list[dict], predicted: list[list[dict]],
                               known: set[str]) -> dict:
    """PERSON overlap recall for names on the deny-list and for the others."""
    from privacy.recognizers.person_deny_list import name_key

    keys = {name_key(n) for n in known}
    found = {"known": [0, 0], "unknown": [0, 0]}
    for row, p_spans in zip(rows, predicted, strict=True):
        for g in (g for g in row["entities"] if g["type"] == "PERSON"):
            bucket = found["known" if name_key(g["value"]) in keys else "unknown"]
            bucket[0] += 1
            bucket[1] += any(p["type"] == "PERSON" and _overlaps(p, g) for p in p_spans)
    return {k: {"gold": n, "recall": _ratio(hit, n)} for k, (n, hit) in found.items()}


def run(rows: list[dict], known: frozenset[str],
        sample: Path = SAMPLE) -> tuple[list[list[dict]], float]:
    """Scan the sample through ``scan_file``; return the entities per text and seconds per text."""
    from privacy.analyzer import get_analyzer
    from privacy.scan import scan_file

    analyzer = get_analyzer(None, known)
    analyzer.analyze("warm-up")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "scan.jsonl"
        started = time.perf_counter()
        scan_file(sample, "text", out, analyzer)
        seconds = time.perf_counter() - started
        report = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return [r["entities"] for r in report], seconds / len(rows)

# Gold spans in generated texts come from the generator's own phrasing and the records' fields.
STAFF_NAMES = r"\b(Anna|Joost|Priya|Marco|Fatima|Sven)\b"
GOLD_CUES = [
    ("PERSON", r"Meridian Air, (\w+) speaking"),
    ("PERSON", STAFF_NAMES),
    ("PNR_LOCATOR", r"booking reference is ([A-Z0-9]{6})\b"),
    ("PHONE_NUMBER", r"reach you on ([+(\d][\d ()-]+\d)\?"),
    ("PHONE_NUMBER", r"call me back on ([+(\d][\d ()-]+\d)\."),
    ("CREDIT_CARD", r"the number is ([\d][\d -]+\d)\."),
    ("CREDIT_CARD", r"refund to my card ([\d][\d -]+\d)\."),
]


def _gold_in(text: str, names: list[str]) -> list[dict]:
    """Gold spans of one generated text: template cues plus the customer's name as written."""
    spans = {}
    for kind, cue in GOLD_CUES:
        for match in re.finditer(cue, text, flags=re.IGNORECASE):
            spans[(match.start(1), match.end(1))] = kind
    for name in filter(None, names):
        for match in re.finditer(re.escape(name), text, flags=re.IGNORECASE):
            spans[(match.start(), match.end())] = "PERSON"
    inside = {(a, b) for a, b in spans for c, d in spans if c <= a and b <= d and (a, b) != (c, d)}
    return [{"type": kind, "start": a, "end": b, "value": text[a:b]}  # staff name in a customer's
            for (a, b), kind in sorted(spans.items()) if (a, b) not in inside]


def generated_rows(folder: Path, customers: int, days: int, seed: int) -> list[dict]:
    """Contact-centre transcripts and opened feedback cases of a generated run, with gold."""
    from datetime import date

    from pipelines.generate import generate

    generate(folder, customers, days, seed, date(2026, 1, 1))
    rows = []
    paths = [*(folder / "landing").glob("contact_centre/*.jsonl"),
             *(folder / "landing").glob("feedback/*.jsonl")]
    for path in sorted(paths):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # the generator's malformed-line dirt; bronze quarantines these
            customer = record.get("customer") or {}
            text = record.get("transcript") or (record.get("text")
                                                if record.get("event") == "opened" else None)
            if not text:
                continue
            full = customer.get("name") or " ".join(
                filter(None, (customer.get("first_name"), customer.get("last_name"))))
            rows.append({"id": record.get("interaction_id") or record.get("case_id"),
                         "text": text, "entities": _gold_in(text, [full])})
    return rows


def generated_benchmark(customers: int, days: int, seed: int) -> dict:
    """Scan a generated run's free text with and without the generated people as deny-list."""
    from privacy.recognizers.person_deny_list import known_names_from_rows

    with tempfile.TemporaryDirectory() as tmp:
        rows = generated_rows(Path(tmp), customers, days, seed)
        with (Path(tmp) / "ground_truth" / "persons.csv").open(encoding="utf-8") as fh:
            known = frozenset(known_names_from_rows(csv.DictReader(fh)))
        sample = Path(tmp) / "generated.jsonl"
        sample.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                          encoding="utf-8")
        gold = [r["entities"] for r in rows]
        out = {"customers": customers, "days": days, "seed": seed, "texts": len(rows),
               "gold_entities": sum(map(len, gold)), "known_names": len(known), "results": {}}
        for label, names in (("with_known_names", known), ("without_known_names", frozenset())):
            predicted, per_text = run(rows, names, sample)
            out["results"][label] = {**score(gold, predicted),
                                     "seconds_per_text": round(per_text, 4)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-sample", action="store_true",
                        help="rebuild labelled_sample.jsonl from the marked-up source first")
    parser.add_argument("--customers", type=int, default=3000,
                        help="people in the generated run scanned as a second sample")
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if args.build_sample:
        build_sample()
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    known = frozenset(n.strip() for n in NAMES.read_text(encoding="utf-8").splitlines()
                      if n.strip() and not n.startswith("#"))
    gold = [r["entities"] for r in rows]
    results = {}
    for label, names in (("with_known_names", known), ("without_known_names", frozenset())):
        predicted, per_text = run(rows, names)
        results[label] = {**score(gold, predicted), "seconds_per_text": round(per_text, 4),
                          "person_recall": person_recall_by_knowledge(rows, predicted, known)}
    from importlib.metadata import version

    out = {"sample": str(SAMPLE.relative_to(REPO)), "texts": len(rows),
           "gold_entities": sum(map(len, gold)), "known_names": len(known),
           "nlp_engine": "spacy.blank('en') tokenizer + lower-case lemmas (no model)",
           "results": results,
           "generated": generated_benchmark(args.customers, args.days, args.seed),
           "notes": NOTES,
           "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
           "machine": {**machine(), "presidio_analyzer": version("presidio-analyzer"),
                       "spacy": version("spacy")}}
    path = REPO / "benchmarks" / "results" / "privacy_scan.json"
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    overall = results["with_known_names"]["per_type"]["ALL"]
    print(f"wrote {path}: overall overlap recall {overall['overlap']['recall']}, "  # noqa: T201
          f"precision {overall['overlap']['precision']}")


if __name__ == "__main__":
    main()
