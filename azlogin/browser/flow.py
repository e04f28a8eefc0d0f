"""Drive one sign-in in an open browser: detect the page, act, wait for the next one.

Waiting is always the browser's own polling (``wait_for_function`` on the page detector),
bounded by the page patience, the MFA timeout and the whole sign-in's deadline; there is
no sleep anywhere. When the page stops making sense the flow saves a redacted dump and
raises an error naming it.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import BrowserError, SignInError
from . import diagnostics
from .capture import MARKER_ID, Capture
from .detect import STATE_JS, PageState, script_arg
from .launch import driver_failure, playwright_errors
from .pages import BY_NAME, ENDINGS, PAGES, NoAnswer

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request

    from ..models import Profile, SignInOptions
    from ..ui import UI
    from .launch import BrowserHandle

log = logging.getLogger(__name__)

POLL_MS = 100  # how often the browser re-checks the page while we wait
NAVIGATION_RETRIES = 20  # a page that navigates away this often while read is not settling
GONE_HINT = (
    "Run azlogin again (leave a visible window open until it is done); if the browser keeps "
    "stopping, check free memory, or choose another browser with AZLOGIN_BROWSER."
)
GUI_HINT = "Run with `--mode gui` to finish the sign-in yourself in a visible browser window."
SILENT_HINT = (
    "It took the connection but sent nothing back: check the network, the VPN and the proxy "
    "(HTTPS_PROXY, NO_PROXY); AZLOGIN_PAGE_TIMEOUT sets how long each page may take."
)
CERT_HINT = (
    "The server's TLS certificate is not trusted. If your network inspects TLS, make this "
    "computer trust the proxy's CA certificate; --no-verify-ssl skips the check (testing only)."
)


class UnknownPage(SignInError):
    """The browser shows a page azlogin does not recognise (the dump path is in the hint)."""


class SignIn:
    """One sign-in attempt in an open browser; :meth:`run` returns the captured SAMLResponse."""

    def __init__(
        self,
        handle: BrowserHandle,
        capture: Capture,
        profile: Profile,
        ui: UI,
        options: SignInOptions,
        *,
        state_dir: Path,
        page_timeout: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.handle = handle
        self.page: Page = handle.page
        self.capture = capture
        self.profile = profile
        self.ui = ui
        self.options = options
        self.state_dir = state_dir
        self.page_timeout = page_timeout
        self.clock = clock
        self.deadline = clock() + options.timeout_seconds
        self.username: str | None = None
        self.spent = False  # a secret was typed or an MFA request sent: a retry would repeat it
        self._secrets: list[str] = []
        self._attempts: Counter[str] = Counter()
        self._current = PageState(kind=None)
        self._last_navigation = ""
        self._crashed = False  # the page's renderer died: it can no longer be read or saved
        self._home = [urlsplit(profile.authority_url).netloc.lower()]
        self.page.on("request", self._on_request)
        self.page.on("crash", self._on_crash)
        self.page.set_default_timeout(page_timeout * 1000)

    # --- the Driver interface used by the page actions ----------------------------------

    def secret(self, value: str) -> str:
        self._secrets.append(value)
        self.spent = True
        return value

    def attempt(self, what: str) -> int:
        self._attempts[what] += 1
        return self._attempts[what]

    def next_state(self, *, mfa: bool = False) -> PageState:
        self.spent = self.spent or mfa
        patience = self.options.mfa_timeout_seconds if mfa else self.page_timeout
        return self._wait(self._current.sig, patience, mfa=mfa)

    # --- running ------------------------------------------------------------------------

    def run(self, url: str) -> str:
        """Automate the pages until the hand-off is captured."""
        timeout, error = playwright_errors()
        try:
            self._goto(url)
            state = self._wait(None, self.page_timeout)
            while True:
                if self.capture.assertion is not None:
                    return self.capture.assertion
                self._check_ending(state)
                assert state.kind is not None  # _wait only returns recognised pages
                self._current = state
                log.debug("page: %s", state.kind)
                # An action's own waits (a click waiting for its navigation) share the deadline.
                self.page.set_default_timeout(min(self.page_timeout, self._remaining()) * 1000)
                following = BY_NAME[state.kind].act(self, state)
                state = following if following is not None else self.next_state()
        except SignInError:
            raise
        except NoAnswer:
            raise (
                self._timed_out() if self.deadline <= self.clock() else self._no_answer()
            ) from None
        except error as exc:
            if isinstance(exc, timeout) and self.deadline <= self.clock():
                raise self._timed_out() from None
            raise self._browser_failure(exc) from None

    def run_gui(self, url: str, hook: Callable[[Page], None] | None = None) -> str:
        """Let the person sign in in a visible window; only capture the result."""
        timeout_error, error = playwright_errors()
        self.ui.info("Sign in in the browser window; azlogin continues when you are done.")
        try:
            self._goto(url)
            if hook is not None:
                hook(self.page)
            remaining = max(self.deadline - self.clock(), 0.001)
            self.page.wait_for_function(
                f"() => !!document.getElementById('{MARKER_ID}')",
                polling=POLL_MS,
                timeout=remaining * 1000,
            )
        except timeout_error:
            raise self._timed_out() from None
        except error as exc:
            raise self._browser_failure(exc) from None
        if self.capture.assertion is None:
            raise SignInError(
                "The sign-in finished without a SAMLResponse for AWS.",
                "Check azure_app_id_uri names the AWS app; run with --debug for the pages seen.",
            )
        return self.capture.assertion

    def _goto(self, url: str) -> None:
        timeout_error, error = playwright_errors()
        # The page patience bounds the first answer too: a host that takes the connection
        # and never answers would otherwise hold the sign-in for its whole timeout.
        patience = min(self.page_timeout, self._remaining())
        try:
            self.page.goto(url, wait_until="commit", timeout=patience * 1000)
        except timeout_error:
            if self.deadline <= self.clock():
                raise self._timed_out() from None
            raise self._host_silent(url) from None
        except error as exc:
            if not self.handle.driver_alive():
                raise driver_failure(exc, started=True) from None
            net = re.search(r"net::ERR_[A-Z_]+", str(exc))
            untrusted = net is not None and "CERT" in net.group(0)
            raise BrowserError(
                f"Could not open the sign-in page at {self.profile.authority_url}"
                + (f" ({net.group(0)})." if net else "."),
                CERT_HINT
                if untrusted
                else "Check the network, the proxy (HTTPS_PROXY, NO_PROXY) and the authority host.",
            ) from None

    def _wait(self, prev: str | None, patience: float, *, mfa: bool = False) -> PageState:
        """The next recognised page (or the capture, or a foreign host); raises when stuck."""
        timeout_error, error = playwright_errors()
        give_up = self.clock() + min(patience, self._remaining())
        arg = self._arg(prev, now=False)
        for _ in range(NAVIGATION_RETRIES):
            try:
                handle = self.page.wait_for_function(
                    STATE_JS,
                    arg=arg,
                    polling=POLL_MS,
                    timeout=max(give_up - self.clock(), 0.001) * 1000,
                )
                return PageState.from_js(handle.json_value())
            except timeout_error:
                raise self._stalled(mfa=mfa) from None
            except error as exc:
                # The page navigated between the detector's answer and reading it (a busy
                # machine widens that gap); the page it navigated to is judged afresh.
                if "Execution context was destroyed" not in str(exc):
                    raise
        raise self._stalled(mfa=mfa)

    def _now(self) -> PageState | None:
        """What the page shows right now; None when it cannot tell (a request still pending:
        Chromium runs no page script until a posted form's answer arrives)."""
        arg = self._arg(None, now=True)
        try:
            handle = self.page.wait_for_function(STATE_JS, arg=arg, polling=POLL_MS, timeout=2000)
            return PageState.from_js(handle.json_value())
        except Exception:  # only used to describe a failure; never mask it
            return None

    def _arg(self, prev: str | None, *, now: bool) -> dict[str, Any]:
        rows = [(p.name, p.detector) for p in PAGES]
        return script_arg(rows, endings=ENDINGS, home_hosts=self._home, prev=prev, now=now)

    def _remaining(self) -> float:
        remaining = self.deadline - self.clock()
        if remaining <= 0:
            raise self._timed_out()
        return remaining

    # --- endings and failures -----------------------------------------------------------

    def _check_ending(self, state: PageState) -> None:
        if state.captured:
            raise SignInError(
                "The sign-in posted to AWS without a SAMLResponse.",
                "Check the AWS app's reply URL (ACS) in Entra; it should be "
                + self.profile.acs_url,
            )
        if state.foreign:
            url = self._last_navigation if state.href.startswith("chrome-error:") else state.href
            host = urlsplit(url).netloc.lower()
            if host in self._home:
                raise BrowserError(
                    f"The sign-in page at {self.profile.authority_url} could not be loaded.",
                    "Check the network and the proxy settings (HTTPS_PROXY, NO_PROXY).",
                )
            raise SignInError(
                f"The sign-in moved to your organisation's own sign-in page ({host or url}), "
                "which azlogin does not automate.",
                GUI_HINT + " azlogin still captures the result.",
            )

    def _stalled(self, *, mfa: bool) -> SignInError:
        if self.deadline - self.clock() <= 0:
            return self._timed_out()
        now = self._now()
        if now is None:
            return self._no_answer()
        if mfa and now.kind == self._current.kind:
            return SignInError(
                "No answer to the sign-in request within "
                f"{self.options.mfa_timeout_seconds:.0f} s.",
                "Approve the request on your phone sooner, or raise the MFA timeout.",
            )
        if now.kind is None:
            dump = self._dump("unknown-page")
            return UnknownPage(
                "azlogin does not recognise the page the sign-in is showing.",
                _join(dump.describe(), GUI_HINT),
            )
        dump = self._dump(f"stuck-{now.kind}")
        return SignInError(
            f"The {now.kind!r} page did not move on within {self.page_timeout:.0f} s.",
            _join(dump.describe(), GUI_HINT),
        )

    def _no_answer(self) -> SignInError:
        dump = self._dump("no-answer")
        host = urlsplit(self._last_navigation).netloc or self._home[0]
        return SignInError(
            f"The sign-in host {host} did not answer within {_secs(self.page_timeout)}.",
            _join(dump.describe(), SILENT_HINT),
        )

    def _host_silent(self, url: str) -> SignInError:
        # Nothing was loaded yet: no page to dump.
        return SignInError(
            f"The sign-in host {urlsplit(url).netloc} did not answer within "
            f"{_secs(self.page_timeout)}.",
            SILENT_HINT,
        )

    def _timed_out(self) -> SignInError:
        dump = self._dump("timeout")
        last = self._current.kind or "the first page"
        return SignInError(
            f"The sign-in did not finish within {self.options.timeout_seconds:.0f} s "
            f"(last page: {last}).",
            _join(dump.describe(), "Raise the timeout, or " + GUI_HINT[0].lower() + GUI_HINT[1:]),
        )

    def _browser_failure(self, exc: Exception) -> SignInError:
        if not self.handle.driver_alive():  # nothing can be asked of the browser any more
            return driver_failure(exc, started=True)
        if self.page.is_closed():
            return BrowserError(
                "The browser window was closed before the sign-in finished.", GONE_HINT
            )
        if self._crashed or "Target crashed" in str(exc):
            self._crashed = True
            return BrowserError(
                "The browser failed during the sign-in: the page crashed.", GONE_HINT
            )
        first = diagnostics.redact_text(
            str(exc).strip().splitlines()[0] if str(exc).strip() else "", self._secrets
        )
        dump = self._dump(f"error-{self._current.kind or 'page'}")
        return BrowserError(
            f"The browser failed during the sign-in: {first}", _join(dump.describe(), GUI_HINT)
        )

    def _dump(self, label: str) -> diagnostics.Dump:
        if self.page.is_closed() or self._crashed:  # a crashed page hangs the dump's CDP calls
            return diagnostics.Dump(None, None)
        return diagnostics.save_dump(
            self.page, self.state_dir, label, self._secrets, datetime.now(timezone.utc)
        )

    def _on_crash(self, page: Page) -> None:
        self._crashed = True

    def _on_request(self, request: Request) -> None:
        try:
            if request.is_navigation_request() and request.frame == self.page.main_frame:
                self._last_navigation = request.url
        except Exception:  # bookkeeping only
            return


def _secs(seconds: float) -> str:
    return f"{seconds:g} s"


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)
