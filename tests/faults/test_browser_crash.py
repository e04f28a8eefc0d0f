"""The browser dies in the middle of a sign-in (killed, or its page's renderer dies): a
one-line sign-in error with a hint, no traceback, no Chromium left behind, nothing written.
And a page that navigates away while azlogin reads it is read again, not a failure."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Error, JSHandle

from azlogin.errors import ExitStatus
from azlogin.sandbox import Sandbox

from ..e2e.conftest import PASSWORD, Home
from ..e2e.test_login import caller_arn, run
from .support import (
    Azlogin,
    chromium_descendants,
    cmdline,
    main_browser,
    mentioning,
    temp_files,
    wait_gone,
)
from .test_browser_env import children


@pytest.fixture(autouse=True)
def browser_only(home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    """These faults are the browser's own (its processes, its driver): the browser signs in
    from the first page here. The HTTP path's faults are in test_hung_signin/test_interrupts."""
    monkeypatch.setenv("AZLOGIN_SIGNIN", "browser")
    home.env["AZLOGIN_SIGNIN"] = "browser"


CAROL_DEV = "arn:aws:iam::111111111111:role/Developer"


@pytest.mark.parametrize(
    ("victim", "cause"),
    [
        ("browser", "The browser window was closed before the sign-in finished."),
        ("renderers", "The browser failed during the sign-in: the page crashed."),
    ],
)
def test_chromium_killed_while_waiting_for_the_phone(
    home: Home, sandbox: Sandbox, victim: str, cause: str
) -> None:
    sandbox.update_user("carol@sandbox.example", push="manual")  # the phone never answers
    profile = home.profile("carol@sandbox.example", azure_default_role_arn=CAROL_DEV)
    run = Azlogin(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)
    try:
        run.wait_for("Enter 42")  # the push page is up: the browser is mid-sign-in
        chromium = chromium_descendants(run.pid)
        if victim == "browser":
            targets = [main_browser(chromium)]
        else:  # what the kernel's OOM killer picks first
            targets = [p for p in chromium if "--type=renderer" in cmdline(p)]
        assert targets, [cmdline(p) for p in chromium]
        for pid in targets:
            os.kill(pid, signal.SIGKILL)
        code, err = run.finish()
    finally:
        run.close()

    assert code == ExitStatus.SIGN_IN, err
    assert "Traceback" not in err and "Future exception" not in err, err
    after_number = err.split("Enter 42", 1)[1].strip().splitlines()[1:]
    assert after_number == [f"azlogin: error: {cause}", after_number[1]], err
    assert after_number[1].startswith("hint: Run azlogin again"), err
    assert wait_gone(chromium) == []
    assert wait_gone(mentioning(str(home.root))) == []
    assert not home.credentials.exists()
    assert temp_files(home) == []


def test_a_page_navigating_while_it_is_read_is_read_again(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Seen under load (50 sign-ins on 2 cores): the detector's answer arrives, the page
    # navigates (a form posts itself), and reading the answer fails. That used to end the
    # sign-in with exit 4 "The browser failed during the sign-in: JSHandle.json_value: …".
    real = JSHandle.json_value
    raised: list[str] = []

    def racing(handle: JSHandle) -> object:
        if len(raised) < 2:
            raised.append("navigated")
            raise Error(
                "JSHandle.json_value: Execution context was destroyed, most likely because "
                "of a navigation"
            )
        return real(handle)

    monkeypatch.setattr(JSHandle, "json_value", racing)
    profile = home.profile("bob@sandbox.example")
    code, err = run(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert code == 0, err
    assert raised == ["navigated", "navigated"]
    assert caller_arn(profile).endswith("assumed-role/Developer/bob@sandbox.example")


def test_playwright_driver_killed_mid_sign_in(home: Home, sandbox: Sandbox) -> None:
    sandbox.update_user("carol@sandbox.example", push="manual")
    profile = home.profile("carol@sandbox.example", azure_default_role_arn=CAROL_DEV)
    run = Azlogin(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)
    try:
        run.wait_for("Enter 42")
        chromium = chromium_descendants(run.pid)
        drivers = [p for p in children(run.pid) if "run-driver" in cmdline(p)]
        assert len(drivers) == 1, drivers
        os.kill(drivers[0], signal.SIGKILL)
        code, err = run.finish()
    finally:
        run.close()

    assert code == ExitStatus.SIGN_IN, err
    assert "Traceback" not in err and "Future exception" not in err, err
    after_number = err.split("Enter 42", 1)[1].strip().splitlines()[1:]
    assert len(after_number) == 2, err
    assert after_number[0].startswith("azlogin: error: Playwright's driver ("), err
    assert after_number[0].endswith(") stopped during the sign-in."), err
    assert "pip install --force-reinstall playwright" in after_number[1], err
    assert wait_gone(chromium) == []  # Chromium ends with the pipe to its driver
    assert not home.credentials.exists()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.write_text("#!/bin/sh\n"), "Permission denied"),  # not executable
        (lambda p: None, "No such file or directory"),  # missing
    ],
)
def test_a_broken_playwright_driver_is_named(
    home: Home, tmp_path: Path, make: Callable[[Path], object], reason: str
) -> None:
    # PLAYWRIGHT_NODEJS_PATH is Playwright's own switch for the Node.js that runs its driver.
    node = tmp_path / "driver" / "node"
    node.parent.mkdir()
    make(node)
    profile = home.profile("bob@sandbox.example")
    proc = Azlogin(
        home,
        "--profile",
        profile,
        AZURE_DEFAULT_PASSWORD=PASSWORD,
        PLAYWRIGHT_NODEJS_PATH=str(node),
    )
    try:
        code, err = proc.finish()
    finally:
        proc.close()
    assert code == ExitStatus.SIGN_IN, err
    assert err.splitlines()[-2:] == [
        f"azlogin: error: Playwright's driver {node} could not be started: {reason}.",
        "hint: Playwright's installation looks broken; reinstall it in azlogin's environment: "
        "`pip install --force-reinstall playwright` (with pipx: "
        "`pipx runpip azlogin install --force-reinstall playwright`).",
    ], err
    assert "Traceback" not in err and "Future exception" not in err, err
    assert PASSWORD not in err


def test_a_driver_that_exits_at_once_is_named(home: Home) -> None:
    profile = home.profile("bob@sandbox.example")
    proc = Azlogin(home, "--profile", profile, PLAYWRIGHT_NODEJS_PATH="/bin/false")
    try:
        code, err = proc.finish()
    finally:
        proc.close()
    assert code == ExitStatus.SIGN_IN, err
    assert err.splitlines()[-2].startswith(
        "azlogin: error: Playwright's driver /bin/false could not be started: "
    ), err
    assert "pip install --force-reinstall playwright" in err.splitlines()[-1], err
    assert "Traceback" not in err and "Future exception" not in err, err
