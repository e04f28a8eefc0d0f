"""A sign-in link to the AWS console for temporary credentials (AWS's federation endpoint).

Two steps: trade the credentials for a sign-in token (``getSigninToken``), then build the
``login`` URL carrying it. The token, like the keys, is a secret: no message or log line
here contains either. urllib's default proxy handling applies (HTTPS_PROXY, NO_PROXY),
except for a loopback endpoint, which is always reached directly: a proxy elsewhere would
connect to its own loopback, and over plain http it would see the keys.

The keys travel in the query string, so only an endpoint :mod:`console_endpoints` allows
(:func:`~azlogin.console_endpoints.choose_endpoint`) ever sees them.
"""

from __future__ import annotations

import json
import logging
import re
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode, urlsplit

from .console_endpoints import (
    CONFIG_KEY,
    checked_endpoint,
    console_host,
    default_endpoint,
    is_loopback,
)
from .errors import AwsError, UsageError
from .models import Credentials

if TYPE_CHECKING:
    import urllib.request

log = logging.getLogger(__name__)

MIN_SESSION_SECONDS, MAX_SESSION_SECONDS = 900, 43200
MAX_REPLY_BYTES = 64 * 1024
_SERVICE = re.compile(r"[a-z0-9][a-z0-9-]*")
_NETWORK_HINT = "Check the network and the proxy settings (HTTPS_PROXY, NO_PROXY)."
_CERT_HINT = "The TLS certificate was not trusted: a proxy may need its CA in SSL_CERT_FILE."


def destination_for(service: str | None, region: str | None, partition: str) -> str:
    """The console page to land on: the home page, or a service's (``s3`` -> ``/s3/home``)."""
    if service is not None and not _SERVICE.fullmatch(service):
        raise UsageError(
            f"{service!r} is not a console service name.", "Use e.g. s3, ec2 or cloudformation."
        )
    path = f"/{service}/home" if service else "/console/home"
    query = f"?region={quote(region, safe='')}" if region else ""
    return f"https://{console_host(partition)}{path}{query}"


def build_session_json(creds: Credentials) -> str:
    return json.dumps(
        {
            "sessionId": creds.access_key_id,
            "sessionKey": creds.secret_access_key,
            "sessionToken": creds.session_token,
        }
    )


def _opener(verify: bool, direct: bool) -> urllib.request.OpenerDirector:
    import ssl
    import urllib.request

    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    handlers: list[urllib.request.BaseHandler] = [urllib.request.HTTPSHandler(context=context)]
    if direct:
        handlers.append(urllib.request.ProxyHandler({}))
    # Otherwise build_opener adds the default ProxyHandler (HTTPS_PROXY, NO_PROXY).
    return urllib.request.build_opener(*handlers)


def _what_aws_said(body: bytes, creds: Credentials) -> str:
    """A short plain-text reason from an error reply, with any secret masked; HTML dropped."""
    text = " ".join(body.decode("utf-8", "replace").split())
    if not text or text.startswith("<"):
        return ""
    for secret in (creds.session_token, creds.secret_access_key, creds.access_key_id):
        if secret:
            text = text.replace(secret, "‹redacted›")
    return ": " + text[:200].rstrip(".")


def _refusal_hint(status: int, session_duration: int | None) -> str:
    if status not in (400, 403):
        return _NETWORK_HINT
    if session_duration is None:
        return "The credentials may have expired: sign in again."
    return (
        "The credentials may have expired (sign in again), or AWS refuses SessionDuration "
        "for them (role-chained credentials)."
    )


