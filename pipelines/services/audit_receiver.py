"""Receiver of Trino's query events: appends each posted event to a spool file, nothing else.

Trino's ``http`` event listener posts one JSON document per completed query (user, SQL, tables
and columns read, failure). Writing them straight into the Delta audit log from here would put a
Spark session behind an HTTP endpoint; instead this small process (standard library only) makes
each event durable at once (one ``O_APPEND`` write + fsync per event into
``<var>/audit/trino_events/events-<UTC date>.jsonl``) and ``lakehouse audit collect``
(:mod:`privacy.query_audit`) moves the spooled events into the hash-chained ``ops.audit_log``.

It listens on loopback only and is started and stopped together with Trino.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.services.process import wait_gone

log = logging.getLogger(__name__)

NAME = "audit-receiver"
MAX_EVENT_BYTES = 16 * 1024 * 1024
# Query plans (text and JSON) are ~95% of an event's bytes and say nothing about who read what.
BULKY_METADATA = ("plan", "jsonPlan", "payload")


def spool_dir(settings: Settings) -> Path:
    return settings.var_dir / "audit" / "trino_events"


def port(settings: Settings) -> int:
    configured = settings.get("trino.audit_port")
    return int(configured) if configured else int(settings.get("trino.port")) + 2000


def _pid_file(settings: Settings) -> Path:
    return settings.var_dir / "audit" / "receiver.pid"


def _log_file(settings: Settings) -> Path:
    return settings.var_dir / "audit" / "receiver.log"


# --- the server (runs in its own process) -----------------------------------------------------


def slim(body: bytes) -> bytes:
    """The event without its query plans, as one line; a body that is not JSON is kept whole
    (the collector then records it as unreadable rather than it being lost here)."""
    try:
        event = json.loads(body)
        for key in BULKY_METADATA:
            event.get("metadata", {}).pop(key, None)
        return json.dumps(event, separators=(",", ":")).encode("utf-8")
    except (ValueError, AttributeError):
        return body.replace(b"\n", b" ").strip()


def append_event(spool: Path, body: bytes, now: datetime | None = None) -> Path:
    """Append one event as a single line to today's spool file and fsync it."""
    line = slim(body) + b"\n"
    day = (now or datetime.now(UTC)).strftime("%Y-%m-%d")
    path = spool / f"events-{day}.jsonl"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


def _handler(spool: Path) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            if length <= 0 or length > MAX_EVENT_BYTES:
                self.send_error(400, "expected one JSON event")
                return
            append_event(spool, self.rfile.read(length))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:  # noqa: N802 - health check
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return  # one line per query would drown the log; the spool is the record

    return Handler


def serve(listen_port: int, spool: Path) -> None:
    spool.mkdir(parents=True, exist_ok=True, mode=0o700)
    server = ThreadingHTTPServer(("127.0.0.1", listen_port), _handler(spool))
    signal.signal(signal.SIGTERM, lambda *_: server.shutdown())
    try:
        server.serve_forever()
    finally:
        server.server_close()


# --- process control (called by the Trino service) --------------------------------------------


def _healthy(settings: Settings) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port(settings)}/", timeout=2) as resp:
            return resp.status == 200
    except (OSError, urllib.error.URLError):
        return False


def _pid(settings: Settings) -> int | None:
    try:
        pid = int(_pid_file(settings).read_text(encoding="utf-8").strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (OSError, ValueError):
        return None
    return pid if __name__ in cmdline and str(spool_dir(settings)) in cmdline else None


def status(settings: Settings) -> dict[str, Any]:
    pid = _pid(settings)
    return {"name": NAME, "running": pid is not None,
            "healthy": pid is not None and _healthy(settings), "pid": pid,
            "port": port(settings), "spool": str(spool_dir(settings))}


def start(settings: Settings, timeout: float = 30.0) -> dict[str, Any]:
    """Start the receiver in the background unless it already answers; wait until it does."""
    current = status(settings)
    if current["healthy"]:
        return current
    if current["running"]:
        stop(settings)
    spool = spool_dir(settings)
    spool.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(_log_file(settings), "ab") as log_handle:
        process = subprocess.Popen(
            [sys.executable, "-m", __name__, "--port", str(port(settings)),
             "--spool", str(spool)],
            stdout=log_handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    _pid_file(settings).write_text(str(process.pid), encoding="utf-8")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LakehouseError(
                f"the audit receiver exited at start (port {port(settings)} in use?)",
                f"read {_log_file(settings)}; set trino.audit_port in conf/{settings.env}.yaml")
        if _healthy(settings):
            log.info("audit receiver listening on 127.0.0.1:%d -> %s", port(settings), spool)
            return status(settings)
        time.sleep(0.2)
    raise LakehouseError(f"the audit receiver did not answer within {timeout:.0f} s",
                         f"read {_log_file(settings)}")


def stop(settings: Settings, timeout: float = 10.0) -> None:
    pid = _pid(settings)
    if pid is not None:
        os.kill(pid, signal.SIGTERM)
        if not wait_gone(pid, timeout, poll=0.1):
            os.kill(pid, signal.SIGKILL)
            wait_gone(pid, 5, poll=0.1)
    _pid_file(settings).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--spool", type=Path, required=True)
    args = parser.parse_args(argv)
    serve(args.port, args.spool)


if __name__ == "__main__":
    main()
