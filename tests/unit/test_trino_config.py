"""Unit tests of the Trino service's pure logic: config files, checksum, unpacking, Java choice.

No JVM, download or server is involved: the tarball is a tiny synthetic one with the same shape
as the real ``trino-server-<v>.tar.gz`` (plugin jars as hard links into lib/ and other plugins).
"""

from __future__ import annotations

import copy
import hashlib
import io
import socket
import stat
import tarfile
from pathlib import Path

import pytest

from pipelines.config import Settings
from pipelines.errors import LakehouseError
from pipelines.services import trino
from pipelines.services.trino_config import (
    TrinoLayout,
    catalog_properties,
    config_properties,
    etc_files,
    foreign_plugin_dirs,
    jvm_config,
    node_environment,
    parse_size_mb,
    render_properties,
    select_members,
    to_local_uri,
    verify_sha256,
)

TOP = "trino-server-999"


def _parse(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line and "=" in line)


def _settings(base: Settings, tmp_path: Path, **trino_overrides) -> Settings:
    raw = copy.deepcopy(base.raw)
    raw["paths"]["var"] = str(tmp_path / "var")
    raw["paths"]["cache"] = str(tmp_path / "cache")
    raw["trino"].update(trino_overrides)
    return Settings(env=base.env, raw=raw)


# --- config rendering ----------------------------------------------------------------------


def test_render_properties_keeps_order_one_per_line():
    assert render_properties({"b": 1, "a": "x"}) == "b=1\na=x\n"


def test_catalog_is_delta_on_local_fs_rooted_at_var(tmp_path):
    layout = TrinoLayout(tmp_path)
    props = catalog_properties(layout)
    assert props == {
        "connector.name": "delta_lake",
        "hive.metastore": "file",
        "hive.metastore.catalog.dir": "local:///trino/metastore",
        "fs.native-local.enabled": "true",
        "local.location": str(tmp_path.resolve()),
        "delta.register-table-procedure.enabled": "true",
        "delta.enable-non-concurrent-writes": "true",
        "delta.metadata.cache-ttl": "0s",
    }


def test_config_properties_single_node_on_loopback_sized_from_heap(tmp_path):
    layout = TrinoLayout(tmp_path)
    props = config_properties(8092, "2G", layout, internal_port=9092)
    assert props["coordinator"] == "true"
    assert props["node-scheduler.include-coordinator"] == "true"
    assert props["http-server.https.port"] == "8092"
    assert props["http-server.https.keystore.path"] == str(layout.tls_pem)
    assert props["http-server.authentication.type"] == "PASSWORD"
    assert props["http-server.http.port"] == "9092"
    assert props["discovery.uri"] == "http://127.0.0.1:9092"
    # the shared secret is read from the environment, never written into a file
    assert props["internal-communication.shared-secret"].startswith("${ENV:")
    assert props["query.max-memory-per-node"] == "1024MB"
    assert props["memory.heap-headroom-per-node"] == "614MB"


def test_etc_files_cover_node_jvm_config_log_and_catalog(tmp_path):
    layout = TrinoLayout(tmp_path)
    files = etc_files(env="test", catalog="delta", port=8092, heap="2G", layout=layout,
                      internal_port=9092, audit_port=10092,
                      security_files={"rules.json": "{}", "group.txt": "", "password.db": ""})
    assert set(files) == {
        "node.properties", "jvm.config", "config.properties", "log.properties",
        "catalog/delta.properties", "password-authenticator.properties",
        "group-provider.properties", "access-control.properties", "event-listener.properties",
        "rules.json", "group.txt", "password.db",
    }
    listener = _parse(files["event-listener.properties"])
    assert listener["http-event-listener.connect-ingest-uri"] == "http://127.0.0.1:10092/events"
    node = _parse(files["node.properties"])
    assert node["node.environment"] == "test"
    assert node["node.data-dir"] == str(tmp_path / "trino" / "data")
    assert node["node.bind-ip"] == "127.0.0.1"
    assert _parse(files["catalog/delta.properties"])["connector.name"] == "delta_lake"


def test_jvm_config_sets_heap_and_recommended_flags(tmp_path):
    lines = jvm_config("2G", TrinoLayout(tmp_path)).splitlines()
    assert lines[0] == "-Xmx2048M"
    assert "-XX:+ExitOnOutOfMemoryError" in lines
    assert "-Djdk.attach.allowAttachSelf=true" in lines


@pytest.mark.parametrize(("size", "mb"), [("2G", 2048), ("1536m", 1536), ("1g", 1024)])
def test_parse_size_mb(size, mb):
    assert parse_size_mb(size) == mb


def test_parse_size_mb_rejects_garbage():
    with pytest.raises(LakehouseError, match="trino.heap"):
        parse_size_mb("lots")


