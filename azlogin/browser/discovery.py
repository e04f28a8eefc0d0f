"""Pure: which browser to start and with what options, for every platform.

Nothing here touches Playwright or the browser, so the search order of every platform is
unit-tested on any one; :mod:`.launch` does the starting.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Any

from ..errors import BrowserError
from .capture import captured_hosts
from .environment import browser_env, proxy_from_env

# Playwright channels: the installed Chrome/Edge builds it knows how to find itself.
CHANNELS = frozenset(
    f"{brand}{suffix}"
    for brand in ("chrome", "msedge")
    for suffix in ("", "-beta", "-dev", "-canary")
) | {"chromium"}

# Our users' machines refuse background connections, and first-run UI would block a headless run.
BASE_ARGS = (
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
)

PATH_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "microsoft-edge",
)

INSTALL_HINT = (
    "Install one: `python -m playwright install chromium`, or your OS package "
    "(e.g. `sudo apt install chromium`), or Google Chrome / Microsoft Edge; "
    "or point AZLOGIN_BROWSER at a Chromium-based browser (a path, or `chrome` / `msedge`)."
)


@dataclass(frozen=True)
class BrowserChoice:
    """Which browser to start: an executable or a Playwright channel, and why it was chosen."""

    source: str
    executable_path: str | None = None
    channel: str | None = None

    def __str__(self) -> str:
        return f"{self.executable_path or self.channel} ({self.source})"


def installed_browsers(platform: str, env: Mapping[str, str]) -> list[str]:
    """The usual install locations of Google Chrome and Microsoft Edge on ``platform``."""
    if platform == "darwin":
        return [
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
            "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
        ]
    if platform.startswith("win"):
        roots = [env.get(k) for k in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")]
        return [
            str(PureWindowsPath(root, *rel))
            for rel in (
                ("Google", "Chrome", "Application", "chrome.exe"),
                ("Microsoft", "Edge", "Application", "msedge.exe"),
            )
            for root in roots
            if root
        ]
    return ["/opt/google/chrome/chrome", "/opt/microsoft/msedge/msedge"]


def find_browser(
    env: Mapping[str, str],
    which: Callable[[str], str | None],
    exists: Callable[[str], bool],
    platform: str,
    *,
    configured: str | None = None,
    bundled: str | None = None,
) -> BrowserChoice:
    """Pick the browser: AZLOGIN_BROWSER, the profile's ``browser``, Playwright's Chromium
    (``bundled``, when downloaded), installed Chrome/Edge, then a browser on PATH."""
    for source, wanted in (
        ("env AZLOGIN_BROWSER", env.get("AZLOGIN_BROWSER")),
        ("profile browser", configured),
    ):
        if wanted and wanted.strip():
            return _explicit(wanted.strip(), source, which, exists)
    if bundled and exists(bundled):
        return BrowserChoice("Playwright's Chromium", executable_path=bundled)
    for path in installed_browsers(platform, env):
        if exists(path):
            return BrowserChoice("installed browser", executable_path=path)
    for name in PATH_NAMES:
        found = which(name)
        if found:
            return BrowserChoice(f"{name} on PATH", executable_path=found)
    raise BrowserError("No Chromium-based browser was found.", INSTALL_HINT)


def _explicit(
    wanted: str, source: str, which: Callable[[str], str | None], exists: Callable[[str], bool]
) -> BrowserChoice:
    if wanted.lower() in CHANNELS:
        return BrowserChoice(source, channel=wanted.lower())
    if exists(wanted):
        return BrowserChoice(source, executable_path=wanted)
    found = which(wanted)
    if found:
        return BrowserChoice(source, executable_path=found)
    raise BrowserError(
        f"The browser {wanted!r} ({source}) is neither an executable nor a Playwright channel.",
        "Give the path of a Chromium-based browser, or one of: " + ", ".join(sorted(CHANNELS)),
    )


def in_container(exists: Callable[[str], bool] = os.path.exists) -> bool:
    if exists("/.dockerenv") or exists("/run/.containerenv"):
        return True
    try:
        cgroups = Path("/proc/1/cgroup").read_text()
    except OSError:
        return False
    return any(word in cgroups for word in ("docker", "kubepods", "containerd", "lxc"))


def needs_no_sandbox() -> bool:
    """Chromium's sandbox cannot start as root or (usually) inside a container."""
    return (hasattr(os, "geteuid") and os.geteuid() == 0) or in_container()


def launch_options(
    choice: BrowserChoice,
    *,
    headless: bool,
    env: Mapping[str, str],
    no_sandbox: bool,
    home: Path | None = None,
) -> dict[str, Any]:
    """Keyword arguments for Playwright's launch / launch_persistent_context."""
    # Chromium preconnects to a navigation's host as the navigation starts, before the
    # capture answers it: a DNS lookup and a TCP/TLS handshake, or a proxy CONNECT, to AWS or
    # the Defender for Cloud Apps proxy. The "preload pages" preference that stops it cannot
    # reach Playwright's in-memory contexts; these hosts mapped to nothing fail in Chromium's
    # resolver with no lookup, and bypassing the proxy for them brings them to the resolver.
    hosts = captured_hosts()
    options: dict[str, Any] = {
        "headless": headless,
        "args": [
            *BASE_ARGS,
            "--host-resolver-rules=" + ", ".join(f"MAP {host} ~NOTFOUND" for host in hosts),
        ],
        # Playwright adds --no-sandbox unless told otherwise; keep the sandbox where it works.
        "chromium_sandbox": not no_sandbox,
        "env": browser_env(env, home=home),
    }
    if choice.executable_path:
        options["executable_path"] = choice.executable_path
    if choice.channel:
        options["channel"] = choice.channel
    proxy = proxy_from_env(env)
    if proxy:
        proxy["bypass"] = ",".join([*filter(None, [proxy.get("bypass")]), *hosts])
        options["proxy"] = proxy
    return options


def context_options(*, verify_ssl: bool) -> dict[str, Any]:
    # English pages keep the saved diagnostics readable for us; detection never reads text.
    return {
        "locale": "en-US",
        "extra_http_headers": {"Accept-Language": "en"},
        "ignore_https_errors": not verify_ssl,
    }
