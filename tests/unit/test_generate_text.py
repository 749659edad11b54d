"""Free text is varied enough that a model cannot learn a template, yet its tone follows events."""

from __future__ import annotations

from pipelines.generate.text import compose

SLOTS = {"flight": "MR645", "origin": "Amsterdam", "dest": "Houston", "when": "yesterday",
         "hours": 4, "minutes": 250, "tag": "0999123456", "days": 2, "extra": "wifi package",
         "amount": 120, "phone": "+31612345678", "pnr": "QPPU3W"}


def test_complaints_about_the_same_event_are_almost_never_identical():
    texts = [compose(seed, "complaint", ["cancelled"], SLOTS) for seed in range(500)]
    assert len(set(texts)) >= 490


def test_no_sentence_opens_every_complaint():
    openings = {compose(seed, "complaint", ["delayed"], SLOTS)[:25] for seed in range(300)}
    assert len(openings) > 40


def test_complaint_text_mentions_what_happened_and_compliments_do_not_complain():
    complaint = " ".join(compose(s, "complaint", ["bag_lost"], SLOTS) for s in range(50)).lower()
    compliment = " ".join(compose(s, "compliment", [], SLOTS) for s in range(50)).lower()
    assert "bag" in complaint or "luggage" in complaint or "suitcase" in complaint
    assert "eu261" not in compliment and "refund" not in compliment
