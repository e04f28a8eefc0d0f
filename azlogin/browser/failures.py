"""The errors a walk through the sign-in pages ends in, each saying what to do next.

Pure: every function takes what the message names (the page, the host, the timeouts, the
saved dump) and returns the error; :mod:`.flow` decides which one applies.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..errors import BrowserError, SignInError

if TYPE_CHECKING:
    from ..models import Profile
    from . import diagnostics
    from .detect import PageState

GONE_HINT = (
    "Run azlogin again (leave a visible window open until it is done); if the browser keeps "
    "stopping, check free memory, or choose another browser with AZLOGIN_BROWSER."
)
GUI_HINT = "Run with `--mode gui` to finish the sign-in yourself in a visible browser window."
SILENT_HINT = (
    "It took the connection but sent nothing back: check the network, the VPN and the proxy "
    "(HTTPS_PROXY, NO_PROXY); AZLOGIN_PAGE_TIMEOUT sets how long each page may take."
)
CERT_HINT = (
    "The server's TLS certificate is not trusted. If your network inspects TLS, make this "
    "computer trust the proxy's CA certificate; --no-verify-ssl skips the check (testing only)."
)


class PersonCanFinish(SignInError):
    """A page a person can get through in a visible window where azlogin cannot (an
    unknown page, an expired password to change); an interactive run offers the window.

    ``at``: that page as a visible window can re-open it (``takeover.FirstAnswer``), when
    it could be kept."""

    at: object | None = None


class UnknownPage(PersonCanFinish):
    """The browser shows a page azlogin does not recognise (the dump path is in the hint)."""


def password_expired() -> PersonCanFinish:
    """ConvergedChangePassword: changing it is the person's to do, in a visible window."""
    from . import aadsts

    message, hint = aadsts.describe("50055")
    return PersonCanFinish(message, hint, code="50055")


def passkey_only() -> PersonCanFinish:
    """The account has no password, only a passkey (Windows Hello, a security key): no
    browser without a window has the authenticator, so only the person can finish."""
    return PersonCanFinish(
        "This account signs in only with a passkey (Windows Hello or a security key), "
        "which azlogin cannot use without a window.",
        "Run azlogin in a terminal on your desktop to finish in a visible browser window "
        "(or use `--mode gui`), or add a password or the Authenticator app at "
        "https://aka.ms/mysecurityinfo.",
    )


def check_ending(
    state: PageState, profile: Profile, home_hosts: Sequence[str], last_navigation: str
) -> None:
    """Raise when the sign-in left the Entra pages: posted to AWS without an assertion, or
    moved to a host azlogin does not automate."""
    if state.captured:
        raise SignInError(
            "The sign-in posted to AWS without a SAMLResponse.",
            "Check the AWS app's reply URL (ACS) in Entra; it should be " + profile.acs_url,
        )
    if state.foreign and state.kind is None:
        url = last_navigation if state.href.startswith("chrome-error:") else state.href
        host = urlsplit(url).netloc.lower()
        if host in home_hosts:
            raise BrowserError(
                f"The sign-in page at {profile.authority_url} could not be loaded.",
                "Check the network and the proxy settings (HTTPS_PROXY, NO_PROXY).",
            )
        raise other_idp(host or url)


def other_idp(host: str) -> UnknownPage:
    """The sign-in went on at the company's own IdP, which is not an AD FS forms page; an
    interactive run offers to finish it in a visible window."""
    return UnknownPage(
        f"The sign-in moved to your organisation's own sign-in page ({host}), "
        "which azlogin does not automate.",
        GUI_HINT + " azlogin still captures the result.",
    )


def open_failed(authority_url: str, exc: Exception) -> BrowserError:
    """The first page could not be opened (DNS, refused connection, untrusted certificate)."""
    net = re.search(r"net::ERR_[A-Z_]+", str(exc))
    untrusted = net is not None and "CERT" in net.group(0)
    return BrowserError(
        f"Could not open the sign-in page at {authority_url}"
        + (f" ({net.group(0)})." if net else "."),
        CERT_HINT
        if untrusted
        else "Check the network, the proxy (HTTPS_PROXY, NO_PROXY) and the authority host.",
    )


def host_silent(url: str, page_timeout: float) -> SignInError:
    # Nothing was loaded yet: no page to dump.
    return SignInError(
        f"The sign-in host {urlsplit(url).netloc} did not answer within {_secs(page_timeout)}.",
        SILENT_HINT,
    )


def no_answer(host: str, page_timeout: float, dump: diagnostics.Dump) -> SignInError:
    return SignInError(
        f"The sign-in host {host} did not answer within {_secs(page_timeout)}.",
        _join(dump.describe(), SILENT_HINT),
    )


def timed_out(timeout_seconds: float, last_kind: str | None, dump: diagnostics.Dump) -> SignInError:
    last = last_kind or "the first page"
    return SignInError(
        f"The sign-in did not finish within {timeout_seconds:.0f} s (last page: {last}).",
        _join(dump.describe(), "Raise the timeout, or " + GUI_HINT[0].lower() + GUI_HINT[1:]),
    )


def mfa_unanswered(mfa_timeout_seconds: float) -> SignInError:
    return SignInError(
        f"No answer to the sign-in request within {mfa_timeout_seconds:.0f} s.",
        "Approve the request on your phone sooner, or raise the MFA timeout.",
    )


def unknown_page(dump: diagnostics.Dump) -> UnknownPage:
    return UnknownPage(
        "azlogin does not recognise the page the sign-in is showing.",
        _join(dump.describe(), GUI_HINT),
    )


def stuck(kind: str, page_timeout: float, dump: diagnostics.Dump) -> SignInError:
    return SignInError(
        f"The {kind!r} page did not move on within {page_timeout:.0f} s.",
        _join(dump.describe(), GUI_HINT),
    )


def window_closed() -> BrowserError:
    return BrowserError("The browser window was closed before the sign-in finished.", GONE_HINT)


def page_crashed() -> BrowserError:
    return BrowserError("The browser failed during the sign-in: the page crashed.", GONE_HINT)


def browser_failed(exc: Exception, secrets: Sequence[str], dump: diagnostics.Dump) -> BrowserError:
    """Playwright failed for another reason: its first line, without anything typed."""
    from . import diagnostics

    text = str(exc).strip()
    first = diagnostics.redact_text(text.splitlines()[0] if text else "", secrets)
    return BrowserError(
        f"The browser failed during the sign-in: {first}", _join(dump.describe(), GUI_HINT)
    )


def no_assertion() -> SignInError:
    """A sign-in the person finished in a visible window ended without the AWS hand-off."""
    return SignInError(
        "The sign-in finished without a SAMLResponse for AWS.",
        "Check azure_app_id_uri names the AWS app; run with --debug for the pages seen.",
    )


def _secs(seconds: float) -> str:
    return f"{seconds:g} s"


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)
