"""``BrowserSignIn``, the assertion provider the app uses; it owns the order of things
around one sign-in: the remembered session, the browser's lifetime, recovery from a stale
session, and moving to a visible window when a headless run meets an unknown page.
Nothing here imports Playwright at module level.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BrowserError, Interrupted, PromptRequired, SignInError
from ..models import BrowserMode, Profile, SignInOptions
from ..saml import login_url
from ..ui import UI, Option
from . import session, takeover
from .capture import AcsMatcher, Capture
from .environment import display_available, page_timeout
from .failures import PersonCanFinish
from .launch import BrowserHandle, start_browser
from .takeover import FirstAnswer

if TYPE_CHECKING:
    from playwright.sync_api import Page

log = logging.getLogger(__name__)


class _StaleSession(Exception):
    def __init__(self, error: SignInError) -> None:
        super().__init__(error.message)
        self.error = error


class _Page:
    """A page the browser starts at: the HTTP path's hand-over, or the page a headless
    window stopped at, re-opened in a visible one (shaped as ``takeover.FirstAnswer``)."""

    def __init__(self, url: str, body: str, cookies: list[dict[str, Any]]) -> None:
        self.url, self.body, self.cookies = url, body, cookies
        self.status, self.content_type = 200, "text/html; charset=utf-8"


class BrowserSignIn:
    """Gets a SAML assertion by signing in to Entra ID in a (usually headless) browser.

    ``env`` supplies AZLOGIN_BROWSER, HTTPS_PROXY/NO_PROXY, DISPLAY/WAYLAND_DISPLAY,
    AZLOGIN_STATE_DIR and AZLOGIN_PAGE_TIMEOUT. Secrets come only through ``ui`` (the app
    wraps it in :class:`~azlogin.ui.EnvAnswers` for AZURE_DEFAULT_PASSWORD and friends).
    """

    def __init__(self, env: Mapping[str, str] | None = None, state_dir: Path | None = None) -> None:
        self.env: Mapping[str, str] = dict(os.environ if env is None else env)
        self.state_dir = state_dir or session.default_state_dir(self.env)
        self.page_timeout = page_timeout(self.env)
        # Called with the page once a visible (GUI-mode) window opened: tests play the person.
        self.gui_hook: Callable[[Page], None] | None = None
        # Given the authority host's cookies after a remembering sign-in (the HTTP path's
        # remembered session).
        self.keep_cookies: Callable[[list[dict[str, Any]]], None] | None = None

    def get_assertion(self, profile: Profile, ui: UI, options: SignInOptions) -> str:
        """The base64 SAMLResponse exactly as the hand-off page posted it."""
        session.check_usable(profile, self.state_dir)
        if options.reset_session and reset_session(profile, self.state_dir):
            ui.info("Forgot the remembered browser session.")
        try:
            if not profile.remember_me:
                return self._sign_in(profile, ui, options)
            with session.taking_turns(profile, self.state_dir, options.timeout_seconds, ui.info):
                return self._sign_in(profile, ui, options)
        except KeyboardInterrupt:
            raise Interrupted("Sign-in cancelled.") from None
        finally:
            session.hand_back(self.state_dir)  # under sudo: what the browser wrote

    def continue_from(
        self, start: FirstAnswer, profile: Profile, ui: UI, options: SignInOptions
    ) -> str:
        """Sign in from the page the HTTP path handed over (its caller holds the identity's
        lock and has handled --reset-session)."""
        try:
            return self._sign_in(profile, ui, options, start)
        except KeyboardInterrupt:
            raise Interrupted("Sign-in cancelled.") from None

    def _sign_in(
        self, profile: Profile, ui: UI, options: SignInOptions, start: FirstAnswer | None = None
    ) -> str:
        mode, retried = options.mode, False
        while True:
            try:
                return self._attempt(profile, ui, options, mode, start)
            except _StaleSession as stale:
                if retried:
                    raise stale.error from None
                retried = True
                ui.warn(
                    f"{stale.error.message} Forgetting the remembered session and trying again."
                )
                session.remove_session(profile, self.state_dir)
            except SignInError as exc:
                if not self._offer_window(exc, ui, mode):
                    raise
                mode = BrowserMode.GUI
                if isinstance(exc, PersonCanFinish) and isinstance(exc.at, _Page):
                    start = exc.at

    def _offer_window(self, exc: SignInError, ui: UI, mode: BrowserMode) -> bool:

        if not (isinstance(exc, PersonCanFinish) and mode is BrowserMode.HEADLESS):
            return False
        if not (ui.interactive and display_available(self.env)):
            return False
        ui.warn(exc.message)  # its hint (often "use --mode gui") is shown if the answer is Stop
        options = [Option("gui", "Continue in a visible browser window"), Option("stop", "Stop")]
        return ui.choose("Finish the sign-in yourself?", options, "gui") == "gui"

    def _attempt(
        self,
        profile: Profile,
        ui: UI,
        options: SignInOptions,
        mode: BrowserMode,
        start: FirstAnswer | None,
    ) -> str:
        from .flow import PageWalk

        remembered = (
            start is None and profile.remember_me and session.has_session(profile, self.state_dir)
        )
        user_data = (
            session.open_session_dir(profile, self.state_dir) if profile.remember_me else None
        )
        handle = start_browser(
            env=self.env,
            configured=profile.browser,
            headless=mode is BrowserMode.HEADLESS,
            verify_ssl=options.verify_ssl,
            user_data_dir=user_data,
            home=session.browser_home(self.env, self.state_dir),
        )
        try:
            capture = Capture(AcsMatcher.for_url(profile.acs_url))
            capture.install(handle.context)
            flow = PageWalk(
                handle, capture, profile, ui, options, state_dir=self.state_dir,
                page_timeout=self.page_timeout,
            )  # fmt: skip
            if start is not None:
                takeover.start_at(handle.context, handle.page, start)
                url = start.url
            else:
                url = login_url(
                    profile, request_id="id" + uuid.uuid4().hex, now=datetime.now(timezone.utc)
                )
            try:
                if mode is BrowserMode.GUI:
                    assertion = flow.run_gui(url, self.gui_hook)
                else:
                    assertion = flow.run(url)
            except (PromptRequired, BrowserError):
                raise
            except PersonCanFinish as exc:
                exc.at = _where_it_stopped(handle)
                raise
            except SignInError as exc:
                # A remembered session that dead-ends before we typed anything is stale
                # (in GUI mode the person types, and decides for themselves).
                if remembered and not flow.spent and mode is not BrowserMode.GUI:
                    raise _StaleSession(exc) from None
                raise
            if profile.remember_me and self.keep_cookies is not None:
                self.keep_cookies(takeover.session_cookies(handle.context, profile.authority_url))
            return assertion
        finally:
            handle.close()
            if user_data is not None:
                session.drop_restore_data(user_data)


def _where_it_stopped(handle: BrowserHandle) -> _Page | None:
    """The page a headless window stopped at, to re-open it in a visible one."""
    try:
        url, body = handle.page.url, handle.page.content()
        if not url.startswith(("http://", "https://")):
            return None
        return _Page(url, body, [dict(c) for c in handle.context.cookies()])
    except Exception as exc:  # a crashed page: the visible window starts over instead
        log.debug("could not keep the page for the visible window: %s", type(exc).__name__)
        return None


def reset_session(profile: Profile, state_dir: Path | None = None) -> bool:
    """Remove the remembered browser profile of ``profile``'s identity; True if there was one."""
    return session.remove_session(profile, state_dir or session.default_state_dir())
