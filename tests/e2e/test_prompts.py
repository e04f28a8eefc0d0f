"""Every prompt of the interactive path, typed at as a person does (issue 11, part 4).

The real CLI in a pty against the sandbox. A default is offered, never put in the edit
buffer: Enter takes it, typing replaces it. When the username and the role are both
configured, nothing is put to the person to confirm: only what the page needs is asked.

Questions are answered in a strict order, so a question asked twice would take the next
answer (a password as a username) and the run would not end as checked; the text before
each question is checked for questions that should not have been there.
"""

from __future__ import annotations

import re

import pexpect
import pytest

from azlogin import totp

from .conftest import PASSWORD, TOTP_SECRET, Home
from .test_interactive import spawn
from .test_login import caller_arn, run

DEV = "arn:aws:iam::111111111111:role/Developer"
READONLY = "arn:aws:iam::222222222222:role/ReadOnly"
DOWN = "\x1b[B"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
QUESTIONS = (
    "Username:",
    "Password for",
    "Verification code:",
    "Role to assume:",
    "verify your identity",
)


@pytest.fixture(params=["auto", "browser"])
def signin(request: pytest.FixtureRequest, home: Home) -> str:
    """Over HTTP where it can (the default) and in the browser alone: each asks itself."""
    home.env["AZLOGIN_SIGNIN"] = request.param
    return str(request.param)


def asked_nothing_but(child: pexpect.spawn, *allowed: str) -> None:
    """The screen since the last match shows no question but ``allowed``."""
    shown = ANSI.sub("", child.before or "")
    for question in QUESTIONS:
        if question not in allowed:
            assert question not in shown, shown


def finish(child: pexpect.spawn, *allowed: str) -> str:
    """Wait for the end; nothing more may be asked. Returns what was shown last."""
    child.expect("Wrote profile 'sandbox'")
    asked_nothing_but(child, *allowed)
    child.expect(pexpect.EOF)
    asked_nothing_but(child)
    rest = ANSI.sub("", child.before or "")
    child.close()
    assert child.exitstatus == 0, rest
    return rest


def test_everything_configured_asks_only_what_the_page_needs(home: Home, signin: str) -> None:
    profile = home.profile("alice@sandbox.example", azure_default_role_arn=READONLY)
    child = spawn(home, "--profile", profile)
    child.expect("Signing in as alice@sandbox.example")
    child.expect("Password for alice@sandbox.example:")
    asked_nothing_but(child)  # no username to confirm
    child.sendline(PASSWORD)
    child.expect("Verification code:")
    asked_nothing_but(child, "Password for")
    child.sendline(totp.code(TOTP_SECRET))
    finish(child, "Verification code:")  # and no role to confirm
    assert caller_arn(profile).startswith("arn:aws:sts::222222222222:assumed-role/ReadOnly/")
    assert home.sandbox.sign_ins_by_user == {"alice@sandbox.example": 1}


def test_typing_over_the_offered_username_replaces_it(home: Home, signin: str) -> None:
    # No default role: the run asks, so the configured username is offered too.
    profile = home.profile("bob@sandbox.example")
    child = spawn(home, "--profile", profile)
    child.expect("Username:")
    child.expect("bob@sandbox.example")  # shown, greyed, in the empty line
    child.sendline("alice@sandbox.example")
    child.expect("Password for alice@sandbox.example:")  # not bob@…alice@…
    child.sendline(PASSWORD)
    child.expect("Verification code:")
    asked_nothing_but(child, "Password for")
    child.sendline(totp.code(TOTP_SECRET))
    child.expect("Role to assume:")
    child.send("ReadOnly")
    child.expect("ReadOnly")
    child.send("\r")
    finish(child, "Role to assume:")
    assert home.sandbox.sign_ins_by_user == {"alice@sandbox.example": 1}
    config = home.config.read_text()
    assert "azure_default_username = alice@sandbox.example\n" in config  # the typed one
    assert "bob@sandbox.example" not in config


def test_enter_on_the_offered_username_takes_it(home: Home) -> None:
    profile = home.profile("bob@sandbox.example")
    child = spawn(home, "--profile", profile)
    child.expect("Username:")
    child.expect("bob@sandbox.example")
    child.send("\r")
    child.expect("Password for bob@sandbox.example:")
    asked_nothing_but(child, "Username:")
    child.sendline(PASSWORD)
    finish(child, "Password for")  # bob has one role: nothing to pick
    assert home.sandbox.sign_ins_by_user == {"bob@sandbox.example": 1}


def test_a_refused_username_is_asked_again_without_offering_it(home: Home, signin: str) -> None:
    profile = home.profile("nobody@sandbox.example")
    child = spawn(home, "--profile", profile)
    child.expect("Username:")
    child.sendline("bobby@sandbox.example")
    child.expect("warning: ")  # Entra refused it…
    asked_nothing_but(child, "Username:")
    child.expect("Username:")  # …so the person is asked again
    child.sendline("bob@sandbox.example")
    child.expect("Password for bob@sandbox.example:")  # not bobby…bob…
    child.sendline(PASSWORD)
    finish(child, "Password for")
    assert home.sandbox.sign_ins_by_user == {"bob@sandbox.example": 1}
    assert "azure_default_username = bob@sandbox.example\n" in home.config.read_text()


