"""What Entra offers instead of the plain password and MFA pages (issue 13, items 2-4): the
passkey offer, phone sign-in, and system-preferred MFA starting a push — end to end with
the real CLI, on each path: the browser alone, the HTTP path, and the HTTP path handing
over to the browser (the sandbox disguises the page from HTTP clients).

Where prompts matter the CLI runs in a pty and the questions are answered in a strict
order: a question asked twice would wait for an answer that never comes, and one not
expected shows in the screen checked by ``finish``.
"""

from __future__ import annotations

import io
from pathlib import Path

import pexpect
import pytest

from azlogin import totp
from azlogin.sandbox import Sandbox
from tests.browser import conftest as browser_fixtures

from . import test_hybrid
from .conftest import PASSWORD, TOTP_SECRET, Home
from .test_hybrid import caller, started
from .test_interactive import spawn
from .test_login import run
from .test_prompts import asked_nothing_but, finish

ROLE = "arn:aws:iam::111111111111:role/Developer"
BOB, FRANK, DAVE = "bob@sandbox.example", "frank@sandbox.example", "dave@sandbox.example"
NUMBER_PANEL = "Enter this number in Microsoft Authenticator"
# Fixtures of other modules, used here by name: Chromium's starts counted, an X display.
browser_starts = test_hybrid.browser_starts
xvfb_display = browser_fixtures.xvfb_display


