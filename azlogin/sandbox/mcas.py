"""Defender for Cloud Apps session control, as the sandbox plays it (``Faults.mcas_suffix``).

The proxy rewrites the pages it passes on, so the hand-off form posts to AWS's ACS behind
it: ``https://signin.aws.amazon.com.mcas.ms/saml?cas_app_landing_mgc=…``. It cannot
rewrite the signed assertion, whose Destination stays the ACS the app is registered with,
so the sandbox's STS accepts it as before. The proxy's host resolves nowhere here: a
client that posted the assertion there would fail, so azlogin must capture it first.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

SUFFIXES = ("mcas.ms", "mcas-gov.us", "mcas-gov.ms")
AWS_ACS_HOSTS = ("signin.aws.amazon.com", "signin.amazonaws-us-gov.com", "signin.amazonaws.cn")


def check(suffix: str) -> None:
    if suffix and suffix not in SUFFIXES:
        raise ValueError(f"mcas_suffix {suffix!r} is not one of {', '.join(SUFFIXES)}")


def action(acs_url: str, suffix: str) -> str:
    """Where the hand-off form posts: ``acs_url``, or AWS's ACS behind the proxy."""
    if not suffix:
        return acs_url
    check(suffix)
    host = (urlsplit(acs_url).hostname or "").lower()
    # The sandbox's own ACS stands for AWS's commercial one, which the app is registered with.
    aws = any(host == h or host.endswith("." + h) for h in AWS_ACS_HOSTS)
    proxied = f"{host if aws else AWS_ACS_HOSTS[0]}.{suffix}"
    return f"https://{proxied}/saml?cas_app_landing_mgc={secrets.token_urlsafe(16)}"
