"""httpx's failures, said as the browser path says them: one line, the host, what to do."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from urllib.parse import urlsplit

from ..errors import SignInError
from ..models import Profile, SignInOptions


@contextlib.contextmanager
def transport_errors(profile: Profile, options: SignInOptions, seconds: float) -> Iterator[None]:
    """``seconds``: the per-page limit (AZLOGIN_PAGE_TIMEOUT) a silent host exceeded."""
    import httpx

    host = urlsplit(profile.authority_url).netloc
    try:
        yield
    except httpx.TimeoutException:
        from ..browser.failures import host_silent  # the browser path's words, exactly

        raise host_silent(profile.authority_url, seconds) from None
    except httpx.ProxyError:
        raise SignInError(
            f"The proxy refused the connection to {host}.",
            "Check HTTPS_PROXY and NO_PROXY.",
        ) from None
    except httpx.ConnectError as exc:
        certificate = "CERTIFICATE" in str(exc).upper()
        raise SignInError(
            f"Could not connect to {profile.authority_url}"
            + (": its certificate is not trusted." if certificate else "."),
            "If the certificate is your company's, point REQUESTS_CA_BUNDLE at its CA "
            "bundle; --no-verify-ssl skips the check."
            if certificate
            else "Check the network, the proxy (HTTPS_PROXY) and azlogin_authority_host.",
        ) from None
    except httpx.HTTPError as exc:  # a broken answer: said by kind, never by its content
        raise SignInError(
            f"The connection to {host} failed ({type(exc).__name__}).",
            "Try again; AZLOGIN_SIGNIN=browser signs in through the browser instead.",
        ) from None
