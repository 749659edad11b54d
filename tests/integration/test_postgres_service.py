"""The environment's own PostgreSQL: healthy after start, idempotent, port conflicts explained."""

from __future__ import annotations

import socket
import time

import pytest

from pipelines.errors import LakehouseError
from pipelines.services import postgres

pytestmark = pytest.mark.integration




def test_status_is_healthy_after_start(postgres_service):
    settings = postgres_service
    state = postgres.status(settings)
    assert state["name"] == "postgres"
    assert state["running"] and state["healthy"]
    assert state["port"] == 54339 == settings.get("postgres.port")
    assert state["url"] == "postgresql://lakehouse@127.0.0.1:54339/cmp"
    assert state["log"].startswith(str(settings.var_dir / "postgres" / "log"))
    assert settings.var_dir.parts[-2:] == ("var", "test")


def test_start_is_idempotent(postgres_service):
    before = postgres.status(postgres_service)
    started = time.monotonic()
    again = postgres.start(postgres_service)
    assert time.monotonic() - started < 5
    assert again["healthy"] and again["pid"] == before["pid"]
    postgres.install(postgres_service)
    assert postgres.status(postgres_service)["pid"] == before["pid"]


def test_app_role_connects_over_tcp(postgres_service):
    with postgres.connect(postgres_service) as conn:
        user, db, addr = conn.execute(
            "SELECT current_user, current_database(), inet_server_addr()::text").fetchone()
    assert (user, db, addr) == ("lakehouse", "cmp", "127.0.0.1/32")


def test_foreign_listener_on_port_is_explained(postgres_service, tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as foreign:
        foreign.bind(("127.0.0.1", 0))
        foreign.listen(1)
        port = foreign.getsockname()[1]
        other = postgres_service.with_overrides({"postgres.port": port, "paths.var": str(tmp_path)})
        with pytest.raises(LakehouseError) as caught:
            postgres.start(other)
    assert str(port) in caught.value.what
    assert "postgres.port" in caught.value.fix
    assert list(tmp_path.iterdir()) == []  # failed before creating anything
    assert postgres.status(postgres_service)["healthy"]  # the real server was not touched
