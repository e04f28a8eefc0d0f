"""Every sign-in path of ``test_flow.py`` again, through the hybrid sign-in (the default):
Entra's protocol over HTTP for the pages it knows, the browser at the same page for the
rest. Same scripted person, same assertions about what was asked, shown and refused — so
a person cannot tell which path ran except by speed.

The tests are ``test_flow``'s own, collected here a second time with ``make_signin``
giving the hybrid provider instead of the browser.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from azlogin.sandbox.server import Sandbox
from azlogin.signin.hybrid import HybridSignIn

from .test_flow import *  # noqa: F403  (the same tests, collected again)


@pytest.fixture
def make_signin(state_dir: Path) -> Callable[..., HybridSignIn]:
    def make(**env: str) -> HybridSignIn:
        base = {"AZLOGIN_PAGE_TIMEOUT": "15", "HOME": str(state_dir.parent)}
        return HybridSignIn(env={**base, **env}, state_dir=state_dir)

    return make


@pytest.fixture(autouse=True)
def the_http_path_ran(fresh_sandbox: Sandbox) -> object:
    """Every test here began over HTTP: the sign-in request came from the HTTP client
    (a Chrome User-Agent without "Headless", which only the headless browser sends)."""
    yield
    starts = [r for r in fresh_sandbox.client_requests if r.path.endswith("/saml2")]
    assert starts, "no sign-in request reached the sandbox"
    assert "Chrome/" in starts[0].user_agent and "Headless" not in starts[0].user_agent
