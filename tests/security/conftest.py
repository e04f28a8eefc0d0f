"""Fixtures for the security suite: one sandbox per module (users and faults restored after
every test), a throwaway home, and the CLI run in-process with everything it said captured,
including the exception ``main`` turned into a message (before any scrubbing)."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import azlogin.__main__ as entry
from azlogin.sandbox import Sandbox, default_scenario
from azlogin.sandbox.scenario import Faults
from tests.e2e.conftest import SCRUBBED, Home

PROXY_VARIABLES = tuple(
    name
    for base in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
    for name in (base, base.lower())
)


@pytest.fixture(scope="module")
def module_sandbox() -> Iterator[Sandbox]:
    with Sandbox(default_scenario()) as running:
        yield running


@contextlib.contextmanager
def restored(sandbox: Sandbox) -> Iterator[Sandbox]:
    """``sandbox`` reset; whatever is changed on its users or faults is undone afterwards."""
    users = [u for t in sandbox.scenario.tenants for u in t.users]
    saved = {u.username: dataclasses.asdict(u) for u in users}
    sandbox.reset()
    try:
        yield sandbox
    finally:
        for username, fields in saved.items():
            sandbox.update_user(username, **{k: v for k, v in fields.items() if k != "username"})
        sandbox.update_faults(**dataclasses.asdict(Faults()))
        sandbox.reset()


@pytest.fixture
def sandbox(module_sandbox: Sandbox) -> Iterator[Sandbox]:
    with restored(module_sandbox) as running:
        yield running


def make_home(root: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Home:
    """A throwaway HOME with its own ~/.aws and state dir; no secret or proxy leaks in."""
    (root / ".aws").mkdir(mode=0o700, exist_ok=True)
    for name in (*SCRUBBED, *PROXY_VARIABLES, "AZLOGIN_STATE_DIR"):
        monkeypatch.delenv(name, raising=False)
    settings = {
        "HOME": str(root),
        "AWS_CONFIG_FILE": str(root / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(root / ".aws" / "credentials"),
        "AZLOGIN_STATE_DIR": str(root / ".azlogin"),
    }
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    home = Home(root, sandbox)
    home.env = dict(os.environ)
    return home


@pytest.fixture
def home(tmp_path: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Home:
    return make_home(tmp_path, sandbox, monkeypatch)


@dataclass
class Result:
    code: int
    out: str
    err: str
    errors: list[BaseException] = field(default_factory=list)

    def exception_texts(self) -> list[str]:
        """Message, hint, args and repr of every exception raised, causes included."""
        texts: list[str] = []
        for exc in self.errors:
            seen: BaseException | None = exc
            while seen is not None:
                texts += [str(seen), repr(seen), getattr(seen, "hint", "")]
                texts += [str(a) for a in seen.args]
                seen = seen.__cause__ or seen.__context__
        return texts


def run(monkeypatch: pytest.MonkeyPatch, *argv: str, **env: str) -> Result:
    """``main(argv)`` in-process and non-interactive; ``env`` is added for this run only."""
    errors: list[BaseException] = []
    real_run = entry._run

    def recording_run(*args: object, **kwargs: object) -> int:
        try:
            return real_run(*args, **kwargs)  # type: ignore[arg-type]
        except BaseException as exc:
            errors.append(exc)
            raise

    with monkeypatch.context() as patch:
        patch.setattr(entry, "_run", recording_run)
        for key, value in env.items():
            patch.setenv(key, value)
        out, err = io.StringIO(), io.StringIO()
        code = entry.main(list(argv), None, io.StringIO(), err, out)
    return Result(code, out.getvalue(), err.getvalue(), errors)
