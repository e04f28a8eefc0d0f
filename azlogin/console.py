"""A sign-in link to the AWS console for temporary credentials (AWS's federation endpoint).

Two steps: trade the credentials for a sign-in token (``getSigninToken``), then build the
``login`` URL carrying it. The token, like the keys, is a secret: no message or log line
here contains either. urllib's default proxy handling applies (HTTPS_PROXY, NO_PROXY),
except for a loopback endpoint, which is always reached directly: a proxy elsewhere would
connect to its own loopback, and over plain http it would see the keys.

The keys travel in the query string, so :func:`choose_endpoint` decides who may see them:
AWS's sign-in hosts, a loopback host (the sandbox), or an endpoint the user configured for
this purpose (``azlogin_federation_url``); plain http only to loopback.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode, urlsplit

from .errors import AwsError, ConfigError, UsageError
from .models import Credentials

if TYPE_CHECKING:
    import urllib.request

log = logging.getLogger(__name__)

# (sign-in host, console host) per partition.
HOSTS: Mapping[str, tuple[str, str]] = {
    "aws": ("signin.aws.amazon.com", "console.aws.amazon.com"),
    "aws-us-gov": ("signin.amazonaws-us-gov.com", "console.amazonaws-us-gov.com"),
    "aws-cn": ("signin.amazonaws.cn", "console.amazonaws.cn"),
}
MIN_SESSION_SECONDS, MAX_SESSION_SECONDS = 900, 43200
MAX_REPLY_BYTES = 64 * 1024
_SERVICE = re.compile(r"[a-z0-9][a-z0-9-]*")
# AWS also answers at regional sign-in hosts: eu-west-1.signin.aws.amazon.com.
_REGION_LABEL = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]+")
CONFIG_KEY = "azlogin_federation_url"
_NETWORK_HINT = "Check the network and the proxy settings (HTTPS_PROXY, NO_PROXY)."
_CERT_HINT = "The TLS certificate was not trusted: a proxy may need its CA in SSL_CERT_FILE."


def _hosts(partition: str) -> tuple[str, str]:
    hosts = HOSTS.get(partition)
    if hosts is None:
        raise ConfigError(
            f"AWS offers no console sign-in link for the {partition!r} partition.",
            f"Console links work in: {', '.join(HOSTS)}.",
        )
    return hosts


def signin_host(partition: str) -> str:
    return _hosts(partition)[0]


def console_host(partition: str) -> str:
    return _hosts(partition)[1]


def default_endpoint(partition: str) -> str:
    """AWS's federation endpoint for ``partition``."""
    return f"https://{signin_host(partition)}/federation"


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or ``localhost``: this machine (where the sandbox listens)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_aws_signin_host(host: str) -> bool:
    """A sign-in host of any AWS partition, or one of its regional hosts."""
    host = host.lower()
    region, _, rest = host.partition(".")
    regional = rest if _REGION_LABEL.fullmatch(region) else None
    return any(host == signin or regional == signin for signin, _ in HOSTS.values())


def checked_endpoint(url: str, where: str = "The federation endpoint") -> str:
    """``url`` if the keys may go there at all: http(s), no query, plain http only to a
    loopback host. Raises ConfigError naming the host, before any connection."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigError(
            f"{where} {url!r} is not an http(s) URL.",
            f"Use e.g. {default_endpoint('aws')}.",
        )
    if parts.query or parts.fragment:
        raise ConfigError(
            f"{where} {url!r} must not carry a query or fragment.",
            "azlogin adds the query (Action=...) itself.",
        )
    if parts.scheme == "http" and not is_loopback(host):
        raise ConfigError(
            f"{where} on {host} uses plain http: the keys would cross the network readable.",
            f"Use https://{host}/..., or remove it so that AWS's own endpoint is used.",
        )
    return url.rstrip("/")


def choose_endpoint(
    partition: str, *, configured: str | None = None, acs_url: str | None = None
) -> str:
    """Where ``getSigninToken`` may send the keys, from the first that applies:

    1. ``configured`` (the profile's ``azlogin_federation_url``), checked: https, or http
       to a loopback host;
    2. ``/federation`` beside the ACS URL, when that is on a loopback host (the sandbox)
       or an AWS sign-in host over https;
    3. AWS's endpoint of ``partition``.

    Any other ACS host (a corporate front end, an http URL) is not trusted with the keys:
    AWS's own endpoint is used instead, as if no ACS URL were set.
    """
    if configured:
        endpoint = checked_endpoint(configured, CONFIG_KEY)
        log.debug("console: federation endpoint %s (from %s)", endpoint, CONFIG_KEY)
        return endpoint
    if acs_url:
        parts = urlsplit(acs_url)
        host = parts.hostname or ""
        trusted = is_loopback(host) or (parts.scheme == "https" and is_aws_signin_host(host))
        if trusted and parts.scheme in ("http", "https"):
            endpoint = f"{parts.scheme}://{parts.netloc}/federation"
            log.debug("console: federation endpoint %s (beside azlogin_acs_url)", endpoint)
            return endpoint
        log.debug("console: azlogin_acs_url's host %s is not trusted with the keys", host)
    endpoint = default_endpoint(partition)
    log.debug("console: federation endpoint %s (AWS, partition %s)", endpoint, partition)
    return endpoint


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
    :func:`choose_endpoint`; AWS's for ``partition`` when None).

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
    # Imported here: http.client and ssl cost more than the commands that never sign in.
    import http.client
    import ssl
    import urllib.error
    import urllib.request

    endpoint = checked_endpoint(endpoint or default_endpoint(partition))
    query = {"Action": "getSigninToken"}
    if session_duration is not None:
        query["SessionDuration"] = str(session_duration)
    query["Session"] = build_session_json(creds)
    request = urllib.request.Request(  # noqa: S310 (scheme checked by checked_endpoint)
        f"{endpoint}?{urlencode(query)}",
        headers={"Accept": "application/json", "User-Agent": "azlogin"},
    )
    log.debug("console: getSigninToken at %s (SessionDuration %s)", endpoint, session_duration)
    # Error messages name the endpoint only: the full URL carries the credentials.
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
