"""E-mail addresses, validated against a public-suffix list that never comes from the network.

Presidio's ``EmailRecognizer`` checks the domain with ``tldextract.extract``, whose default
extractor downloads the Public Suffix List on first use (and caches it under ``~/.cache``). A scan
must work on an air-gapped machine and must not leak that it ran, so we validate with an
extractor built with no suffix-list URLs and no cache: it uses the snapshot shipped inside the
``tldextract`` wheel.
"""

from __future__ import annotations

from collections.abc import Mapping

import tldextract
from presidio_analyzer.predefined_recognizers import EmailRecognizer

from privacy.recognizers.base import context, scored

ENTITY = "EMAIL_ADDRESS"
PATTERNS = EmailRecognizer.PATTERNS
CONTEXT = ["email", "e-mail", "mail", "address", "contact", "inbox"]

# suffix_list_urls=() disables HTTP; cache_dir=None disables the disk cache; the bundled snapshot
# (fallback_to_snapshot, the default) then answers every lookup.
EXTRACT_OPTIONS = {"cache_dir": None, "suffix_list_urls": ()}
OFFLINE_EXTRACT = tldextract.TLDExtract(**EXTRACT_OPTIONS)


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail pattern with an offline domain check."""

    def validate_result(self, pattern_text: str) -> bool:
        """True when the part after ``@`` ends in a known public suffix (``.com``, ``.co.uk``)."""
        return OFFLINE_EXTRACT(pattern_text.rsplit("@", 1)[-1]).fqdn != ""


def build(language: str, options: Mapping) -> OfflineEmailRecognizer:
    return OfflineEmailRecognizer(patterns=scored(PATTERNS, options.get("scores")),
                                  context=context(options, CONTEXT), supported_language=language)
