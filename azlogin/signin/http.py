"""Entra's sign-in protocol over HTTP, one step per page kind azlogin knows.

Each step reads the page's ``$Config``, asks the person what the browser path would ask
(through the same :class:`~azlogin.ui.UI` calls, so the prompts and messages are the
same), and sends what the page's own script would send. A page or an answer it does not
recognise with certainty raises :class:`HandOverNeeded` *before* anything on that page is
spent, so the browser can continue from it. Docs: ../shared/docs/entra-login.md, "The
same sign-in over plain HTTP".
"""

from __future__ import annotations

import http.cookiejar
import logging
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from ..browser import aadsts
from ..browser.capture import AcsMatcher
from ..errors import SignInError
from ..models import Profile, SignInOptions
from ..redact import SECRETS
from ..ui import UI
from . import entra_page
from .entra_page import EntraPage
from .handover import Cookie, Given, HandOver, HandOverNeeded
from .http_errors import transport_errors

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # as the browser path: more risks locking the account


class HttpSignIn:
    """One sign-in over HTTP: its client, cookies and what was asked so far (the steps,
    in ``http_steps``, move it from page to page)."""

    def __init__(
        self,
        client: httpx.Client,
        jar: http.cookiejar.CookieJar,
        profile: Profile,
        ui: UI,
        options: SignInOptions,
        *,
        sleep: Callable[[float], None],
        monotonic: Callable[[], float],
        page_seconds: float,
    ) -> None:
        self.client, self.jar, self.profile, self.ui, self.options = (
            client,
            jar,
            profile,
            ui,
            options,
        )
        self.sleep, self.monotonic = sleep, monotonic
        self.deadline = monotonic() + options.timeout_seconds  # --timeout bounds it all
        self.page_seconds = page_seconds
        self.given = Given()
        self.attempts: dict[str, int] = {}
        self.asked = False  # something was asked or sent: a dead end is no longer "stale"
        self.federation_url: str | None = None  # GetCredentialType's: the company's IdP
        self.acs = AcsMatcher.for_url(profile.acs_url)
        self.display = False  # a visible window could be shown here (the hybrid says)

    def person_can_finish(self) -> bool:
        """Whether a page only a person gets through (a password to change, a passkey,
        another IdP's page) is worth handing to the browser: only it offers the visible
        window, and only to a person at a terminal with a display, when a browser is
        allowed. Otherwise the HTTP path stops as the browser would, without starting one."""
        return self.ui.interactive and self.display and self.profile.signin != "http"

    def check_waiting(self, mfa_deadline: float, last_page: str) -> None:
        """While the phone is asked: --timeout bounds the sign-in, --mfa-timeout the wait."""
        if self.monotonic() > self.deadline:
            raise SignInError(
                f"The sign-in did not finish within {self.options.timeout_seconds:.0f} s "
                f"(last page: {last_page}).",
                "Raise the timeout (--timeout), and approve the request sooner.",
            )
        if self.monotonic() > mfa_deadline:
            raise SignInError(
                f"No answer to the sign-in request within "
                f"{self.options.mfa_timeout_seconds:.0f} s.",
                "Approve the request on your phone sooner, or raise the MFA timeout.",
            )

    def assertion(self, page: EntraPage) -> str:
        assert page.handoff is not None
        if not self.acs(page.handoff.action):
            host = urlsplit(page.handoff.action).hostname or page.handoff.action
            raise SignInError(
                f"The sign-in ended with an assertion for {host}, not for AWS's sign-in.",
                "Check azure_app_id_uri: it must name the AWS application of your tenant.",
            )
        SECRETS.add(page.handoff.saml_response)
        return page.handoff.saml_response

    # --- requests ---------------------------------------------------------------------------

    def get(self, url: str) -> EntraPage:
        return self._page(lambda: self.client.get(url))

    def post_form(self, page: EntraPage, target: str, fields: Mapping[str, str]) -> EntraPage:
        self.asked = True
        url = urljoin(page.url, target)
        return self._page(lambda: self.client.post(url, data=dict(fields)))

    def post_json(self, page: EntraPage, target: str, body: Mapping[str, Any]) -> Any:
        """A background call of ``page``'s script; the decoded answer (None if not JSON)."""
        cfg = page.config or {}
        headers = {
            "canary": str(cfg.get("apiCanary") or ""),
            "client-request-id": str(cfg.get("correlationId") or uuid.uuid4()),
            "hpgrequestid": str(cfg.get("sessionId") or ""),
            "hpgact": str(cfg.get("hpgact") or ""),
            "hpgid": str(cfg.get("hpgid") or ""),
            "Accept": "application/json",
        }
        with transport_errors(self.profile, self.options, self.page_seconds):
            response = self.client.post(urljoin(page.url, target), json=dict(body), headers=headers)
        try:
            return response.json()
        except ValueError:
            return None

    def _page(self, send: Callable[[], httpx.Response]) -> EntraPage:
        with transport_errors(self.profile, self.options, self.page_seconds):
            response = send()
        return entra_page.parse(
            str(response.url), response.status_code, response.text,
            response.headers.get("content-type", ""),
        )  # fmt: skip

    # --- shared by the steps -----------------------------------------------------------------

    def attempt(self, what: str) -> int:
        self.attempts[what] = self.attempts.get(what, 0) + 1
        return self.attempts[what]

    def hand_over(self, page: EntraPage, reason: str) -> HandOverNeeded:
        log.debug("handing over to the browser at %s: %s", _where(page), reason)
        return HandOverNeeded(HandOver(page, cookies_of(self.jar), reason, self.given))

    def fail(self, page: EntraPage, default_code: str = "", text: str = "") -> SignInError:
        """The error for a page that ends the sign-in, worded as the browser path words it."""
        code = page.error_code or aadsts.find_code(text) or default_code
        return aadsts.failure(code, text or page.error_text(*entra_page.ERROR_IDS))


def form_fields(page: EntraPage, **fields: str) -> dict[str, str]:
    """``fields`` plus the flow state every form post of ``page`` carries."""
    cfg = page.config or {}
    return {
        **fields,
        "ctx": str(cfg.get("sCtx") or ""),
        str(cfg.get("sFTName") or "flowToken"): str(cfg.get("sFT") or ""),
        "canary": str(cfg.get("canary") or ""),
    }


def cookies_of(jar: http.cookiejar.CookieJar) -> list[Cookie]:
    """The jar's cookies in Playwright's shape (what ``context.add_cookies`` takes)."""
    cookies: list[Cookie] = []
    for c in jar:
        same_site = str(
            c.get_nonstandard_attr("SameSite") or c.get_nonstandard_attr("samesite") or ""
        )
        cookies.append({
            "name": c.name,
            "value": c.value or "",
            "domain": c.domain,
            "path": c.path or "/",
            "expires": float(c.expires) if c.expires else -1,
            "httpOnly": c.has_nonstandard_attr("HttpOnly"),
            "secure": bool(c.secure),
            "sameSite": same_site if same_site in ("Lax", "Strict", "None") else "Lax",
        })  # fmt: skip
    return cookies


def _where(page: EntraPage) -> str:
    return f"{page.pgid or 'a page without $Config'} ({urlsplit(page.url).path})"


def why_unknown(page: EntraPage) -> str:
    if page.config is None:
        return f"the answer of {urlsplit(page.url).path} is not a page the HTTP path can read"
    if page.pgid not in entra_page.KNOWN:
        return f"page {page.pgid or '(no pgid)'} is not one the HTTP path knows"
    return f"page {page.pgid} lacks the fields the HTTP path needs"
