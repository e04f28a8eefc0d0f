"""What a page action is handed and may use: the :class:`Driver`, finding, pressing and
reading elements, and the error a page that ends the sign-in raises."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from ..errors import SignInError
from . import aadsts
from .detect import PageState
from .launch import playwright_errors

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from ..models import Profile, SignInOptions
    from ..ui import UI


class Driver(Protocol):
    """What an action may use; implemented by :class:`azlogin.browser.flow.PageWalk`."""

    page: Page
    ui: UI
    profile: Profile
    options: SignInOptions
    username: str | None

    def secret(self, value: str) -> str:
        """Register a value typed into the page so no dump or message can show it."""
        ...

    def attempt(self, what: str) -> int:
        """Count one more attempt at ``what`` in this sign-in; returns the new count."""
        ...

    def next_state(self, *, mfa: bool = False) -> PageState:
        """Wait until the page moves on (MFA waits use the longer MFA timeout)."""
        ...


Action = Callable[[Driver, PageState], "PageState | None"]


def shown(page: Page, *selectors: str) -> Locator:
    """The first element matching any selector that is visible and not moved off screen."""
    css = ", ".join(f"{s}:not(.moveOffScreen):not(.moveOffScreen *)" for s in selectors)
    return page.locator(css).filter(visible=True).first


class NoAnswer(Exception):
    """A click's navigation got no answer in time (the flow turns it into a SignInError)."""


def press(target: Locator) -> None:
    """Click, and wait for the navigation it starts. Chromium runs no page script while a
    posted form waits for its answer, so only this wait can time out reliably then."""
    timeout, _ = playwright_errors()
    try:
        target.click()
    except timeout:
        raise NoAnswer from None


def text_of(page: Page, *selectors: str) -> str:
    found = shown(page, *selectors)
    return found.inner_text().strip() if found.count() else ""


def fail(state: PageState, default_code: str = "", fallback: str = "") -> SignInError:
    """The error for a page that ends the sign-in, named by its AADSTS code when it has one."""
    code = state.code or aadsts.find_code(state.error) or default_code
    return aadsts.failure(code, state.error or fallback)
