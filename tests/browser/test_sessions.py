"""Remembered browser sessions: "stay signed in", the account picker, stale-session recovery."""

from __future__ import annotations

import shutil
import stat
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from azlogin.browser import BrowserSignIn, reset_session, session
from azlogin.errors import SignInError
from azlogin.models import Profile, SignInOptions
from azlogin.saml import parse_assertion
from azlogin.sandbox.scenario import DEFAULT_TENANT_ID
from azlogin.sandbox.server import Sandbox

from .conftest import PASSWORD
from .fakes import ScriptedUI

pytestmark = pytest.mark.browser

OPTIONS = SignInOptions(timeout_seconds=60, mfa_timeout_seconds=30)
ProfileMaker = Callable[..., Profile]
SignInMaker = Callable[..., BrowserSignIn]
LOGIN_POST = ("POST", f"/{DEFAULT_TENANT_ID}/login")


def who(assertion: str) -> str | None:
    return parse_assertion(assertion).session_name


def sign_in_bob_remembered(signin: BrowserSignIn, profile: Profile) -> None:
    ui = ScriptedUI({"password": PASSWORD})
    assert who(signin.get_assertion(profile, ui, OPTIONS)) == "bob@sandbox.example"


def test_stay_signed_in_yes_skips_every_page_next_time(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox, state_dir: Path
) -> None:
    profile = make_profile("bob@sandbox.example", remember_me=True)
    signin = make_signin()
    sign_in_bob_remembered(signin, profile)
    folder = session.session_dir(profile, state_dir)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    before = len(fresh_sandbox.request_log)
    second = ScriptedUI(interactive=False)  # would fail on any question
    assert who(signin.get_assertion(profile, second, OPTIONS)) == "bob@sandbox.example"
    seen = fresh_sandbox.request_log[before:]
    assert LOGIN_POST not in seen
    assert ("POST", "/common/GetCredentialType") not in seen
    assert second.asked == []


def test_stay_signed_in_no_asks_again(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox, state_dir: Path
) -> None:
    profile = make_profile("bob@sandbox.example")
    signin = make_signin()
    for _ in range(2):
        sign_in_bob_remembered(signin, profile)
    assert fresh_sandbox.request_log.count(LOGIN_POST) == 2
    assert not (state_dir / "browser").exists()  # no remembered profile without remember_me
    # "No" on the page: Entra (the sandbox) remembered no session for the browser.
    assert not fresh_sandbox._running_state().sessions._sessions


def test_reset_session_forgets_the_browser_profile(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox, state_dir: Path
) -> None:
    profile = make_profile("bob@sandbox.example", remember_me=True)
    signin = make_signin()
    sign_in_bob_remembered(signin, profile)
    assert reset_session(profile, state_dir) is True
    sign_in_bob_remembered(signin, profile)  # asks the password again (ScriptedUI would fail)
    assert fresh_sandbox.request_log.count(LOGIN_POST) == 2
    # The option does the same from the app.
    ui = ScriptedUI({"password": PASSWORD})
    signin.get_assertion(profile, ui, replace(OPTIONS, reset_session=True))
    assert ui.kinds_asked() == ["username", "password"]


def test_pick_an_account_chooses_the_configured_user(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox
) -> None:
    profile = make_profile("bob@sandbox.example", remember_me=True)
    signin = make_signin()
    sign_in_bob_remembered(signin, profile)
    fresh_sandbox.update_faults(account_picker=True)
    ui = ScriptedUI(interactive=False)
    assert who(signin.get_assertion(profile, ui, OPTIONS)) == "bob@sandbox.example"
    assert ui.asked == []  # bob's tile, picked without typing anything


def test_pick_an_account_with_someone_elses_tile_uses_another_account(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox, state_dir: Path
) -> None:
    frank = make_profile("frank@sandbox.example", remember_me=True)
    signin = make_signin()
    assert who(signin.get_assertion(frank, ScriptedUI(), OPTIONS)) == "frank@sandbox.example"
    # A stale profile directory holding another person's session.
    bob = make_profile("bob@sandbox.example", remember_me=True)
    shutil.copytree(session.session_dir(frank, state_dir), session.session_dir(bob, state_dir))
    fresh_sandbox.update_faults(account_picker=True)
    ui = ScriptedUI({"password": PASSWORD})
    assert who(signin.get_assertion(bob, ui, OPTIONS)) == "bob@sandbox.example"
    assert ui.kinds_asked() == ["username", "password"]


def test_dead_end_with_a_remembered_session_is_retried_afresh(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox, state_dir: Path
) -> None:
    profile = make_profile("bob@sandbox.example", remember_me=True)
    signin = make_signin()
    sign_in_bob_remembered(signin, profile)
    cookie_dir = session.session_dir(profile, state_dir)
    marker = cookie_dir / "azlogin-test-marker"
    marker.write_text("old profile")
    # The remembered session dead-ends on an error page; the fresh sign-in clears the fault
    # when the person types the password, so only a retry from scratch can succeed.
    fresh_sandbox.update_faults(service_error="50058")

    def password() -> str:
        fresh_sandbox.update_faults(service_error=None)
        return PASSWORD

    ui = ScriptedUI({"password": password})
    assert who(signin.get_assertion(profile, ui, OPTIONS)) == "bob@sandbox.example"
    assert len(ui.warnings) == 1
    assert "AADSTS50058" in ui.warnings[0]
    assert not marker.exists()  # the old profile directory was removed
    assert cookie_dir.is_dir()


def test_dead_end_without_a_remembered_session_is_not_retried(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox
) -> None:
    fresh_sandbox.update_faults(service_error="50058")
    ui = ScriptedUI({"password": PASSWORD})
    with pytest.raises(SignInError) as caught:
        make_signin().get_assertion(
            make_profile("bob@sandbox.example", remember_me=True), ui, OPTIONS
        )
    assert caught.value.code == "50058"
    assert ui.kinds_asked() == ["username", "password"]
