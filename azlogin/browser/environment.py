"""Pure: what the browser gets from azlogin's environment (its proxy, its process
environment) and what it must never see (AWS keys, azlogin's secret inputs, proxy passwords).
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import ConfigError
from ..redact import SECRET_VARIABLES

DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "XDG_RUNTIME_DIR")
# What Chromium never needs: AWS keys (a renderer handles hostile web content and can see
# its environment), and azlogin's own secret inputs (SECRET_VARIABLES).
AWS_SECRET_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
)
# Where programs keep per-user files; under ``home`` they must follow it out of the real one.
XDG_HOMES = ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")
DEFAULT_PAGE_TIMEOUT = 30.0  # seconds a page may take to move on before it counts as stuck


def display_available(env: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether a visible window can be shown: always on macOS/Windows, else X11/Wayland."""
    if platform == "darwin" or platform.startswith("win"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def page_timeout(env: Mapping[str, str]) -> float:
    """AZLOGIN_PAGE_TIMEOUT: how long one page (or one HTTP answer) may take."""
    return _seconds(env, "AZLOGIN_PAGE_TIMEOUT", DEFAULT_PAGE_TIMEOUT)


def proxy_from_env(env: Mapping[str, str]) -> dict[str, str] | None:
    """Playwright proxy settings from HTTPS_PROXY / NO_PROXY (either case)."""
    url = env.get("HTTPS_PROXY") or env.get("https_proxy")
    if not url:
        return None
    parts = urlsplit(url if "://" in url else f"http://{url}")
    try:
        port = parts.port
    except ValueError:  # "proxy:abc", "proxy:99999"
        port = -1
    if not parts.hostname or port == -1:
        # Never echo the URL: it may carry the proxy's password.
        raise ConfigError(
            "HTTPS_PROXY is not a proxy URL (host or port missing or invalid).",
            "Set it like http://proxy.example.com:3128, or unset it.",
        )
    server = f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port else "")
    proxy = {"server": server}
    if parts.username:
        proxy["username"] = unquote(parts.username)
        proxy["password"] = unquote(parts.password or "")
    bypass = env.get("NO_PROXY") or env.get("no_proxy")
    if bypass:
        proxy["bypass"] = ",".join(_bypass_rules(bypass))
    return proxy


def _bypass_rules(no_proxy: str) -> list[str]:
    """NO_PROXY as Chromium bypass rules. For curl and botocore "corp.example" covers its
    subdomains too; for Chromium only that host, so the subdomain rule is added."""
    rules = []
    for entry in (e.strip() for e in no_proxy.split(",")):
        if not entry:
            continue
        rules.append(entry)
        host = entry.rsplit(":", 1)[0] if entry.count(":") == 1 else entry
        if "." in host and not entry.startswith((".", "*")) and any(c.isalpha() for c in host):
            rules.append("*." + entry)
    return rules


def is_secret_input(name: str) -> bool:
    """AZURE_DEFAULT_PASSWORD, AZLOGIN_MFA_CODE, AZLOGIN_TOTP_SECRET, in any case."""
    return name.upper() in SECRET_VARIABLES


def browser_env(
    env: Mapping[str, str], base: Mapping[str, str] | None = None, *, home: Path | None = None
) -> dict[str, str]:
    """The browser's environment: this process's without secrets (AWS keys, azlogin's secret
    inputs, proxy passwords), with the display taken from ``env`` (the one azlogin was
    configured with), so a visible window opens where azlogin was told; ``home`` replaces
    HOME (see :func:`~azlogin.browser.session.browser_home`)."""
    merged: dict[str, str] = {}
    for name, value in (os.environ if base is None else base).items():
        upper = name.upper()
        if is_secret_input(name) or upper in AWS_SECRET_VARIABLES:
            continue
        # The proxy reaches Chromium through Playwright's ``proxy`` option; these would only
        # show the password to every process the browser starts.
        merged[name] = without_userinfo(value) if upper.endswith("_PROXY") else value
    for name in DISPLAY_VARIABLES:
        if name in env:
            merged[name] = env[name]
    if home is not None:
        real = merged.get("HOME")
        if real and "XAUTHORITY" not in merged:  # X finds its cookie in the real home
            merged["XAUTHORITY"] = str(Path(real) / ".Xauthority")
        for name in XDG_HOMES:
            merged.pop(name, None)
        merged["HOME"] = str(home)
    return merged


def without_userinfo(url: str) -> str:
    """A proxy URL without ``user:password@`` (a password may itself hold ``@`` or ``/``)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    if "@" not in rest:
        return url
    return f"{scheme}{sep}{rest.rsplit('@', 1)[1]}"


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):  # nan and inf never time out; 0 means "none"
        raise ConfigError(
            f"{name}={text!r} is not a number of seconds.", f"Unset {name}, or use e.g. 30."
        )
    return value
