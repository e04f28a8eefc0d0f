"""``azlogin --all-profiles`` / ``--profiles GLOB``: plan many profiles, sign in once per
identity, assume every role from that one assertion, refresh the chains built on them, and
end with a table of how each profile fared."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import plan
from ..credentials import format_time, hours_text
from ..errors import AzloginError, ExitStatus, Interrupted
from ..runtime import Runtime

if TYPE_CHECKING:
    from ..run import Execution
from ..stores import FileStore


def refresh_many(patterns: Sequence[str] | None, request: plan.Request, runtime: Runtime) -> int:
    from ..run import Execution

    files = plan.Files.read(runtime.env)
    store = FileStore(files.credentials_path, runtime.ui.info, files.credentials_file)
    selected = plan.select(files, patterns)
    if not selected:
        runtime.ui.warn("No azure profiles (or chains built on them) matched; nothing to refresh.")
        return int(ExitStatus.CONFIG)
    plans: list[plan.Plan] = []
    refused: dict[str, AzloginError] = {}
    now = runtime.clock()
    for name in selected:
        try:
            plans.append(plan.plan_profile(name, request, files, runtime.env, store.load, now))
        except Interrupted:
            raise
        except AzloginError as exc:
            refused[name] = exc
    # What would fail for every profile (an unwritable file) stops the run here.
    plan.check(plans, files, store.check)
    execution = Execution(request, runtime, store, files, many=True)
    execution.run(plans)
    failures = {**refused, **execution.failures}
    _summary(selected, execution, failures, runtime)
    first = next((failures[name] for name in selected if name in failures), None)
    return int(first.status) if first else 0


def _summary(
    names: Sequence[str], execution: Execution, failures: dict[str, AzloginError], runtime: Runtime
) -> None:
    now = runtime.clock()
    table = [("PROFILE", "ACCOUNT", "ROLE", "EXPIRES", "STATUS")]
    for name in names:
        got = execution.outcomes.get(name)
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
