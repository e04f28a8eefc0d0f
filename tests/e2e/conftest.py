"""End-to-end fixtures: the sandbox on 127.0.0.1 and a throwaway AWS config per test.

The CLI under test is the real one; boto3 finds the sandbox STS through the profile's
``services`` section, exactly as a user's configuration would point it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from azlogin.sandbox import Sandbox, default_scenario

PASSWORD = "Passw0rd!"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"
SCRUBBED = (
    "AWS_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AZURE_DEFAULT_PASSWORD",
    "AZLOGIN_MFA_CODE",
    "AZLOGIN_TOTP_SECRET",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_STS",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
)


@pytest.fixture(scope="session")
def shared_sandbox() -> Iterator[Sandbox]:
    with Sandbox(default_scenario()) as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(shared_sandbox: Sandbox) -> Iterator[Sandbox]:
    """The shared sandbox, fresh for each test: flows and counters forgotten, and any
    user or fault a test changed put back afterwards (reset() keeps the scenario)."""
    shared_sandbox.reset()
    yield shared_sandbox
    original = default_scenario()
    for tenant in original.tenants:
        for user in tenant.users:
            fields = dataclasses.asdict(user)
            shared_sandbox.update_user(fields.pop("username"), **fields)
    shared_sandbox.update_faults(**dataclasses.asdict(original.faults))


@dataclass
class Home:
    """A throwaway home: ~/.aws/config, ~/.aws/credentials, azlogin's state dir."""

    root: Path
    sandbox: Sandbox
    env: dict[str, str] = field(default_factory=dict)

    @property
    def config(self) -> Path:
        return self.root / ".aws" / "config"

    @property
    def credentials(self) -> Path:
        return self.root / ".aws" / "credentials"

    def profile(self, username: str, name: str = "sandbox", **keys: str) -> str:
        """Write a sandbox profile for ``username`` (plus extra keys); returns its name."""
        snippet = self.sandbox.config_snippet(name)
        lines = []
        for line in snippet.splitlines():
            if line.startswith("azure_default_username"):
                line = f"azure_default_username = {username}"
            lines.append(line)
            if line.startswith(("[profile ", "[default]")):
                lines += [f"{k} = {v}" for k, v in keys.items()]
        existing = self.config.read_text() if self.config.exists() else ""
        text = "\n".join(lines) + "\n"
        services = text.index("[services ")
        if text[services:] in existing:  # one [services …] section serves every profile
            text = text[:services]
        self.config.write_text(existing + text)
        return name


def throwaway_home(tmp_path: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Home:
    """~/.aws and azlogin's state under ``tmp_path``, pointing at ``sandbox``; the
    caller's AWS and azlogin variables are removed for the test."""
    (tmp_path / ".aws").mkdir(mode=0o700)
    h = Home(tmp_path, sandbox)
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


@pytest.fixture
def home(tmp_path: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Home:
    return throwaway_home(tmp_path, sandbox, monkeypatch)
