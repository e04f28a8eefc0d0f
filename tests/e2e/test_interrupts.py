"""Entra's interrupts (issue 13, items 1, 7, 8) end to end, on each sign-in path: the
browser alone, the HTTP path, and the HTTP path handing over to the browser (the page
disguised so the HTTP client cannot read it). The real CLI against the sandbox; where
what is asked matters, through a pty, counting the questions.
"""

from __future__ import annotations

from pathlib import Path

import pexpect
import pytest

from azlogin import totp
from azlogin.sandbox import Sandbox

from .conftest import PASSWORD, TOTP_SECRET, Home
from .test_hybrid import ROLE, caller, started
from .test_hybrid import browser_starts as browser_starts  # the fixture, counting starts
from .test_interactive import spawn
from .test_login import run
from .test_prompts import ANSI, asked_nothing_but, finish

BOB, ALICE = "bob@sandbox.example", "alice@sandbox.example"
PATHS = ("browser", "http", "hand-over")


@pytest.fixture(params=PATHS)
def path(request: pytest.FixtureRequest, home: Home, monkeypatch: pytest.MonkeyPatch) -> str:
    """Which path signs in; in a pty there is no display, so no visible window is offered."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
        home.env.pop(name, None)
    if request.param == "browser":
        monkeypatch.setenv("AZLOGIN_SIGNIN", "browser")
        home.env["AZLOGIN_SIGNIN"] = "browser"
    return str(request.param)


def on_path(sandbox: Sandbox, path: str, username: str, *pages: str, **changes: object) -> None:
    """Give ``username`` the interrupt; on the hand-over path, hide ``pages`` from HTTP."""
    sandbox.update_user(username, **changes, disguise=list(pages) if path == "hand-over" else [])


def browsers_expected(path: str) -> int:
    return 0 if path == "http" else 1


def requests(sandbox: Sandbox, method: str, suffix: str) -> int:
    return sum(1 for m, p in sandbox.request_log if m == method and p.endswith(suffix))


# --- 1. the MFA registration nag -------------------------------------------------------------


def test_registration_nag_is_skipped_once_saying_the_days_left(
    home: Home, sandbox: Sandbox, browser_starts: Path, path: str
) -> None:
    on_path(sandbox, path, BOB, "registration-nag", mfa_registration_nag_days=14)
    profile = home.profile(BOB, azure_default_role_arn=ROLE)
    code, err = run(home, "--profile", profile, "--no-prompt", AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert code == 0, err
    said = [line for line in err.splitlines() if "multi-factor authentication" in line]
    assert len(said) == 1 and "required in 14 days" in said[0], err
    assert "https://aka.ms/mfasetup" in said[0]
    assert requests(sandbox, "GET", "/common/resume") == 1  # the skip URL, once
    assert requests(sandbox, "POST", "/common/ProofUp") == 0  # never "Next"
    assert started(browser_starts) == browsers_expected(path)
    assert caller(profile).endswith("assumed-role/Developer/bob@sandbox.example")


def test_registration_that_can_no_longer_wait_stops_before_the_wizard(
    home: Home, sandbox: Sandbox, browser_starts: Path, path: str
) -> None:
    on_path(sandbox, path, BOB, "proof-up", mfa_registration_required=True)
    profile = home.profile(BOB, azure_default_role_arn=ROLE)
    code, err = run(home, "--profile", profile, "--no-prompt", AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert code == 4, err
    error, hint = err.splitlines()[-2:]
    assert error.startswith("azlogin: error:") and "(AADSTS50079)" in error
    assert "https://aka.ms/mfasetup" in hint
    assert requests(sandbox, "POST", "/common/ProofUp") == 0  # never "Next"
    assert started(browser_starts) == browsers_expected(path)
    assert not home.credentials.exists()


# --- 7. locked, disabled, expired: the password is asked once, then a clean stop -------------

ACCOUNT_STATES = {
    # name: (the User change, the page the hand-over path hides, the code, words of the hint)
    "locked": ({"locked": True}, "sign-in", "50053", "https://aka.ms/sspr"),
    "disabled": ({"disabled": True}, "sign-in", "50057", "administrator"),
    "expired": ({"password_expired": True}, "password-expired", "50055", "https://aka.ms/sspr"),
}


def password_once_then_error(home: Home, profile: str) -> str:
    """Run interactively, answer the password once; the run must end on an error (exit 4).
    Returns what was shown from the error line on."""
    child = spawn(home, "--profile", profile)
    try:
        child.expect("Password for bob@sandbox.example:")
        child.sendline(PASSWORD)
        # Asked a second time, the run would wait for an answer that never comes.
        child.expect("azlogin: error:")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    shown = "azlogin: error:" + ANSI.sub("", child.before or "")
    assert child.exitstatus == 4, shown
    return shown


@pytest.mark.parametrize("state", sorted(ACCOUNT_STATES))
def test_an_account_state_asks_the_password_once_then_stops_with_the_hint(
    home: Home, sandbox: Sandbox, browser_starts: Path, path: str, state: str
) -> None:
    change, page, aadsts, words = ACCOUNT_STATES[state]
    on_path(sandbox, path, BOB, page, **change)
    shown = password_once_then_error(home, home.profile(BOB, azure_default_role_arn=ROLE))
    lines = [line.strip() for line in shown.splitlines() if line.strip()]
    error, hint = lines[-2:]
    assert error.startswith("azlogin: error:") and f"(AADSTS{aadsts})" in error, lines
    assert hint.startswith("hint:") and words in hint
    assert requests(sandbox, "POST", "/login") == 1
    assert not home.credentials.exists()
    # No display, so no window to offer: an expired password is no reason to start one.
    assert started(browser_starts) == browsers_expected(path)


@pytest.mark.parametrize("state", sorted(ACCOUNT_STATES))
def test_an_account_state_without_a_person_is_one_clean_error(
    home: Home, sandbox: Sandbox, state: str
) -> None:
    change, _, aadsts, words = ACCOUNT_STATES[state]
    sandbox.update_user(BOB, **change)
    profile = home.profile(BOB, azure_default_role_arn=ROLE, azlogin_signin="http")
    code, err = run(home, "--profile", profile, "--no-prompt", AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert code == 4, err
    error, hint = err.splitlines()[-2:]
    assert f"(AADSTS{aadsts})" in error and words in hint
    assert "needs a browser" not in err


def test_an_expired_password_with_the_http_choice_is_the_same_clean_error(
    home: Home, sandbox: Sandbox
) -> None:
    """A person is there, but ``azlogin_signin = http`` allows no browser to change the
    password in: the 50055 stop and its self-service hint, not "needs a browser"."""
    sandbox.update_user(BOB, password_expired=True)
    profile = home.profile(BOB, azure_default_role_arn=ROLE, azlogin_signin="http")
    shown = password_once_then_error(home, profile)
    assert "https://aka.ms/sspr" in shown and "needs a browser" not in shown


# --- 8. sign-in frequency: the remembered session is asked for MFA again ---------------------


def test_forced_reauthentication_asks_only_the_mfa_and_keeps_the_refreshed_session(
    home: Home, sandbox: Sandbox, browser_starts: Path, path: str
) -> None:
    on_path(sandbox, path, ALICE, "tfa")
    profile = home.profile(ALICE, azure_default_role_arn=ROLE, azure_default_remember_me="true")
    code, err = run(home, "--profile", profile, "--no-prompt",
                    AZURE_DEFAULT_PASSWORD=PASSWORD, AZLOGIN_TOTP_SECRET=TOTP_SECRET)  # fmt: skip
    assert code == 0, err

    sandbox.update_user(ALICE, reauthenticate_mfa=True)
    logins = requests(sandbox, "POST", "/login")
    child = spawn(home, "--profile", profile, "--force-refresh")
    try:
        child.expect("Verification code:")
        asked_nothing_but(child)  # no password, no username
        child.sendline(totp.code(TOTP_SECRET))
        finish(child, "Verification code:")
    finally:
        child.close(force=True)
    assert requests(sandbox, "POST", "/login") == logins  # no password was sent either

    # The sandbox re-issued the session cookie after the MFA and revoked the old one: a
    # silent third sign-in shows that the refreshed session was the one kept.
    sandbox.update_user(ALICE, reauthenticate_mfa=False)
    code, err = run(home, "--profile", profile, "--no-prompt", "--force-refresh")
    assert code == 0, err
    assert sandbox.sign_ins_by_user == {ALICE: 3}
