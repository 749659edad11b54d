"""Local PostgreSQL for the CMP store: install, start, stop, health-check.

One private cluster per environment lives in ``<var>/postgres`` (``data/`` cluster, ``run/`` unix
socket, ``log/postgres.log``) so ``make test`` and ``make run`` never share state and the distro's
own cluster on 5432 is never touched. It listens on 127.0.0.1 at ``postgres.port`` with
scram-sha-256 auth; the superuser ``postgres`` and the app role ``postgres.user`` take their
passwords from the secrets ``pg_superuser_password`` and ``pg_password``.

PostgreSQL refuses to run as root, and sessions here run as root, so the server runs as an
unprivileged system user (:data:`OS_USER`, created on demand) that owns ``<var>/postgres``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.secrets import read_secret

log = logging.getLogger(__name__)

NAME = "postgres"
OS_USER = "lakehouse-pg"
SUPERUSER = "postgres"
START_TIMEOUT_S = 60
# Linux caps a unix socket path (sun_path) at 107 bytes; a deeper checkout gets TCP only.
_MAX_SOCKET_PATH = 100
_SERVER_BINARIES = ("postgres", "initdb", "pg_ctl", "pg_isready")
_INCLUDE_LINE = "include_if_exists = 'lakehouse.conf'"


# --- paths and probes -------------------------------------------------------------------------


def _traversable_by_others(path: Path) -> bool:
    """True if every existing ancestor of ``path`` lets other users pass (o+x)."""
    for parent in [path, *path.parents]:
        if parent.exists() and not parent.stat().st_mode & 0o001:
            return False
    return True


def _home(settings: Settings) -> Path:
    """Cluster folder: ``<var>/postgres``, or a system folder when the server user can't reach it.

    The server runs as an unprivileged user; a checkout under a private folder (``/root/...``)
    would lock it out, so then the cluster lives under ``/var/lib/airline-lakehouse/<hash>``.
    """
    home = settings.var_dir / "postgres"
    if _traversable_by_others(home.parent):
        return home
    digest = hashlib.sha256(str(home).encode()).hexdigest()[:12]
    return Path("/var/lib/airline-lakehouse") / f"{settings.env}-{digest}" / "postgres"


def _data(settings: Settings) -> Path:
    return _home(settings) / "data"


def _run_dir(settings: Settings) -> Path:
    return _home(settings) / "run"


def _log_file(settings: Settings) -> Path:
    return _home(settings) / "log" / "postgres.log"


def _host(settings: Settings) -> str:
    return str(settings.get("postgres.host", "127.0.0.1"))


def _port(settings: Settings) -> int:
    return int(settings.get("postgres.port"))


def find_bindir(settings: Settings) -> Path | None:
    """Return the first ``postgres.bin_candidates`` folder holding the server binaries."""
    for candidate in settings.get("postgres.bin_candidates", []):
        path = Path(candidate)
        if all(os.access(path / exe, os.X_OK) for exe in _SERVER_BINARIES):
            return path
    return None


def _lock_owner(settings: Settings) -> tuple[int, int, str, str] | None:
    """(pid, port, process state, command) named by ``postmaster.pid``, or None without one."""
    try:
        lines = (_data(settings) / "postmaster.pid").read_text(encoding="utf-8").splitlines()
        pid, port = int(lines[0]), int(lines[3])
    except (OSError, ValueError, IndexError):
        return None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return pid, port, "gone", ""
    comm, _, rest = stat.partition("(")[2].rpartition(")")
    return pid, port, (rest.split() or ["?"])[0], comm


def _server_pid(settings: Settings) -> tuple[int, int] | None:
    """(pid, port) of *our* postmaster from ``postmaster.pid``, or None when it is not running.

    The pid must be a live postgres process: after a crash the file stays behind, its pid may be
    reused by something else, and a killed postmaster lingers as a zombie until reaped.
    """
    owner = _lock_owner(settings)
    if owner is None or owner[2] in ("gone", "Z", "X") or owner[3] not in ("postgres",
                                                                           "postmaster"):
        return None
    return owner[0], owner[1]


def _clear_zombie_lock(settings: Settings) -> None:
    """Drop the lock files of a killed postmaster that is still an unreaped zombie.

    PostgreSQL sees the zombie's pid as alive and refuses to start; a container's minimal init
    may take seconds to reap it. Removing the file is safe: the postmaster is dead, and
    PostgreSQL's shared-memory interlock still refuses to start while any old backend lingers.
    """
    owner = _lock_owner(settings)
    if owner is None or owner[2] not in ("Z", "X"):
        return
    log.warning("removing lock files of dead (zombie) postmaster %s", owner[0])
    socket_lock = _run_dir(settings) / f".s.PGSQL.{owner[1]}.lock"
    try:
        if socket_lock.read_text(encoding="utf-8").split()[:1] == [str(owner[0])]:
            socket_lock.unlink()
    except OSError:
        pass
    (_data(settings) / "postmaster.pid").unlink(missing_ok=True)


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        return probe.connect_ex((host, port)) == 0


# --- connections -------------------------------------------------------------------------------


def dsn(settings: Settings) -> str:
    """libpq connection string for the app role (password included: do not log it)."""
    return psycopg.conninfo.make_conninfo(
        host=_host(settings),
        port=_port(settings),
        dbname=settings.get("postgres.database"),
        user=settings.get("postgres.user"),
        password=read_secret(settings, "pg_password"),
    )


def url(settings: Settings) -> str:
    """``postgresql://user@host:port/db`` without the password, for logs and status output."""
    return (
        f"postgresql://{settings.get('postgres.user')}@{_host(settings)}:{_port(settings)}"
        f"/{settings.get('postgres.database')}"
    )


