"""Ctrl-C at every stage of a login: exit 130, one 'interrupted' line, no traceback, no
Chromium left running, no half-written or temporary file.

Each stage is reached by waiting for what shows it (a prompt, the sandbox holding a page
or STS request, the push number, the lock message), never by waiting for time to pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pexpect
import pytest

from azlogin.errors import ExitStatus
from azlogin.sandbox import Sandbox

from ..e2e.conftest import PASSWORD, Home
from ..e2e.test_interactive import spawn
from .conftest import HeldRequests
from .support import (
    LIMIT,
    Azlogin,
    chromium_descendants,
    credentials_complete,
    hold_lock,
    mentioning,
    release_lock,
    temp_files,
    wait_gone,
)

CAROL_DEV = "arn:aws:iam::111111111111:role/Developer"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
HAND_WRITTEN = "[default]\naws_access_key_id = AKIAKEEP\naws_secret_access_key = s\n"


@pytest.fixture(params=["auto", "browser"])
def signin(request: pytest.FixtureRequest, home: Home) -> str:
    """Every stage over HTTP (the default) and in the browser alone."""
    home.env["AZLOGIN_SIGNIN"] = request.param
    return str(request.param)


def _assert_interrupted_cleanly(home: Home, code: int, err: str, browsers: list[int]) -> None:
    assert code == ExitStatus.INTERRUPTED, err
    assert "Traceback" not in err and "Future exception" not in err, err
    said = [line.strip() for line in err.splitlines() if "interrupted" in line]
    assert len(said) == 1 and said[0].startswith("azlogin: interrupted"), err
    assert wait_gone(browsers) == []
    assert wait_gone(mentioning(str(home.root))) == []
    assert temp_files(home) == []
    credentials_complete(home)  # absent, or whole and readable by botocore
    if home.credentials.exists():
        assert home.credentials.read_text() == HAND_WRITTEN


def test_ctrl_c_at_the_password_prompt(home: Home, signin: str) -> None:
    profile = home.profile("bob@sandbox.example")
    child = spawn(home, "--profile", profile)
    try:
        child.expect("Username:")
        child.send("\r")
        child.expect("Password for bob@sandbox.example:")
        assert child.pid is not None
        browsers = chromium_descendants(child.pid)
        # In the browser the page is open behind the prompt; over HTTP there is none.
        assert bool(browsers) is (signin == "browser"), browsers
        child.sendcontrol("c")  # the terminal turns it into SIGINT for the foreground group
        child.expect(pexpect.EOF)
        err = ANSI.sub("", child.before or "")  # the prompt's terminal control sequences
    finally:
        child.close(force=True)
    _assert_interrupted_cleanly(home, child.exitstatus or 0, err, browsers)
    assert not home.credentials.exists()


def _pages(sandbox: Sandbox, home: Home) -> str:
    sandbox.update_faults(page_delay_seconds=LIMIT)  # held until the test is over
    return home.profile("bob@sandbox.example")


def _push(sandbox: Sandbox, home: Home) -> str:
    sandbox.update_user("carol@sandbox.example", push="manual")
    return home.profile("carol@sandbox.example", azure_default_role_arn=CAROL_DEV)


def _sts(sandbox: Sandbox, home: Home) -> str:
    sandbox.update_faults(sts_delay_seconds=LIMIT)
    return home.profile("bob@sandbox.example")


def _lock(sandbox: Sandbox, home: Home) -> str:
    return home.profile("bob@sandbox.example")


STAGES: dict[str, tuple[Callable[[Sandbox, Home], str], str | None, bool]] = {
    # stage: (set it up, the stderr line that shows it (None: the sandbox holds a request),
    #         whether the browser must be open then; it is closed before STS is called)
    "browser loading a page": (_pages, None, True),
    "waiting for the push": (_push, "Enter 42", True),
    "STS answering slowly": (_sts, None, False),
    "waiting for the credentials lock": (_lock, "Waiting for another azlogin to finish", False),
}


@pytest.mark.parametrize("stage", list(STAGES))
def test_ctrl_c_while(
    home: Home, sandbox: Sandbox, held: HeldRequests, stage: str, signin: str
) -> None:
    setup, shown_by, browser_open = STAGES[stage]
    profile = setup(sandbox, home)
    home.credentials.write_text(HAND_WRITTEN)
    holder = hold_lock(home.credentials) if stage.endswith("lock") else None
    run = Azlogin(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)
    browsers: list[int] = []
    try:
        if shown_by is None:
            assert held.held.wait(LIMIT), "the sandbox never saw the request"
        else:
            run.wait_for(shown_by)
        browsers = chromium_descendants(run.pid)  # checked for leftovers at the end
        if signin == "browser":
            assert browsers or not browser_open, "the sign-in page should be open now"
        else:
            assert browsers == [], "no browser over HTTP"
        run.interrupt()
        code, err = run.finish()
    finally:
        run.close()
        if holder is not None:
            release_lock(holder)
    _assert_interrupted_cleanly(home, code, err, browsers)
