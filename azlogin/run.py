"""Execute plans the same way for one profile or many: reuse, sign in once per identity, chain.

One freshness rule (in :mod:`plan`), one place that registers secrets and saves
(:meth:`Execution._save`), one STS client factory (the runtime's), one message style.
With ``many`` a failing profile is recorded and the others go on; alone, it raises.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from . import credentials, plan
from .errors import AzloginError, Interrupted
from .models import Credentials, Role
from .redact import SECRETS, log
from .runtime import Runtime
from .stores import Store
from .ui import UI

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


class RememberingUI:
    """Passes everything through and notes the username the person gave."""

    def __init__(self, inner: UI) -> None:
        self.inner = inner
        self.interactive = inner.interactive
        self.username: str | None = None

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def ask_username(self, default: str | None) -> str:
        self.username = self.inner.ask_username(default)
        return self.username


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
        """One sign-in for profiles of one identity; every role assumed from its assertion."""
        from . import roles, saml

        first = members[0]
        first_api = self._prepare_sts(first)
        ui = RememberingUI(self.runtime.ui)
        raw = self.runtime.provider().get_assertion(first.profile, ui, self.request.sign_in)  # type: ignore[arg-type]
        SECRETS.add(raw)
        assertion = saml.parse_assertion(raw)
        log.debug(
            "assertion grants %d role(s), destination %s",
            len(assertion.roles),
            assertion.destination,
        )
        aliases = self._account_names(first, assertion, alone=len(members) == 1)
        chosen: list[tuple[plan.SignIn, Role]] = []
        for member in members:
            try:
                role = roles.choose(
                    assertion.roles,
                    self.runtime.ui,
                    flag=self.request.role or None,
                    default=None if self.request.role else member.profile.role_arn,
                    aliases=aliases,
                )
            except Interrupted:
                raise
            except AzloginError as exc:
                self._fail(member.name, exc)
                continue
            chosen.append((member, role))

        def assume(item: tuple[plan.SignIn, Role]) -> tuple[Outcome, str]:
            member, role = item
            api = first_api() if member is first else self._sts_for(member)
            return self._assume_with_saml(member, role, api, assertion, aliases)

        if len(chosen) == 1:
            results = [(chosen[0], _call(assume, chosen[0]))]
        else:
            # One assertion, many roles: the STS calls run side by side, well within its life.
            with ThreadPoolExecutor(max_workers=MAX_PARALLEL_STS) as pool:
                futures = [(item, pool.submit(_call, assume, item)) for item in chosen]
                results = [(item, future.result()) for item, future in futures]
        done: list[tuple[Outcome, str]] = []
        for (member, _), result in results:
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

            for member, role in chosen:
                if member.name in self.outcomes:
                    remember_defaults(
                        self.runtime, self.files, member.profile, ui.username, role, self.request
                    )

    def _prepare_sts(self, item: plan.SignIn) -> Callable[[], StsApi]:
        """Start building the STS client now; the returned function waits for it.

        Importing botocore and loading the STS model take a few hundred milliseconds of
        CPU, which the browser's start, spent mostly waiting for Chromium, hides when they
        overlap. A failure is raised where the client is used, as before.
        """
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="azlogin-sts")
        future = pool.submit(self._sts_for, item)
        pool.shutdown(wait=False)
        return future.result

    def _sts_for(self, item: plan.SignIn) -> StsApi:
        section = self.files.section(item.name) if item.botocore_profile else None
        return self.runtime.sts_api(
            item.profile.region, item.botocore_profile, self.request.sign_in.verify_ssl, section
        )

    def _assume_with_saml(
        self,
        member: plan.SignIn,
        role: Role,
        api: StsApi,
        assertion: Assertion,
        aliases: dict[str, str],
    ) -> tuple[Outcome, str]:
        """AssumeRoleWithSAML for one profile: its outcome, and what to say once saved."""
        from . import roles, sts

        profile = member.profile
        requested = round(profile.duration_hours * 3600)
        prefix = f"Profile '{profile.name}': t" if self.many else "T"

        def stepped_down(tried: int, next_try: int) -> None:
            self.runtime.ui.info(
                f"{prefix}he role allows less than {credentials.hours_text(tried)}; "
                f"trying {credentials.hours_text(next_try)}."
            )

        grant = sts.assume_role_with_saml(api, role, assertion.raw, requested, stepped_down)
        creds = grant.credentials
        SECRETS.add(creds.secret_access_key, creds.session_token)
        outcome = Outcome(
            profile.name, creds, profile.region, False, member.signin_base, True, role
        )
        if self.many:
            return outcome, ""
        left = (creds.expiration - self.runtime.clock()).total_seconds()
        note = (
            ""
            if grant.duration_seconds == requested
            else f", the role's maximum; {credentials.hours_text(requested)} was asked"
        )
        return outcome, (
            f"Wrote profile '{profile.name}' to {self.store.describe(profile.name)}: "
            f"{roles.label(role, aliases)}, valid until "
            f"{credentials.format_time(creds.expiration)} "
            f"({credentials.hours_text(max(left, 0))}{note})."
        )

    def _account_names(
        self, first: plan.SignIn, assertion: Assertion, *, alone: bool
    ) -> dict[str, str]:
        """Names for the picker: configured ones, the private cache, and AWS's role chooser.

        The chooser page is fetched only when a picker will be shown (several roles, a
        person, no --role, one profile); it is bounded by a short timeout and never fails
        the login.
        """
        from . import accounts
        from .stores import state_dir

        profile = first.profile
        configured = accounts.aliases_from_config(profile.account_aliases or "")
        cache = accounts.cache_file(
            state_dir(self.runtime.env), profile.authority_url, profile.tenant_id
        )
        picker = len(assertion.roles) >= 2 and self.runtime.ui.interactive and not self.request.role
        if not (picker and alone):
            return {**accounts.read_cache(cache), **configured}
        lookup = accounts.AliasLookup(
            acs_url=profile.acs_url,
            saml_response=assertion.raw,
            cache_file=cache,
            configured=configured,
            account_ids={r.account_id for r in assertion.roles},
            verify=self.request.sign_in.verify_ssl,
        )
        return lookup.start().result()

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
                f"saved to {self.store.describe(item.name)}."
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


def _call(
    step: Callable[[tuple[plan.SignIn, Role]], tuple[Outcome, str]],
    item: tuple[plan.SignIn, Role],
) -> tuple[Outcome, str] | AzloginError:
    try:
        return step(item)
    except Interrupted:
        raise
    except AzloginError as exc:
        return exc


def obtain(request: plan.Request, runtime: Runtime, store: Store | None = None) -> Outcome:
    """Credentials for ``request.profile``: plan, check, execute; failures raise.

    ``store``: where credentials are kept (default: the credentials file, as read for the
    plan, so that it is read once).
    """
    from .stores import FileStore

    files = plan.Files.read(runtime.env)
    if store is None:
        store = FileStore(files.credentials_path, runtime.ui.info, files.credentials)
    item = plan.plan_profile(
        request.profile, request, files, runtime.env, store.load, runtime.clock()
    )
    plan.check([item], files, store.check)
    execution = Execution(request, runtime, store, files, many=False)
    execution.run([item])
    return execution.outcomes[request.profile]
