"""Weak labels, customer turns, the keyword baseline and the leak-free split."""

import pandas as pd
import pytest

from ml.sentiment.config import load_conf
from ml.sentiment.data import contact_label, customer_turns, generated_labelled
from ml.sentiment.evaluate import keyword_baseline, metrics
from ml.sentiment.split import split

CONF = load_conf()


@pytest.mark.parametrize(("kind", "label"), [("complaint", "negative"),
                                             ("compliment", "positive"),
                                             ("suggestion", "neutral")])
def test_feedback_case_type_maps_to_a_label(kind, label):
    assert CONF["data"]["feedback_type_label"][kind] == label


@pytest.mark.parametrize(("reason", "label"), [
    ("booking_change", "neutral"), ("invoice_request", "neutral"),
    ("disruption_cancellation", "negative"), ("baggage_mishandled", "negative"),
    ("ancillary_not_delivered", "negative"), ("something_new", None), (None, None)])
def test_contact_reason_maps_to_a_label_or_none(reason, label):
    assert contact_label(reason, CONF["data"]) == label


def test_only_customer_turns_are_kept():
    transcript = ("Agent: Meridian Air, Anna speaking, how can I help?\n"
                  "Customer: Hi, this is Ada. My bag is lost.\n"
                  "Agent: Can I reach you on +44 1? Customer: Yes, that's right.\n"
                  "Customer: My booking reference is ABC123.\nAgent: Done.")
    assert customer_turns(transcript) == ("Hi, this is Ada. My bag is lost. "
                                          "My booking reference is ABC123.")
    assert customer_turns(None) == ""


def test_generated_texts_cover_every_class_equally_and_are_deterministic():
    a, b = generated_labelled(12, seed=3), generated_labelled(12, seed=3)
    assert a["label"].value_counts().to_dict() == {"negative": 12, "neutral": 12,
                                                   "positive": 12}
    assert a["text"].tolist() == b["text"].tolist()
    assert (a["origin"] == "generated").all()


def test_keyword_baseline_reads_cue_words():
    texts = ["My bag was lost and the flight cancelled", "Lovely crew, thanks!",
             "What is the bag limit?"]
    assert keyword_baseline(texts, CONF["baseline"]) == ["negative", "positive", "neutral"]


def test_split_never_puts_a_text_on_both_sides():
    texts = [f"text {i % 30}" for i in range(120)]  # every text four times, in any case
    frame = pd.DataFrame({"text": [t.upper() if i % 2 else t for i, t in enumerate(texts)],
                          "label": [("negative", "neutral", "positive")[i % 3]
                                    for i in range(30)] * 4})
    train, test = split(frame, 0.25, seed=1)
    assert len(train) + len(test) == 30
    assert not set(train["text"].str.lower()) & set(test["text"].str.lower())


def test_macro_f1_averages_the_classes():
    labels = ["negative", "neutral", "positive"]
    m = metrics(["negative", "neutral", "positive", "positive"],
                ["negative", "neutral", "neutral", "positive"], labels)
    assert m["f1_negative"] == 1.0
    assert m["macro_f1"] == pytest.approx((1 + 2 / 3 + 2 / 3) / 3)
