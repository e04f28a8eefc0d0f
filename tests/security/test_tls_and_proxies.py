"""TLS verification and proxies, end to end.

The sandbox is put behind a TLS terminator with a self-signed certificate: without
``--no-verify-ssl`` the browser (exit 4) and STS (exit 5) refuse it with a hint about
certificates; with the flag the login works and says it did not verify. A recording
forward proxy shows the browser's page loads and boto3's STS calls going through
HTTPS_PROXY/HTTP_PROXY, and around it with NO_PROXY.
"""

from __future__ import annotations

import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from azlogin.browser.capture import captured_hosts
from azlogin.browser.discovery import BrowserChoice, launch_options
from azlogin.browser.environment import proxy_from_env
from azlogin.errors import ConfigError, ExitStatus
from azlogin.sandbox import Sandbox
from azlogin.sandbox.scenario import DEFAULT_TENANT_ID
from tests.e2e.conftest import PASSWORD, Home

from .conftest import run
from .netfixtures import ForwardProxy, Proxied, TlsTerminator, tls_front

BOB = "bob@sandbox.example"
DEV = "arn:aws:iam::111111111111:role/Developer"


@pytest.fixture
def front(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsTerminator]:
    with tls_front(sandbox.port, tmp_path_factory.mktemp("tls")) as running:
        yield running


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    with ForwardProxy() as running:
        yield running


def profile(home: Home, *, sign_in: str | None = None, sts: str | None = None) -> str:
    """Bob's profile, with the sign-in authority and/or STS moved to another base URL."""
    name = home.profile(BOB, azure_default_role_arn=DEV)
    text = home.config.read_text()
    base = home.sandbox.base_url
    if sign_in:
        text = text.replace(
            f"azlogin_authority_host = {base}", f"azlogin_authority_host = {sign_in}"
        )
    if sts:
        text = text.replace(f"endpoint_url = {base}/sts", f"endpoint_url = {sts}/sts")
    home.config.write_text(text)
    return name


def subprocess_run(home: Home, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "azlogin", *argv],
        env={**home.env, "AZURE_DEFAULT_PASSWORD": PASSWORD, **env},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=180,
    )


def error_and_hint(err: str) -> tuple[str, str]:
    lines = err.splitlines()
    first = next(line for line in lines if line.startswith("azlogin: error: "))
    hint = lines[lines.index(first) + 1]
    assert hint.startswith("hint: "), err
    return first, hint


def loopback(proxy: ForwardProxy) -> list[Proxied]:
    """What the proxy was asked for on this machine. Chromium also asks for Google hosts
    (component updates, account checks) whatever its switches say; the proxy refuses them,
    and they are no traffic of azlogin's."""
    return [s for s in proxy.seen if s.authority.startswith("127.0.0.1:")]


# --- TLS ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signin", "says"), [("browser", "ERR_CERT"), ("auto", "certificate is not trusted")]
)
def test_the_sign_in_refuses_an_untrusted_certificate(
    home: Home, front: TlsTerminator, monkeypatch: pytest.MonkeyPatch, signin: str, says: str
) -> None:
    name = profile(home, sign_in=front.base_url, sts=front.base_url)
    result = run(
        monkeypatch, "--profile", name, AZURE_DEFAULT_PASSWORD=PASSWORD, AZLOGIN_SIGNIN=signin
    )
    assert result.code == ExitStatus.SIGN_IN, result.err
    error, hint = error_and_hint(result.err)
    assert says in error and front.base_url in error
    assert "certificate" in hint and "--no-verify-ssl" in hint
    assert "Traceback" not in result.err
    assert front.was_refused() and home.sandbox.sign_ins == 0
    assert not home.credentials.exists()


