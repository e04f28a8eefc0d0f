"""An expired password (AADSTS50055) in an interactive run: azlogin offers a visible window
at "Update your password", the person changes it there, and azlogin still captures the
assertion — from the browser path, from the HTTP path (which hands the page over), and
from the HTTP path meeting the page disguised. Real Chromium on a private Xvfb display,
real HTTP against the sandbox; the scripted person counts what azlogin asked."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from azlogin.browser import BrowserSignIn
from azlogin.models import Profile, SignInOptions
from azlogin.saml import parse_assertion
from azlogin.sandbox.server import Sandbox
from azlogin.signin.hybrid import HybridSignIn

from .conftest import PASSWORD
from .fakes import ScriptedUI

pytestmark = pytest.mark.browser

BOB = "bob@sandbox.example"
NEW_PASSWORD = "N3w-passw0rd!"


@pytest.fixture
def expired(fresh_sandbox: Sandbox) -> Iterator[Sandbox]:
    fresh_sandbox.update_user(BOB, password_expired=True)
    yield fresh_sandbox
    fresh_sandbox.update_user(BOB, password=PASSWORD, password_expired=False, disguise=[])


def person_changes_the_password(page: Page) -> None:
    """At the window azlogin opened: the page it stopped at, then "stay signed in?": No."""
    page.locator("#currentPassword").fill(PASSWORD)
    page.locator("#newPassword").fill(NEW_PASSWORD)
    page.locator("#confirmNewPassword").fill(NEW_PASSWORD)
    page.locator("#idSIButton9").click()
    page.locator("#idBtn_Back").click()


@pytest.mark.parametrize("path", ["browser", "http", "hand-over"])
def test_an_expired_password_is_changed_by_the_person_in_a_window(
    make_profile: Callable[..., Profile],
    state_dir: Path,
    expired: Sandbox,
    xvfb_display: str,
    path: str,
) -> None:
    if path == "hand-over":
        expired.update_user(BOB, disguise=["password-expired"])
    env = {"AZLOGIN_PAGE_TIMEOUT": "15", "HOME": str(state_dir.parent), "DISPLAY": xvfb_display}
    signin: BrowserSignIn | HybridSignIn
    if path == "browser":
        signin = BrowserSignIn(env=env, state_dir=state_dir)
        signin.gui_hook = person_changes_the_password
    else:
        signin = HybridSignIn(env=env, state_dir=state_dir)
        signin.browser.gui_hook = person_changes_the_password
    ui = ScriptedUI({"password": PASSWORD, "choose": "gui"})
    assertion = signin.get_assertion(make_profile(BOB), ui, SignInOptions(timeout_seconds=60))

    assert parse_assertion(assertion).session_name == BOB
    assert ui.kinds_asked().count("password") == 1
    (offer,) = [q for kind, q in ui.asked if kind == "choose"]
    assert offer.startswith("Finish the sign-in yourself?")
    assert any("(AADSTS50055)" in w for w in ui.warnings)
    assert expired.scenario.tenants[0].user(BOB).password == NEW_PASSWORD  # type: ignore[union-attr]
    logins = [p for m, p in expired.request_log if m == "POST" and p.endswith("/login")]
    assert len(logins) == 1  # the old password went once; the window did the rest
    first = next(r for r in expired.client_requests if r.path.endswith("/saml2"))
    assert ("Headless" in first.user_agent) == (path == "browser")  # which path began
