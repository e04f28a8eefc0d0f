"""The hand-over: what the HTTP path gives the browser when it meets a page it does not
know — a value, not a call, so neither path imports the other.

The browser loads ``page.url`` with ``page`` served as that URL's first answer (so the
page's flow token, still unspent, is the one it continues with), after adding
``cookies`` to its context. ``given`` holds what the person was already asked, so the
browser's prompts are answered from it instead of asking twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .entra_page import EntraPage

Cookie = Mapping[str, Any]  # Playwright's cookie shape: name, value, domain, path, expires, …


@dataclass
class Given:
    """Answers the person (or the environment) already gave in this sign-in."""

    username: str | None = None
    password: str | None = None
    choices: dict[str, str] = field(default_factory=dict)  # question -> value


@dataclass(frozen=True)
class HandOver:
    page: EntraPage
    cookies: Sequence[Cookie]
    reason: str  # for --debug and the one-line notice: why the HTTP path stopped here
    given: Given = field(default_factory=Given)

    @property
    def url(self) -> str:
        return self.page.url

    @property
    def status(self) -> int:
        return self.page.status

    @property
    def content_type(self) -> str:
        return self.page.content_type

    @property
    def body(self) -> str:
        return self.page.html

    @property
    def where(self) -> str:
        """The page, as ``--debug`` names it."""
        from urllib.parse import urlsplit

        return f"{self.page.pgid or 'a page without $Config'} at {urlsplit(self.url).path}"


class HandOverNeeded(Exception):
    """Raised by the HTTP path at a page it cannot answer with certainty."""

    def __init__(self, handover: HandOver) -> None:
        super().__init__(handover.reason)
        self.handover = handover
