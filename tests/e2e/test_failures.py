"""Failure paths of the real CLI: wrong password then right (in a terminal), the sign-in
timeout with its redacted dump, and Ctrl-C mid-sign-in leaving no browser behind."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from azlogin.errors import ExitStatus

from .conftest import PASSWORD, Home
from .test_interactive import spawn
from .test_login import run

CAROL_DEV = "arn:aws:iam::111111111111:role/Developer"


def chromium_children(pid: int) -> list[int]:
    """Chromium processes descended from ``pid`` (walks /proc; no psutil needed)."""
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
            names[int(entry.name)] = (entry / "comm").read_text().strip()
        except (OSError, IndexError, ValueError):
            continue
    found = []
    for child, name in names.items():
        ancestor = parents.get(child)
        while ancestor and ancestor != pid:
            ancestor = parents.get(ancestor)
        if ancestor == pid and "chrom" in name:
            found.append(child)
    return found


def chromium_with_profile_dir(marker: str) -> list[str]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if "chrom" in cmdline and marker in cmdline:
                out.append(entry.name)
    return out


def test_wrong_password_then_right_in_a_terminal(home: Home) -> None:
    profile = home.profile("bob@sandbox.example")
    child = spawn(home, "--profile", profile)
    child.expect("Username:")
    child.send("\r")
    child.expect("Password for bob@sandbox.example:")
    child.sendline("not-the-password")
    child.expect("AADSTS50126")  # the page's error reaches the person…
    child.expect("Password for bob@sandbox.example:")  # …who is asked again
    child.sendline(PASSWORD)
    child.expect("Wrote profile 'sandbox'")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.parametrize("signin", ["auto", "browser"])
def test_timeout_ends_the_sign_in_with_a_redacted_private_dump(home: Home, signin: str) -> None:
    home.sandbox.update_user("carol@sandbox.example", push="manual")  # the phone never answers
    profile = home.profile("carol@sandbox.example", azure_default_role_arn=CAROL_DEV)
    code, err = run(
        home,
        "--profile",
        profile,
        "--timeout",
        "4",
        "--mfa-timeout",
        "60",
        AZURE_DEFAULT_PASSWORD=PASSWORD,
        AZLOGIN_SIGNIN=signin,
    )
    assert code == ExitStatus.SIGN_IN, err
    assert "did not finish within 4 s (last page: mfa-push)" in err
    assert not home.credentials.exists()
    if signin != "browser":
        return  # over HTTP no page was rendered: there is nothing to picture
    paths = [Path(p) for p in re.findall(r"(/\S+\.(?:png|html))", err)]
    assert paths, err
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    html = next(p for p in paths if p.suffix == ".html").read_text()
    assert PASSWORD not in html
    assert not home.credentials.exists()


def test_ctrl_c_while_waiting_for_the_phone_leaves_no_browser(home: Home) -> None:
    home.sandbox.update_user("carol@sandbox.example", push="manual")
    profile = home.profile("carol@sandbox.example", azure_default_role_arn=CAROL_DEV)
    # The browser's own leftovers are the point here; tests/faults/test_interrupts.py has
    # Ctrl-C during the push on both paths.
    env = {**home.env, "AZURE_DEFAULT_PASSWORD": PASSWORD, "AZLOGIN_SIGNIN": "browser"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "azlogin", "--profile", profile],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert proc.stderr is not None
    seen = ""
    for line in proc.stderr:  # the number is shown once the push page is up
        seen += line
        if "Enter 42 in Microsoft Authenticator" in line:  # the whole line, not any "42"
            break
    assert chromium_children(proc.pid), "the browser should be running now"
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal sends to the foreground group
    _, rest = proc.communicate(timeout=60)
    assert proc.returncode == ExitStatus.INTERRUPTED, seen + rest
    assert "interrupted" in rest
    assert "Future exception" not in rest and "Traceback" not in rest, rest
    assert chromium_children(proc.pid) == []
    assert chromium_with_profile_dir(str(home.root)) == []
    assert not home.credentials.exists()
