"""Obtain credentials for one profile or many: plan, check, then execute every plan the same
way — reuse, sign in once per identity, chain.

One freshness rule (in :mod:`plan`), one place that registers secrets and saves
(:meth:`Execution._save`), one STS client factory (the runtime's), one message style.
With ``many`` a failing profile is recorded and the others go on; alone, it raises.
Planning is over before executing starts: what execution needs from it (a profile's
section, its identity) is in the plans as values, so the walk goes one way
(tests/unit/test_walk.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from . import credentials, plan
from .errors import AzloginError, Interrupted
from .grants import Outcome
from .models import Credentials, Role
from .redact import SECRETS, log
from .runtime import Runtime
from .stores import Store


def web_identity(runtime: Runtime) -> bool:
    """In an EKS pod the SDK signs in by itself; say so instead of opening a browser."""
    env = runtime.env
    if env.get("AWS_WEB_IDENTITY_TOKEN_FILE") and env.get("AWS_ROLE_ARN"):
        runtime.ui.info(
            f"AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are set: the AWS SDKs assume "
            f"{env['AWS_ROLE_ARN']} with that token themselves; nothing to sign in."
        )
        return True
    return False


class Execution:
    """Runs plans; ``outcomes`` and ``failures`` say, per profile, how each ended."""

    def __init__(
        self, request: plan.Request, runtime: Runtime, store: Store, files: plan.Files, many: bool
    ) -> None:
        self.request, self.runtime, self.store, self.files = request, runtime, store, files
        self.many = many
        self.outcomes: dict[str, Outcome] = {}
        self.failures: dict[str, AzloginError] = {}

    def run(self, plans: Sequence[plan.Plan]) -> None:
        if not self.request.sign_in.verify_ssl and any(
            not isinstance(p, plan.Reuse) for p in plans
        ):
            self.runtime.ui.warn(
                "TLS certificates are not verified (--no-verify-ssl): use only for testing."
            )
        groups: dict[tuple[str, str, str, str], list[plan.SignIn]] = {}
        chains: list[plan.Chain] = []
        for item in plans:
            if isinstance(item, plan.Reuse):
                self.outcomes[item.name] = _reused(item)
            elif isinstance(item, plan.SignIn):
                groups.setdefault(item.identity, []).append(item)
            else:
                chains.append(item)
                if isinstance(item.source, plan.SignIn):
                    members = groups.setdefault(item.source.identity, [])
                    if all(m.name != item.source.name for m in members):
                        members.append(item.source)
        for members in groups.values():
            self._guard([m.name for m in members], partial(self._sign_in, members))
        for chain in chains:
            self._guard([chain.name], partial(self._chain, chain))

    def _guard(self, names: list[str], step: Callable[[], None]) -> None:
        if not self.many:
            step()
            return
        try:
            step()
        except Interrupted:
            raise
        except AzloginError as exc:
            for name in names:
                self.failures.setdefault(name, exc)

    def _fail(self, name: str, exc: AzloginError) -> None:
        if not self.many:
            raise exc
        self.failures[name] = exc

    # -- sign-in -------------------------------------------------------------------------

    def _sign_in(self, members: list[plan.SignIn]) -> None:
        """One sign-in for profiles of one identity (:mod:`grants`); then one save for them."""
        from . import grants

        got = grants.sign_in(members, self.runtime, self.request, self.many, self.store.location)
        self.failures.update(got.refused)
        done = []
        for member, result in got.results:
            if isinstance(result, AzloginError):
                self._fail(member.name, result)
            else:
                done.append(result)
        # One write for the whole group: one lock, one read of the file, one rename.
        self._save({outcome.profile: outcome.credentials for outcome, _ in done})
        for outcome, message in done:
            self.outcomes[outcome.profile] = outcome
            if message:
                self.runtime.ui.info(message)
        if self.runtime.ui.interactive:
            from .remember import remember_defaults

            for member, role in got.chosen:
                if member.name in self.outcomes:
                    remember_defaults(
                        self.runtime, self.files, member, got.username, role, self.request
                    )

    # -- chains --------------------------------------------------------------------------

    def _chain(self, item: plan.Chain) -> None:
        from . import chain

        source = item.source
        if isinstance(source, plan.Static):
            source_creds, source_is_role, root = source.credentials, source.is_role, source.name
        else:
            done = self.outcomes.get(source.name) or (
                _reused(source) if isinstance(source, plan.Reuse) else None
            )
            if done is None:  # its root's sign-in failed, and was reported there
                failure = self.failures.get(source.name)
                if failure is not None:
                    self._fail(item.name, failure)
                return
            source_creds, source_is_role, root = done.credentials, True, source.name
        verify = self.request.sign_in.verify_ssl
        result = chain.assume_chain(
            source_creds,
            item.hops,
            lambda creds, hop_region: self.runtime.signed_sts(
                creds, hop_region or item.region, verify, item.name
            ),
            self.runtime.ui.ask_code if self.runtime.ui.interactive else None,
            self.runtime.clock(),
            source_is_role=source_is_role,
        )
        for note in result.notes:
            self.runtime.ui.info(note)
        self._save({item.name: result.credentials})
        if not self.many:
            self.runtime.ui.info(
                f"Assumed {item.hops[-1].role_arn} for profile '{item.name}' (via {root}), "
                f"valid until {credentials.format_time(result.credentials.expiration)}; "
                f"saved to {self.store.location}."
            )
        self.outcomes[item.name] = Outcome(
            item.name,
            result.credentials,
            item.region,
            result.chained,
            item.signin_base,
            True,
            Role(item.hops[-1].role_arn, ""),
        )

    def _save(self, obtained: dict[str, Credentials]) -> None:
        """Every credential azlogin obtains passes here: registered as secret, then saved."""
        for creds in obtained.values():
            SECRETS.add(creds.secret_access_key, creds.session_token)
        if obtained:
            self.store.save_many(obtained)


def _reused(item: plan.Reuse) -> Outcome:
    log.debug("reusing the stored credentials of %s", item.name)
    return Outcome(item.name, item.credentials, item.region, item.chained, item.signin_base, False)


def obtain(
    request: plan.Request,
    runtime: Runtime,
    store_for: Callable[[plan.Files], Store] | None = None,
) -> Outcome:
    """Credentials for ``request.profile``: plan, check, execute; failures raise.

    ``store_for``: where credentials are kept, chosen from the files as read for the plan,
    so that each is read once (default: the credentials file).
    """
    files = plan.Files.read(runtime.env)
    store = files.store(runtime.ui.info) if store_for is None else store_for(files)
    execution, _ = _execute([request.profile], request, runtime, files, store, many=False)
    return execution.outcomes[request.profile]


@dataclass(frozen=True)
class Refreshed:
    """How ``--all-profiles`` went: the profiles selected, and per profile its outcome or error."""

    selected: list[str]
    outcomes: dict[str, Outcome]
    failures: dict[str, AzloginError]


def obtain_many(
    patterns: Sequence[str] | None, request: plan.Request, runtime: Runtime
) -> Refreshed:
    """The profiles :func:`plan.select` picks: plan, check, execute; a profile that fails is
    recorded and the others go on. Each file is read once for them all."""
    files = plan.Files.read(runtime.env)
    store = files.store(runtime.ui.info)
    selected = plan.select(files, patterns)
    if not selected:
        return Refreshed([], {}, {})
    execution, refused = _execute(selected, request, runtime, files, store, many=True)
    return Refreshed(selected, execution.outcomes, {**refused, **execution.failures})


def _execute(
    names: Sequence[str],
    request: plan.Request,
    runtime: Runtime,
    files: plan.Files,
    store: Store,
    many: bool,
) -> tuple[Execution, dict[str, AzloginError]]:
    """Plan each profile and check the plans, then execute them; planning is over before."""
    plans: list[plan.Plan] = []
    refused: dict[str, AzloginError] = {}
    now = runtime.clock()
    for name in names:
        try:
            plans.append(plan.plan_profile(name, request, files, runtime.env, store.load, now))
        except Interrupted:
            raise
        except AzloginError as exc:
            if not many:
                raise
            refused[name] = exc  # the others go on
    # What would fail for every profile (an unwritable file) stops the run here.
    plan.check(plans, files, store.check)
    execution = Execution(request, runtime, store, files, many)
    execution.run(plans)
    return execution, refused
