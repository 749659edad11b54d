"""Pure helpers of the Trino service: config files, checksum check, archive member selection.

Kept apart from :mod:`pipelines.services.trino` so the parts that decide *what* gets written or
unpacked can be unit-tested without a JVM, a download or a running server.
"""

from __future__ import annotations

import hashlib
import re
import tarfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pipelines.errors import LakehouseError

LOCAL_SCHEME = "local://"
SHARED_SECRET_ENV = "LAKEHOUSE_TRINO_SHARED_SECRET"
MIN_HEAP_MB = 1024

# Recommended Trino JVM flags (core/docker/default/etc/jvm.config of Trino 47x) minus the RAM
# percentages, which we replace with an explicit -Xmx so a shared 24 GiB box stays predictable.
_JVM_FLAGS = (
    "-server",
    "-XX:G1HeapRegionSize=32M",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:ReservedCodeCacheSize=256M",
    "-XX:PerMethodRecompilationCutoff=10000",
    "-XX:PerBytecodeRecompilationCutoff=10000",
    "-Djdk.attach.allowAttachSelf=true",
    "-Djdk.nio.maxCachedBufferSize=2000000",
    "-XX:+EnableDynamicAgentLoading",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:G1NumCollectionsKeepPinned=10000000",
    "-Dfile.encoding=UTF-8",
)


@dataclass(frozen=True)
class TrinoLayout:
    """Where one environment's Trino keeps its state (all under ``<var>/trino``)."""

    var_dir: Path

    @property
    def root(self) -> Path:
        return self.var_dir / "trino"

    @property
    def etc(self) -> Path:
        return self.root / "etc"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def logs(self) -> Path:
        return self.root / "log"

    @property
    def server_log(self) -> Path:
        return self.logs / "server.log"

    @property
    def launcher_log(self) -> Path:
        return self.logs / "launcher.log"

    @property
    def pid_file(self) -> Path:
        return self.root / "trino.pid"

    @property
    def state_file(self) -> Path:
        """What the running server was started with (port, Java), to spot a changed config."""
        return self.root / "running.json"

    @property
    def tls_pem(self) -> Path:
        """Private key + self-signed certificate Trino serves HTTPS with (0600)."""
        return self.root / "tls" / "trino.pem"

    @property
    def tls_cert(self) -> Path:
        """The certificate alone: what clients verify the server against."""
        return self.root / "tls" / "trino.crt"

    @property
    def metastore(self) -> Path:
        return self.root / "metastore"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse"


def parse_size_mb(size: str) -> int:
    """Turn a JVM size such as ``2G`` or ``1536m`` into mebibytes."""
    match = re.fullmatch(r"\s*(\d+)\s*([kmgt]?)b?\s*", str(size), re.IGNORECASE)
    if not match:
        raise LakehouseError(
            f"trino.heap '{size}' is not a JVM size like 2G or 1536M",
            "set trino.heap in conf/<env>.yaml to a value such as 2G",
        )
    number, unit = int(match.group(1)), match.group(2).lower()
    factor = {"k": 1 / 1024, "": 1 / (1024 * 1024), "m": 1, "g": 1024, "t": 1024 * 1024}[unit]
    return int(number * factor)


def node_environment(env: str) -> str:
    """Trino demands ``[a-z0-9][_a-z0-9]*`` for node.environment; map the env name onto that."""
    cleaned = re.sub(r"[^a-z0-9_]", "_", env.lower()).lstrip("_")
    return cleaned or "lakehouse"


def render_properties(props: Mapping[str, object]) -> str:
    """Render a Java properties file (keys in the given order, one ``key=value`` a line)."""
    return "".join(f"{key}={value}\n" for key, value in props.items())


def node_properties(env: str, layout: TrinoLayout) -> dict[str, str]:
    return {
        "node.environment": node_environment(env),
        "node.id": f"lakehouse-{node_environment(env)}",
        "node.data-dir": str(layout.data),
        # Bind and advertise loopback only: a dev box must not expose an unauthenticated Trino.
        "node.internal-address": "127.0.0.1",
        "node.bind-ip": "127.0.0.1",
    }


