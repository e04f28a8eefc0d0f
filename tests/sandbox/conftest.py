"""Fixtures for the sandbox tests: running sandboxes and a real headless Chromium."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from azlogin.sandbox import Sandbox, Scenario, default_scenario

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests may run as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def shared_sandbox() -> Iterator[Sandbox]:
    """One sandbox for the session, on the default scenario; never mutate its scenario."""
    with Sandbox(default_scenario()) as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(shared_sandbox: Sandbox) -> Sandbox:
    """The shared sandbox with its flows, sessions, pushes and counters forgotten."""
    shared_sandbox.reset()
    return shared_sandbox


@pytest.fixture
def make_sandbox() -> Iterator[Callable[[Callable[[Scenario], None]], Sandbox]]:
    """A private sandbox whose default scenario a test may change first."""
    started: list[Sandbox] = []

    def make(change: Callable[[Scenario], None]) -> Sandbox:
        scenario = default_scenario()
        change(scenario)
        started.append(Sandbox(scenario).start())
        return started[-1]

    yield make
    for sandbox in started:
        sandbox.stop()


# Package scope, not session: a sync Playwright left running would make every later
# in-process azlogin sign-in (tests/security, …) fail with "Sync API inside the asyncio loop".
@pytest.fixture(scope="package")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def chromium(playwright_driver: Playwright) -> Iterator[Browser]:
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(chromium: Browser) -> Iterator[BrowserContext]:
    ctx = chromium.new_context()
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
