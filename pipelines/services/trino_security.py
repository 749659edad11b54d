"""Trino's security files: TLS certificate, password file, groups, access rules, event listener.

Trino is the door analysts, marketing, the DPO and the CMP use to reach customer data, so it runs
with HTTPS, password logins and file-based access control from the first start (privacy by
default, not a production switch). Everything here is derived from two sources of truth:

- ``conf/privacy/trino_access.yaml``: logins, the role(s) of each, and per role which tables it may
  read, which columns are masked and which rows are filtered (data, reviewed like code);
- secrets (``pipelines.secrets``): one password per login and the internal shared secret, read from
  ``$LAKEHOUSE_<NAME>`` or generated once into the 0600 secrets folder outside the repository.

Passwords are stored for Trino as PBKDF2 hashes (Trino's password file accepts bcrypt or PBKDF2;
its PBKDF2 is PBKDF2WithHmacSHA1, found by probing the server, SHA-256 hashes are refused); the
standard library's ``hashlib.pbkdf2_hmac`` makes them, so no bcrypt dependency.
The certificate is self-signed for ``localhost``/``127.0.0.1`` (clients verify against it); a
deployment supplies its own PEM via ``trino.tls.pem`` instead.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import os
import secrets as _random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from pipelines.errors import LakehouseError

PBKDF2_ITERATIONS = 100_000
PBKDF2_PRF = "sha1"  # what Trino's file authenticator computes
PBKDF2_BYTES = 64
SERVICE_ROLE = "service"
KNOWN_RULE_KEYS = {"schema", "table", "masks", "filter", "privileges"}


# ---------------------------------------------------------------------------------------------
# Access configuration (conf/privacy/trino_access.yaml)


@dataclass(frozen=True)
class TableGrant:
    """One role's read access to the tables matching ``schema``/``table`` (Trino regexes)."""

    schema: str
    table: str
    masks: Mapping[str, str]
    filter: str | None
    privileges: tuple[str, ...] = ("SELECT",)


@dataclass(frozen=True)
class AccessConfig:
    service_login: str
    logins: Mapping[str, tuple[str, ...]]
    roles: Mapping[str, tuple[TableGrant, ...]]
    read_system: tuple[str, ...]

    def roles_of(self, login: str) -> tuple[str, ...]:
        return self.logins.get(login, ())


def load_access(path: Path) -> AccessConfig:
    """Parse and check the access file; every mistake names the file and the offending key."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise LakehouseError(f"cannot read the Trino access file {path}: {exc}",
                             "fix the YAML or restore conf/privacy/trino_access.yaml") from exc
    roles: dict[str, tuple[TableGrant, ...]] = {}
    for role, spec in (raw.get("roles") or {}).items():
        grants = []
        for i, rule in enumerate((spec or {}).get("tables") or []):
            unknown = set(rule) - KNOWN_RULE_KEYS
            if unknown or "schema" not in rule or "table" not in rule:
                raise LakehouseError(
                    f"{path}: roles.{role}.tables[{i}] needs schema and table"
                    + (f"; unknown keys {sorted(unknown)}" if unknown else ""),
                    f"allowed keys: {sorted(KNOWN_RULE_KEYS)}")
            grants.append(TableGrant(
                schema=str(rule["schema"]), table=str(rule["table"]),
                masks={str(k): str(v) for k, v in (rule.get("masks") or {}).items()},
                filter=rule.get("filter"),
                privileges=tuple(rule.get("privileges") or ("SELECT",))))
        roles[str(role)] = tuple(grants)
    logins = {str(k): tuple(v or ()) for k, v in (raw.get("logins") or {}).items()}
    for login, its_roles in logins.items():
        unknown = [r for r in its_roles if r not in roles and r != SERVICE_ROLE]
        if unknown:
            raise LakehouseError(f"{path}: login '{login}' has undefined roles {unknown}",
                                 f"define them under roles:, or use one of {sorted(roles)}")
    service = str(raw.get("service_login") or "")
    if SERVICE_ROLE not in logins.get(service, ()):
        raise LakehouseError(f"{path}: service_login '{service}' must be a login with role "
                             f"'{SERVICE_ROLE}'", "add it under logins:")
    return AccessConfig(service_login=service, logins=logins, roles=roles,
                        read_system=tuple(raw.get("read_system") or ()))


# ---------------------------------------------------------------------------------------------
# Files Trino reads


def group_file(access: AccessConfig) -> str:
    """Trino's file group provider format: ``group:user1,user2`` per line (sorted, stable)."""
    members: dict[str, list[str]] = {}
    for login, its_roles in access.logins.items():
        for role in its_roles:
            members.setdefault(role, []).append(login)
    return "".join(f"{role}:{','.join(sorted(users))}\n" for role, users in sorted(members.items()))