def get_signin_token(
    creds: Credentials,
    partition: str,
    *,
    session_duration: int | None = None,
    endpoint: str | None = None,
    verify: bool = True,
    timeout: float = 10,
) -> str:
    """Trade credentials for a sign-in token (valid 15 minutes) at ``endpoint`` (from
    :func:`~azlogin.console_endpoints.choose_endpoint`; AWS's for ``partition`` when None).

    ``session_duration`` (900..43200 s) sets how long the console session lasts; AWS
    refuses it for role-chained credentials, so pass None for those.
    """
    if session_duration is not None and not (
        MIN_SESSION_SECONDS <= session_duration <= MAX_SESSION_SECONDS
    ):
        raise UsageError(
            f"A console session of {session_duration} s is not possible.",
            f"Choose {MIN_SESSION_SECONDS} to {MAX_SESSION_SECONDS} seconds.",
        )
    endpoint = checked_endpoint(endpoint or default_endpoint(partition))
    query = {"Action": "getSigninToken"}
    if session_duration is not None:
        query["SessionDuration"] = str(session_duration)
    query["Session"] = build_session_json(creds)
    body = _ask(endpoint, urlencode(query), creds, session_duration, verify, timeout)
    try:
        token = json.loads(body)["SigninToken"]
    except (ValueError, TypeError, KeyError):
        token = None
    if not isinstance(token, str) or not token:
        raise AwsError(
            f"{endpoint} answered without a SigninToken.",
            f"Check {CONFIG_KEY}, or a proxy that rewrites replies.",
        )
    return token


def _ask(
    endpoint: str,
    query: str,
    creds: Credentials,
    session_duration: int | None,
    verify: bool,
    timeout: float,
) -> bytes:
    """The reply of ``endpoint`` (already checked) to the ``getSigninToken`` ``query``.

    Error messages name the endpoint only: the full URL carries the credentials.
    """
    # Imported here: http.client and ssl cost more than the commands that never sign in.
    import http.client
    import ssl
    import urllib.error
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 (scheme checked by checked_endpoint)
        f"{endpoint}?{query}",
        headers={"Accept": "application/json", "User-Agent": "azlogin"},
    )
    log.debug("console: getSigninToken at %s (SessionDuration %s)", endpoint, session_duration)
    try:
        direct = is_loopback(urlsplit(endpoint).hostname or "")
        with _opener(verify, direct).open(request, timeout=timeout) as response:
            body: bytes = response.read(MAX_REPLY_BYTES)
    except urllib.error.HTTPError as exc:
        reason = _what_aws_said(exc.read(MAX_REPLY_BYTES), creds)
        hint = _refusal_hint(exc.code, session_duration)
        raise AwsError(
            f"{endpoint} refused the sign-in token request (HTTP {exc.code}){reason}.", hint
        ) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        cause = getattr(exc, "reason", None) or exc
        hint = _CERT_HINT if isinstance(cause, ssl.SSLError) else _NETWORK_HINT
        text = str(cause) or type(cause).__name__
        raise AwsError(f"Could not reach {endpoint}: {text}.", hint) from None
    return body


def _destination(destination: str | None, region: str | None, partition: str) -> str:
    target = destination or destination_for(None, region, partition)
    if urlsplit(target).scheme not in ("http", "https"):
        raise UsageError(
            f"The console destination {target!r} is not an http(s) URL.",
            f"Use e.g. https://{console_host(partition)}/s3/home.",
        )
    return target


def login_url(
    token: str,
    partition: str,
    destination: str | None = None,
    region: str | None = None,
    issuer: str = "azlogin",
    endpoint: str | None = None,
) -> str:
    """The URL that opens the console (``destination``, by default its home page)."""
    target = _destination(destination, region, partition)
    query = {"Action": "login", "Issuer": issuer, "Destination": target, "SigninToken": token}
    return f"{checked_endpoint(endpoint or default_endpoint(partition))}?{urlencode(query)}"


def signin_link(
    creds: Credentials,
    *,
    partition: str,
    chained: bool,
    region: str | None = None,
    destination: str | None = None,
    session_duration: int | None = None,
    endpoint: str | None = None,
    verify: bool = True,
    timeout: float = 10,
) -> str:
    """A console sign-in URL for ``creds`` (a secret for 15 minutes: print, never log it).

    For ``chained`` credentials (from AssumeRole with role credentials) AWS refuses
    SessionDuration, so it is left out and the console lasts as long as the credentials.
    """
    if chained and session_duration is not None:
        log.debug("console: SessionDuration left out for role-chained credentials")
        session_duration = None
    target = _destination(destination, region, partition)  # refuse bad input before the call
    token = get_signin_token(
        creds,
        partition,
        session_duration=session_duration,
        endpoint=endpoint,
        verify=verify,
        timeout=timeout,
    )
    return login_url(token, partition, target, region, endpoint=endpoint)
