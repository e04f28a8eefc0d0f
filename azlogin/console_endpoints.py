"""Where a console sign-in may send the keys: AWS's sign-in hosts per partition, a loopback
host (the sandbox), or an endpoint the user configured (``azlogin_federation_url``).

The keys travel in the query string of ``getSigninToken``, so :func:`choose_endpoint`
decides who may see them, and :func:`checked_endpoint` refuses plain http except to
loopback, before any connection. Pure: no network, no I/O.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from .errors import ConfigError

log = logging.getLogger(__name__)

# (sign-in host, console host) per partition.
HOSTS: Mapping[str, tuple[str, str]] = {
    "aws": ("signin.aws.amazon.com", "console.aws.amazon.com"),
    "aws-us-gov": ("signin.amazonaws-us-gov.com", "console.amazonaws-us-gov.com"),
    "aws-cn": ("signin.amazonaws.cn", "console.amazonaws.cn"),
}
# AWS also answers at regional sign-in hosts: eu-west-1.signin.aws.amazon.com.
_REGION_LABEL = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]+")
CONFIG_KEY = "azlogin_federation_url"


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
