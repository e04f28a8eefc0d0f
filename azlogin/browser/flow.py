"""Walk one sign-in through the Entra pages in an open browser page: detect, act, repeat.

Every wait is bounded by the page patience, the MFA timeout and the whole sign-in's
deadline; reading the page is :mod:`.watch`'s job. When the page stops making sense the
walk saves a redacted dump and raises an error naming it (the messages: :mod:`.failures`).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..errors import SignInError
from . import diagnostics, failures
from .capture import Capture
from .detect import PageState
from .driver import NoAnswer
from .failures import UnknownPage
from .launch import driver_failure, playwright_errors
from .pages import BY_NAME
from .watch import PageWatch

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from ..models import Profile, SignInOptions
    from ..ui import UI
    from .launch import BrowserHandle

__all__ = ["PageWalk", "UnknownPage"]

log = logging.getLogger(__name__)


class PageWalk:
    """The walk through the Entra pages in one browser page; :meth:`run` returns the
    captured SAMLResponse. It is the :class:`~azlogin.browser.driver.Driver` of the actions."""

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
        self.watch = PageWatch(self.page, [urlsplit(profile.authority_url).netloc.lower()], clock)
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
                failures.check_ending(
                    state, self.profile, self.watch.home_hosts, self.watch.last_navigation
                )
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
            self.watch.until_captured(max(self.deadline - self.clock(), 0.001))
        except timeout_error:
            raise self._timed_out() from None
        except error as exc:
            raise self._browser_failure(exc) from None
        if self.capture.assertion is None:
            raise failures.no_assertion()
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
            raise failures.host_silent(url, self.page_timeout) from None
        except error as exc:
            if not self.handle.driver_alive():
                raise driver_failure(exc, started=True) from None
            raise failures.open_failed(self.profile.authority_url, exc) from None

    def _wait(self, prev: str | None, patience: float, *, mfa: bool = False) -> PageState:
        """The next recognised page (or the capture, or a foreign host); raises when stuck."""
        state = self.watch.next(prev, self.clock() + min(patience, self._remaining()))
        if state is None:
            raise self._stalled(mfa=mfa)
        return state

    def _remaining(self) -> float:
        remaining = self.deadline - self.clock()
        if remaining <= 0:
            raise self._timed_out()
        return remaining

    # --- which failure, with a dump of the page where there is one ----------------------

    def _stalled(self, *, mfa: bool) -> SignInError:
        if self.deadline - self.clock() <= 0:
            return self._timed_out()
        now = self.watch.now()
        if now is None:
            return self._no_answer()
        if mfa and now.kind == self._current.kind:
            return failures.mfa_unanswered(self.options.mfa_timeout_seconds)
        if now.kind is None:
            return failures.unknown_page(self._dump("unknown-page"))
        return failures.stuck(now.kind, self.page_timeout, self._dump(f"stuck-{now.kind}"))

    def _no_answer(self) -> SignInError:
        dump = self._dump("no-answer")
        host = urlsplit(self.watch.last_navigation).netloc or self.watch.home_hosts[0]
        return failures.no_answer(host, self.page_timeout, dump)

    def _timed_out(self) -> SignInError:
        dump = self._dump("timeout")
        return failures.timed_out(self.options.timeout_seconds, self._current.kind, dump)

    def _browser_failure(self, exc: Exception) -> SignInError:
        if not self.handle.driver_alive():  # nothing can be asked of the browser any more
            return driver_failure(exc, started=True)
        if self.page.is_closed():
            return failures.window_closed()
        if self.watch.crashed or "Target crashed" in str(exc):
            self.watch.crashed = True
            return failures.page_crashed()
        dump = self._dump(f"error-{self._current.kind or 'page'}")
        return failures.browser_failed(exc, self._secrets, dump)

    def _dump(self, label: str) -> diagnostics.Dump:
        if self.page.is_closed() or self.watch.crashed:  # a crashed page hangs the dump's CDP calls
            return diagnostics.Dump(None, None)
        return diagnostics.save_dump(
            self.page, self.state_dir, label, self._secrets, datetime.now(timezone.utc)
        )
