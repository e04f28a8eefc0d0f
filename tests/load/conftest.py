"""Load fixtures: one sandbox for the file, with extra password-only users, and a
throwaway home per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from azlogin.sandbox import Sandbox, default_scenario
from azlogin.sandbox.scenario import User

from ..e2e.conftest import PASSWORD, Home, throwaway_home

IDENTITIES = 5  # load0@ … load4@
SAML_ROLES = (
    "arn:aws:iam::111111111111:role/Developer",
    "arn:aws:iam::111111111111:role/team/platform/Admin",
    "arn:aws:iam::222222222222:role/ReadOnly",
)


def load_user(index: int) -> str:
    return f"load{index}@sandbox.example"


@pytest.fixture(scope="module")
def load_sandbox() -> Iterator[Sandbox]:
    scenario = default_scenario()
    scenario.tenants[0].users += [
        User(load_user(i), PASSWORD, f"Load {i}", roles=list(SAML_ROLES)) for i in range(IDENTITIES)
    ]
    with Sandbox(scenario) as sandbox:
        yield sandbox


@pytest.fixture
def home(tmp_path: Path, load_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Home:
    load_sandbox.reset()
    return throwaway_home(tmp_path, load_sandbox, monkeypatch)
