"""What the sandbox's Entra side remembers between requests: sign-in flows and sessions.

A flow is one AuthnRequest being answered; the browser holds its id in the ``esctx``
cookie and its token in each form (``flowToken``), and both must match, as Entra insists
that all of one sign-in's cookies and fields stay together (AADSTS165000). The token is
single-use: every form post and every BeginAuth/EndAuth spends it and the answer carries
the next one. Each page shown gets fresh canaries (``canary`` for its forms, ``apiCanary``
for its JSON calls). A remembered session is what "Stay signed in? Yes" leaves behind
(the ``ESTSAUTHPERSISTENT`` cookie).
"""

from __future__ import annotations

import enum
import hmac
import secrets
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from azlogin.sandbox.assertion import SigningKey
from azlogin.sandbox.entra_errors import EntraError
from azlogin.sandbox.phone import Phone
from azlogin.sandbox.scenario import Scenario
from azlogin.sandbox.wsfed import Trust

FLOW_COOKIE = "esctx"
SESSION_COOKIE = "ESTSAUTH"
PERSISTENT_COOKIE = "ESTSAUTHPERSISTENT"
FLOW_LIFETIME_SECONDS = 15 * 60
PERSISTENT_DAYS = 90
MAX_FLOWS = 1000  # anyone on the machine can start flows; keep memory bounded
LOCKOUT_THRESHOLD = 10  # wrong passwords before Entra's smart lockout answers AADSTS50053


class Stage(enum.Enum):
    IDENTIFY = "identify"  # username, account picker, password, phone sign-in
    MFA = "mfa"  # first factor done, second factor pending
    PAGE = "page"  # a gallery page (``Flow.page``) waits for its answer


@dataclass
class Flow:
    flow_id: str
    token: str
    tenant_id: str
    app_id_uri: str
    request_id: str  # the AuthnRequest ID, answered as InResponseTo
    acs_url: str
    relay_state: str
    created: float
    stage: Stage = Stage.IDENTIFY
    username: str | None = None  # known once identified
    phone_sign_in: bool = False  # the first factor was the phone, which also satisfies MFA
    mfa_method: str | None = None
    mfa_verified: bool = False
    reauthentication: bool = False  # a remembered session asked for MFA (sign-in frequency)
    ctx: str = field(default_factory=lambda: secrets.token_urlsafe(24))  # Entra's sCtx
    page: str | None = None  # the gallery page whose answer is awaited (Stage.PAGE)
    checkpoint: str = ""  # where that page interrupted the sign-in, to resume there
    passed: set[str] = field(default_factory=set)  # gallery pages already answered
    remember: bool = False  # "stay signed in": the hand-off sets the persistent cookie
    canary: str = ""  # the shown page's form canary (field ``canary``)
    api_canary: str = ""  # its JSON calls' canary (header ``canary``); GetCredentialType renews it
    correlation_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    session_id: str = field(default_factory=lambda: str(uuid.uuid4()))  # hpgrequestid
    mfa_session: str = ""  # BeginAuth's SessionId, which EndAuth must send back
    wctx: str = ""  # sent to the company IdP; its WS-Fed answer must bring it back, once

    def refresh_canaries(self) -> None:
        """A page is shown: what the previous page carried can no longer post."""
        self.canary = secrets.token_urlsafe(32)
        self.api_canary = secrets.token_urlsafe(32)


