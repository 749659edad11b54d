"""Labelled and unlabelled texts: from the lake's bronze tables, plus generator-drawn texts.

Weak labels, each taken from a field the source system itself records (never ground truth):

- feedback cases (``bronze.feedback_events``, ``opened`` lines): the case ``type`` chosen when the
  case is opened. A complaint is written to complain (negative), a compliment to praise
  (positive); a suggestion asks for something without a grievance (neutral, the weakest of the
  three: a suggestion may open with a kind word).
- contact-centre transcripts (``bronze.contact_centre_interactions``): the interaction
  ``reason``. Routine service requests (booking change, allowance, invoice...) are neutral;
  disruption, baggage and undelivered-ancillary contacts report a failure (negative). Only the
  customer's turns are kept: the agent's script is the same polite text in every call. CSAT is
  not used: it is scored after the call, about the handling, not the words.
- social posts carry no label field; they are scored, never trained on.

The demo lake holds only a few labelled texts per 1000 customer-days, so the generator's own
text module (``pipelines.generate.text``) adds ``generated_per_class`` texts per class, drawn
with its complaint / compliment / suggestion kinds and social moods. Every row says where it
came from (``origin``), and evaluation reports the lake rows on their own as well.
"""

from __future__ import annotations

import random

import pandas as pd

from pipelines.config import Settings
from pipelines.spark import table_path

COLUMNS = ["source", "record_id", "text", "label", "origin"]


def bronze_table(spark, settings: Settings, table: str):
    """``(DataFrame, Delta version)`` of ``bronze.<table>``, or ``(None, None)`` if absent."""
    from delta.tables import DeltaTable

    path = table_path(settings, "bronze", table)
    if not (path / "_delta_log").exists():
        return None, None
    version = DeltaTable.forPath(spark, str(path)).history(1).select("version").first()[0]
    return spark.read.format("delta").load(str(path)), int(version)


def customer_turns(transcript: str | None) -> str:
    """The customer's words in a transcript (lines ``Customer: ...``), joined by spaces."""
    turns = [line.split("Customer:", 1)[1].strip() for line in (transcript or "").splitlines()
             if line.startswith("Customer:")]
    return " ".join(t for t in turns if t)


def feedback_texts(df) -> pd.DataFrame:
    """Opened cases: ``source, record_id (case_id), text, type`` (one row per case)."""
    rows = (df.where("event = 'opened' and text is not null")
            .select("case_id", "type", "text").dropDuplicates(["case_id"]).toPandas())
    return pd.DataFrame({"source": "feedback", "record_id": rows["case_id"],
                         "text": rows["text"], "type": rows["type"]})


def contact_texts(df) -> pd.DataFrame:
    """Interactions: ``source, record_id (interaction_id), text (customer turns), reason``."""
    rows = (df.where("transcript is not null").select("interaction_id", "reason", "transcript")
            .dropDuplicates(["interaction_id"]).toPandas())
    return pd.DataFrame({"source": "contact_centre", "record_id": rows["interaction_id"],
                         "text": rows["transcript"].map(customer_turns),
                         "reason": rows["reason"]})


def social_texts(df) -> pd.DataFrame:
    """Posts: ``source, record_id (post_id), text``."""
    rows = df.select("post_id", "text").dropDuplicates(["post_id"]).toPandas()
    return pd.DataFrame({"source": "social", "record_id": rows["post_id"], "text": rows["text"]})


def contact_label(reason: str | None, data_conf: dict) -> str | None:
    """neutral for a routine reason, negative for a trouble reason, None otherwise."""
    if reason in data_conf["routine_contact_reasons"]:
        return "neutral"
    if reason and reason.startswith(tuple(data_conf["trouble_reason_prefixes"])):
        return "negative"
    return None


def lake_labelled(spark, settings: Settings, data_conf: dict) -> tuple[pd.DataFrame, dict]:
    """Weakly labelled lake texts and the Delta versions read, ``{"bronze.<t>": version}``."""
    frames, versions = [], {}
    feedback, versions["bronze.feedback_events"] = bronze_table(spark, settings,
                                                                "feedback_events")
    if feedback is not None:
        f = feedback_texts(feedback)
        frames.append(f.assign(label=f["type"].map(data_conf["feedback_type_label"])))
    contact, versions["bronze.contact_centre_interactions"] = bronze_table(
        spark, settings, "contact_centre_interactions")
    if contact is not None:
        c = contact_texts(contact)
        frames.append(c.assign(label=[contact_label(r, data_conf) for r in c["reason"]]))
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    frame = frame.dropna(subset=["label", "text"]).assign(origin="lake")
    return frame[COLUMNS].reset_index(drop=True), versions


def generated_labelled(per_class: int, seed: int) -> pd.DataFrame:
    """``per_class`` texts per class from the generator's text module, with its own labels."""
    from pipelines.generate.feeds.contact_centre import ROUTINE_LINES
    from pipelines.generate.text import EVENTS, STAFF, compose, social_post

    r = random.Random(seed)
    trouble = [e for e in EVENTS if e != "smooth"]
    makers = {
        "negative": [lambda s, f: compose(s, "complaint", r.sample(trouble, r.randint(1, 2)), f),
                     lambda s, f: social_post(s, "negative", f)],
        "positive": [lambda s, f: compose(s, "compliment", [], f),
                     lambda s, f: social_post(s, "positive", f)],
        "neutral": [lambda s, f: compose(s, "suggestion", [], f),
                    lambda s, f: social_post(s, "neutral", f),
                    lambda s, f: f"Hi, this is {r.choice(STAFF)}. "
                                 f"{r.choice(list(ROUTINE_LINES.values()))}"],
    }
    rows = [(label, makers[label][k % len(makers[label])](r.getrandbits(48),
                                                          template_slots(r)))
            for label in makers for k in range(per_class)]
    return pd.DataFrame({"source": "generated", "record_id": [f"G{i}" for i in range(len(rows))],
                         "text": [t for _, t in rows], "label": [lab for lab, _ in rows],
                         "origin": "generated"})


def template_slots(r: random.Random) -> dict[str, object]:
    """Template slots like ``pipelines.generate.stories.slots``, drawn from the real network."""
    from pipelines.generate.network import load_network

    net = load_network()
    f = net.flights[r.randrange(len(net.flights))]
    minutes = r.randint(60, 900)
    return {"flight": f.number, "origin": net.airports[f.origin].city,
            "dest": net.airports[f.destination].city,
            "when": r.choice(["yesterday", "last week", "this morning", "on 12 March"]),
            "hours": max(1, round(minutes / 60)), "minutes": minutes,
            "tag": f"MA{r.randint(100000, 999999)}", "days": r.randint(1, 5),
            "extra": r.choice(["seat reservation", "extra bag", "lounge access", "wifi package"]),
            "amount": r.randint(25, 425), "phone": "my mobile",
            "pnr": "".join(r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))}


def training_texts(spark, settings: Settings, conf: dict) -> tuple[pd.DataFrame, dict]:
    """Lake texts plus generated texts (``conf['data']``): the frame and the Delta versions."""
    data_conf = conf["data"]
    lake, versions = lake_labelled(spark, settings, data_conf)
    generated = generated_labelled(int(data_conf["generated_per_class"]), int(data_conf["seed"]))
    return pd.concat([lake, generated], ignore_index=True), versions
