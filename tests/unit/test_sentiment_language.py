"""Empty or non-English text is `unknown`; English text, short or long, is scored."""

import numpy as np
import pytest

from ml.sentiment.config import load_conf
from ml.sentiment.language import is_english
from ml.sentiment.model import predict_texts

CONF = load_conf()

ENGLISH = [
    "The flight was delayed and I missed my connection in Amsterdam.",
    "Lovely crew, great service.",
    "MR602 cancelled AGAIN. thanks for nothing @MeridianAir",
    "lovely crew on MA123 today, thanks @MeridianAir 😊",
    "anyone flown @MeridianAir to Rome? worth it?",
    "Hi, this is Zoë Müller. I need to move my flight to a later date.",
]
NOT_ENGLISH = [
    "", "   ", "😡😡👎", "12345 !!!",
    "Mon vol a été annulé et personne ne nous a informés",
    "Mein Flug wurde gestrichen und niemand hat uns informiert",
    "Mi vuelo fue cancelado y nadie me ayudó",
    "Il mio volo è stato cancellato senza preavviso",
    "Mijn vlucht is geannuleerd en niemand heeft ons geholpen",
    "O meu voo foi cancelado e ninguém nos ajudou",
    "Мой рейс отменили, багаж потерян",
    "私のフライトはキャンセルされました",
    "Vuelo cancelado, servicio horrible, nunca mas vuelvo",
]


@pytest.mark.parametrize("text", ENGLISH)
def test_english_text_is_scorable(text):
    assert is_english(text, CONF["language"])


@pytest.mark.parametrize("text", NOT_ENGLISH)
def test_empty_or_foreign_text_is_not_scorable(text):
    assert not is_english(text, CONF["language"])


class _Head:
    """Stands in for the trained head: fixed probabilities, one row per embedded text."""

    classes_ = np.array(["negative", "neutral", "positive"])

    def predict_proba(self, x):
        return np.tile([0.1, 0.2, 0.7], (len(x), 1))


class _Encoder:
    dimension = 3

    def __init__(self):
        self.seen = []

    def encode(self, texts):
        self.seen.extend(texts)
        return np.ones((len(texts), 3), dtype=np.float32)


def test_unknown_rows_get_no_score_and_never_reach_the_encoder():
    encoder = _Encoder()
    texts = ["Great crew, thank you!", None, "", "Mein Flug wurde gestrichen und niemand kam"]
    out = predict_texts(texts, encoder, _Head(), CONF)
    assert out["sentiment"].tolist() == ["positive", "unknown", "unknown", "unknown"]
    assert out["sentiment_score"].iloc[0] == pytest.approx(0.6)
    assert out["sentiment_score"].iloc[1:].isna().all()
    assert encoder.seen == ["Great crew, thank you!"]


def test_all_unknown_batch_is_not_an_error():
    out = predict_texts(["", "   ", "これは日本語です"], _Encoder(), _Head(), CONF)
    assert set(out["sentiment"]) == {"unknown"}
