"""The e-mail recognizer validates domains without touching the network.

A guard replaces the socket layer and records every attempt to resolve or connect. The first
test shows the guard sees tldextract's default download (so the others could fail); the rest
show that our recognizer and the whole analyzer make no attempt at all.
"""

from __future__ import annotations

import socket

import pytest


@pytest.fixture
def network_attempts(monkeypatch):
    attempts: list[tuple] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled by the test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def test_guard_sees_tldextract_default_download(network_attempts, tmp_path):
    import tldextract

    default = tldextract.TLDExtract(cache_dir=str(tmp_path))  # empty cache, default URLs
    default("anna@ziggo.nl")
    assert network_attempts, "tldextract's default extractor should try to fetch the suffix list"


def test_email_recognizer_validates_offline(network_attempts, monkeypatch):
    import tldextract

    from privacy.recognizers import email

    fresh = tldextract.TLDExtract(**email.EXTRACT_OPTIONS)  # nothing loaded yet
    monkeypatch.setattr(email, "OFFLINE_EXTRACT", fresh)
    recognizer = email.build("en", {})
    text = "mail anna.jansen@ziggo.nl or a@b.notatld"
    found = [text[r.start:r.end] for r in recognizer.analyze(text, [email.ENTITY])]
    assert found == ["anna.jansen@ziggo.nl"]
    assert network_attempts == []


def test_full_analyzer_scan_makes_no_network_call(network_attempts):
    from privacy.analyzer import build_analyzer, load_registry

    analyzer = build_analyzer(load_registry(), ["Lotte Visser"])
    entities = analyzer.analyze("Lotte Visser, lotte187@orange.fr, +31648705417")
    assert {e.type for e in entities} == {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER"}
    assert network_attempts == []
