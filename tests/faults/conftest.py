"""Fault fixtures: a fresh sandbox per test whose delays can be caught in the act, and a
throwaway home (~/.aws, azlogin's state) pointing at it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from azlogin.sandbox import Sandbox, default_scenario

from ..e2e.conftest import Home, throwaway_home


class HeldRequests:
    """The sandbox's page and STS delays: a sleep that tells the test a request is being
    held (``held``) and ends early once ``release`` is set."""

    def __init__(self) -> None:
        self.held = threading.Event()
        self.release = threading.Event()

    def __call__(self, seconds: float) -> None:
        self.held.set()
        self.release.wait(seconds)


@pytest.fixture
def held() -> Iterator[HeldRequests]:
    requests = HeldRequests()
    yield requests
    requests.release.set()  # let the sandbox's threads finish before it stops


@pytest.fixture
def sandbox(held: HeldRequests) -> Iterator[Sandbox]:
    # A sandbox per test (it starts in milliseconds): faults and user changes never leak.
    with Sandbox(default_scenario(), sleep=held) as running:
        yield running
        held.release.set()


@pytest.fixture
def home(tmp_path: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Home:
    return throwaway_home(tmp_path, sandbox, monkeypatch)
