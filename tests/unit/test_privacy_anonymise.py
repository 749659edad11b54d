"""Free-text anonymisation: detected entities become type tags, nothing else changes."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture(scope="module")
def analyzer():
    from privacy.analyzer import build_analyzer, load_registry

    return build_analyzer(load_registry(), ["Francesca Romano"])


def test_entities_are_replaced_by_their_type(analyzer):
    from privacy.anonymise import anonymise

    text = ("Hi, this is Francesca Romano. My booking reference is VXAE6B. "
            "Call me on +39 202 764 3296 or fromano@outlook.com.")
    clean, counts = anonymise(text, analyzer)
    assert clean == ("Hi, this is <PERSON>. My booking reference is <PNR_LOCATOR>. "
                     "Call me on <PHONE_NUMBER> or <EMAIL_ADDRESS>.")
    assert counts == {"PERSON": 1, "PNR_LOCATOR": 1, "PHONE_NUMBER": 1, "EMAIL_ADDRESS": 1}


def test_text_without_pii_is_unchanged_and_empty_values_pass(analyzer):
    from privacy.anonymise import anonymise, anonymise_column

    assert anonymise("Lovely crew, great service.", analyzer)[0] == "Lovely crew, great service."
    texts = pd.Series(["card 4111 1111 1111 1111", None, ""], index=[5, 6, 7])
    clean, counts = anonymise_column(texts, analyzer)
    assert list(clean.index) == [5, 6, 7]
    assert clean[5] == "card <CREDIT_CARD>" and clean[6] is None and clean[7] == ""
    assert counts == {"CREDIT_CARD": 1}


def test_anonymised_text_scans_clean(analyzer):
    from privacy.anonymise import anonymise

    text = "FRANCESCA ROMANO, passport UP8642157, member number 3704013899, IBAN NL91ABNA0417164300"
    clean, _ = anonymise(text, analyzer)
    assert analyzer.analyze(clean) == []
