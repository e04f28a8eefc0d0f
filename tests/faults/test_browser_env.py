"""What the processes azlogin starts can see: Playwright's driver gets no azlogin secret
input, Chromium (which runs hostile web content) gets neither those nor AWS keys nor the
proxy's password. Read from /proc of the real processes in the middle of a sign-in."""

from __future__ import annotations

from pathlib import Path

import pytest

from azlogin.sandbox import Sandbox

from ..e2e.conftest import PASSWORD, Home
from .support import Azlogin, chromium_descendants, cmdline, main_browser


@pytest.fixture(autouse=True)
def browser_only(home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    """These faults are the browser's own (its processes, its driver): the browser signs in
    from the first page here. The HTTP path's faults are in test_hung_signin/test_interrupts."""
    monkeypatch.setenv("AZLOGIN_SIGNIN", "browser")
    home.env["AZLOGIN_SIGNIN"] = "browser"


CAROL_DEV = "arn:aws:iam::111111111111:role/Developer"
PROXY_PASSWORD = "proxy-canary-7f3a"
# Every case azlogin's secret inputs may come in; azlogin itself reads upper and lower.
SECRET_INPUTS = {
    "AZURE_DEFAULT_PASSWORD": PASSWORD,
    "azlogin_mfa_code": "424242",
    "Azlogin_Totp_Secret": "TOTPCANARYSECRETQ",
}
AWS_SECRETS = {
    "AWS_SECRET_ACCESS_KEY": "aws-secret-canary-1b9c",
    "AWS_SESSION_TOKEN": "aws-session-canary-5d2e",
    "AWS_SECURITY_TOKEN": "aws-security-canary-8a41",
}
# Port 9 (discard) is closed: were the bypass ignored, the sign-in would fail, not pass.
PROXY = {
    "HTTPS_PROXY": f"http://proxyuser:{PROXY_PASSWORD}@127.0.0.1:9",
    "http_proxy": f"http://proxyuser:{PROXY_PASSWORD}@127.0.0.1:9",
    "NO_PROXY": "127.0.0.1,localhost",
}
VISIBLE = {"AZLOGIN_TEST_CANARY": "ordinary-value"}  # proves the right processes were read


def environ(pid: int) -> dict[str, str]:
    raw = (Path("/proc") / str(pid) / "environ").read_bytes()
    pairs = (entry.decode(errors="replace").partition("=") for entry in raw.split(b"\0") if entry)
    return {name: value for name, _, value in pairs}


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def test_driver_and_chromium_see_no_secrets(home: Home, sandbox: Sandbox) -> None:
    sandbox.update_user("carol@sandbox.example", push="manual")  # holds the sign-in open
    profile = home.profile("carol@sandbox.example", azure_default_role_arn=CAROL_DEV)
    run = Azlogin(home, "--profile", profile, **SECRET_INPUTS, **AWS_SECRETS, **PROXY, **VISIBLE)
    try:
        run.wait_for("Enter 42")  # signed in with the password; the browser is up
        drivers = [p for p in children(run.pid) if "run-driver" in cmdline(p)]
        chromium = chromium_descendants(run.pid)
        driver_envs = [environ(p) for p in drivers]
        chromium_envs = {p: environ(p) for p in chromium}
    finally:
        run.close()

    assert len(driver_envs) == 1, drivers
    secret_inputs = set(SECRET_INPUTS.values())
    driver = driver_envs[0]
    assert driver["AZLOGIN_TEST_CANARY"] == "ordinary-value"
    # Names only in the messages: a failure must not print the environment.
    assert [k for k, v in driver.items() if v in secret_inputs] == []
    assert [k for k in driver if k.upper() in {n.upper() for n in SECRET_INPUTS}] == []

    # Chromium's zygote and its children write their title over their environment block,
    # so the browser process itself shows what they all started with.
    browser = chromium_envs[main_browser(chromium_envs)]
    assert browser["AZLOGIN_TEST_CANARY"] == "ordinary-value"
    assert browser["HTTPS_PROXY"] == browser["http_proxy"] == "http://127.0.0.1:9"
    for pid, env in chromium_envs.items():
        leaked = [
            name
            for name, value in env.items()
            for secret in (*secret_inputs, *AWS_SECRETS.values(), PROXY_PASSWORD)
            if secret in f"{name}={value}"
        ]
        assert leaked == [], cmdline(pid)