def connect(settings: Settings, **kwargs: Any) -> psycopg.Connection:
    """Open a psycopg connection as the app role; ``kwargs`` go to :func:`psycopg.connect`."""
    kwargs.setdefault("connect_timeout", 5)
    return psycopg.connect(dsn(settings), **kwargs)


def _admin_connect(settings: Settings, dbname: str = "postgres") -> psycopg.Connection:
    conninfo = psycopg.conninfo.make_conninfo(
        host=_host(settings),
        port=_port(settings),
        dbname=dbname,
        user=SUPERUSER,
        password=read_secret(settings, "pg_superuser_password"),
    )
    return psycopg.connect(conninfo, autocommit=True, connect_timeout=5)


def _select_one(settings: Settings) -> bool:
    try:
        with connect(settings, connect_timeout=3) as conn:
            return conn.execute("SELECT 1").fetchone() == (1,)
    except psycopg.Error:
        return False


# --- status ------------------------------------------------------------------------------------


def status(settings: Settings) -> dict[str, Any]:
    """Report name, running, healthy, pid, port, url (no password) and log file."""
    server = _server_pid(settings)
    running = server is not None and server[1] == _port(settings)
    return {
        "name": NAME,
        "running": running,
        "healthy": running and _select_one(settings),
        "pid": server[0] if server else None,
        "port": _port(settings),
        "url": url(settings),
        "log": str(_log_file(settings)),
    }


# --- install -----------------------------------------------------------------------------------


def install(settings: Settings) -> None:
    """Make the cluster usable: binaries, OS user, initdb, server up, app role and database.

    Idempotent: each step checks before it acts, so a second call only confirms health.
    """
    _ensure_binaries(settings)
    start(settings)


def _ensure_binaries(settings: Settings) -> Path:
    bindir = find_bindir(settings)
    if bindir is not None:
        return bindir
    _apt_install_postgresql()
    bindir = find_bindir(settings)
    if bindir is None:
        raise LakehouseError(
            "PostgreSQL installed but no server binaries in postgres.bin_candidates",
            "add this PostgreSQL's bin folder (see `ls /usr/lib/postgresql`) to "
            "postgres.bin_candidates in conf/base.yaml",
        )
    return bindir


def _apt_install_postgresql() -> None:
    """Install Debian's ``postgresql`` without letting it start its own cluster on 5432.

    ``policy-rc.d`` exiting 101 tells maintainer scripts not to start services; we add it only
    for the install and remove it afterwards if it was ours. Any cluster that still came up
    (systemd-less fallbacks) is stopped, since we never use the distro cluster.
    """
    if os.geteuid() != 0:
        raise LakehouseError(
            "PostgreSQL server binaries not found and not root to install them",
            "sudo apt-get install -y postgresql",
        )
    log.info("installing Debian package postgresql (one-off)")
    policy = Path("/usr/sbin/policy-rc.d")
    ours = not policy.exists()
    if ours:
        policy.write_text("#!/bin/sh\nexit 101\n", encoding="utf-8")
        policy.chmod(0o755)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        for cmd in (
            ["apt-get", "update"],
            ["apt-get", "install", "-y", "--no-install-recommends", "postgresql"],
        ):
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1200)
            if done.returncode != 0:
                tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["?"]
                raise LakehouseError(
                    f"`{' '.join(cmd)}` failed: {tail[0]}",
                    "check the Debian package sources, then rerun",
                )
    finally:
        if ours:
            policy.unlink(missing_ok=True)
    _stop_distro_clusters()


