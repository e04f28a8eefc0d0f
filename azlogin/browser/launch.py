"""Start the browser: the only module that imports Playwright.

Playwright is imported inside functions so ``import azlogin`` stays fast and works
without a browser; which browser and which options come from :mod:`.discovery`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BrowserError
from .discovery import (
    INSTALL_HINT,
    context_options,
    find_browser,
    launch_options,
    needs_no_sandbox,
)
from .environment import is_secret_input

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

log = logging.getLogger(__name__)

DRIVER_HINT = (
    "Playwright's installation looks broken; reinstall it in azlogin's environment: "
    "`pip install --force-reinstall playwright` (with pipx: "
    "`pipx runpip azlogin install --force-reinstall playwright`)."
)
DRIVER_GONE_HINT = (
    "Run azlogin again; if Playwright's driver keeps stopping, check free memory, or "
    "reinstall it: `pip install --force-reinstall playwright`."
)


class BrowserHandle:
    """A started browser with one page; :meth:`close` always leaves no process behind."""

    def __init__(
        self, playwright: Playwright, context: BrowserContext, page: Page, browser: Browser | None
    ) -> None:
        self.playwright = playwright
        self.context = context
        self.page = page
        self._browser = browser

    def driver_alive(self) -> bool:
        """Whether Playwright's driver still answers: once it is gone, every call to it
        fails at once, while a dead browser leaves the driver answering."""
        try:
            self.playwright.request.new_context().dispose()
        except Exception:
            return False
        return True

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
    home: Path | None = None,
) -> BrowserHandle:
    """Find a browser and start it with one page (persistent when ``user_data_dir`` is
    given; with ``home`` as the browser's HOME when given)."""
    import shutil

    from playwright.sync_api import Error, sync_playwright

    try:
        with _secret_inputs_hidden():
            playwright = sync_playwright().start()
    except Exception as exc:  # Error, or a bare Exception when the driver exits at once
        raise driver_failure(exc) from None
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
        options = launch_options(
            choice, headless=headless, env=env, no_sandbox=needs_no_sandbox(), home=home
        )
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


_ENVIRON = threading.Lock()


@contextlib.contextmanager
def _secret_inputs_hidden() -> Iterator[None]:
    """Take azlogin's secret inputs out of os.environ while Playwright starts its driver.

    The driver gets a copy of os.environ, and Playwright has no option for another. Only
    these variables are taken out: azlogin read them before (``EnvAnswers``), while the
    STS client built meanwhile in another thread reads AWS keys and proxies from here.
    """
    with _ENVIRON:
        hidden = {name: os.environ.pop(name) for name in list(os.environ) if is_secret_input(name)}
        try:
            yield
        finally:
            os.environ.update(hidden)


def driver_failure(exc: BaseException, *, started: bool = False) -> BrowserError:
    """The error for Playwright's driver (its Node.js process) not starting, or dying."""
    # The lost driver's pipe error is left in an asyncio future nobody reads; asyncio would
    # print it as "Future exception was never retrieved" at exit. It is told here instead.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    path = _driver_path()
    if started:
        return BrowserError(
            f"Playwright's driver ({path}) stopped during the sign-in.", DRIVER_GONE_HINT
        )
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    errno = re.search(r"\[Errno \d+\] ([^:]+)", first)
    reason = errno.group(1) if errno else first.rstrip(".")
    return BrowserError(f"Playwright's driver {path} could not be started: {reason}.", DRIVER_HINT)


def _driver_path() -> str:
    """The Node.js executable Playwright runs its driver with (or the driver's folder)."""
    try:
        from playwright._impl._driver import compute_driver_executable

        return str(compute_driver_executable()[0])
    except Exception:  # the bundled Node.js is missing, or Playwright moved things
        import playwright

        return str(Path(playwright.__file__).parent / "driver")
