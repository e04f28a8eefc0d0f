"""One sign-in, many profiles: the assertion of one identity, each profile's role chosen and
assumed with it.

The STS calls of one sign-in run side by side, well within the assertion's life; each
yields an :class:`Outcome` and the line to say once it is saved (nothing when many
profiles are refreshed: a table says it then). Saving is the caller's (:mod:`run`): what
this needs from the steps before it comes in as values (the plans, where the store
saves), never as a function to call back, so the walk goes one way (tests/unit/test_walk.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import credentials, plan
from .errors import AzloginError, Interrupted
from .models import Credentials, Role
from .redact import SECRETS, log
from .runtime import Runtime
from .ui import UI, Forwarding, Settled

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
    location: str  # where the credentials are saved, as the store says it


@dataclass(frozen=True)
class Granted:
    """What one sign-in gave: per profile its outcome and the line to say once saved, or why not."""

    chosen: list[tuple[plan.SignIn, Role]]
    refused: dict[str, AzloginError]  # no role to choose (many: the others go on)
    results: list[tuple[plan.SignIn, tuple[Outcome, str] | AzloginError]]
    username: str | None  # as the person typed it, if asked: a default to remember


class RememberingUI(Forwarding):
    """Passes everything through and notes the username the person gave."""

    def __init__(self, inner: UI) -> None:
        super().__init__(inner)
        self.username: str | None = None

    def ask_username(self, default: str | None) -> str:
        self.username = self.inner.ask_username(default)
        return self.username


def sign_in(
    members: Sequence[plan.SignIn],
    runtime: Runtime,
    request: plan.Request,
    many: bool,
    location: str,
) -> Granted:
    """One sign-in for profiles of one identity; every role assumed from its assertion.

    ``location``: where the caller will save the credentials, for the lines to say.
    """
    from . import accounts, saml

    first = members[0]
    clients = _build_clients([first], runtime, request)  # while the browser starts
    remembering = RememberingUI(runtime.ui)
    ui: UI = remembering
    settled = is_settled(members, runtime.ui, request)
    if settled and first.profile.username:
        runtime.ui.info(f"Signing in as {first.profile.username}")
        ui = Settled(remembering, first.profile.username)
    raw = runtime.provider().get_assertion(first.profile, ui, request.sign_in)
    SECRETS.add(raw)
    assertion = saml.parse_assertion(raw)
    log.debug("assertion grants %d role(s)", len(assertion.roles))
    picker = runtime.ui.interactive and not request.role and len(members) == 1
    aliases = accounts.for_picker(
        first.profile, assertion, runtime.env, request.sign_in.verify_ssl, picker
    )
    granting = Granting(runtime, request, assertion, aliases, many, location)
    chosen, refused = choose(members, granting, settled)
    clients.update(
        _build_clients([m for m, _ in chosen if m.name not in clients], runtime, request)
    )
    return Granted(chosen, refused, assume_all(chosen, clients, granting), remembering.username)


def is_settled(members: Sequence[plan.SignIn], ui: UI, request: plan.Request) -> bool:
    """Every answer of this sign-in is configured: the username, and each profile's role
    (its default, or --role), so a person at the terminal is asked only what the page
    needs (password, MFA) and nothing is put to them to confirm.

    When something is missing the person is asked it, and the configured answers are
    offered with it (Enter keeps them), so that a run which asks anything can also switch
    the identity whose role is being chosen.
    """
    return (
        ui.interactive
        and bool(members[0].profile.username)
        and all(request.role or m.profile.role_arn for m in members)
    )


def _build_clients(
    items: Sequence[plan.SignIn], runtime: Runtime, request: plan.Request
) -> dict[str, Future[StsApi]]:
    """Start building the profiles' STS clients now, side by side (the runtime's factory).

    Importing botocore and loading the STS model take a few hundred milliseconds of
    CPU, which the browser's start, spent mostly waiting for Chromium, hides when they
    overlap. A failure is raised where the client is used: it is that profile's failure.
    """
    if not items:
        return {}
    verify = request.sign_in.verify_ssl
    workers = min(len(items), MAX_PARALLEL_STS)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="azlogin-sts")
    futures = {
        item.name: pool.submit(
            runtime.sts_api, item.profile.region, item.botocore_profile, verify, item.section
        )
        for item in items
    }
    pool.shutdown(wait=False)
    return futures


def choose(
    members: Sequence[plan.SignIn], granting: Granting, settled: bool = False
) -> tuple[list[tuple[plan.SignIn, Role]], dict[str, AzloginError]]:
    """Each profile's role: --role for all, else its default (offered in the picker unless
    ``settled``: see :func:`is_settled`), else the picker."""
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
                settled=settled,
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
    clients: Mapping[str, Future[StsApi]],
    granting: Granting,
) -> list[tuple[plan.SignIn, tuple[Outcome, str] | AzloginError]]:
    """AssumeRoleWithSAML for each chosen role; failures are returned, not raised.

    ``clients``: each chosen profile's STS client, by name, as it is being built; a
    failure to build one is that profile's failure.
    """

    def one(item: tuple[plan.SignIn, Role]) -> tuple[Outcome, str] | AzloginError:
        member, role = item
        try:
            return assume(member, role, clients[member.name].result(), granting)
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
        f"Wrote profile '{outcome.profile}' to {granting.location}: "
        f"{roles.label(role, granting.aliases)}, valid until "
        f"{credentials.format_time(outcome.credentials.expiration)} "
        f"({hours(max(left, 0))}{note})."
    )
