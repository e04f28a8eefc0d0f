"""``--all-profiles`` / ``--profiles PATTERN``: refresh many azure profiles, signing in once
per identity (authority, tenant, app, username) and assuming every profile's role from
that one assertion, concurrently, while it is still valid."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from . import awsfiles, credentials, profiles
from .app import LoginRequest, World, hours_text, is_azure, prepare_sts
from .errors import AzloginError, ExitStatus, Interrupted
from .models import Credentials, Profile, Role
from .redact import SECRETS, log
from .stores import FileStore

MAX_PARALLEL_STS = 8


@dataclass
class Row:
    profile: str
    account: str = ""
    role: str = ""
    expires: datetime | None = None
    status: str = ""
    error: AzloginError | None = None


def identity(profile: Profile) -> tuple[str, str, str, str]:
    """Profiles with the same identity can share one sign-in's assertion."""
    return (
        profile.authority_url.lower(),
        profile.tenant_id.lower(),
        profile.app_id_uri,
        (profile.username or "").lower(),
    )


def select(names: Sequence[str], patterns: Sequence[str] | None) -> list[str]:
    if not patterns:
        return list(names)
    return [n for n in names if any(fnmatch.fnmatchcase(n, p) for p in patterns)]


def refresh_all(patterns: Sequence[str] | None, request: LoginRequest, world: World) -> int:
    sections = awsfiles.read_sections(world.config_file)
    store = FileStore(world.credentials_file, world.ui.info)
    rows: list[Row] = []
    groups: dict[tuple[str, str, str, str], list[Profile]] = {}
    for name in select(profiles.profile_names(sections), patterns):
        section = profiles.find_section(sections, name) or {}
        if not is_azure(section):
            log.debug("skipping profile %s: no azure_tenant_id", name)
            continue
        row = Row(name)
        rows.append(row)
        try:
            profile = profiles.load_profile(
                name, world.env, world.config_file, duration_hours=request.duration_hours
            )
        except AzloginError as exc:
            row.status, row.error = f"failed: {exc.message}", exc
            continue
        existing = store.load(name)
        if (
            not request.force_refresh
            and existing is not None
            and credentials.still_valid(existing.expiration, world.clock())
        ):
            row.expires, row.status = existing.expiration, "still valid"
            continue
        groups.setdefault(identity(profile), []).append(profile)
    if not rows:
        world.ui.warn("No azure profiles matched; nothing to refresh.")
        return int(ExitStatus.CONFIG)
    by_name = {row.profile: row for row in rows}
    for members in groups.values():
        _refresh_group(members, request, world, store, by_name)
    _summary(rows, world)
    failed = [row.error for row in rows if row.error is not None]
    return int(failed[0].status) if failed else 0


def _refresh_group(
    members: list[Profile],
    request: LoginRequest,
    world: World,
    store: FileStore,
    rows: dict[str, Row],
) -> None:
    from . import roles, saml, sts

    # Profiles with the same endpoint settings share this client (see sts.ClientCache).
    first_api = prepare_sts(world, members[0], request.sign_in.verify_ssl)
    try:
        raw = world.provider().get_assertion(members[0], world.ui, request.sign_in)
        SECRETS.add(raw)
        assertion = saml.parse_assertion(raw)
    except Interrupted:
        raise
    except AzloginError as exc:
        for profile in members:
            rows[profile.name].status, rows[profile.name].error = f"failed: {exc.message}", exc
        return
    chosen: list[tuple[Profile, Role]] = []
    for profile in members:
        try:
            role = roles.choose(assertion.roles, world.ui, flag=None, default=profile.role_arn)
        except AzloginError as exc:
            rows[profile.name].status, rows[profile.name].error = f"failed: {exc.message}", exc
            continue
        chosen.append((profile, role))

    verify = request.sign_in.verify_ssl

    def assume(item: tuple[Profile, Role]) -> tuple[Profile, Role, Credentials]:
        profile, role = item
        api = first_api() if profile is members[0] else world.sts_api(profile, verify)
        grant = sts.assume_role_with_saml(
            api, role, assertion.raw, round(profile.duration_hours * 3600)
        )
        return profile, role, grant.credentials

    # One assertion, many roles: the STS calls run side by side, well within its lifetime.
    with ThreadPoolExecutor(max_workers=MAX_PARALLEL_STS) as pool:
        futures = [(item, pool.submit(assume, item)) for item in chosen]
        for (profile, role), future in futures:
            row = rows[profile.name]
            row.account, row.role = role.account_id, role.path_and_name
            try:
                _, _, creds = future.result()
                SECRETS.add(creds.secret_access_key, creds.session_token)
                store.save(profile.name, creds)
            except AzloginError as exc:
                row.status, row.error = f"failed: {exc.message}", exc
                continue
            row.expires, row.status = creds.expiration, "refreshed"


def _summary(rows: list[Row], world: World) -> None:
    now = world.clock()
    table = [("PROFILE", "ACCOUNT", "ROLE", "EXPIRES", "STATUS")]
    for row in rows:
        expires = "-"
        if row.expires:
            left = hours_text((row.expires - now).total_seconds())
            expires = f"{credentials.format_time(row.expires)} ({left})"
        table.append((row.profile, row.account or "-", row.role or "-", expires, row.status))
    widths = [max(len(line[i]) for line in table) for i in range(4)]
    for line in table:
        cells = [cell.ljust(width) for cell, width in zip(line[:4], widths, strict=True)]
        world.ui.info("  ".join([*cells, line[4]]))