def test_sts_refuses_an_untrusted_certificate(
    home: Home, front: TlsTerminator, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = profile(home, sts=front.base_url)  # the sign-in itself stays on plain http
    result = run(monkeypatch, "--profile", name, AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert result.code == ExitStatus.AWS, result.err
    error, hint = error_and_hint(result.err)
    assert "AssumeRoleWithSAML" in error and "certificate" in error.lower()
    assert "certificate" in hint and "AWS_CA_BUNDLE" in hint and "--no-verify-ssl" in hint
    assert "Traceback" not in result.err
    assert front.was_refused() and home.sandbox.sign_ins == 1
    assert not home.credentials.exists()


def test_no_verify_ssl_signs_in_over_untrusted_tls_and_warns(
    home: Home, front: TlsTerminator
) -> None:
    name = profile(home, sign_in=front.base_url, sts=front.base_url)
    out = subprocess_run(home, "--profile", name, "--no-verify-ssl")
    assert out.returncode == 0, out.stderr
    assert "TLS certificates are not verified (--no-verify-ssl)" in out.stderr
    assert "Traceback" not in out.stderr
    assert "InsecureRequestWarning" not in out.stderr  # said once, by azlogin, in one line
    assert "Wrote profile 'sandbox'" in out.stderr
    assert front.accepted  # (Chromium's first handshakes still alert: no evidence here)
    # Both the pages and STS were reached only through the TLS front.
    log = home.sandbox.request_log
    assert ("POST", "/sts") in log and any(p.endswith("/saml2") for _, p in log)
    assert "aws_session_token" in home.credentials.read_text()


# --- proxies ------------------------------------------------------------------------------


def test_the_browser_and_sts_go_through_the_proxy(
    home: Home, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = profile(home)
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)  # the browser's proxy
    monkeypatch.setenv("HTTP_PROXY", proxy.url)  # boto3's, for the sandbox's http:// STS
    result = run(monkeypatch, "--profile", name, AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert result.code == 0, result.err
    ours = loopback(proxy)
    assert {s.authority for s in ours} == {f"127.0.0.1:{home.sandbox.port}"}
    browser = [s for s in ours if "Chrome" in s.user_agent]
    boto = [s for s in ours if "Chrome" not in s.user_agent]
    assert any(s.path == f"/{DEFAULT_TENANT_ID}/saml2" for s in browser), ours
    assert [(s.method, s.path) for s in boto] == [("POST", "/sts")], ours


def test_no_proxy_sends_both_around_the_proxy(
    home: Home, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = profile(home)
    for variable in ("HTTPS_PROXY", "HTTP_PROXY"):
        monkeypatch.setenv(variable, proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    result = run(monkeypatch, "--profile", name, AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert result.code == 0, result.err
    assert loopback(proxy) == []
    assert ("POST", "/sts") in home.sandbox.request_log


def test_connect_through_the_proxy_to_tls(
    home: Home, proxy: ForwardProxy, front: TlsTerminator
) -> None:
    name = profile(home, sign_in=front.base_url, sts=front.base_url)
    out = subprocess_run(home, "--profile", name, "--no-verify-ssl", HTTPS_PROXY=proxy.url)
    assert out.returncode == 0, out.stderr
    ours = loopback(proxy)
    connects = [s for s in ours if s.method == "CONNECT"]
    assert connects and {s.authority for s in ours} == {f"127.0.0.1:{front.port}"}
    assert [s for s in ours if s.method != "CONNECT"] == []
    assert any("Chrome" in s.user_agent for s in connects)  # the browser tunnelled…
    assert any("Chrome" not in s.user_agent for s in connects)  # …and so did boto3


def test_a_malformed_proxy_url_is_a_config_error_that_hides_the_password(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = profile(home)
    monkeypatch.setenv("HTTPS_PROXY", "http://me:Proxy-Secret-42@proxy.corp:31a8")
    result = run(monkeypatch, "--profile", name, AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert result.code == ExitStatus.CONFIG, result.err
    error, _ = error_and_hint(result.err)
    assert "HTTPS_PROXY" in error and "Proxy-Secret-42" not in result.err
    assert "Traceback" not in result.err


def test_proxy_settings_for_the_browser() -> None:
    proxy = proxy_from_env(
        {
            "https_proxy": "http://127.0.0.1:3128",
            "no_proxy": "corp.example, .other.example,10.0.0.0/8,127.0.0.1,sts.corp.example:443,*",
        }
    )
    assert proxy is not None and proxy["server"] == "http://127.0.0.1:3128"
    rules = proxy["bypass"].split(",")
    # curl and botocore treat "corp.example" as the domain and its subdomains; Chromium
    # needs that said; dotted, IP, CIDR and wildcard entries pass through as they are.
    assert rules == [
        "corp.example",
        "*.corp.example",
        ".other.example",
        "10.0.0.0/8",
        "127.0.0.1",
        "sts.corp.example:443",
        "*.sts.corp.example:443",
        "*",
    ]
    options = launch_options(
        BrowserChoice("test", channel="chrome"),
        headless=True,
        env={"HTTPS_PROXY": "http://u:p%40ss@127.0.0.1:3128"},
        no_sandbox=False,
    )
    assert options["proxy"] == {
        "server": "http://127.0.0.1:3128",
        "username": "u",
        "password": "p@ss",
        # AWS's sign-in hosts never reach the proxy: Chromium's resolver refuses them.
        "bypass": ",".join(captured_hosts()),
    }
    for bad in ("http://proxy:abc", "http://proxy:99999", "http://", "http://u:pw@:80"):
        with pytest.raises(ConfigError, match="HTTPS_PROXY") as caught:
            proxy_from_env({"HTTPS_PROXY": bad})
        assert "pw" not in caught.value.message


def test_the_browser_gets_no_secret_in_its_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AZURE_DEFAULT_PASSWORD", "azlogin_totp_secret", "AZLOGIN_MFA_CODE"):
        monkeypatch.setenv(name, "canary-value")
    options = launch_options(
        BrowserChoice("test", channel="chrome"),
        headless=True,
        env={},
        no_sandbox=False,
    )
    assert "canary-value" not in options["env"].values()
    assert options["env"]["PATH"]


def test_tls_fixture_serves_https(front: TlsTerminator) -> None:
    """Guards the fixture: a client that trusts only the default store is refused."""
    with pytest.raises(urllib.error.URLError) as caught:
        urllib.request.urlopen(front.base_url + "/", timeout=10)
    assert isinstance(caught.value.reason, ssl.SSLCertVerificationError)
