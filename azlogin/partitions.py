"""AWS partitions: which sign-in hosts belong to a region or a URL. Pure and import-light."""

from __future__ import annotations

from urllib.parse import urlsplit

_ACS_BY_PARTITION = {
    "aws": "https://signin.aws.amazon.com/saml",
    "aws-us-gov": "https://signin.amazonaws-us-gov.com/saml",
    "aws-cn": "https://signin.amazonaws.cn/saml",
}
_PARTITION_HOSTS = (("amazonaws-us-gov.com", "aws-us-gov"), ("amazonaws.cn", "aws-cn"))
# Defender for Cloud Apps session control appends one of these to the hosts it proxies
# (signin.aws.amazon.com.mcas.ms); the host it stands for is what is left.
MCAS_SUFFIXES = (".mcas.ms", ".mcas-gov.us", ".mcas-gov.ms")


def unproxied_host(host: str) -> str:
    """``host`` without a Defender for Cloud Apps suffix (lower case)."""
    host = host.lower().rstrip(".")
    return next((host[: -len(s)] for s in MCAS_SUFFIXES if host.endswith(s)), host)


def of_region(region: str | None) -> str:
    if region and region.startswith("us-gov-"):
        return "aws-us-gov"
    if region and region.startswith("cn-"):
        return "aws-cn"
    return "aws"


def of_url(url: str) -> str:
    host = unproxied_host(urlsplit(url).hostname or "")
    return next((p for suffix, p in _PARTITION_HOSTS if host.endswith(suffix)), "aws")


def default_acs_url(region: str | None) -> str:
    return _ACS_BY_PARTITION[of_region(region)]