def _group(roles: list[str] | tuple[str, ...]) -> str:
    return "|".join(sorted(roles))


def rules_json(access: AccessConfig, catalog: str) -> str:
    """File-based access control rules: the service owns everything; each role reads its grants.

    Trino applies the *first* matching table rule, so one rule is written per (role, grant) in
    file order. Masks and row filters are evaluated as the service login (``*_environment``) so
    a filter's sub-query sees the unfiltered table it consults.
    """
    service = access.service_login
    svc = {"user": service}
    env = {"user": service}
    readers = sorted(r for r, grants in access.roles.items() if grants)
    tables: list[dict[str, Any]] = [{**svc, "privileges": [
        "SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP", "GRANT_SELECT"]}]
    for role in sorted(access.roles):
        for grant in access.roles[role]:
            rule: dict[str, Any] = {"group": role, "catalog": catalog, "schema": grant.schema,
                                    "table": grant.table, "privileges": list(grant.privileges)}
            if grant.masks:
                rule["columns"] = [{"name": name, "mask": expr, "mask_environment": env}
                                   for name, expr in grant.masks.items()]
            if grant.filter:
                rule["filter"] = grant.filter
                rule["filter_environment"] = env
            tables.append(rule)
    catalogs: list[dict[str, Any]] = [{**svc, "catalog": ".*", "allow": "all"}]
    if access.read_system:
        catalogs.append({"group": _group(access.read_system), "catalog": "system",
                         "allow": "read-only"})
    if readers:
        catalogs.append({"group": _group(readers), "catalog": catalog, "allow": "read-only"})
    catalogs.append({"catalog": ".*", "allow": "none"})
    rules = {
        "catalogs": catalogs,
        "schemas": [{**svc, "owner": True}, {"owner": False}],
        "tables": tables,
        "procedures": [{**svc, "privileges": ["EXECUTE"]}],
        "functions": [{"catalog": "system", "schema": "builtin", "privileges": ["EXECUTE"]},
                      {**svc, "privileges": ["EXECUTE", "GRANT_EXECUTE", "OWNERSHIP"]}],
        "queries": [{**svc, "allow": ["execute", "kill", "view"]}, {"allow": ["execute"]}],
        "system_information": [{**svc, "allow": ["read", "write"]}],
    }
    return json.dumps(rules, indent=2, sort_keys=False) + "\n"


# ---------------------------------------------------------------------------------------------
# Passwords


def hash_password(password: str, iterations: int = PBKDF2_ITERATIONS,
                  salt: bytes | None = None) -> str:
    """Trino's PBKDF2 form ``iterations:salt_hex:hash_hex`` (PBKDF2WithHmacSHA1)."""
    salt = salt if salt is not None else _random.token_bytes(16)
    digest = hashlib.pbkdf2_hmac(PBKDF2_PRF, password.encode("utf-8"), salt, iterations,
                                 PBKDF2_BYTES)
    return f"{iterations}:{salt.hex()}:{digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        iterations, salt_hex, hash_hex = stored.split(":")
        candidate = hashlib.pbkdf2_hmac(PBKDF2_PRF, password.encode("utf-8"),
                                        bytes.fromhex(salt_hex), int(iterations),
                                        len(hash_hex) // 2)
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), hash_hex)


def password_file(passwords: Mapping[str, str], previous: str = "") -> str:
    """``login:hash`` lines; a login whose stored hash still matches keeps it, so the file only
    changes when a password does (Trino reloads it, and a changed file would look like drift)."""
    old = dict(line.split(":", 1) for line in previous.splitlines() if ":" in line)
    lines = []
    for login in sorted(passwords):
        stored = old.get(login)
        if stored is None or not password_matches(passwords[login], stored):
            stored = hash_password(passwords[login])
        lines.append(f"{login}:{stored}\n")
    return "".join(lines)


# ---------------------------------------------------------------------------------------------
# TLS


def ensure_certificate(pem: Path, cert: Path, hosts: list[str], days: int = 825,
                       renew_within_days: int = 30) -> bool:
    """Create a self-signed key + certificate for ``hosts`` unless a valid one is there.

    Writes ``pem`` (private key then certificate, what Trino's keystore path accepts; 0600) and
    ``cert`` (certificate only, what clients verify against). Returns True when it made a new one.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)
    if pem.exists() and cert.exists():
        existing = x509.load_pem_x509_certificate(cert.read_bytes())
        if existing.not_valid_after_utc - now > timedelta(days=renew_within_days):
            return False
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0]),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "airline-lakehouse")])
    alt_names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            alt_names.append(x509.DNSName(host))
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    cert_pem = certificate.public_bytes(serialization.Encoding.PEM)
    pem.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _write_private(pem, key_pem + cert_pem)
    cert.write_bytes(cert_pem)
    return True


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)
