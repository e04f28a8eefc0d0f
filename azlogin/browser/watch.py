"""Reading the sign-in page: which row of the page table it shows, now or once it changes.

Waiting is always the browser's own polling (``wait_for_function`` on the page detector),
never a sleep. The watch also keeps what explains a failure later: the last navigation of
the page and whether its renderer crashed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .capture import MARKER_ID
from .detect import STATE_JS, PageState, script_arg
from .launch import playwright_errors
from .pages import ENDINGS, PAGES

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request

POLL_MS = 100  # how often the browser re-checks the page while we wait
NAVIGATION_RETRIES = 20  # a page that navigates away this often while read is not settling


class PageWatch:
    """What one browser page shows, judged by the detectors of the page table."""

    def __init__(self, page: Page, home_hosts: list[str], clock: Callable[[], float]) -> None:
        self.page = page
        self.home_hosts = home_hosts  # the authority's host: anything else is "foreign"
        self.clock = clock
        self.last_navigation = ""
        self.crashed = False  # the page's renderer died: it can no longer be read or saved
        page.on("request", self._on_request)
        page.on("crash", self._on_crash)

    def next(self, prev: str | None, until: float) -> PageState | None:
        """The next recognised page after ``prev`` (or the capture, or a foreign host);
        None when none settled before ``until`` (a reading of the clock)."""
        timeout_error, error = playwright_errors()
        arg = self._arg(prev, now=False)
        for _ in range(NAVIGATION_RETRIES):
            try:
                handle = self.page.wait_for_function(
                    STATE_JS,
                    arg=arg,
                    polling=POLL_MS,
                    timeout=max(until - self.clock(), 0.001) * 1000,
                )
                return PageState.from_js(handle.json_value())
            except timeout_error:
                return None
            except error as exc:
                # The page navigated between the detector's answer and reading it (a busy
                # machine widens that gap); the page it navigated to is judged afresh.
                if "Execution context was destroyed" not in str(exc):
                    raise
        return None

    def now(self) -> PageState | None:
        """What the page shows right now; None when it cannot tell (a request still pending:
        Chromium runs no page script until a posted form's answer arrives)."""
        arg = self._arg(None, now=True)
        try:
            handle = self.page.wait_for_function(STATE_JS, arg=arg, polling=POLL_MS, timeout=2000)
            return PageState.from_js(handle.json_value())
        except Exception:  # only used to describe a failure; never mask it
            return None

    def until_captured(self, seconds: float) -> None:
        """Wait for the capture's marker (Playwright's TimeoutError after ``seconds``)."""
        self.page.wait_for_function(
            f"() => !!document.getElementById('{MARKER_ID}')",
            polling=POLL_MS,
            timeout=seconds * 1000,
        )

    def _arg(self, prev: str | None, *, now: bool) -> dict[str, Any]:
        rows = [(p.name, p.detector) for p in PAGES]
        return script_arg(rows, endings=ENDINGS, home_hosts=self.home_hosts, prev=prev, now=now)

    def _on_crash(self, page: Page) -> None:
        self.crashed = True

    def _on_request(self, request: Request) -> None:
        try:
            if request.is_navigation_request() and request.frame == self.page.main_frame:
                self.last_navigation = request.url
        except Exception:  # bookkeeping only
            return
