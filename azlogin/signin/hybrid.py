"""The assertion provider: Entra's protocol over HTTP first, the browser at the same page
where the HTTP path stops (``azlogin_signin = auto``), or one of the two alone.

It owns what is common to both paths: the identity's lock (two runs take turns with the
remembered session), ``--reset-session``, and keeping the session cookies after a sign-in
that was asked to stay signed in.
"""

from __future__ import annotations

import http.cookiejar
import logging
import os
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Interrupted, PromptRequired, SignInError
from ..models import BrowserMode, Profile, SignInOptions
from ..saml import login_url
from ..ui import UI
from . import remembered
from .handover import Cookie, HandOverNeeded

if TYPE_CHECKING:
    from ..browser.signin import BrowserSignIn

log = logging.getLogger(__name__)


class HybridSignIn:
    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        state_dir: Path | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        from ..browser import session

        self.env: Mapping[str, str] = dict(os.environ if env is None else env)
        self.state_dir = state_dir or session.default_state_dir(self.env)
        self.sleep, self.monotonic = sleep, monotonic
        self._browser: BrowserSignIn | None = None
        self._keep_cookies: Callable[[list[dict[str, Any]]], None] | None = None

    @property
    def browser(self) -> BrowserSignIn:
        if self._browser is None:
            from ..browser.signin import BrowserSignIn

            self._browser = BrowserSignIn(self.env, self.state_dir)
            self._browser.keep_cookies = self._keep_cookies
        return self._browser

    def choice(self, profile: Profile, options: SignInOptions) -> str:
        if options.mode is not BrowserMode.HEADLESS:
            return "browser"  # --mode gui|debug: a window was asked for
        return profile.signin

    def get_assertion(self, profile: Profile, ui: UI, options: SignInOptions) -> str:
        from ..browser import session
        from ..browser.environment import proxy_from_env

        choice = self.choice(profile, options)
        log.debug(
            "sign-in: %s (azlogin_signin from %s)", choice, profile.sources.get("signin", "default")
        )
        store = remembered.slot(profile, self.state_dir, session.session_key(profile), self.env)
        session.check_usable(profile, self.state_dir)
        if choice != "browser":
            proxy_from_env(self.env)  # a malformed HTTPS_PROXY is the same error on both paths
        if options.reset_session:  # on both paths: the cookies are kept after either
            forgot = remembered.forget(store)
            forgot = session.remove_session(profile, self.state_dir) or forgot
            if forgot:
                ui.info("Forgot the remembered browser session.")
            options = replace(options, reset_session=False)
        # The browser, if it signs in, keeps the session it leaves (set up on its first use).
        self._keep_cookies = (
            (lambda cookies: self._keep(profile, store, cookies)) if profile.remember_me else None
        )
        if choice == "browser":
            if profile.remember_me:
                store.check()  # a keyring that cannot keep the cookies: now, not after MFA
            return self.browser.get_assertion(profile, ui, options)
        try:
            if not profile.remember_me:
                return self._sign_in(profile, ui, options, choice, store)
            with session.taking_turns(profile, self.state_dir, options.timeout_seconds, ui.info):
                return self._sign_in(profile, ui, options, choice, store)
        except KeyboardInterrupt:
            raise Interrupted("Sign-in cancelled.") from None
        finally:
            session.hand_back(self.state_dir)

    def _sign_in(
        self, profile: Profile, ui: UI, options: SignInOptions, choice: str, store: remembered.Slot
    ) -> str:
        from .replay import ReplayUI

        try:
            return self._over_http(profile, ui, options, store)
        except HandOverNeeded as needed:
            handover = needed.handover
            if choice == "http":
                raise SignInError(
                    f"This sign-in needs a browser: {handover.reason}.",
                    "Set azlogin_signin = auto (or AZLOGIN_SIGNIN=auto) to let azlogin "
                    "finish it in a browser.",
                ) from None
            replay = ReplayUI(ui, handover.given)
            return self.browser.continue_from(handover, profile, replay, options)

    def _over_http(
        self, profile: Profile, ui: UI, options: SignInOptions, store: remembered.Slot
    ) -> str:
        from ..browser.session import remove_session
        from .http import cookies_of

        cookies = remembered.load(store) if profile.remember_me else []
        jar = _jar(cookies)
        try:
            assertion = self._run_http(profile, ui, options, jar)
        except _BeforeAnything as early:
            if not cookies:
                raise early.error from None
            # A remembered session that dead-ends before anything was sent is stale.
            ui.warn(f"{early.error.message} Forgetting the remembered session and trying again.")
            remembered.forget(store)
            remove_session(profile, self.state_dir)
            jar = _jar([])
            try:
                assertion = self._run_http(profile, ui, options, jar)
            except _BeforeAnything as again:
                raise again.error from None
        if profile.remember_me:
            self._keep(profile, store, cookies_of(jar))
        return assertion

    def _run_http(
        self, profile: Profile, ui: UI, options: SignInOptions, jar: http.cookiejar.CookieJar
    ) -> str:
        from ..browser.environment import display_available, page_timeout
        from .http import HttpSignIn
        from .http_client import client
        from .http_steps import walk

        url = login_url(profile, request_id="id" + uuid.uuid4().hex, now=datetime.now(timezone.utc))
        page_seconds = page_timeout(self.env)  # AZLOGIN_PAGE_TIMEOUT, as the browser reads it
        with client(
            env=self.env, base_url=profile.authority_url, user_agent=self._user_agent(profile),
            verify=options.verify_ssl, read_seconds=page_seconds, jar=jar,
        ) as http_client:  # fmt: skip
            flow = HttpSignIn(http_client, jar, profile, ui, options, sleep=self.sleep,
                              monotonic=self.monotonic, page_seconds=page_seconds)  # fmt: skip
            flow.display = display_available(self.env)
            try:
                assertion = walk(flow, url)
            except PromptRequired:
                raise
            except SignInError as exc:
                if flow.asked:
                    raise
                raise _BeforeAnything(exc) from None
        log.debug("signed in over HTTP%s", "" if flow.asked else " (remembered session)")
        return assertion

    def _keep(self, profile: Profile, store: remembered.Slot, cookies: Sequence[Cookie]) -> None:
        host = remembered.authority_host(profile)
        kept = remembered.save(store, remembered.for_host(cookies, host))
        log.debug("kept %d session cookies of %s", kept, host)

    def _user_agent(self, profile: Profile) -> str:
        from .user_agent import for_browser

        return for_browser(self.env, profile.browser, self.state_dir)


class _BeforeAnything(Exception):
    """The HTTP path failed before it sent anything of the person's."""

    def __init__(self, error: SignInError) -> None:
        super().__init__(error.message)
        self.error = error


def _jar(cookies: list[dict[str, object]]) -> http.cookiejar.CookieJar:
    from .http_client import new_jar

    jar = new_jar()
    for c in cookies:
        jar.set_cookie(_to_cookiejar(c))
    return jar


def _to_cookiejar(c: Mapping[str, object]) -> http.cookiejar.Cookie:
    domain = str(c["domain"])
    expires = c.get("expires")
    seconds = int(expires) if isinstance(expires, (int, float)) and expires > 0 else None
    rest: dict[str, str] = {}
    if c.get("httpOnly"):
        rest["HttpOnly"] = ""
    if c.get("sameSite"):
        rest["SameSite"] = str(c["sameSite"])
    return http.cookiejar.Cookie(
        0, str(c["name"]), str(c["value"]), None, False, domain, domain.startswith("."),
        domain.startswith("."), str(c.get("path") or "/"), True, bool(c.get("secure")),
        seconds, seconds is None, None, None, rest,
    )  # fmt: skip
