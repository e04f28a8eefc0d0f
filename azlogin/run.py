"""Execute plans the same way for one profile or many: reuse, sign in once per identity, chain.

One freshness rule (in :mod:`plan`), one place that registers secrets and saves
(:meth:`Execution._save`), one STS client factory (the runtime's), one message style.
With ``many`` a failing profile is recorded and the others go on; alone, it raises.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING

from . import credentials, plan
from .errors import AzloginError, Interrupted
from .grants import Outcome
from .models import Credentials, Role
from .redact import SECRETS, log
from .runtime import Runtime
from .stores import Store
from .ui import UI

if TYPE_CHECKING:
    from .sts import StsApi


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
        from . import accounts, grants, saml

        first = members[0]
        first_api = self._prepare_sts(first)
        ui = RememberingUI(self.runtime.ui)
        raw = self.runtime.provider().get_assertion(first.profile, ui, self.request.sign_in)  # type: ignore[arg-type]
        SECRETS.add(raw)
        assertion = saml.parse_assertion(raw)
        log.debug("assertion grants %d role(s)", len(assertion.roles))
        picker = self.runtime.ui.interactive and not self.request.role and len(members) == 1
        aliases = accounts.for_picker(
            first.profile, assertion, self.runtime.env, self.request.sign_in.verify_ssl, picker
        )
        granting = grants.Granting(
            self.runtime, self.request, assertion, aliases, self.many, self.store.describe
        )
        chosen, refused = grants.choose(members, granting)
        self.failures.update(refused)
        results = grants.assume_all(
            chosen, lambda m: first_api() if m is first else self._sts_for(m), granting
        )
        done = []
        for member, result in results:
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


def obtain(request: plan.Request, runtime: Runtime, store: Store | None = None) -> Outcome:
    """Credentials for ``request.profile``: plan, check, execute; failures raise.

    ``store``: where credentials are kept (default: the credentials file, as read for the
    plan, so that it is read once).
    """
    from .stores import FileStore

    files = plan.Files.read(runtime.env)
    if store is None:
        store = FileStore(files.credentials_path, runtime.ui.info, files.credentials_file)
    item = plan.plan_profile(
        request.profile, request, files, runtime.env, store.load, runtime.clock()
    )
    plan.check([item], files, store.check)
    execution = Execution(request, runtime, store, files, many=False)
    execution.run([item])
    return execution.outcomes[request.profile]
