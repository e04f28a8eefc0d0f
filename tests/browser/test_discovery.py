"""Browser discovery and launch options: pure, every platform checked from here."""

from __future__ import annotations

from collections.abc import Set
from pathlib import Path

import pytest

from azlogin.browser.discovery import (
    BrowserChoice,
    find_browser,
    launch_options,
)
from azlogin.browser.environment import browser_env, display_available, proxy_from_env
from azlogin.errors import BrowserError


def find(env: dict[str, str] | None = None, *, paths: Set[str] = frozenset(),
         on_path: dict[str, str] | None = None, platform: str = "linux",
         configured: str | None = None, bundled: str | None = None) -> BrowserChoice:  # fmt: skip
    """Discovery against a pretend file system (``paths``) and PATH (``on_path``)."""
    return find_browser(
        env or {}, (on_path or {}).get, paths.__contains__, platform,
        configured=configured, bundled=bundled,
    )  # fmt: skip


def test_env_beats_profile_and_everything_else() -> None:
    choice = find(
        {"AZLOGIN_BROWSER": "/opt/my/chrome"},
        paths={"/opt/my/chrome", "/bundled/chrome"},
        configured="msedge",
        bundled="/bundled/chrome",
    )
    assert choice == BrowserChoice("env AZLOGIN_BROWSER", executable_path="/opt/my/chrome")


def test_profile_browser_may_be_a_channel() -> None:
    assert find(configured="MSEdge") == BrowserChoice("profile browser", channel="msedge")
    assert find(configured="chrome-beta").channel == "chrome-beta"


def test_explicit_name_is_looked_up_on_path() -> None:
    choice = find({"AZLOGIN_BROWSER": "brave"}, on_path={"brave": "/usr/bin/brave"})
    assert choice.executable_path == "/usr/bin/brave"


def test_explicit_browser_that_does_not_exist_is_an_error_not_a_fallback() -> None:
    with pytest.raises(BrowserError, match="neither an executable nor a Playwright channel"):
        find({"AZLOGIN_BROWSER": "/nope/chrome"}, bundled="/b", paths={"/b"})


def test_bundled_chromium_when_downloaded() -> None:
    choice = find(paths={"/b/chrome", "/opt/google/chrome/chrome"}, bundled="/b/chrome")
    assert choice.executable_path == "/b/chrome"
    assert choice.source == "Playwright's Chromium"


def test_bundled_path_that_was_never_downloaded_is_skipped() -> None:
    choice = find(paths={"/opt/google/chrome/chrome"}, bundled="/b/chrome")
    assert choice.executable_path == "/opt/google/chrome/chrome"