def test_heaps_below_one_gig_are_refused_before_trino_would_fail(tmp_path):
    with pytest.raises(LakehouseError, match="below the 1G"):
        config_properties(8092, "512M", TrinoLayout(tmp_path), internal_port=9092)


def test_startup_error_hint_is_read_from_the_server_log(tmp_path):
    server_log = tmp_path / "server.log"
    server_log.write_text(
        "2026-01-01T00:00:00Z\tINFO\tmain\tio.trino.server.Server\tstarting\n"
        "2026-01-01T00:00:01Z\tERROR\tmain\tio.trino.server.Server\tUnable to create injector\n"
        "1) [Guice/ErrorInjectingConstructor]: IllegalArgumentException: Invalid memory "
        "configuration\n"
    )
    assert trino._startup_error(server_log) == "Invalid memory configuration"
    assert trino._startup_error(tmp_path / "missing.log") == ""


def test_node_environment_is_sanitised():
    assert node_environment("Dev-Box.1") == "dev_box_1"


def test_to_local_uri_maps_under_root_and_rejects_outside(tmp_path):
    assert to_local_uri(tmp_path / "lake" / "gold" / "t", tmp_path) == "local:///lake/gold/t"
    with pytest.raises(LakehouseError, match="outside"):
        to_local_uri(Path("/elsewhere/t"), tmp_path)


# --- checksum ------------------------------------------------------------------------------


def test_verify_sha256_accepts_matching_file(tmp_path):
    target = tmp_path / "a.tar.gz"
    target.write_bytes(b"payload")
    verify_sha256(target, hashlib.sha256(b"payload").hexdigest().upper())


def test_verify_sha256_mismatch_names_file_expected_got_and_fix(tmp_path):
    target = tmp_path / "a.tar.gz"
    target.write_bytes(b"payload")
    expected = "0" * 64
    with pytest.raises(LakehouseError) as caught:
        verify_sha256(target, expected)
    err = caught.value
    assert str(target) in err.what
    assert expected in err.what
    assert hashlib.sha256(b"payload").hexdigest() in err.what
    assert err.fix == "delete the file and re-run make setup"


def test_install_refuses_a_cached_tarball_with_a_wrong_checksum(settings, tmp_path):
    local = _settings(settings, tmp_path, sha256="0" * 64)
    archive = tmp_path / "cache" / "downloads" / "trino-server-476.tar.gz"
    archive.parent.mkdir(parents=True)
    archive.write_bytes(b"not really a tarball")
    with pytest.raises(LakehouseError, match="checksum mismatch") as caught:
        trino.install(local)
    assert str(archive) in caught.value.what
    assert not trino.home_dir(local).exists()


# --- selective unpacking -------------------------------------------------------------------


