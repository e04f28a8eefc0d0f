"""Choosing the role to assume among those the assertion grants."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .errors import ConfigError
from .models import Role
from .ui import UI, Option


def label(role: Role, aliases: Mapping[str, str] | None = None) -> str:
    """ "alias (123456789012) › team/Admin" — readable, unlike a bare ARN pair."""
    alias = (aliases or {}).get(role.account_id)
    account = f"{alias} ({role.account_id})" if alias else role.account_id
    return f"{account} › {role.path_and_name}"


def match(roles: Sequence[Role], wanted: str) -> list[Role]:
    """A full role ARN, or a role name / path suffix, e.g. ``Admin`` or ``platform/Admin``."""
    wanted = wanted.strip()
    exact = [r for r in roles if r.role_arn == wanted]
    if exact or wanted.startswith("arn:"):
        return exact
    return [r for r in roles if r.path_and_name == wanted or r.role_arn.endswith("/" + wanted)]


LISTED = 5  # a hint names a few roles; an assertion may grant thousands


def _listing(roles: Sequence[Role]) -> str:
    shown = "; ".join(r.role_arn for r in roles[:LISTED])
    more = len(roles) - LISTED
    return (
        f"{shown} and {more} more (azlogin list, or run without --no-prompt)" if more > 0 else shown
    )


def choose(
    roles: Sequence[Role],
    ui: UI,
    *,
    flag: str | None,
    default: str | None,
    aliases: Mapping[str, str] | None = None,
    settled: bool = False,
) -> Role:
    """--role wins; one role is taken; else the picker, or the default when non-interactive
    or ``settled`` (every answer of the run configured: nothing to confirm)."""
    if flag:
        found = match(roles, flag)
        if len(found) != 1:
            problem = "matches no role" if not found else "matches several roles"
            raise ConfigError(
                f"--role {flag} {problem} of the assertion.",
                f"Roles available: {_listing(found or roles)}.",
            )
        return found[0]
    preselected = next((r for r in roles if default and r.role_arn == default), None)
    if default and preselected is None:
        if not ui.interactive:
            raise ConfigError(
                f"The default role {default} is not among the roles you were granted.",
                f"Roles available: {_listing(roles)}. Update azure_default_role_arn.",
            )
        ui.warn(f"The default role {default} is not among the roles you were granted.")
    if len(roles) == 1:
        return roles[0]
    if preselected is not None and (settled or not ui.interactive):
        return preselected
    if not ui.interactive:
        raise ConfigError(
            "Several roles are available and no default role is configured.",
            f"Pass --role, or set azure_default_role_arn to one of: {_listing(roles)}.",
        )
    ordered = sorted(roles, key=lambda r: ((aliases or {}).get(r.account_id, "~"), r.role_arn))
    options = [Option(r.role_arn, label(r, aliases), group=_group(r, aliases)) for r in ordered]
    chosen = ui.choose(
        "Role to assume:",
        options,
        preselected.role_arn if preselected else None,
        searchable=True,
    )
    return next(r for r in roles if r.role_arn == chosen)


def _group(role: Role, aliases: Mapping[str, str] | None) -> str:
    alias = (aliases or {}).get(role.account_id)
    return f"{alias} ({role.account_id})" if alias else role.account_id
