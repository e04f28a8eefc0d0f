"""Fixtures for the flow tests: one sandbox tenant for the session, a real headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from azlogin.browser import BrowserSignIn
from azlogin.models import Profile
from azlogin.sandbox.scenario import DEFAULT_APP_ID_URI, DEFAULT_TENANT_ID
from azlogin.sandbox.server import Sandbox

PASSWORD = "Passw0rd!"
SYSTEM_CHROMIUM = "/usr/bin/chromium"


def chromium_for_tests() -> str | None:
    """Playwright's own Chromium when downloaded (it wins discovery), else the system one."""
    configured = os.environ.get("AZLOGIN_BROWSER")
    if configured:
        return configured
    return SYSTEM_CHROMIUM if Path(SYSTEM_CHROMIUM).exists() else shutil.which("chromium")


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


@pytest.fixture
def fresh_sandbox(sandbox: Sandbox) -> Iterator[Sandbox]:
    """The shared sandbox with sessions, lockouts and faults reset around the test."""
    sandbox.reset()
    yield sandbox
    sandbox.update_faults(
        page_delay_seconds=0.0, service_error=None, account_picker=False, sts_errors=[]
    )
    sandbox.reset()


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def make_profile(fresh_sandbox: Sandbox) -> Callable[..., Profile]:
    def make(username: str | None, **changes: object) -> Profile:
        fields: dict[str, object] = {
            "name": "t",
            "tenant_id": DEFAULT_TENANT_ID,
            "app_id_uri": DEFAULT_APP_ID_URI,
            "username": username,
            "authority_host": fresh_sandbox.authority_host,
            "acs_url": fresh_sandbox.acs_url,
            "browser": chromium_for_tests(),
        }
        fields.update(changes)
        return Profile(**fields)  # type: ignore[arg-type]

    return make


@pytest.fixture
def make_signin(state_dir: Path) -> Callable[..., BrowserSignIn]:
    def make(**env: str) -> BrowserSignIn:
        # Only what the test says: no DISPLAY, proxy or secrets leak in from the developer's shell.
        base = {"AZLOGIN_PAGE_TIMEOUT": "15", "HOME": str(state_dir.parent)}
        return BrowserSignIn(env={**base, **env}, state_dir=state_dir)

    return make


@pytest.fixture(scope="session")
def xvfb_display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private X server for the visible-window modes; skipped where Xvfb is missing."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed")
    # -displayfd lets the server pick a free display and tell us which, with no race or sleep.
    read_fd, write_fd = os.pipe()
    process = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    try:
        if not number:
            pytest.skip("Xvfb did not start")
        yield f":{number}"
    finally:
        process.terminate()
        process.wait(timeout=10)