def _fake_server_tarball(path: Path) -> Path:
    """Core + plugins: 'wanted' hard-links into lib/ and into plugin 'other'; 'unwanted' too."""

    def add_file(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
        info = tarfile.TarInfo(f"{TOP}/{name}")
        info.size, info.mode = len(data), mode
        tar.addfile(info, io.BytesIO(data))

    def add_dir(tar: tarfile.TarFile, name: str) -> None:
        info = tarfile.TarInfo(f"{TOP}/{name}")
        info.type, info.mode = tarfile.DIRTYPE, 0o755
        tar.addfile(info)

    def add_link(tar: tarfile.TarFile, name: str, target: str) -> None:
        info = tarfile.TarInfo(f"{TOP}/{name}")
        info.type, info.linkname = tarfile.LNKTYPE, f"{TOP}/{target}"
        tar.addfile(info)

    with tarfile.open(path, "w:gz") as tar:
        add_dir(tar, "")
        add_file(tar, "NOTICE", b"notice")
        add_dir(tar, "bin")
        add_file(tar, "bin/launcher", b"#!/bin/sh\n", 0o755)
        add_dir(tar, "lib")
        add_file(tar, "lib/core.jar", b"core")
        add_dir(tar, "plugin")
        add_dir(tar, "plugin/other")
        add_file(tar, "plugin/other/shared.jar", b"shared")
        add_dir(tar, "plugin/unwanted")
        add_file(tar, "plugin/unwanted/big.jar", b"big")
        add_dir(tar, "plugin/wanted")
        add_file(tar, "plugin/wanted/own.jar", b"own")
        add_link(tar, "plugin/wanted/core.jar", "lib/core.jar")
        add_link(tar, "plugin/wanted/shared.jar", "plugin/other/shared.jar")
    return path


def test_select_members_pulls_in_hard_link_targets_of_foreign_plugins(tmp_path):
    archive = _fake_server_tarball(tmp_path / "server.tar.gz")
    with tarfile.open(archive) as tar:
        members, extra = select_members(tar.getmembers(), TOP, ["wanted"])
    names = {m.name[len(TOP) + 1:] for m in members}
    assert "plugin/wanted/shared.jar" in names and "plugin/other/shared.jar" in names
    assert "bin/launcher" in names and "NOTICE" in names
    assert not any(n.startswith("plugin/unwanted") for n in names)
    assert extra == {f"{TOP}/plugin/other/shared.jar"}
    assert foreign_plugin_dirs(extra, TOP, ["wanted"]) == {"plugin/other"}


def test_unpack_installs_core_and_wanted_plugin_only(tmp_path):
    archive = _fake_server_tarball(tmp_path / "server.tar.gz")
    home = tmp_path / "cache" / TOP
    trino._unpack(archive, home, ["wanted"])
    assert sorted(p.name for p in (home / "plugin").iterdir()) == ["wanted"]
    assert (home / "plugin" / "wanted" / "shared.jar").read_bytes() == b"shared"
    assert (home / "plugin" / "wanted" / "core.jar").read_bytes() == b"core"
    assert (home / "bin" / "launcher").stat().st_mode & stat.S_IXUSR
    assert [p.name for p in home.parent.iterdir()] == [TOP], "no temp folder left behind"


def test_unpack_rejects_unknown_plugin_and_leaves_no_home(tmp_path):
    archive = _fake_server_tarball(tmp_path / "server.tar.gz")
    home = tmp_path / "cache" / TOP
    with pytest.raises(LakehouseError, match="nosuch"):
        trino._unpack(archive, home, ["nosuch"])
    assert not home.exists()
    assert list(home.parent.iterdir()) == []


# --- Java choice ---------------------------------------------------------------------------


def _fake_java(home: Path, version_line: str) -> Path:
    java = home / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text(f"#!/bin/sh\necho '{version_line}' >&2\n")
    java.chmod(0o755)
    return home


@pytest.mark.parametrize(
    ("line", "major"),
    [
        ('openjdk version "25.0.3" 2026-04-21 LTS', 25),
        ('openjdk version "17.0.12" 2024-07-16', 17),
        ('java version "1.8.0_412"', 8),
    ],
)
def test_java_major_parses_version_banner(tmp_path, line, major):
    assert trino.java_major(_fake_java(tmp_path / "jdk", line)) == major


def test_find_java_skips_old_candidates(settings, tmp_path):
    old = _fake_java(tmp_path / "jdk17", 'openjdk version "17.0.1"')
    new = _fake_java(tmp_path / "jdk25", 'openjdk version "25.0.1"')
    local = _settings(settings, tmp_path)
    local.raw["java"] = {"trino_candidates": [str(old), str(tmp_path / "missing"), str(new)],
                         "trino_fallback": ""}
    assert trino.find_java(local) == new


def test_find_java_without_any_java_24_says_so(settings, tmp_path):
    local = _settings(settings, tmp_path)
    local.raw["java"] = {"trino_candidates": [str(tmp_path / "missing")], "trino_fallback": ""}
    with pytest.raises(LakehouseError, match="no Java >= 24 for Trino"):
        trino.find_java(local)


# --- process control without a server ------------------------------------------------------


def test_status_of_a_stopped_environment(settings, tmp_path):
    local = _settings(settings, tmp_path)
    state = trino.status(local)
    assert state["running"] is False and state["healthy"] is False and state["pid"] is None
    assert set(state) == {"name", "running", "healthy", "pid", "port", "url", "log"}
    trino.stop(local)  # no-op, must not raise


def test_start_on_a_port_held_by_a_foreign_socket_names_port_and_fix(settings, tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        local = _settings(settings, tmp_path, port=port)
        home = trino.home_dir(local)  # a fake, complete-looking install: no JVM is started
        (home / "bin").mkdir(parents=True)
        (home / "bin" / "launcher").write_text("#!/bin/sh\nexit 1\n")
        (home / "lib").mkdir()
        for plugin in local.get("trino.plugins"):
            (home / "plugin" / plugin).mkdir(parents=True)
        with pytest.raises(LakehouseError) as caught:
            trino.start(local, timeout=5)
    assert str(port) in caught.value.what
    assert "trino.port" in caught.value.fix and f"conf/{settings.env}.yaml" in caught.value.fix


def test_register_refuses_a_folder_without_delta_log(settings, tmp_path):
    local = _settings(settings, tmp_path)
    with pytest.raises(LakehouseError, match="not a Delta table"):
        trino.register_delta_table(local, "gold", "t", tmp_path / "var" / "lake" / "gold" / "t")


def test_register_rejects_unsafe_identifiers(settings, tmp_path):
    local = _settings(settings, tmp_path)
    with pytest.raises(LakehouseError, match="identifier"):
        trino.register_delta_table(local, "gold; drop", "t", tmp_path)
