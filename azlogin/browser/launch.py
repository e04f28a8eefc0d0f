"""Start the browser: the only module that imports Playwright.

Playwright is imported inside functions so ``import azlogin`` stays fast and works
without a browser; which browser and which options come from :mod:`.discovery`.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BrowserError
from .discovery import INSTALL_HINT, context_options, find_browser, launch_options, needs_no_sandbox

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

log = logging.getLogger(__name__)


class BrowserHandle:
    """A started browser with one page; :meth:`close` always leaves no process behind."""

    def __init__(
        self, playwright: Playwright, context: BrowserContext, page: Page, browser: Browser | None
    ) -> None:
        self.playwright = playwright
        self.context = context
        self.page = page
        self._browser = browser

    def close(self) -> None:
        # Each step is guarded: after Ctrl-C the driver may already be gone, and the
        # remaining steps must still run so no Chromium outlives us.
        for step in (
            self.context.close,
            *([self._browser.close] if self._browser else []),
            self.playwright.stop,
        ):
            try:
                step()
            except Exception as exc:  # best effort teardown
                log.debug("browser teardown: %s", type(exc).__name__)


def start_browser(
    *,
    env: Mapping[str, str],
    configured: str | None,
    headless: bool,
    verify_ssl: bool,
    user_data_dir: Path | None,
) -> BrowserHandle:
    """Find a browser and start it with one page (persistent when ``user_data_dir`` is given)."""
    import shutil

    from playwright.sync_api import Error, sync_playwright

    playwright = sync_playwright().start()
    try:
        choice = find_browser(
            env,
            shutil.which,
            os.path.exists,
            sys.platform,
            configured=configured,
            bundled=_bundled_chromium(playwright),
        )
        log.debug("browser: %s", choice)
        options = launch_options(choice, headless=headless, env=env, no_sandbox=needs_no_sandbox())
        try:
            if user_data_dir is not None:
                context = playwright.chromium.launch_persistent_context(
                    user_data_dir, **options, **context_options(verify_ssl=verify_ssl)
                )
                page = context.pages[0] if context.pages else context.new_page()
                return BrowserHandle(playwright, context, page, None)
            browser = playwright.chromium.launch(**options)
            context = browser.new_context(**context_options(verify_ssl=verify_ssl))
            return BrowserHandle(playwright, context, context.new_page(), browser)
        except Error as exc:
            reason = " ".join((exc.message or "").strip().splitlines()[:1])
            # Chromium allows one process per profile directory ("ProcessSingleton").
            in_use = user_data_dir is not None and "profile" in reason.lower()
            raise BrowserError(
                f"Could not start the browser {choice}: {reason}",
                "Another azlogin sign-in for this user is still running; let it finish first."
                if in_use
                else INSTALL_HINT,
            ) from None
    except BaseException:
        playwright.stop()
        raise


def _bundled_chromium(playwright: Playwright) -> str | None:
    try:
        return playwright.chromium.executable_path
    except Exception:  # an unusual driver layout just means "not installed"
        return None


def playwright_errors() -> tuple[type[Exception], type[Exception]]:
    """(TimeoutError, Error) of Playwright, for modules that must not import it themselves."""
    from playwright.sync_api import Error, TimeoutError

    return TimeoutError, Error