def jvm_config(heap: str, layout: TrinoLayout) -> str:
    heap_mb = parse_size_mb(heap)
    lines = [f"-Xmx{heap_mb}M", *_JVM_FLAGS, "-XX:+HeapDumpOnOutOfMemoryError"]
    lines.append(f"-XX:HeapDumpPath={layout.logs}")
    return "\n".join(lines) + "\n"


def config_properties(port: int, heap: str, layout: TrinoLayout,
                      internal_port: int) -> dict[str, str]:
    """Single-node coordinator sized for a 2-core box: half the heap for queries, 30% headroom.

    Clients reach Trino only over HTTPS on ``port`` and must log in with a password; plain HTTP
    stays on ``internal_port`` (loopback) for the coordinator's own calls, authenticated by the
    shared secret, which Trino reads from the environment so it never sits in a file.
    Trino refuses to start when query memory + headroom exceed the heap, and below 1 GiB it has
    too little left for itself, so smaller heaps are rejected here with a readable message.
    """
    heap_mb = parse_size_mb(heap)
    if heap_mb < MIN_HEAP_MB:
        raise LakehouseError(
            f"trino.heap '{heap}' is below the 1G Trino needs to start",
            "set trino.heap in conf/<env>.yaml to 1G or more (2G is the default)",
        )
    query_mb = heap_mb // 2
    headroom_mb = heap_mb * 3 // 10
    return {
        "coordinator": "true",
        "node-scheduler.include-coordinator": "true",
        "http-server.http.port": str(internal_port),
        "http-server.https.enabled": "true",
        "http-server.https.port": str(port),
        "http-server.https.keystore.path": str(layout.tls_pem),
        "http-server.authentication.type": "PASSWORD",
        "internal-communication.shared-secret": "${ENV:%s}" % SHARED_SECRET_ENV,
        "discovery.uri": f"http://127.0.0.1:{internal_port}",
        "query.max-memory": f"{query_mb}MB",
        "query.max-memory-per-node": f"{query_mb}MB",
        "memory.heap-headroom-per-node": f"{headroom_mb}MB",
        "task.concurrency": "2",
        "http-server.log.path": str(layout.logs / "http-request.log"),
        "catalog.management": "static",
    }


def log_properties() -> dict[str, str]:
    return {"io.trino": "INFO"}


def catalog_properties(layout: TrinoLayout) -> dict[str, str]:
    """Delta Lake catalog on the local file system rooted at the environment's var folder.

    Every ``local:///x`` location then means ``<var>/x``: the file metastore lives in
    ``<var>/trino/metastore`` and lake tables under ``<var>/lake/...`` register as
    ``local:///lake/...``. Non-concurrent writes must be allowed because the local file system
    offers Trino no atomic put-if-absent for the transaction log. The snapshot cache is off: with
    it, a table that Spark deletes and rewrites from scratch at the same place stays stale in
    Trino (old rows, or old state mixed with the new log's later commits) until the cache expires;
    re-reading a local log per query costs milliseconds.
    """
    return {
        "connector.name": "delta_lake",
        "hive.metastore": "file",
        "hive.metastore.catalog.dir": to_local_uri(layout.metastore, layout.var_dir),
        "fs.native-local.enabled": "true",
        "local.location": str(layout.var_dir),
        "delta.register-table-procedure.enabled": "true",
        "delta.enable-non-concurrent-writes": "true",
        "delta.metadata.cache-ttl": "0s",
    }


def security_properties(layout: TrinoLayout, audit_port: int) -> dict[str, dict[str, str]]:
    """Password logins, groups, file-based access control and the audit event listener."""
    etc = layout.etc
    return {
        "password-authenticator.properties": {
            "password-authenticator.name": "file",
            "file.password-file": str(etc / "password.db"),
        },
        "group-provider.properties": {
            "group-provider.name": "file",
            "file.group-file": str(etc / "group.txt"),
        },
        "access-control.properties": {
            "access-control.name": "file",
            "security.config-file": str(etc / "rules.json"),
            "security.refresh-period": "5s",
        },
        # Every completed query (user, SQL, tables and columns read) is posted to the audit
        # receiver, which spools it for `lakehouse audit collect` (privacy/query_audit.py).
        "event-listener.properties": {
            "event-listener.name": "http",
            "http-event-listener.log-completed": "true",
            "http-event-listener.connect-ingest-uri": f"http://127.0.0.1:{audit_port}/events",
            "http-event-listener.connect-retry-count": "5",
        },
    }


