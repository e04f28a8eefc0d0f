"""One assertion, many profiles: choose each profile's role and assume it with the assertion.

The STS calls of one sign-in run side by side, well within the assertion's life; each
yields an :class:`Outcome` and the line to say once it is saved (nothing when many
profiles are refreshed: a table says it then).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import credentials, plan
from .errors import AzloginError, Interrupted
from .models import Credentials, Role
from .redact import SECRETS
from .runtime import Runtime

if TYPE_CHECKING:
    from .saml import Assertion
    from .sts import StsApi

MAX_PARALLEL_STS = 8


@dataclass(frozen=True)
class Outcome:
    """Credentials for a profile, and what the verbs around them need to know."""

    profile: str
    credentials: Credentials
    region: str | None
    chained: bool  # from AssumeRole with role credentials: AWS caps them at 1 h
    signin_base: str | None  # origin of the ACS URL, where console federation lives
    fresh: bool  # obtained now, rather than reused
    role: Role | None = None


@dataclass(frozen=True)
class Granting:
    """What every profile's AssumeRoleWithSAML of one sign-in shares."""

    runtime: Runtime
    request: plan.Request
    assertion: Assertion
    aliases: dict[str, str]
    many: bool
    describe: Callable[[str], str]  # where a profile's credentials were saved


def choose(
    members: Sequence[plan.SignIn], granting: Granting
) -> tuple[list[tuple[plan.SignIn, Role]], dict[str, AzloginError]]:
    """Each profile's role: --role for all, else its default, else the picker."""
    from . import roles

    chosen, refused = [], {}
    for member in members:
        try:
            role = roles.choose(
                granting.assertion.roles,
                granting.runtime.ui,
                flag=granting.request.role or None,
                default=None if granting.request.role else member.profile.role_arn,
                aliases=granting.aliases,
            )
        except Interrupted:
            raise
        except AzloginError as exc:
            if not granting.many:
                raise
            refused[member.name] = exc
            continue
        chosen.append((member, role))
    return chosen, refused


def assume_all(
    chosen: Sequence[tuple[plan.SignIn, Role]],
    client_for: Callable[[plan.SignIn], StsApi],
    granting: Granting,
) -> list[tuple[plan.SignIn, tuple[Outcome, str] | AzloginError]]:
    """AssumeRoleWithSAML for each chosen role; failures are returned, not raised."""

    def one(item: tuple[plan.SignIn, Role]) -> tuple[Outcome, str] | AzloginError:
        member, role = item
        try:
            return assume(member, role, client_for(member), granting)
        except Interrupted:
            raise
        except AzloginError as exc:
            return exc

    if len(chosen) == 1:
        return [(chosen[0][0], one(chosen[0]))]
    with ThreadPoolExecutor(max_workers=MAX_PARALLEL_STS) as pool:
        futures = [(item[0], pool.submit(one, item)) for item in chosen]
        return [(member, future.result()) for member, future in futures]


def assume(member: plan.SignIn, role: Role, api: StsApi, granting: Granting) -> tuple[Outcome, str]:
    """AssumeRoleWithSAML for one profile: its outcome, and what to say once saved."""
    from . import sts

    profile, ui, clock = member.profile, granting.runtime.ui, granting.runtime.clock
    requested = round(profile.duration_hours * 3600)
    prefix = f"Profile '{profile.name}': t" if granting.many else "T"

    def stepped_down(tried: int, next_try: int) -> None:
        ui.info(
            f"{prefix}he role allows less than {credentials.hours_text(tried)}; "
            f"trying {credentials.hours_text(next_try)}."
        )

    grant = sts.assume_role_with_saml(
        api,
        role,
        granting.assertion.raw,
        requested,
        stepped_down,
        # Retries stop when the assertion does: after that STS can only refuse it.
        deadline=granting.assertion.not_on_or_after,
        now=clock,
        on_wait=ui.info,
    )
    creds = grant.credentials
    SECRETS.add(creds.secret_access_key, creds.session_token)
    outcome = Outcome(profile.name, creds, profile.region, False, member.signin_base, True, role)
    if granting.many:
        return outcome, ""
    return outcome, _wrote(outcome, role, requested, grant.duration_seconds, granting)


def _wrote(outcome: Outcome, role: Role, requested: int, got: int, granting: Granting) -> str:
    from . import roles

    left = (outcome.credentials.expiration - granting.runtime.clock()).total_seconds()
    hours = credentials.hours_text
    note = "" if got == requested else f", the role's maximum; {hours(requested)} was asked"
    return (
        f"Wrote profile '{outcome.profile}' to {granting.describe(outcome.profile)}: "
        f"{roles.label(role, granting.aliases)}, valid until "
        f"{credentials.format_time(outcome.credentials.expiration)} "
        f"({hours(max(left, 0))}{note})."
    )
