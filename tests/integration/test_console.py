"""Console sign-in links against the sandbox's STS and federation endpoint over real HTTP.

Credentials come from a real AssumeRoleWithSAML (and AssumeRole for the chained case)
through boto3; the sign-in token through azlogin's urllib request; the login URL is then
opened as a browser would open it, and the sandbox's console page names the role.
"""

from __future__ import annotations

import io
import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import html

from azlogin import chain, console, sts
from azlogin.__main__ import main
from azlogin.errors import AwsError
from azlogin.models import Credentials, Role
from azlogin.sandbox.assertion import SigningKey, generate_signing_key
from azlogin.sandbox.aws_wsgi import federation_wsgi_app, sts_wsgi_app
from azlogin.sandbox.scenario import Scenario, default_scenario
from azlogin.sandbox.sts import StsService

from ..sandbox.aws_support import ACS_URL, Clock, Swappable, saml_for, serving

DEV = "arn:aws:iam::111111111111:role/Developer"
PROVIDER = "arn:aws:iam::111111111111:saml-provider/AzureAD"
DEPLOYER = "arn:aws:iam::333333333333:role/Deployer"
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@dataclass
class World:
    scenario: Scenario
    clock: Clock
    base: str  # the sandbox's root URL; /federation and /sts below it
    key: SigningKey

    @property
    def federation(self) -> str:
        return f"{self.base}/federation"

    def developer(self) -> Credentials:
        saml = saml_for(self.key, self.scenario, "bob@sandbox.example", now=self.clock.now)
        grant = sts.assume_role_with_saml(saml_api(), Role(DEV, PROVIDER), saml, 3600)
        return grant.credentials

    def deployer(self) -> chain.ChainResult:
        hop = chain.Hop("deploy", DEPLOYER, "sandbox-external-id", "deploy", None, None, None)
        return chain.assume_chain(
            self.developer(), [hop], chain.signed_client, None, self.clock.now
        )


def saml_api() -> sts.StsApi:
    api: Any = sts.client("us-east-1")  # boto3's client has the calls, typed more narrowly
    return cast(sts.StsApi, api)


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return generate_signing_key()


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Swappable, Swappable]]:
    """One server for the module; each test mounts its own STS on it."""
    sts_app, federation_app = Swappable(), Swappable()
    with serving({"/sts": sts_app, "/federation": federation_app}) as base:
        yield base, sts_app, federation_app


@pytest.fixture
def world(
    key: SigningKey,
    server: tuple[str, Swappable, Swappable],
    monkeypatch: pytest.MonkeyPatch,
) -> World:
    scenario, clock = default_scenario(), Clock()
    service = StsService(scenario, key.certificate_pem, ACS_URL, clock)
    base, sts_app, federation_app = server
    sts_app.target = sts_wsgi_app(service)
    federation_app.target = federation_wsgi_app(service)
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", f"{base}/sts")
    return World(scenario, clock, base, key)