@pytest.fixture(params=["browser", "http", "handover"])
def path(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def on_path(home: Home, path: str, user: str, disguised: str, **keys: str) -> str:
    """A profile for ``user`` signing in on ``path``; for "handover" the sandbox hides
    ``disguised`` from HTTP clients, so the HTTP path hands over to the browser there."""
    if path == "handover":
        home.sandbox.update_faults(disguise=[disguised])
    signin = "browser" if path == "browser" else "auto"
    return home.profile(user, azure_default_role_arn=ROLE, azlogin_signin=signin, **keys)


def mfa_method(method: str) -> dict[str, str]:
    """The profile's ``azlogin_mfa_method``, or no such key for ""."""
    return {"azlogin_mfa_method": method} if method else {}


def browsers(path: str) -> int:
    return 0 if path == "http" else 1


def recorded(child: pexpect.spawn) -> io.StringIO:
    """Everything the run shows from now on."""
    screen = io.StringIO()
    child.logfile_read = screen
    return screen


def logins(sandbox: Sandbox) -> int:
    """Form posts of the first factor (a password, or an approved phone sign-in)."""
    return sum(r.method == "POST" and r.path.endswith("/login") for r in sandbox.client_requests)


def test_passkey_offer_goes_on_with_the_password(
    home: Home,
    sandbox: Sandbox,
    browser_starts: Path,
    path: str,
) -> None:
    sandbox.update_user(BOB, passkey="offered")
    profile = on_path(home, path, BOB, "sign-in")
    child = spawn(home, "--profile", profile)
    child.expect(f"Password for {BOB}:")
    asked_nothing_but(child)
    child.sendline(PASSWORD)
    finish(child, "Password for")
    assert started(browser_starts) == browsers(path)
    assert logins(sandbox) == 1
    assert caller(profile).endswith(f"assumed-role/Developer/{BOB}")


def test_passkey_only_without_a_person_stops_with_the_hint(
    home: Home,
    sandbox: Sandbox,
    browser_starts: Path,
    path: str,
) -> None:
    sandbox.update_user(BOB, passkey="only")
    profile = on_path(home, path, BOB, "sign-in")
    code, err = run(home, "--profile", profile, "--no-prompt", AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert code == 4, err
    assert "This account signs in only with a passkey" in err
    assert "hint: Run azlogin in a terminal on your desktop" in err
    assert "https://aka.ms/mysecurityinfo" in err
    assert logins(sandbox) == 0  # the password in the environment was never sent
    assert started(browser_starts) == browsers(path)
    assert not home.credentials.exists()


@pytest.mark.parametrize("signin", ["browser", "auto"])
def test_passkey_only_in_a_terminal_is_handed_to_a_visible_window(
    home: Home,
    sandbox: Sandbox,
    browser_starts: Path,
    xvfb_display: str,
    signin: str,
) -> None:
    sandbox.update_user(BOB, passkey="only")
    profile = home.profile(BOB, azure_default_role_arn=ROLE, azlogin_signin=signin)
    home.env["DISPLAY"] = xvfb_display
    child = spawn(home, "--profile", profile)
    try:
        child.expect("This account signs in only with a passkey")
        child.expect("Finish the sign-in yourself?")
        asked_nothing_but(child)  # no password asked for an account without one
        child.send("\r")  # "Continue in a visible browser window"
        child.expect("Sign in in the browser window")
        assert started(browser_starts) == 2  # the headless one, then the visible one
        child.sendcontrol("c")  # the person gives up at the window
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 130
    assert logins(sandbox) == 0


def test_phone_sign_in_shows_the_number_at_once(
    home: Home,
    sandbox: Sandbox,
    browser_starts: Path,
    path: str,
) -> None:
    # Nobody answers but the test, and only once the number is on the screen.
    sandbox.update_user(FRANK, push="manual", push_number="73")
    profile = on_path(home, path, FRANK, "sign-in")
    child = spawn(home, "--profile", profile)
    child.expect(NUMBER_PANEL)
    child.expect("73")
    asked_nothing_but(child)  # no password
    sandbox.approve_push(FRANK)
    finish(child)
    assert started(browser_starts) == browsers(path)
    assert caller(profile).endswith(f"assumed-role/Developer/{FRANK}")


def test_first_factor_password_takes_the_password_instead(
    home: Home,
    sandbox: Sandbox,
    browser_starts: Path,
    path: str,
) -> None:
    sandbox.update_user(FRANK, push="manual")  # the phone alone could never finish it
    profile = on_path(home, path, FRANK, "sign-in", azlogin_first_factor="password")
    child = spawn(home, "--profile", profile)
    screen = recorded(child)
    child.expect(f"Password for {FRANK}:")
    asked_nothing_but(child)
    child.sendline(PASSWORD)
    finish(child, "Password for")
    assert NUMBER_PANEL not in screen.getvalue()
    assert started(browser_starts) == browsers(path)
    assert logins(sandbox) == 1
    assert caller(profile).endswith(f"assumed-role/Developer/{FRANK}")


@pytest.mark.parametrize("method", ["PhoneAppOTP", "PhoneAppNotification", ""])
def test_system_preferred_push_gives_way_to_the_profile_s_method(
    home: Home,
    sandbox: Sandbox,
    browser_starts: Path,
    path: str,
    method: str,
) -> None:
    # Entra starts push at once although the user's default is the code; nobody answers
    # the push but the test, so only the profile's method can finish the sign-in.
    sandbox.update_user(
        DAVE, mfa=["PhoneAppOTP", "PhoneAppNotification"], system_preferred_mfa=True, push="manual"
    )
    profile = on_path(home, path, DAVE, "tfa", **mfa_method(method))
    child = spawn(home, "--profile", profile)
    screen = recorded(child)
    child.expect(f"Password for {DAVE}:")
    child.sendline(PASSWORD)
    # With no method in the profile, the browser follows what the page began (push); the
    # HTTP path cannot see that and begins the default the proofs name (the code).
    code = method == "PhoneAppOTP" or (not method and path == "http")
    # A code: another method than Entra's ("sign in another way", then the code); a push:
    # the profile names what Entra started, or names nothing, and it is followed.
    answer_mfa(child, screen, sandbox, push=not code)
    assert started(browser_starts) == browsers(path)
    assert caller(profile).endswith(f"assumed-role/Developer/{DAVE}")


@pytest.mark.parametrize("method", ["", "PhoneAppNotification"])
def test_the_default_method_begins_without_a_question(
    home: Home,
    sandbox: Sandbox,
    browser_starts: Path,
    path: str,
    method: str,
) -> None:
    # Several methods, the code the default: the page begins it, so with no method in the
    # profile nobody is asked to choose; a profile naming push switches to it ("sign in
    # another way" from the code view, or BeginAuth with push over HTTP).
    sandbox.update_user(DAVE, mfa=["PhoneAppOTP", "PhoneAppNotification"], push="manual")
    profile = on_path(home, path, DAVE, "tfa", **mfa_method(method))
    child = spawn(home, "--profile", profile)
    screen = recorded(child)
    child.expect(f"Password for {DAVE}:")
    child.sendline(PASSWORD)
    answer_mfa(child, screen, sandbox, push=bool(method))
    assert "verify your identity" not in screen.getvalue()  # no picker question
    assert started(browser_starts) == browsers(path)
    assert caller(profile).endswith(f"assumed-role/Developer/{DAVE}")


def answer_mfa(child: pexpect.spawn, screen: io.StringIO, sandbox: Sandbox, *, push: bool) -> None:
    """After the password: either the push's number is shown (and the phone approves), or
    the code is asked, and the push never shown; nothing else is asked, to the end."""
    if push:
        child.expect(NUMBER_PANEL)
        child.expect("42")
        asked_nothing_but(child, "Password for")
        sandbox.approve_push(DAVE)
        finish(child)
    else:
        child.expect("Verification code:")
        asked_nothing_but(child, "Password for")
        child.sendline(totp.code(TOTP_SECRET))
        finish(child, "Verification code:")
        assert NUMBER_PANEL not in screen.getvalue()  # the push was never shown as ours
