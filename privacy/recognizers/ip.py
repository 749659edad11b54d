"""IP addresses (v4 and v6): Presidio's patterns, each match checked by ``ipaddress``.

Web-shop and app logs pasted into complaints carry client addresses; an IP address is personal
data under the GDPR (CJEU, Breyer, C-582/14).
"""

from __future__ import annotations

from collections.abc import Mapping

from presidio_analyzer.predefined_recognizers import IpRecognizer

from privacy.recognizers.base import context, scored

ENTITY = "IP_ADDRESS"
PATTERNS = IpRecognizer.PATTERNS
CONTEXT = ["ip", "ipv4", "ipv6", "address", "logged", "login", "device", "router"]


def build(language: str, options: Mapping) -> IpRecognizer:
    return IpRecognizer(patterns=scored(PATTERNS, options.get("scores")),
                        context=context(options, CONTEXT), supported_language=language)
