"""Where the browser takes over from the HTTP path, and what it hands back.

``start_at`` puts the HTTP path's cookies into the context and answers the hand-over
URL's first request with the page the HTTP path received, so the browser continues with
that page's flow state — nothing is sent to Entra twice. ``session_cookies`` is what the
browser leaves for the next sign-in over HTTP.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Route

log = logging.getLogger(__name__)


class FirstAnswer(Protocol):
    """What the hand-over gives (``azlogin.signin.handover.HandOver``, by shape)."""

    @property
    def url(self) -> str: ...

    @property
    def cookies(self) -> Sequence[Mapping[str, Any]]: ...

    @property
    def status(self) -> int: ...

    @property
    def content_type(self) -> str: ...

    @property
    def body(self) -> str: ...


def start_at(context: BrowserContext, page: Page, start: FirstAnswer) -> None:
    if start.cookies:
        context.add_cookies([dict(c) for c in start.cookies])  # type: ignore[misc]
    wanted = start.url

    def answer(route: Route) -> None:
        log.debug("browser: the hand-over page answers %s", route.request.method)
        route.fulfill(status=start.status, content_type=start.content_type, body=start.body)

    page.route(lambda url: url == wanted, answer, times=1)


def session_cookies(context: BrowserContext, authority_url: str) -> list[dict[str, Any]]:
    return [dict(c) for c in context.cookies([authority_url])]