def etc_files(env: str, catalog: str, port: int, heap: str, layout: TrinoLayout,
              internal_port: int, audit_port: int,
              security_files: Mapping[str, str]) -> dict[str, str]:
    """All files of ``<var>/trino/etc`` keyed by their path relative to that folder.

    ``security_files`` are the rendered ``rules.json``, ``group.txt`` and ``password.db``.
    """
    files = {
        "node.properties": render_properties(node_properties(env, layout)),
        "jvm.config": jvm_config(heap, layout),
        "config.properties": render_properties(
            config_properties(port, heap, layout, internal_port)),
        "log.properties": render_properties(log_properties()),
        f"catalog/{catalog}.properties": render_properties(catalog_properties(layout)),
    }
    for name, props in security_properties(layout, audit_port).items():
        files[name] = render_properties(props)
    files.update(security_files)
    return files


def to_local_uri(path: Path, root: Path) -> str:
    """Map an absolute path under ``root`` (``local.location``) to Trino's ``local:///rel`` form."""
    resolved, base = Path(path).resolve(), Path(root).resolve()
    try:
        relative = resolved.relative_to(base)
    except ValueError as exc:
        raise LakehouseError(
            f"{resolved} is outside {base}, the only folder Trino's local file system can see",
            "write the table under the environment's var folder (paths.var in conf/<env>.yaml)",
        ) from exc
    return f"{LOCAL_SCHEME}/{relative.as_posix()}" if str(relative) != "." else f"{LOCAL_SCHEME}/"


def sha256_of(path: Path, chunk: int = 4 * 1024 * 1024) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path: Path, expected: str) -> None:
    """Raise a :class:`LakehouseError` naming file, expected and actual digest on mismatch."""
    got = sha256_of(path)
    if got.lower() != expected.strip().lower():
        raise LakehouseError(
            f"checksum mismatch for {path}: expected sha256 {expected.strip().lower()}, got {got}",
            "delete the file and re-run make setup",
        )


def _plugin_of(relative: str) -> str | None:
    parts = relative.split("/")
    return parts[1] if len(parts) > 1 and parts[0] == "plugin" and parts[1] else None


def select_members(
    members: Iterable[tarfile.TarInfo], top: str, plugins: Iterable[str]
) -> tuple[list[tarfile.TarInfo], set[str]]:
    """Pick the core and the wanted plugins out of the server tarball.

    Plugin jars in the tarball are hard links, often to files of *other* plugins (delta-lake
    links into bigquery, cassandra, ...). Those targets are selected too, and their names are
    returned as the second item so the caller can delete the partial foreign plugin folders after
    unpacking (the hard links keep the data alive).
    """
    wanted_plugins = set(plugins)
    members = list(members)
    by_name = {m.name: m for m in members}
    prefix = top.rstrip("/") + "/"
    chosen: dict[str, tarfile.TarInfo] = {}
    for member in members:
        if not member.name.startswith(prefix) and member.name != top:
            continue
        relative = member.name[len(prefix):]
        plugin = _plugin_of(relative)
        if relative == "plugin" or plugin is None or plugin in wanted_plugins:
            chosen[member.name] = member
    extra: set[str] = set()
    pending = [m for m in chosen.values() if m.islnk()]
    while pending:
        target = by_name.get(pending.pop().linkname)
        if target is None or target.name in chosen:
            continue
        chosen[target.name] = target
        extra.add(target.name)
        if target.islnk():
            pending.append(target)
    ordered = [m for m in members if m.name in chosen]
    return ordered, extra


def foreign_plugin_dirs(extra: Iterable[str], top: str, plugins: Iterable[str]) -> set[str]:
    """Plugin folders (relative to the install root) that exist only as hard-link carriers."""
    prefix = top.rstrip("/") + "/"
    wanted = set(plugins)
    dirs = set()
    for name in extra:
        plugin = _plugin_of(name[len(prefix):]) if name.startswith(prefix) else None
        if plugin and plugin not in wanted:
            dirs.add(f"plugin/{plugin}")
    return dirs
