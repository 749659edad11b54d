"""The Presidio analyzer built from ``conf/privacy/recognizers.yaml``, offline and cached.

No spaCy model can be downloaded here (and a scan must not depend on the network), so the NLP
engine is ``spacy.blank(<lang>)``: a rule-based tokenizer with no statistical components. Presidio
needs only tokens and lemmas from it, for context words; a one-line component copies each
token's lower-case form into its lemma, so "Booking" and "booking" both count as context.
PERSON therefore comes from our own recognizers (known names, cue heuristics), not from NER.

Presidio reports overlapping results of different types side by side (a Luhn-valid 13-digit
Visa is also a bare e-ticket shape; an e-mail contains a name); :func:`resolve_overlaps` keeps
one per span so a scan counts each piece of text once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import spacy
import yaml
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import SpacyNlpEngine
from spacy.language import Language

from pipelines.config import CONF_DIR
from pipelines.errors import LakehouseError

REGISTRY_PATH = CONF_DIR / "privacy" / "recognizers.yaml"
LEMMA_COMPONENT = "lakehouse_lower_case_lemma"


@Language.component(LEMMA_COMPONENT)
def _lower_case_lemma(doc):
    for token in doc:
        token.lemma_ = token.lower_
    return doc


class BlankSpacyNlpEngine(SpacyNlpEngine):
    """A tokenizer-only spaCy engine built in code: nothing to download, no NER entities."""

    def __init__(self, languages: Iterable[str]) -> None:
        super().__init__(models=[{"lang_code": lang, "model_name": f"blank:{lang}"}
                                 for lang in languages])

    def load(self) -> None:
        """One ``spacy.blank`` pipeline per language, plus the lower-case-lemma component."""
        self.nlp = {}
        for model in self.models:
            nlp = spacy.blank(model["lang_code"])
            nlp.add_pipe(LEMMA_COMPONENT)
            self.nlp[model["lang_code"]] = nlp

    def get_supported_entities(self) -> list[str]:
        return []


@dataclass(frozen=True)
class Entity:
    """One detected piece of PII: character offsets into the text, type, score, recognizer."""

    type: str
    start: int
    end: int
    score: float
    recognizer: str

    def as_dict(self) -> dict:
        return {"type": self.type, "start": self.start, "end": self.end,
                "score": round(self.score, 4), "recognizer": self.recognizer}


def resolve_overlaps(entities: Iterable[Entity], priority: list[str]) -> list[Entity]:
    """Keep the best of overlapping results: higher score, longer span, earlier in ``priority``."""
    rank = {name: i for i, name in enumerate(priority)}
    best = sorted(entities, key=lambda e: (-e.score, -(e.end - e.start),
                                           rank.get(e.type, len(rank)), e.start))
    kept: list[Entity] = []
    for entity in best:
        if all(entity.end <= k.start or entity.start >= k.end for k in kept):
            kept.append(entity)
    return sorted(kept, key=lambda e: (e.start, e.end))


@dataclass
class Analyzer:
    """A configured engine plus the registry's threshold and overlap priority."""

    engine: AnalyzerEngine
    threshold: float
    priority: list[str]
    language: str

    def analyze(self, text: str, language: str | None = None) -> list[Entity]:
        """Entities in ``text`` at or above the threshold, without overlaps."""
        if not text:
            return []
        results = self.engine.analyze(text=text, language=language or self.language,
                                      score_threshold=self.threshold)
        return resolve_overlaps(
            (Entity(r.entity_type, r.start, r.end, r.score,
                    (r.recognition_metadata or {}).get("recognizer_name", "")) for r in results),
            self.priority)


def load_registry(path: Path | None = None) -> dict:
    """The registry YAML as a dict (``conf/privacy/recognizers.yaml`` by default)."""
    path = path or REGISTRY_PATH
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LakehouseError(f"cannot read the recognizer registry {path}: {exc.strerror}",
                             "restore conf/privacy/recognizers.yaml from git") from exc


def _recognizers(conf: dict, known_names: Iterable[str]) -> list:
    from privacy.recognizers import BUILDERS

    entries = conf.get("recognizers") or {}
    unknown = sorted(set(entries) - set(BUILDERS))
    if unknown:
        raise LakehouseError(f"unknown recognizer(s) {unknown} in the recognizer registry",
                             f"use names from privacy/recognizers: {sorted(BUILDERS)}")
    names = list(known_names)
    out = []
    for lang in conf.get("languages") or ["en"]:
        for name, options in entries.items():
            options = dict(options or {})
            if not options.pop("enabled", True):
                continue
            if name == "person_deny_list":
                options["known_names"] = names
            try:
                out.append(BUILDERS[name](lang, options))
            except ValueError as exc:
                raise LakehouseError(f"recognizer '{name}' in the registry: {exc}",
                                     "fix its entry in conf/privacy/recognizers.yaml") from exc
    return out


def build_analyzer(conf: dict, known_names: Iterable[str] = ()) -> Analyzer:
    """An :class:`Analyzer` for a registry dict and the names the deny-list must know."""
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)  # one line per recognizer
    languages = list(conf.get("languages") or ["en"])
    ctx = conf.get("context") or {}
    enhancer = LemmaContextAwareEnhancer(
        context_similarity_factor=float(ctx.get("similarity_factor", 0.35)),
        min_score_with_context_similarity=float(ctx.get("min_score_with_context", 0.4)),
        context_prefix_count=int(ctx.get("prefix_words", 5)),
        context_suffix_count=int(ctx.get("suffix_words", 0)))
    registry = RecognizerRegistry(recognizers=_recognizers(conf, known_names),
                                  supported_languages=languages)
    engine = AnalyzerEngine(registry=registry, nlp_engine=BlankSpacyNlpEngine(languages),
                            supported_languages=languages, context_aware_enhancer=enhancer)
    return Analyzer(engine, float(conf.get("score_threshold", 0.4)),
                    list(conf.get("priority") or []), languages[0])


@lru_cache(maxsize=4)
def get_analyzer(path: Path | None = None, known_names: frozenset[str] = frozenset()) -> Analyzer:
    """The analyzer for a registry file and a set of known names, built once per process."""
    return build_analyzer(load_registry(path), known_names)

