"""The User-Agent the HTTP path sends: that of the browser azlogin would start, so Entra's
policies see the same client on both paths. Found without starting it (``--version`` of
the executable), remembered in the state dir until the executable changes."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from ..errors import AzloginError
from ..safefile import atomic_write
from .http_client import user_agent, version_of

CACHE = "user-agent.json"


def for_browser(env: Mapping[str, str], configured: str | None, state_dir: Path) -> str:
    from ..browser.discovery import find_browser

    try:
        choice = find_browser(
            env, shutil.which, os.path.exists, sys.platform, configured=configured,
            bundled=_playwright_chromium(env),
        )  # fmt: skip
    except AzloginError:
        return user_agent()
    if choice.executable_path is None:  # a channel (chrome, msedge): no path to ask
        return user_agent()
    return user_agent(_version(choice.executable_path, state_dir))


def _version(executable: str, state_dir: Path) -> str | None:
    try:
        stamp = os.stat(executable).st_mtime_ns
    except OSError:
        return None
    cache = state_dir / CACHE
    try:
        known = json.loads(cache.read_text(encoding="utf-8"))
        if known.get("executable") == executable and known.get("stamp") == stamp:
            return str(known["version"])
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    version = version_of(executable)
    if version:
        entry = {"executable": executable, "stamp": stamp, "version": version}
        with contextlib.suppress(OSError):  # only a cache
            atomic_write(cache, json.dumps(entry) + "\n")
    return version


def _playwright_chromium(env: Mapping[str, str]) -> str | None:
    """Playwright's downloaded Chromium, found where Playwright keeps it (asking Playwright
    itself would start its driver, the cost the HTTP path exists to avoid)."""
    root = env.get("PLAYWRIGHT_BROWSERS_PATH") or str(Path.home() / ".cache" / "ms-playwright")
    if root == "0":
        return None
    found = sorted(Path(root).glob("chromium-*/chrome-linux/chrome"), reverse=True)
    return str(found[0]) if found else None
