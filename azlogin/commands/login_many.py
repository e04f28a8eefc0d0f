"""``azlogin --all-profiles`` / ``--profiles GLOB``: plan many profiles, sign in once per
identity, assume every role from that one assertion, refresh the chains built on them, and
end with a table of how each profile fared."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..credentials import format_time, hours_text
from ..errors import ExitStatus
from ..plan import Request
from ..runtime import Runtime

if TYPE_CHECKING:
    from ..run import Refreshed


def refresh_many(patterns: Sequence[str] | None, request: Request, runtime: Runtime) -> int:
    from ..run import obtain_many

    refreshed = obtain_many(patterns, request, runtime)
    if not refreshed.selected:
        runtime.ui.warn("No azure profiles (or chains built on them) matched; nothing to refresh.")
        return int(ExitStatus.CONFIG)
    _summary(refreshed, runtime)
    failures = refreshed.failures
    first = next((failures[name] for name in refreshed.selected if name in failures), None)
    return int(first.status) if first else 0


def _summary(refreshed: Refreshed, runtime: Runtime) -> None:
    now, failures = runtime.clock(), refreshed.failures
    table = [("PROFILE", "ACCOUNT", "ROLE", "EXPIRES", "STATUS")]
    for name in refreshed.selected:
        got = refreshed.outcomes.get(name)
        account = role = expires = "-"
        if got is not None and got.role is not None:
            account, role = got.role.account_id, got.role.path_and_name
        if name in failures:
            status = f"failed: {failures[name].message}"
        elif got is None:
            status = "failed: not signed in"
        else:
            left = hours_text((got.credentials.expiration - now).total_seconds())
            expires = f"{format_time(got.credentials.expiration)} ({left})"
            status = "refreshed" if got.fresh else "still valid"
        table.append((name, account, role, expires, status))
    widths = [max(len(line[i]) for line in table) for i in range(4)]
    for line in table:
        cells = [cell.ljust(width) for cell, width in zip(line[:4], widths, strict=True)]
        runtime.ui.info("  ".join([*cells, line[4]]))
