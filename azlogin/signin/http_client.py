"""The HTTP client of the sign-in: httpx with a browser's cookie rules, the User-Agent of
the browser azlogin would start, the proxy and CA settings of the environment.

Only the authority host is talked to, so the proxy is decided once for it (HTTPS_PROXY /
HTTP_PROXY / ALL_PROXY, NO_PROXY), from the environment azlogin was given rather than
from ``os.environ`` behind its back.
"""

from __future__ import annotations

import email.message
import http.cookiejar
import ipaddress
import os
import ssl
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from ..errors import ConfigError

if TYPE_CHECKING:
    import httpx

CONNECT_SECONDS = 10.0


class BrowserCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """Browsers treat loopback as a secure context and send ``Secure`` cookies to it over
    http; Python's jar does not. Everywhere else its rules are the standard ones."""

    def return_ok_secure(
        self, cookie: http.cookiejar.Cookie, request: urllib.request.Request
    ) -> bool:
        if cookie.secure and _loopback(request.host):
            return True
        return bool(super().return_ok_secure(cookie, request))


def _loopback(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    name = name.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def new_jar() -> http.cookiejar.CookieJar:
    return http.cookiejar.CookieJar(policy=BrowserCookiePolicy())


class _CookieRequest(urllib.request.Request):
    """An httpx request as the cookie jar reads it; the Cookie header lands on it."""

    def __init__(self, request: httpx.Request) -> None:
        super().__init__(str(request.url), headers=dict(request.headers), method=request.method)
        self.request = request

    def add_unredirected_header(self, key: str, header: str) -> None:
        super().add_unredirected_header(key, header)
        self.request.headers[key] = header


class _CookieResponse:
    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    def info(self) -> email.message.Message:
        info = email.message.Message()
        for key, value in self.response.headers.multi_items():
            info[key] = value
        return info


def _jar_transport(inner: _Transport, jar: http.cookiejar.CookieJar) -> httpx.BaseTransport:
    """Cookies kept in ``jar`` by its own policy, for every request and redirect. (httpx
    copies a client's jar into a default one per request, which would lose the policy.)"""
    import httpx

    class JarTransport(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            request.headers.pop("Cookie", None)
            compat = _CookieRequest(request)
            jar.add_cookie_header(compat)
            response = inner.handle_request(request)
            jar.extract_cookies(_CookieResponse(response), compat)  # type: ignore[arg-type]
            return response

        def close(self) -> None:
            inner.close()

    return JarTransport()


class _Transport(Protocol):
    def handle_request(self, request: httpx.Request) -> httpx.Response: ...

    def close(self) -> None: ...


class _ProxyPerHost(_Transport, Protocol):
    def for_url(self, url: str) -> httpx.BaseTransport: ...


def _proxy_per_host(
    env: Mapping[str, str], user_agent: str, verify: ssl.SSLContext | bool
) -> _ProxyPerHost:
    """Each request through the proxy ``proxy_for`` picks for its own URL, as a browser
    does: a company's AD FS host may be in NO_PROXY where Entra's is not."""
    import httpx

    class ProxyPerHost(httpx.BaseTransport):
        def __init__(self) -> None:
            self.made: dict[str | None, httpx.HTTPTransport] = {}

        def for_url(self, url: str) -> httpx.HTTPTransport:
            chosen = proxy_for(url, env)
            if chosen not in self.made:
                # A browser names itself on CONNECT too; proxies filtering by client see one.
                proxy = httpx.Proxy(chosen, headers={"User-Agent": user_agent}) if chosen else None
                self.made[chosen] = httpx.HTTPTransport(proxy=proxy, verify=verify, trust_env=False)
            return self.made[chosen]

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            try:
                transport = self.for_url(str(request.url))
            except (ValueError, httpx.InvalidURL):  # never echo it: it may hold a password
                raise _bad_proxy() from None
            return transport.handle_request(request)

        def close(self) -> None:
            for transport in self.made.values():
                transport.close()

    return ProxyPerHost()


def proxy_for(url: str, env: Mapping[str, str]) -> str | None:
    """The proxy URL for ``url`` as curl and botocore decide it, or None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    names = ("HTTPS_PROXY", "ALL_PROXY") if parts.scheme == "https" else ("HTTP_PROXY", "ALL_PROXY")
    proxy = next((v for n in names for v in (env.get(n), env.get(n.lower())) if v), None)
    if not proxy:
        return None
    no_proxy = env.get("NO_PROXY") or env.get("no_proxy") or ""
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        entry = entry.lstrip("*").lstrip(".") if entry != "*" else entry
        if entry == "*" or (entry and (host == entry or host.endswith("." + entry))):
            return None
    return proxy if "://" in proxy else f"http://{proxy}"


def tls(env: Mapping[str, str], verify: bool) -> ssl.SSLContext | bool:
    """The system's trust store, or the CA bundle the environment names (as requests and
    the AWS CLI read it); no verification at all only with --no-verify-ssl."""
    if not verify:
        return False
    bundle = env.get("REQUESTS_CA_BUNDLE") or env.get("SSL_CERT_FILE") or env.get("CURL_CA_BUNDLE")
    directory = env.get("SSL_CERT_DIR")
    try:
        return ssl.create_default_context(cafile=bundle or None, capath=directory or None)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(
            f"The CA bundle {bundle or directory} cannot be used ({type(exc).__name__}).",
            "Point REQUESTS_CA_BUNDLE / SSL_CERT_FILE at a PEM file of certificates, or unset it.",
        ) from None


def client(
    *,
    env: Mapping[str, str],
    base_url: str,
    user_agent: str,
    verify: bool,
    read_seconds: float,
    jar: http.cookiejar.CookieJar,
) -> httpx.Client:
    import httpx

    try:
        transport = _proxy_per_host(env, user_agent, tls(env, verify))
        transport.for_url(base_url)  # an unusable proxy URL fails here, before any request
        return httpx.Client(
            headers={"User-Agent": user_agent, "Accept-Language": "en"},
            transport=_jar_transport(transport, jar),
            trust_env=False,
            follow_redirects=True,
            timeout=httpx.Timeout(read_seconds, connect=min(CONNECT_SECONDS, read_seconds)),
        )
    except (ValueError, httpx.InvalidURL):  # an unusable proxy URL; never echo it
        raise _bad_proxy() from None


def _bad_proxy() -> ConfigError:
    return ConfigError(
        "HTTPS_PROXY is not a proxy URL httpx can use.",
        "Set it like http://proxy.example.com:3128, or unset it.",
    )


DEFAULT_CHROME = "131.0.0.0"


def user_agent(version: str | None = None, platform: str | None = None) -> str:
    """Chrome's (reduced) User-Agent for ``platform``: the major version, then .0.0.0."""
    import sys

    platform = platform or sys.platform
    major = (version or DEFAULT_CHROME).split(".")[0]
    if platform == "darwin":
        system = "Macintosh; Intel Mac OS X 10_15_7"
    elif platform.startswith("win"):
        system = "Windows NT 10.0; Win64; x64"
    else:
        system = "X11; Linux x86_64"
    return (
        f"Mozilla/5.0 ({system}) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{major}.0.0.0 Safari/537.36"
    )


def version_of(executable: str) -> str | None:
    """``chromium --version`` → "120.0.6099.224" (None when it cannot say)."""
    import re
    import subprocess

    try:
        out = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=5,
            env={"PATH": os.environ.get("PATH", "")}, check=False,
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+\.\d+\.\d+\.\d+)", out)
    return match.group(1) if match else None