@pytest.mark.parametrize(
    ("keys", "role"),
    [("\r", READONLY), ("Developer\r", DEV)],
    ids=["enter-takes-the-default", "typing-picks-another"],
)
def test_role_picker_offers_the_default(home: Home, keys: str, role: str) -> None:
    # No username configured: the run asks, so the configured role is offered in the picker.
    profile = home.profile("nobody-yet@sandbox.example", azure_default_role_arn=READONLY)
    home.config.write_text(
        home.config.read_text().replace("azure_default_username = nobody-yet@sandbox.example\n", "")
    )
    child = spawn(home, "--profile", profile)
    child.expect("Username:")
    child.sendline("alice@sandbox.example")
    child.expect("Password for alice@sandbox.example:")
    child.sendline(PASSWORD)
    child.expect("Verification code:")
    child.sendline(totp.code(TOTP_SECRET))
    child.expect("Role to assume:")
    child.send(keys)
    finish(child, "Role to assume:")
    name = role.rsplit("/", 1)[-1]
    assert f"assumed-role/{name}/alice@sandbox.example" in caller_arn(profile)
    assert f"azure_default_role_arn = {role}\n" in home.config.read_text()


@pytest.mark.parametrize(
    ("keys", "code_asked"),
    [("\r", False), (DOWN + "\r", True)],
    ids=["enter-takes-the-first", "arrow-picks-another"],
)
def test_mfa_method_picker(home: Home, keys: str, code_asked: bool) -> None:
    # Dave has four methods, none is his default and none is configured: the page opens
    # with the picker, and the first (push) is offered.
    home.sandbox.update_user("dave@sandbox.example", mfa_default=False)
    profile = home.profile("dave@sandbox.example", azure_default_role_arn=DEV)
    child = spawn(home, "--profile", profile)
    child.expect("Signing in as dave@sandbox.example")
    child.expect("Password for dave@sandbox.example:")
    child.sendline(PASSWORD)
    child.expect("How do you want to verify your identity?")
    child.send(keys)
    if code_asked:  # the authenticator app's code
        child.expect("Verification code:")
        child.sendline(totp.code(TOTP_SECRET))
        finish(child, "Verification code:")
    else:  # a push: the number to enter on the phone, which the sandbox approves
        child.expect("Microsoft Authenticator")
        finish(child)
    assert home.sandbox.sign_ins_by_user == {"dave@sandbox.example": 1}


def test_pick_an_account_with_everything_configured_asks_nothing(home: Home) -> None:
    profile = home.profile(
        "bob@sandbox.example", azure_default_role_arn=DEV, azure_default_remember_me="true"
    )
    assert run(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)[0] == 0
    home.sandbox.update_faults(account_picker=True)
    child = spawn(home, "--profile", profile, "--force-refresh")
    child.expect("Signing in as bob@sandbox.example")
    finish(child)  # bob's tile: no username, no password, no role to confirm
    assert home.sandbox.sign_ins_by_user == {"bob@sandbox.example": 2}


def test_configure_wizard_offers_values_that_typing_replaces(home: Home) -> None:
    profile = home.profile("bob@sandbox.example")
    before = home.config.read_text()
    child = spawn(home, "configure", "--profile", profile)
    answers = [
        ("Azure tenant ID", "\r"),  # kept
        ("App ID URI", "\r"),  # kept
        ("Default username (-: ask each time):", "carol@sandbox.example\r"),  # replaced
        ("Default role ARN (empty: pick each time):", DEV + "\r"),  # new
        ("Session length in hours", "\r"),  # still none
        ("Stay signed in", "n"),  # a yes/no answers at once
        ("AWS region (-: none):", "-\r"),  # removed
    ]
    for question, keys in answers:
        child.expect_exact(question)
        child.send(keys)
    child.expect("Updated \\[profile sandbox\\]")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    after = home.config.read_text()
    added = f"azure_default_role_arn = {DEV}\n"
    assert added in after
    assert after.replace(added, "") == before.replace(
        "azure_default_username = bob@sandbox.example\n",
        "azure_default_username = carol@sandbox.example\n",
    ).replace("region = us-east-1\n", "")  # every other byte as it was


def test_work_or_personal_enter_takes_work_and_an_arrow_takes_personal(
    home: Home, signin: str
) -> None:
    """Grace's name is both a work and a personal account: the tiles are a question with
    "work" offered. Enter signs her in; choosing "personal" ends as Entra ends it (50020)."""
    profile = home.profile("grace@sandbox.example", azure_default_role_arn=DEV)
    child = spawn(home, "--profile", profile)
    child.expect("Signing in as grace@sandbox.example")
    child.expect("has a work and a personal account; which one")
    asked_nothing_but(child)
    child.send("\r")
    child.expect("Password for grace@sandbox.example:")
    child.sendline(PASSWORD)
    finish(child, "Password for")
    assert caller_arn(profile).startswith("arn:aws:sts::111111111111:assumed-role/Developer/")

    child = spawn(home, "--profile", profile, "--force-refresh")
    child.expect("has a work and a personal account; which one")
    child.send(DOWN)
    child.expect("Personal account")
    child.send("\r")
    child.expect(pexpect.EOF)
    shown = ANSI.sub("", child.before or "")
    child.close()
    assert child.exitstatus == 4, shown
    assert "AADSTS50020" in shown and "Password for" not in shown
    assert home.sandbox.sign_ins_by_user == {"grace@sandbox.example": 1}
