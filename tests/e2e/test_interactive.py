"""The main interactive flow through a real terminal (a pty driven by pexpect)."""

from __future__ import annotations

import sys

import pexpect

from azlogin import totp

from .conftest import PASSWORD, TOTP_SECRET, Home
from .test_login import caller_arn, run


def spawn(home: Home, *argv: str) -> pexpect.spawn:
    env = {**home.env, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    return pexpect.spawn(
        sys.executable,
        ["-m", "azlogin", *argv],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 160),
    )


def test_interactive_sign_in_then_remembered_defaults(home: Home) -> None:
    profile = home.profile("nobody-yet@sandbox.example")
    text = home.config.read_text().replace(
        "azure_default_username = nobody-yet@sandbox.example\n", ""
    )
    home.config.write_text(text)

    child = spawn(home, "--profile", profile)
    child.expect("Username:")
    child.sendline("alice@sandbox.example")
    child.expect("Password for alice@sandbox.example:")
    child.sendline(PASSWORD)
    child.expect("Verification code:")
    child.sendline(totp.code(TOTP_SECRET))
    child.expect("Role to assume:")
    # Account names come from AWS's role-chooser page (the sandbox's), fetched meanwhile.
    child.expect(r"sandbox-prod \(222222222222\) › ReadOnly")
    child.send("ReadOnly")
    child.expect("ReadOnly")
    child.send("\r")
    child.expect("Wrote profile 'sandbox'")
    child.expect("Saved username, role arn as defaults")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert PASSWORD not in (child.before or "")

    config = home.config.read_text()
    added = (
        "azure_default_username = alice@sandbox.example\n"
        "azure_default_role_arn = arn:aws:iam::222222222222:role/ReadOnly\n"
    )
    assert added in config
    assert config.replace(added, "") == text  # nothing else in the file changed
    assert caller_arn(profile).startswith("arn:aws:sts::222222222222:assumed-role/ReadOnly/")

    # The next unattended run needs nothing but the secrets.
    code, err = run(
        home,
        "--profile",
        profile,
        "--no-prompt",
        "--force-refresh",
        AZURE_DEFAULT_PASSWORD=PASSWORD,
        AZLOGIN_TOTP_SECRET=TOTP_SECRET,
    )
    assert code == 0, err
    assert "sandbox-prod (222222222222) › ReadOnly" in err  # the name was cached


def test_ctrl_c_at_a_prompt_exits_130_and_writes_nothing(home: Home) -> None:
    profile = home.profile("bob@sandbox.example")
    child = spawn(home, "--profile", profile)
    child.expect("Username:")
    child.send("\r")  # the configured username is offered
    child.expect("Password for bob@sandbox.example:")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert not home.credentials.exists()
