"""The visible-window modes, on a private Xvfb display, with a scripted person at the window."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest
from playwright.sync_api import Page

from azlogin.browser import BrowserSignIn
from azlogin.models import BrowserMode, Profile, SignInOptions
from azlogin.saml import login_url, parse_assertion
from azlogin.sandbox.server import Sandbox

from .conftest import PASSWORD
from .fakes import ScriptedUI, chromium_processes

pytestmark = pytest.mark.browser

ProfileMaker = Callable[..., Profile]
SignInMaker = Callable[..., BrowserSignIn]


def person(username: str, start_over: str | None = None) -> Callable[[Page], None]:
    """Someone signing in by hand in the window azlogin opened (answering "No" to KMSI)."""

    def sign_in(page: Page) -> None:
        if start_over:
            page.goto(start_over)
        page.locator("#i0116").fill(username)
        page.locator("#idSIButton9").click()
        page.locator("#i0118").fill(PASSWORD)
        page.locator("#idSIButton9").click()
        page.locator("#idBtn_Back").click()

    return sign_in


def test_gui_mode_captures_what_the_person_does(
    make_profile: ProfileMaker, make_signin: SignInMaker, xvfb_display: str
) -> None:
    signin = make_signin(DISPLAY=xvfb_display)
    signin.gui_hook = person("bob@sandbox.example")
    ui = ScriptedUI(interactive=False)
    options = SignInOptions(mode=BrowserMode.GUI, timeout_seconds=60)
    assertion = signin.get_assertion(make_profile("bob@sandbox.example"), ui, options)
    assert parse_assertion(assertion).session_name == "bob@sandbox.example"
    assert ui.asked == []  # azlogin itself asked nothing
    assert ui.infos  # but told the person to use the window


def test_debug_mode_is_automated_in_a_visible_window(
    make_profile: ProfileMaker, make_signin: SignInMaker, xvfb_display: str
) -> None:
    command_lines: list[bytes] = []

    def password() -> str:
        for pid in chromium_processes():
            command_lines.append(Path(f"/proc/{pid}/cmdline").read_bytes())
        return PASSWORD

    signin = make_signin(DISPLAY=xvfb_display)
    ui = ScriptedUI({"password": password})
    options = SignInOptions(mode=BrowserMode.DEBUG, timeout_seconds=60)
    assertion = signin.get_assertion(make_profile("bob@sandbox.example"), ui, options)
    assert parse_assertion(assertion).session_name == "bob@sandbox.example"
    assert command_lines
    assert not any(b"--headless" in line for line in command_lines)


def test_unknown_page_offers_a_visible_window(
    make_profile: ProfileMaker,
    make_signin: SignInMaker,
    fresh_sandbox: Sandbox,
    xvfb_display: str,
    state_dir: Path,
) -> None:
    good = make_profile("bob@sandbox.example")
    typo = make_profile("bob@sandbox.example", authority_host=fresh_sandbox.base_url + "/typo")
    signin = make_signin(DISPLAY=xvfb_display, AZLOGIN_PAGE_TIMEOUT="2")
    # In the window the person notices the odd page and starts the sign-in over themselves.
    url = login_url(good, request_id="id" + uuid.uuid4().hex, now=datetime.now(timezone.utc))
    signin.gui_hook = person("bob@sandbox.example", start_over=url)
    ui = ScriptedUI({"choose": "gui"})
    assertion = signin.get_assertion(typo, ui, SignInOptions(timeout_seconds=60))
    assert parse_assertion(assertion).session_name == "bob@sandbox.example"
    (question,) = [q for kind, q in ui.asked if kind == "choose"]
    assert question.endswith("gui,stop")
    assert any("does not recognise" in w for w in ui.warnings)
    assert len(list((state_dir / "diagnostics").iterdir())) == 2


def test_unknown_page_without_a_person_is_not_offered_a_window(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox, xvfb_display: str
) -> None:
    typo = make_profile("bob@sandbox.example", authority_host=fresh_sandbox.base_url + "/typo")
    signin = make_signin(DISPLAY=xvfb_display, AZLOGIN_PAGE_TIMEOUT="2")
    ui = ScriptedUI(interactive=False)
    with pytest.raises(Exception, match="does not recognise"):
        signin.get_assertion(typo, ui, SignInOptions(timeout_seconds=30))
    assert ui.asked == []


def test_the_visible_window_opens_at_the_page_the_headless_one_stopped_at(
    make_profile: ProfileMaker,
    make_signin: SignInMaker,
    fresh_sandbox: Sandbox,
    xvfb_display: str,
) -> None:
    good = make_profile("bob@sandbox.example")
    typo = make_profile("bob@sandbox.example", authority_host=fresh_sandbox.base_url + "/typo")
    signin = make_signin(DISPLAY=xvfb_display, AZLOGIN_PAGE_TIMEOUT="2")
    url = login_url(good, request_id="id" + uuid.uuid4().hex, now=datetime.now(timezone.utc))
    opened_at: list[str] = []
    finish = person("bob@sandbox.example", start_over=url)

    def look_then_finish(page: Page) -> None:
        opened_at.append(page.url)
        finish(page)

    signin.gui_hook = look_then_finish
    before = len(fresh_sandbox.request_log)
    assertion = signin.get_assertion(typo, ScriptedUI({"choose": "gui"}), SignInOptions())
    assert parse_assertion(assertion).session_name == "bob@sandbox.example"
    assert opened_at and opened_at[0].startswith(fresh_sandbox.base_url + "/typo/")
    # The window was shown the page it stopped at, not sent to the server for it again.
    typo_requests = [p for _, p in fresh_sandbox.request_log[before:] if p.startswith("/typo/")]
    assert len(typo_requests) == 1, typo_requests