@pytest.mark.parametrize(
    ("platform", "env", "path"),
    [
        ("linux", {}, "/opt/microsoft/msedge/msedge"),
        ("darwin", {}, "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
        (
            "win32",
            {"PROGRAMFILES(X86)": "C:\\Program Files (x86)"},
            "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe",
        ),
        (
            "win32",
            {"LOCALAPPDATA": "C:\\Users\\me\\AppData\\Local"},
            "C:\\Users\\me\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe",
        ),
    ],
)
def test_installed_chrome_or_edge(platform: str, env: dict[str, str], path: str) -> None:
    assert find(env, paths={path}, platform=platform).executable_path == path


def test_path_names_last() -> None:
    choice = find(on_path={"chromium": "/usr/bin/chromium", "google-chrome": "/usr/bin/gc"})
    assert choice == BrowserChoice("chromium on PATH", executable_path="/usr/bin/chromium")
    assert find(on_path={"chromium-browser": "/snap/bin/x"}).executable_path == "/snap/bin/x"


def test_nothing_found_says_how_to_get_a_browser() -> None:
    with pytest.raises(BrowserError) as caught:
        find()
    assert "python -m playwright install chromium" in caught.value.hint
    assert "apt install chromium" in caught.value.hint


def test_proxy_from_env_with_credentials_and_bypass() -> None:
    proxy = proxy_from_env(
        {"https_proxy": "http://me:p%40ss@proxy.corp:3128", "NO_PROXY": "localhost, .corp ,"}
    )
    assert proxy == {
        "server": "http://proxy.corp:3128",
        "username": "me",
        "password": "p@ss",
        "bypass": "localhost,.corp",
    }
    assert proxy_from_env({"HTTPS_PROXY": "proxy:8080"}) == {"server": "http://proxy:8080"}
    assert proxy_from_env({"HTTP_PROXY": "http://ignored:1"}) is None


def test_launch_options() -> None:
    choice = BrowserChoice("x", channel="chrome")
    options = launch_options(choice, headless=True, env={}, no_sandbox=False)
    assert options["headless"] is True
    assert options["channel"] == "chrome"
    assert options["chromium_sandbox"] is True  # Playwright would otherwise add --no-sandbox
    for flag in ("--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"):  # fmt: skip
        assert flag in options["args"]
    assert "proxy" not in options
    assert options["env"]["PATH"]  # the browser keeps this process's environment
    rooted = launch_options(
        choice, headless=False, env={"HTTPS_PROXY": "http://p:1"}, no_sandbox=True
    )
    assert rooted["chromium_sandbox"] is False
    assert rooted["proxy"]["server"] == "http://p:1"


def test_the_captured_hosts_are_never_looked_up_nor_sent_to_the_proxy() -> None:
    """AWS's sign-in hosts, plain and behind Defender for Cloud Apps, fail in Chromium's
    resolver (its preconnect at a navigation's start) and skip the proxy to get there;
    NO_PROXY is kept, and no other host is touched."""
    choice = BrowserChoice("x", channel="chrome")
    env = {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "corp.example"}
    options = launch_options(choice, headless=True, env=env, no_sandbox=False)
    (rules,) = [a for a in options["args"] if a.startswith("--host-resolver-rules=")]
    words = [rule.split(" ") for rule in rules.removeprefix("--host-resolver-rules=").split(", ")]
    assert {(verb, to) for verb, _, to in words} == {("MAP", "~NOTFOUND")}
    mapped = {host for _, host, _ in words}
    for host in (
        "signin.aws.amazon.com",
        "signin.aws.amazon.com.mcas.ms",
        "signin.amazonaws-us-gov.com.mcas-gov.us",
        "signin.amazonaws.cn.mcas-gov.ms",
    ):
        assert {host, "*." + host} <= mapped
    assert len(mapped) == 3 * 4 * 2  # three partitions, each plain or behind one of three proxies
    bypass = options["proxy"]["bypass"].split(",")
    assert bypass[:2] == ["corp.example", "*.corp.example"]
    assert set(bypass[2:]) == mapped
    alone = launch_options(choice, headless=True, env={"HTTPS_PROXY": "p:1"}, no_sandbox=False)
    assert set(alone["proxy"]["bypass"].split(",")) == mapped


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        ({}, "linux", False),
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({}, "darwin", True),
        ({}, "win32", True),
    ],
)
def test_display_available(env: dict[str, str], platform: str, expected: bool) -> None:
    assert display_available(env, platform) is expected


def test_browser_env_takes_the_display_from_the_configured_env() -> None:
    merged = browser_env({"DISPLAY": ":99", "AZURE_DEFAULT_PASSWORD": "x"}, {"PATH": "/bin"})
    assert merged == {"PATH": "/bin", "DISPLAY": ":99"}  # and never the secrets


def test_browser_env_has_no_aws_keys_and_no_proxy_password() -> None:
    merged = browser_env(
        {},
        {
            "PATH": "/bin",
            "aws_secret_access_key": "s",
            "AWS_SESSION_TOKEN": "t",
            "AWS_SECURITY_TOKEN": "t2",
            "AWS_ACCESS_KEY_ID": "AKIA",
            "AWS_REGION": "eu-west-1",
            "Azure_Default_Password": "pw",
            "HTTPS_PROXY": "http://me:p@ss/word@proxy.corp:3128",
            "all_proxy": "socks5://u:pw@socks.corp:1080",
            "http_proxy": "proxy.corp:3128",
            "NO_PROXY": "localhost",
        },
    )
    assert merged == {
        "PATH": "/bin",
        "AWS_REGION": "eu-west-1",
        "HTTPS_PROXY": "http://proxy.corp:3128",
        "all_proxy": "socks5://socks.corp:1080",
        "http_proxy": "proxy.corp:3128",
        "NO_PROXY": "localhost",
    }


def test_browser_env_with_its_own_home(tmp_path: Path) -> None:
    base = {"HOME": "/home/u", "XDG_CONFIG_HOME": "/home/u/.config", "PATH": "/bin"}
    merged = browser_env({"DISPLAY": ":1"}, base, home=tmp_path)
    assert merged == {
        "HOME": str(tmp_path),
        "PATH": "/bin",
        "DISPLAY": ":1",
        "XAUTHORITY": "/home/u/.Xauthority",  # a visible window still finds the X cookie
    }