class FlowStore:
    def __init__(self, monotonic: Callable[[], float]) -> None:
        self._monotonic = monotonic
        self._flows: dict[str, Flow] = {}

    def create(
        self,
        *,
        tenant_id: str,
        app_id_uri: str,
        request_id: str,
        acs_url: str,
        relay_state: str,
    ) -> Flow:
        self._prune()
        flow = Flow(
            flow_id=secrets.token_urlsafe(24),
            token=secrets.token_urlsafe(48),
            tenant_id=tenant_id,
            app_id_uri=app_id_uri,
            request_id=request_id,
            acs_url=acs_url,
            relay_state=relay_state,
            created=self._monotonic(),
        )
        self._flows[flow.flow_id] = flow
        return flow

    def get(self, flow_id: str | None, token: str | None, *stages: Stage) -> Flow:
        """The flow the cookie names, if the form's token matches and it is at one of ``stages``."""
        flow = self._flows.get(flow_id or "")
        if flow is None or not hmac.compare_digest(flow.token, token or ""):
            raise EntraError("165000")
        if self._monotonic() - flow.created > FLOW_LIFETIME_SECONDS:
            self.discard(flow)
            raise EntraError("50089")
        if stages and flow.stage not in stages:
            raise EntraError("165000", "This step does not belong at this point of the sign-in.")
        return flow

    def find(self, flow_id: str | None) -> Flow | None:
        """The flow the cookie names, unchecked: only to learn which page it waits on."""
        return self._flows.get(flow_id or "")

    def issue_token(self, flow: Flow) -> None:
        """A new token for the next page: whatever carried the old one can no longer post."""
        flow.token = secrets.token_urlsafe(48)

    def __contains__(self, flow_id: str) -> bool:
        return flow_id in self._flows

    def discard(self, flow: Flow) -> None:
        self._flows.pop(flow.flow_id, None)

    def discard_id(self, flow_id: str | None) -> None:
        self._flows.pop(flow_id or "", None)

    def clear(self) -> None:
        self._flows.clear()

    def _prune(self) -> None:
        horizon = self._monotonic() - FLOW_LIFETIME_SECONDS
        for flow in [f for f in self._flows.values() if f.created < horizon]:
            self.discard(flow)
        while len(self._flows) >= MAX_FLOWS:
            del self._flows[next(iter(self._flows))]


@dataclass
class RememberedAccount:
    tenant_id: str
    username: str
    signed_in: bool = True  # False: signed out, still offered by "pick an account"


@dataclass
class Remembered:
    """One browser's persistent session: every account that said "stay signed in"."""

    session_id: str
    expires: float
    accounts: dict[str, RememberedAccount] = field(default_factory=dict)

    def for_tenant(self, tenant_id: str) -> list[RememberedAccount]:
        return [a for a in self.accounts.values() if a.tenant_id == tenant_id]


class SessionStore:
    def __init__(self, monotonic: Callable[[], float]) -> None:
        self._monotonic = monotonic
        self._sessions: dict[str, Remembered] = {}

    def get(self, session_id: str | None) -> Remembered | None:
        session = self._sessions.get(session_id or "")
        if session is not None and session.expires < self._monotonic():
            del self._sessions[session.session_id]
            return None
        return session

    def remember(self, session_id: str | None, tenant_id: str, username: str) -> Remembered:
        """Add the account to the browser's session (a new one if it has none), signed in."""
        session = self.get(session_id)
        if session is None:
            session = Remembered(secrets.token_urlsafe(32), 0.0)
            self._sessions[session.session_id] = session
        session.expires = self._monotonic() + PERSISTENT_DAYS * 86400
        key = f"{tenant_id}/{username.lower()}"
        session.accounts[key] = RememberedAccount(tenant_id, username)
        return session

    def reissue(self, session_id: str | None) -> str | None:
        """A new id for a session after a re-authentication; the old cookie stops working."""
        session = self.get(session_id)
        if session is None:
            return None
        del self._sessions[session.session_id]
        session.session_id = secrets.token_urlsafe(32)
        self._sessions[session.session_id] = session
        return session.session_id

    def sign_out(self, session_id: str | None) -> None:
        session = self.get(session_id)
        for account in session.accounts.values() if session else ():
            account.signed_in = False

    def clear(self) -> None:
        self._sessions.clear()


class EntraState:
    """Everything the Entra handlers share; handlers run one at a time under ``lock``."""

    def __init__(
        self,
        scenario: Scenario,
        key: SigningKey,
        acs_url: str,
        clock: Callable[[], datetime],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.scenario = scenario
        self.key = key
        self.acs_url = acs_url  # the sandbox's own ACS, always an allowed reply URL
        self.clock = clock
        self.lock = threading.RLock()
        self.flows = FlowStore(monotonic)
        self.sessions = SessionStore(monotonic)
        self.phone = Phone(monotonic)
        self.sign_ins: Counter[str] = Counter()  # SAMLResponses issued, by username
        self.failed_passwords: Counter[str] = Counter()  # by tenant/username, for lockout
        self.trust = Trust()  # with the federated domain's IdP (``adfs.py``)
        self.idp_url = ""  # where that IdP listens, once the sandbox started it

    def reset(self) -> None:
        with self.lock:
            self.flows.clear()
            self.sessions.clear()
            self.phone.clear()
            self.sign_ins.clear()
            self.failed_passwords.clear()
