"""``azlogin list``: the profiles of ~/.aws/config, their kind, tenant, role and expiry.

Reads the two files only (no boto3, no browser) and never prints a key: only whether
the credentials file holds some for a profile, and until when.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .. import awsfiles, credentials, profiles
from ..credentials import hours_text

if TYPE_CHECKING:
    from ..runtime import Runtime

EXAMPLES = """\
examples:
  azlogin list                          the profiles, a table on a terminal
  azlogin list --json                   the same as JSON, for scripts
"""

COLUMNS = ("PROFILE", "KIND", "TENANT / SOURCE", "ROLE", "CREDENTIALS")


@dataclass(frozen=True)
class Row:
    profile: str
    kind: str  # "azure", "chained" (role_arn + source_profile) or "other"
    tenant_id: str | None
    source_profile: str | None
    role_arn: str | None  # azure_default_role_arn, or a chained profile's role_arn
    # "valid", "expired", "none"; "static": keys without aws_expiration; "unknown": unreadable
    credentials: str
    expires: str | None  # ISO 8601 UTC
    remaining_seconds: int | None

    def cells(self) -> tuple[str, ...]:
        status = self.credentials
        if status == "valid" and self.remaining_seconds is not None:
            status = f"valid {hours_text(self.remaining_seconds)}"
        return (
            self.profile,
            self.kind,
            self.tenant_id or self.source_profile or "-",
            self.role_arn or "-",
            status,
        )


def configure(parser: argparse.ArgumentParser) -> None:
    from ..options import add_debug_option

    parser.add_argument("--json", action="store_true", help="print a JSON array, for scripts")
    add_debug_option(parser)


def run(ns: argparse.Namespace, runtime: Runtime) -> int:
    rows = list_profiles(runtime)
    if ns.json:
        runtime.out.write(json.dumps([asdict(row) for row in rows], indent=2) + "\n")
    elif not rows:
        runtime.ui.info(
            f"No profiles in {awsfiles.display(runtime.config_file)}; "
            "add one with: azlogin configure --profile NAME"
        )
    elif runtime.out.isatty():
        _print_table(rows, runtime)
    else:
        runtime.out.write(plain_text(rows))
    return 0


def list_profiles(runtime: Runtime) -> list[Row]:
    config = awsfiles.read_sections(runtime.config_file)
    creds = awsfiles.read_sections(runtime.credentials_file)
    now = runtime.clock()
    names = dict.fromkeys(profiles.profile_names(config))  # [default] and [profile default]
    return [
        _row(name, profiles.find_section(config, name) or {}, creds.get(name), now)
        for name in names
    ]


def _row(
    name: str, section: Mapping[str, str], keys: Mapping[str, str] | None, now: datetime
) -> Row:
    def value(key: str) -> str | None:
        return profiles.unescape(section.get(key, "")).strip() or None

    tenant, source = value("azure_tenant_id"), value("source_profile")
    if tenant or value("azure_app_id_uri"):
        kind, role = "azure", value("azure_default_role_arn")
    elif value("role_arn") and source:
        kind, role = "chained", value("role_arn")
    else:
        kind, role = "other", value("role_arn")
    status, expires, left = _expiry(keys, now)
    return Row(
        profile=name,
        kind=kind,
        tenant_id=tenant if kind == "azure" else None,
        source_profile=source if kind == "chained" else None,
        role_arn=role,
        credentials=status,
        expires=expires,
        remaining_seconds=left,
    )


def _expiry(keys: Mapping[str, str] | None, now: datetime) -> tuple[str, str | None, int | None]:
    """(status, expiry, seconds left) from the profile's credentials section."""
    if not keys or not all(keys.get(k) for k in credentials.KEYS[:2]):
        return "none", None, None
    if not keys.get("aws_expiration"):
        return "static", None, None
    expires = credentials.parse_time(keys["aws_expiration"])
    if expires is None:
        return "unknown", None, None
    left = int((expires - now).total_seconds())
    return ("valid" if left > 0 else "expired"), credentials.format_time(expires), max(left, 0)


def plain_text(rows: Sequence[Row]) -> str:
    table = [COLUMNS, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS) - 1)]
    return "".join(
        "  ".join([*(cell.ljust(w) for cell, w in zip(line[:-1], widths, strict=True)), line[-1]])
        + "\n"
        for line in table
    )


def _print_table(rows: Sequence[Row], runtime: Runtime) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False)
    for title in COLUMNS:
        table.add_column(title, overflow="fold")
    colours = {"valid": "green", "expired": "red"}
    for row in rows:
        *cells, status = row.cells()  # Text, not markup: a "[" in a name is just a character
        table.add_row(*map(Text, cells), Text(status, colours.get(row.credentials, "dim")))
    Console(file=runtime.out, highlight=False).print(table)
