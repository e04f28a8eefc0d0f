"""The Sandbox object without a browser: where it listens, its config snippet (as botocore
reads it), its control API, the simulated phone, and the page-delay fault."""

from __future__ import annotations

import configparser
import socket
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest
from werkzeug.routing import Map
from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from azlogin.sandbox import Sandbox, default_scenario
from azlogin.sandbox.assertion import generate_signing_key
from azlogin.sandbox.entra import Entra
from azlogin.sandbox.entra_state import EntraState
from azlogin.sandbox.phone import MANUAL_TIMEOUT_SECONDS, Phone
from azlogin.sandbox.scenario import User
from tests.sandbox.entra_support import saml2_url


def test_listens_on_loopback_only(sandbox: Sandbox) -> None:
    assert urlsplit(sandbox.base_url).hostname == "127.0.0.1"
    assert sandbox.authority_host == sandbox.base_url
    assert sandbox.acs_url == f"{sandbox.base_url}/saml"
    assert sandbox.sts_endpoint == f"{sandbox.base_url}/sts"
    with urllib.request.urlopen(sandbox.base_url + "/", timeout=10) as response:
        assert "azlogin sandbox" in response.read().decode()


def test_stop_frees_the_port() -> None:
    with Sandbox() as sandbox:
        port = sandbox.port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))


def test_config_snippet_is_what_botocore_reads(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file = tmp_path / "config"
    config_file.write_text(sandbox.config_snippet())
    parser = configparser.ConfigParser()
    parser.read(config_file)
    profile = parser["profile sandbox"]
    assert profile["azure_tenant_id"] == "11111111-2222-3333-4444-555555555555"
    assert profile["azure_app_id_uri"] == "https://signin.aws.amazon.com/saml#sandbox"
    assert profile["azure_default_username"] == "alice@sandbox.example"
    assert profile["azlogin_authority_host"] == sandbox.authority_host
    assert profile["azlogin_acs_url"] == sandbox.acs_url

    monkeypatch.setenv("AWS_CONFIG_FILE", str(config_file))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS"):
        monkeypatch.delenv(name, raising=False)
    client = boto3.Session(profile_name="sandbox").client("sts")
    assert client.meta.endpoint_url == sandbox.sts_endpoint
    assert client.meta.region_name == "us-east-1"


def test_users_text_lists_what_is_needed_to_sign_in(sandbox: Sandbox) -> None:
    text = sandbox.users_text()
    assert "alice@sandbox.example  password: Passw0rd!" in text
    assert "TOTP secret JBSWY3DPEHPK3PXP" in text
    assert "SMS code 246810" in text


def test_control_api_checks_its_arguments(sandbox: Sandbox) -> None:
    with pytest.raises(KeyError):
        sandbox.update_user("nobody@sandbox.example", locked=True)
    with pytest.raises(TypeError, match="lockd"):
        sandbox.update_user("bob@sandbox.example", lockd=True)
    with pytest.raises(TypeError):
        sandbox.update_faults(no_such_fault=1)
    with pytest.raises(RuntimeError):
        Sandbox().approve_push("bob@sandbox.example")


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def user(**fields: object) -> User:
    return User("u@x.example", "pw", **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("outcome", "status"), [("approve", "approved"), ("deny", "denied"), ("timeout", "timeout")]
)
def test_phone_answers_after_the_delay(outcome: str, status: str) -> None:
    clock = FakeTime()
    phone = Phone(clock)
    phone.send("flow", user(push=outcome, push_delay_seconds=2.0))
    assert phone.status("flow") == "pending" and phone.is_pending("U@x.example")
    clock.now += 2.0
    assert phone.status("flow") == status


def test_manual_phone_waits_for_an_answer_or_times_out() -> None:
    clock = FakeTime()
    phone = Phone(clock)
    phone.send("a", user(push="manual"))
    clock.now += MANUAL_TIMEOUT_SECONDS - 1
    assert phone.status("a") == "pending"
    phone.answer("u@x.example", "deny")
    assert phone.status("a") == "denied"
    phone.send("b", user(push="manual"))
    clock.now += MANUAL_TIMEOUT_SECONDS
    assert phone.status("b") == "timeout"


def test_an_answer_given_early_waits_for_the_push() -> None:
    phone = Phone(FakeTime())
    phone.answer("u@x.example", "approve")
    phone.send("flow", user(push="deny", push_delay_seconds=60))
    assert phone.status("flow") == "approved"


def test_page_delay_applies_to_pages_not_to_background_calls(sandbox: Sandbox) -> None:
    scenario = default_scenario()
    scenario.faults.page_delay_seconds = 0.25
    slept: list[float] = []
    key = generate_signing_key()
    state = EntraState(scenario, key, sandbox.acs_url, lambda: datetime.now(timezone.utc))
    entra = Entra(state, sleep=slept.append)  # recorded, not slept
    url_map = Map(entra.rules())

    @Request.application
    def app(request: Request) -> Response:
        endpoint, args = url_map.bind_to_environ(request.environ).match()
        return entra.dispatch(endpoint, request, args)

    client = Client(app)
    target = urlsplit(saml2_url(sandbox))
    assert client.get(f"{target.path}?{target.query}").status_code == 200
    assert slept == [0.25]
    client.post("/common/GetCredentialType", json={"username": "x", "flowToken": "y"})
    assert slept == [0.25]
