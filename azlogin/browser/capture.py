"""Catch the SAMLResponse the hand-off page posts to AWS, in the browser, before it leaves.

The POST is answered locally with a small page carrying a marker the flow's page watcher
looks for; nothing is sent to AWS, and nothing else is intercepted.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from ..partitions import MCAS_SUFFIXES, unproxied_host

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Request, Route

log = logging.getLogger(__name__)

MARKER_ID = "azlogin-captured"
DONE_PAGE = (
    # No favicon to fetch: the page stands at the ACS URL, whose host (the Defender for
    # Cloud Apps proxy, AWS) must not be asked anything.
    "<!doctype html><html><head><meta charset=utf-8><title>azlogin</title>"
    '<link rel="icon" href="data:,"></head>'
    f'<body style="font-family:sans-serif"><p id="{MARKER_ID}">'
    "azlogin: signed in, you can close this window.</p></body></html>"
)

# Every AWS sign-in endpoint: commercial (and regional), GovCloud, China; each also behind
# the Defender for Cloud Apps proxy, which appends a suffix to the host (.mcas.ms,
# .mcas-gov.us, .mcas-gov.ms: partitions.MCAS_SUFFIXES) and may add a query.
AWS_ACS_HOSTS = (
    "signin.aws.amazon.com",
    "signin.amazonaws-us-gov.com",
    "signin.amazonaws.cn",
)


def captured_hosts() -> tuple[str, ...]:
    """Every AWS sign-in host, plain and behind the proxy, as Chromium host patterns.

    In azlogin's browser their only request is the hand-off, which the capture answers; so
    the browser never needs to look them up or connect to them (see ``launch_options``).
    """
    return tuple(
        f"{sub}{host}{suffix}"
        for host in AWS_ACS_HOSTS
        for suffix in ("", *MCAS_SUFFIXES)
        for sub in ("", "*.")
    )


@dataclass(frozen=True)
class AcsMatcher:
    """Matches the ACS URL by host suffix and path, so regional and proxied hosts match too."""

    host: str
    path: str
    port: int | None = None
    extra_hosts: tuple[str, ...] = AWS_ACS_HOSTS

    @classmethod
    def for_url(cls, acs_url: str) -> AcsMatcher:
        parts = urlsplit(acs_url)
        return cls((parts.hostname or "").lower(), parts.path or "/", parts.port)

    def __call__(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        path = parts.path.rstrip("/") or "/"
        if host == self.host or host.endswith("." + self.host):
            # A local ACS (the sandbox) is told apart from its own IdP by port.
            port_ok = self.port is None or parts.port == self.port
            return port_ok and path == (self.path.rstrip("/") or "/")
        aws = unproxied_host(host)
        return path == "/saml" and any(aws == h or aws.endswith("." + h) for h in self.extra_hosts)

    def prefilter(self) -> re.Pattern[str]:
        """URLs whose path could be an ACS: a superset of what the matcher accepts.

        Playwright must pause every request for a Python predicate; a pattern is matched
        in the browser driver, so only these few requests make the round trip to us.
        """
        paths = {re.escape(self.path.rstrip("/")), "/saml"}
        alternatives = "|".join(sorted(paths))
        return re.compile(rf"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*(?:{alternatives})/*(?:[?#]|$)")


def saml_response_from_body(body: str | None) -> str | None:
    """The SAMLResponse field of an urlencoded form body, exactly as the page posted it."""
    if not body:
        return None
    values = parse_qs(body, keep_blank_values=True).get("SAMLResponse")
    return values[0] if values and values[0] else None


@dataclass
class Capture:
    """Holds the captured assertion; :meth:`install` routes the ACS on a browser context."""

    matcher: AcsMatcher
    assertion: str | None = field(default=None, repr=False)  # a bearer credential: never shown

    def install(self, context: BrowserContext) -> None:
        # Playwright tags the callables it is given, so hand it a plain function.
        def handle(route: Route, request: Request) -> Any:
            return self._handle(route, request)

        context.route(self.matcher.prefilter(), handle)

    def _handle(self, route: Route, request: Request) -> Any:
        if request.method != "POST" or not self.matcher(request.url):
            return route.continue_()
        assertion = saml_response_from_body(request.post_data)
        if assertion is None:
            log.debug("a POST to the ACS carried no SAMLResponse; answered locally")
        else:
            self.assertion = assertion
        # Answer locally in both cases: nothing we intercept may reach AWS.
        return route.fulfill(status=200, content_type="text/html; charset=utf-8", body=DONE_PAGE)