def open_console(url: str) -> html.HtmlElement:
    """Follow the login URL as a browser would (directly, no proxy)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as response:
        page: html.HtmlElement = html.fromstring(response.read())
    return page


def field(page: html.HtmlElement, name: str) -> str:
    return str(page.xpath(f"string(//*[@id='{name}'])"))


def test_signin_link_opens_the_console_as_the_role(world: World) -> None:
    creds = world.developer()
    url = console.signin_link(
        creds,
        partition="aws",
        chained=False,
        region="eu-west-1",
        session_duration=43200,
        endpoint=world.federation,
    )
    assert url.startswith(f"{world.base}/federation?Action=login&")
    for secret in (creds.secret_access_key, creds.session_token):
        assert secret not in url
    page = open_console(url)
    assert field(page, "console-role") == "Developer"
    assert field(page, "console-account") == "sandbox-dev (111111111111)"
    assert field(page, "console-destination") == (
        "https://console.aws.amazon.com/console/home?region=eu-west-1"
    )
    # SessionDuration reached AWS: the console outlives the one-hour credentials.
    ends = world.clock.now + timedelta(hours=12)
    assert field(page, "console-session-end") == f"{ends:%Y-%m-%dT%H:%M:%SZ}"


def test_service_destination_lands_there(world: World) -> None:
    destination = console.destination_for("s3", "us-east-1", "aws")
    url = console.signin_link(
        world.developer(),
        partition="aws",
        chained=False,
        destination=destination,
        endpoint=world.federation,
    )
    query = parse_qs(urlsplit(url).query)
    assert query["Destination"] == ["https://console.aws.amazon.com/s3/home?region=us-east-1"]
    assert field(open_console(url), "console-destination") == destination


def test_chained_credentials_sign_in_without_session_duration(world: World) -> None:
    result = world.deployer()
    assert result.chained
    url = console.signin_link(
        result.credentials,
        partition="aws",
        chained=result.chained,
        session_duration=43200,  # left out: AWS refuses it for chained credentials
        endpoint=world.federation,
    )
    page = open_console(url)
    assert field(page, "console-role") == "Deployer"
    assert field(page, "console-session") == "deploy"
    # Without SessionDuration the console lasts as long as the credentials.
    expires = result.credentials.expiration
    assert field(page, "console-session-end") == f"{expires:%Y-%m-%dT%H:%M:%SZ}"


def test_session_duration_with_chained_credentials_is_refused(world: World) -> None:
    """Why signin_link leaves it out: AWS (and the sandbox) refuse the request."""
    creds = world.deployer().credentials
    with pytest.raises(AwsError) as info:
        console.get_signin_token(creds, "aws", session_duration=3600, endpoint=world.federation)
    assert "HTTP 400" in info.value.message
    assert "role-chained" in info.value.message
    assert "role-chained" in info.value.hint
    for secret in (creds.secret_access_key, creds.session_token):
        assert secret not in info.value.message
        assert secret not in info.value.hint


def test_expired_credentials_are_an_aws_error_without_secrets(world: World) -> None:
    creds = world.developer()
    world.clock.advance(hours=2)
    with pytest.raises(AwsError, match="HTTP 400") as info:
        console.signin_link(creds, partition="aws", chained=False, endpoint=world.federation)
    assert "expired" in info.value.hint
    assert creds.session_token not in str(info.value)


def test_unreachable_endpoint_names_it_but_not_the_request(world: World) -> None:
    creds = world.developer()
    with pytest.raises(AwsError, match=re.escape("reach http://127.0.0.1:9/federation:")) as info:
        console.get_signin_token(creds, "aws", endpoint="http://127.0.0.1:9/federation")
    assert "HTTPS_PROXY" in info.value.hint
    assert creds.session_token not in info.value.message
    assert "Session" not in info.value.message


def test_a_loopback_endpoint_is_reached_around_the_proxy(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sandbox answers although nothing listens at the proxy: a proxy elsewhere would
    connect to its own loopback, and over plain http it would read the keys. (Other hosts
    go through the proxy: tests/unit/test_console_endpoints.py.)"""
    creds = world.developer()
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    assert console.get_signin_token(creds, "aws", endpoint=world.federation)


def test_the_console_command_signs_in_through_the_sandbox_beside_its_acs(
    world: World, tmp_path: Path
) -> None:
    """The CLI end to end: the profile's loopback azlogin_acs_url puts federation beside
    it; the printed link opens the console as the role."""
    creds = world.developer()
    (tmp_path / "config").write_text(
        "[profile sandbox]\nazure_tenant_id = 11111111-2222-3333-4444-555555555555\n"
        f"azure_app_id_uri = https://signin.aws.amazon.com/saml\nregion = eu-west-1\n"
        f"azlogin_acs_url = {world.base}/saml\n"
    )
    (tmp_path / "credentials").write_text(
        f"[sandbox]\naws_access_key_id = {creds.access_key_id}\n"
        f"aws_secret_access_key = {creds.secret_access_key}\n"
        f"aws_session_token = {creds.session_token}\n"
        f"aws_expiration = {creds.expiration:%Y-%m-%dT%H:%M:%SZ}\n"
    )
    env = {
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AZLOGIN_STATE_DIR": str(tmp_path / "state"),
    }
    out, err = io.StringIO(), io.StringIO()
    argv = ["console", "--profile", "sandbox", "--print", "--service", "s3", "--no-prompt"]
    assert main(argv, env, None, err, out) == 0, err.getvalue()
    link = out.getvalue().strip()
    assert link.startswith(f"{world.federation}?Action=login&")
    page = open_console(link)
    assert field(page, "console-role") == "Developer"
    assert field(page, "console-destination") == (
        "https://console.aws.amazon.com/s3/home?region=eu-west-1"
    )
    for secret in (creds.secret_access_key, creds.session_token):
        assert secret not in link + err.getvalue()
