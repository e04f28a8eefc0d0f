"""Load fixtures: one sandbox for the file, with extra password-only users, and a
throwaway home per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from azlogin.sandbox import Sandbox, default_scenario
from azlogin.sandbox.scenario import User

from ..e2e.conftest import PASSWORD, SCRUBBED, Home

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
    (tmp_path / ".aws").mkdir(mode=0o700)
    h = Home(tmp_path, load_sandbox)
    for name in SCRUBBED:
        monkeypatch.delenv(name, raising=False)
    settings = {
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(h.config),
        "AWS_SHARED_CREDENTIALS_FILE": str(h.credentials),
        "AZLOGIN_STATE_DIR": str(tmp_path / ".azlogin"),
    }
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    h.env = dict(os.environ)
    return h