def _stop_distro_clusters() -> None:
    if shutil.which("pg_lsclusters") is None:
        return
    listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=False)
    for line in listing.stdout.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[3] == "online":
            log.info("stopping distro cluster %s/%s started by the install", *fields[:2])
            subprocess.run(["pg_ctlcluster", fields[0], fields[1], "stop"], check=False)


def _ensure_os_user() -> str | None:
    """Return the user the server runs as (None: the current one, when we are not root)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(OS_USER)
    except KeyError:
        log.info("creating system user %s to run PostgreSQL", OS_USER)
        done = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
             "--shell", "/usr/sbin/nologin", OS_USER],
            capture_output=True, text=True, check=False,
        )
        if done.returncode != 0 and "already exists" not in done.stderr:
            raise LakehouseError(
                f"could not create system user {OS_USER}: {done.stderr.strip()}",
                f"create it by hand: useradd --system {OS_USER}",
            ) from None
    return OS_USER


def _run_as(user: str | None, cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", user, "--"] if user else []
    return subprocess.run(prefix + cmd, capture_output=True, text=True, check=False, **kwargs)


def _own(path: Path, user: str | None) -> None:
    path.mkdir(parents=True, exist_ok=True)
    if user:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _ensure_cluster(settings: Settings, bindir: Path, user: str | None) -> None:
    """initdb ``<var>/postgres/data`` once, atomically (into ``data.partial``, then renamed)."""
    home, data = _home(settings), _data(settings)
    for folder in (home, _run_dir(settings), _log_file(settings).parent):
        _own(folder, user)
    if user and _run_as(user, ["test", "-w", str(home)]).returncode != 0:
        raise LakehouseError(
            f"system user {user} cannot reach {home} (a parent folder is not searchable)",
            "chmod o+x the parent folders, or set paths.var outside them",
        )
    if (data / "PG_VERSION").exists():
        return
    partial = home / "data.partial"
    shutil.rmtree(partial, ignore_errors=True)
    pwfile = home / ".initdb-pw"
    pwfile.unlink(missing_ok=True)
    fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(read_secret(settings, "pg_superuser_password") + "\n")
    if user:
        entry = pwd.getpwnam(user)
        os.chown(pwfile, entry.pw_uid, entry.pw_gid)
    log.info("initdb %s", data)
    try:
        done = _run_as(
            user,
            [str(bindir / "initdb"), "-D", str(partial), "-U", SUPERUSER, f"--pwfile={pwfile}",
             "--auth-local=scram-sha-256", "--auth-host=scram-sha-256",
             "--encoding=UTF8", "--no-locale"],
            cwd=home, timeout=300,
        )
    finally:
        pwfile.unlink(missing_ok=True)
    if done.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["?"]
        raise LakehouseError(f"initdb failed: {tail[0]}", f"check {home} and rerun")
    with (partial / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write(f"\n# Environment settings, rewritten at every start.\n{_INCLUDE_LINE}\n")
    partial.rename(data)


def _write_runtime_conf(settings: Settings, user: str | None) -> None:
    """Rewrite ``lakehouse.conf`` so port/socket changes in conf/ apply at the next start."""
    socket_dir = _run_dir(settings)
    if len(str(socket_dir / f".s.PGSQL.{_port(settings)}")) > _MAX_SOCKET_PATH:
        log.warning("socket path under %s too long for unix sockets; TCP only", socket_dir)
        socket_dir_value = ""
    else:
        socket_dir_value = str(socket_dir)
    conf = _data(settings) / "lakehouse.conf"
    conf.write_text(
        "# Written by pipelines/services/postgres.py at every start; edits are overwritten.\n"
        f"listen_addresses = '{_host(settings)}'\n"
        f"port = {_port(settings)}\n"
        f"unix_socket_directories = '{socket_dir_value}'\n"
        "timezone = 'UTC'\n"
        "log_timezone = 'UTC'\n",
        encoding="utf-8",
    )
    if user:
        entry = pwd.getpwnam(user)
        os.chown(conf, entry.pw_uid, entry.pw_gid)


# --- start / stop ------------------------------------------------------------------------------


def start(settings: Settings) -> dict[str, Any]:
    """Start the server if it is not healthy and return :func:`status`.

    Checks the port before touching anything, so a foreign listener fails fast. Waits (bounded)
    for ``pg_isready``, makes sure the app role and database exist, then proves health with a real
    ``SELECT 1`` over TCP as the app role.
    """
    current = status(settings)
    if current["healthy"]:
        return current
    host, port = _host(settings), _port(settings)
    server = _server_pid(settings)
    if server is not None and server[1] != port:
        log.info("PostgreSQL runs on old port %s; restarting on %s", server[1], port)
        stop(settings)
        server = None
    if server is None and _port_in_use(host, port):
        raise LakehouseError(
            f"port {port} on {host} is in use by another process, not this environment's "
            "PostgreSQL",
            f"stop that process, or change postgres.port in conf/{settings.env}.yaml",
        )
    bindir = find_bindir(settings)
    if bindir is None:
        raise LakehouseError(
            "PostgreSQL server binaries not found in postgres.bin_candidates",
            "run `make setup` (it installs PostgreSQL)",
        )
    user = _ensure_os_user()
    _ensure_cluster(settings, bindir, user)
    if server is None:
        _clear_zombie_lock(settings)
        _write_runtime_conf(settings, user)
        logfile = _log_file(settings)
        log.info("starting PostgreSQL on %s:%s (log %s)", host, port, logfile)
        done = _run_as(
            user,
            [str(bindir / "pg_ctl"), "-D", str(_data(settings)), "-l", str(logfile),
             "-w", "-t", str(START_TIMEOUT_S), "start"],
            cwd=_home(settings), timeout=START_TIMEOUT_S + 30,
        )
        if done.returncode != 0:
            raise LakehouseError(
                f"PostgreSQL did not start on {host}:{port}: {done.stdout.strip()[-200:]}",
                f"see {logfile}",
            )
    _wait_ready(settings, bindir)
    _ensure_role_and_database(settings)
    if not _select_one(settings):
        raise LakehouseError(
            f"PostgreSQL on {host}:{port} is up but `SELECT 1` as "
            f"{settings.get('postgres.user')} fails",
            f"see {_log_file(settings)}",
        )
    return status(settings)


def _wait_ready(settings: Settings, bindir: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    cmd = [str(bindir / "pg_isready"), "-q", "-h", _host(settings), "-p", str(_port(settings)),
           "-t", "2"]
    while subprocess.run(cmd, check=False).returncode != 0:
        if time.monotonic() > deadline:
            raise LakehouseError(
                f"PostgreSQL on {_host(settings)}:{_port(settings)} not ready after "
                f"{START_TIMEOUT_S}s",
                f"see {_log_file(settings)}",
            )
        time.sleep(0.25)


def _ensure_role_and_database(settings: Settings) -> None:
    """Create (or re-password) the app role and create its database, as the superuser.

    The password is set every time so a rotated ``pg_password`` secret takes effect at start.
    """
    user, database = settings.get("postgres.user"), settings.get("postgres.database")
    password = read_secret(settings, "pg_password")
    try:
        admin = _admin_connect(settings)
    except psycopg.OperationalError as exc:
        raise LakehouseError(
            f"superuser login to PostgreSQL failed: {str(exc).strip().splitlines()[-1]}",
            "the secret pg_superuser_password must be the one used at initdb; restore it, or "
            f"delete {_data(settings)} to re-create the cluster",
        ) from exc
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (user,)).fetchone()
        verb = "ALTER" if exists else "CREATE"
        admin.execute(
            sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(user), sql.Literal(password)
            )
        )
        if not admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
        ).fetchone():
            log.info("creating database %s owned by %s", database, user)
            admin.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(database), sql.Identifier(user)
                )
            )


def stop(settings: Settings) -> dict[str, Any]:
    """Stop the server (fast shutdown: open transactions roll back) and return :func:`status`."""
    if _server_pid(settings) is not None:
        bindir = find_bindir(settings)
        if bindir is None:
            raise LakehouseError(
                "PostgreSQL is running but no server binaries found to stop it",
                "check postgres.bin_candidates in conf/base.yaml",
            )
        done = _run_as(
            _ensure_os_user(),
            [str(bindir / "pg_ctl"), "-D", str(_data(settings)), "-m", "fast", "-w",
             "-t", str(START_TIMEOUT_S), "stop"],
            cwd=_home(settings), timeout=START_TIMEOUT_S + 30,
        )
        if done.returncode != 0:
            raise LakehouseError(
                f"PostgreSQL did not stop: {done.stderr.strip()[-200:]}",
                f"see {_log_file(settings)}",
            )
    return status(settings)
