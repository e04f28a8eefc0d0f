"""The hybrid sign-in end to end: the real CLI, Entra's protocol over HTTP against the
sandbox on 127.0.0.1, real Chromium where a page needs it, real boto3 against the STS.

A wrapper around the browser writes a line each time a browser session is started (the
User-Agent probe, ``chromium --version``, once per install, is no session), so "no
browser was started" is a fact the test reads, not a guess from timing.
"""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import boto3
import pytest

from azlogin.sandbox import Sandbox

from .conftest import PASSWORD, TOTP_SECRET, Home
from .test_login import run

ROLE = "arn:aws:iam::111111111111:role/Developer"
HTTP_STEPS = ("/common/GetCredentialType", "/common/SAS/BeginAuth", "/common/SAS/EndAuth", "/kmsi")


@pytest.fixture
def browser_starts(home: Home, monkeypatch: pytest.MonkeyPatch) -> Path:
    """AZLOGIN_BROWSER: Chromium behind a script that counts its starts in a file."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "the e2e tests need Debian's chromium (scripts/bootstrap installs it)"
    starts = home.root / "browser-starts"
    wrapper = home.root / "counted-chromium"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'case "$*" in *--remote-debugging-pipe*) echo started >> "{starts}";; esac\n'
        f'exec "{chromium}" "$@"\n'
    )
    wrapper.chmod(0o755)
    monkeypatch.setenv("AZLOGIN_BROWSER", str(wrapper))
    home.env["AZLOGIN_BROWSER"] = str(wrapper)
    return starts


def started(starts: Path) -> int:
    return len(starts.read_text().splitlines()) if starts.exists() else 0


def caller(profile: str) -> str:
    return boto3.session.Session(profile_name=profile).client("sts").get_caller_identity()["Arn"]


def totp_user(home: Home, username: str = "alice@sandbox.example", **keys: str) -> str:
    return home.profile(username, azure_default_role_arn=ROLE, **keys)


def test_full_sign_in_over_http_starts_no_browser(home: Home, browser_starts: Path) -> None:
    profile = totp_user(home)
    code, err = run(home, "--profile", profile, "--no-prompt",
                    AZURE_DEFAULT_PASSWORD=PASSWORD, AZLOGIN_TOTP_SECRET=TOTP_SECRET)  # fmt: skip
    assert code == 0, err
    assert started(browser_starts) == 0
    assert caller(profile).endswith("assumed-role/Developer/alice@sandbox.example")
    paths = [r.path for r in home.sandbox.client_requests]
    assert all(step in paths for step in HTTP_STEPS if step != "/kmsi"), paths
    # Every request to Entra came from one client: the HTTP path, as a Chrome.
    agents = {r.user_agent for r in home.sandbox.client_requests if not r.path.startswith("/sts")}
    assert len(agents) == 1 and "Chrome/" in agents.pop()


def test_remembered_session_needs_neither_browser_nor_password(
    home: Home, browser_starts: Path
) -> None:
    profile = totp_user(home, azure_default_remember_me="true")
    code, err = run(home, "--profile", profile, "--no-prompt",
                    AZURE_DEFAULT_PASSWORD=PASSWORD, AZLOGIN_TOTP_SECRET=TOTP_SECRET)  # fmt: skip
    assert code == 0, err
    before = len(home.sandbox.client_requests)
    code, err = run(home, "--profile", profile, "--no-prompt", "--force-refresh")
    assert code == 0, err
    assert started(browser_starts) == 0
    requests = home.sandbox.client_requests[before:]
    entra = [r.path for r in requests if "/saml2" in r.path or r.path.startswith("/common")]
    assert len(entra) == 1 and entra[0].endswith("/saml2"), entra  # one round trip
    assert home.sandbox.sign_ins_by_user["alice@sandbox.example"] == 2


def test_the_remembered_session_is_private_never_shown_and_reset(
    home: Home, browser_starts: Path
) -> None:
    profile = totp_user(home, azure_default_remember_me="true")
    code, err = run(home, "--profile", profile, "--no-prompt", "--debug",
                    AZURE_DEFAULT_PASSWORD=PASSWORD, AZLOGIN_TOTP_SECRET=TOTP_SECRET)  # fmt: skip
    assert code == 0, err
    (store,) = (home.root / ".azlogin" / "sessions").glob("*.json")
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    values = [c["value"] for c in json.loads(store.read_text())["cookies"]]
    assert values and "ESTSAUTHPERSISTENT" in store.read_text()
    code, err2 = run(home, "--profile", profile, "--no-prompt", "--force-refresh", "--debug")
    assert code == 0, err2
    for value in values:
        assert value not in err + err2
    code, err = run(home, "--profile", profile, "--no-prompt", "--force-refresh",
                    "--reset-session", AZURE_DEFAULT_PASSWORD=PASSWORD,
                    AZLOGIN_TOTP_SECRET=TOTP_SECRET)  # fmt: skip
    assert code == 0, err
    assert "Forgot the remembered browser session." in err
    assert home.sandbox.sign_ins_by_user["alice@sandbox.example"] == 3


@pytest.mark.parametrize("page", ["sign-in", "tfa", "stay-signed-in", "hand-off"])
def test_hand_over_at_each_page_kind_finishes_in_the_browser_asking_nothing_twice(
    home: Home, sandbox: Sandbox, browser_starts: Path, page: str
) -> None:
    sandbox.update_faults(disguise=[page])
    profile = totp_user(home, azure_default_remember_me="true")
    # The environment's password is offered once: a second ask would fail under --no-prompt.
    code, err = run(home, "--profile", profile, "--no-prompt", "--debug",
                    AZURE_DEFAULT_PASSWORD=PASSWORD, AZLOGIN_TOTP_SECRET=TOTP_SECRET)  # fmt: skip
    assert code == 0, err
    assert started(browser_starts) == 1
    assert "handing over to the browser at" in err
    logins = [
        r for r in sandbox.client_requests if r.method == "POST" and r.path.endswith("/login")
    ]
    assert len(logins) == 1, logins  # the password went to Entra once, by whichever path
    assert caller(profile).endswith("assumed-role/Developer/alice@sandbox.example")


def test_http_only_fails_cleanly_where_a_browser_is_needed(
    home: Home, sandbox: Sandbox, browser_starts: Path
) -> None:
    sandbox.update_faults(disguise=["tfa"])
    profile = totp_user(home, azlogin_signin="http")
    code, err = run(home, "--profile", profile, "--no-prompt",
                    AZURE_DEFAULT_PASSWORD=PASSWORD, AZLOGIN_TOTP_SECRET=TOTP_SECRET)  # fmt: skip
    assert code == 4, err
    assert "This sign-in needs a browser" in err and "hint: Set azlogin_signin = auto" in err
    assert started(browser_starts) == 0
    assert not home.credentials.exists()


def test_browser_choice_is_today_s_browser_sign_in(home: Home, browser_starts: Path) -> None:
    profile = totp_user(home)
    code, err = run(home, "--profile", profile, "--no-prompt", AZLOGIN_SIGNIN="browser",
                    AZURE_DEFAULT_PASSWORD=PASSWORD, AZLOGIN_TOTP_SECRET=TOTP_SECRET)  # fmt: skip
    assert code == 0, err
    assert started(browser_starts) == 1


@pytest.mark.parametrize("page", ["tfa", "stay-signed-in"])
def test_a_person_hands_over_without_being_asked_twice(
    home: Home, sandbox: Sandbox, browser_starts: Path, page: str
) -> None:
    """In a terminal, across the hand-over: each question is answered exactly once, in
    order. A question asked a second time would get the next answer (the code as the
    password) or none at all, and the run would not reach "Wrote profile"."""
    import pexpect

    from azlogin import totp

    from .test_interactive import spawn

    sandbox.update_faults(disguise=[page])
    profile = totp_user(home)
    child = spawn(home, "--profile", profile)
    try:
        # Username and role configured: only what the pages need is asked.
        child.expect("Signing in as alice@sandbox.example")
        child.expect("Password for alice@sandbox.example:")
        child.sendline(PASSWORD)
        child.expect("Verification code:")
        child.sendline(totp.code(TOTP_SECRET))
        child.expect("Wrote profile 'sandbox'")
        assert "Role to assume:" not in (child.before or "")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert started(browser_starts) == 1
    assert caller(profile).endswith("assumed-role/Developer/alice@sandbox.example")


@pytest.mark.parametrize(
    ("page", "user", "code"),
    [
        ("conditional-access", "blocked@sandbox.example", "53003"),
        ("proof-up", "proofup@sandbox.example", "50079"),
        ("error", "noapp@sandbox.example", "50105"),
    ],
)
def test_a_handed_over_dead_end_ends_as_the_browser_ends_it(
    home: Home, sandbox: Sandbox, browser_starts: Path, page: str, user: str, code: str
) -> None:
    sandbox.update_faults(disguise=[page])
    profile = home.profile(user, azure_default_role_arn=ROLE)
    code_, err = run(home, "--profile", profile, "--no-prompt", "--debug",
                     AZURE_DEFAULT_PASSWORD=PASSWORD)  # fmt: skip
    assert code_ == 4, err
    assert "handing over to the browser at" in err
    assert f"(AADSTS{code})." in err.splitlines()[-2], err.splitlines()[-2:]
    assert started(browser_starts) == 1
    assert not home.credentials.exists()


def test_a_handed_over_registration_nag_is_skipped_in_the_browser(
    home: Home, sandbox: Sandbox, browser_starts: Path
) -> None:
    sandbox.update_user("bob@sandbox.example", mfa_registration_nag_days=14)
    sandbox.update_faults(disguise=["registration-nag"])
    profile = home.profile("bob@sandbox.example", azure_default_role_arn=ROLE)
    code, err = run(home, "--profile", profile, "--no-prompt", "--debug",
                    AZURE_DEFAULT_PASSWORD=PASSWORD)  # fmt: skip
    assert code == 0, err
    assert "handing over to the browser at" in err
    assert started(browser_starts) == 1
    assert caller(profile).endswith("assumed-role/Developer/bob@sandbox.example")
