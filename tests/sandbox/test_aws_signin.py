"""AWS sign-in in the sandbox: the ACS role chooser (both flavours) and console federation."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from lxml import etree, html
from werkzeug.test import Client

from azlogin.sandbox.assertion import SigningKey, generate_signing_key
from azlogin.sandbox.aws_signin import INVALID_SAML, federation, role_chooser_page, saml_acs
from azlogin.sandbox.aws_wsgi import acs_wsgi_app, federation_wsgi_app, sts_wsgi_app
from azlogin.sandbox.scenario import PROVIDER, RoleSpec, Scenario, default_scenario
from azlogin.sandbox.sigv4 import HttpRequest
from azlogin.sandbox.sts import StsService

from .aws_support import ACS_URL, Clock, decode, encode, saml_for

DEV, PROD, LONE = "111111111111", "222222222222", "444444444444"
DEVELOPER = f"arn:aws:iam::{DEV}:role/Developer"
ADMIN = f"arn:aws:iam::{DEV}:role/team/platform/Admin"
READONLY = f"arn:aws:iam::{PROD}:role/ReadOnly"
AUDITOR = f"arn:aws:iam::{LONE}:role/Auditor"  # an account with no alias
DEPLOYER = "arn:aws:iam::333333333333:role/Deployer"
ALICE = "alice@sandbox.example"
BOB = "bob@sandbox.example"
CONSOLE = "https://console.aws.amazon.com/"
STS_NS = {"s": "https://sts.amazonaws.com/doc/2011-06-15/"}


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return generate_signing_key()


@pytest.fixture
def scenario() -> Scenario:
    scenario = default_scenario()
    scenario.roles.append(RoleSpec(AUDITOR, PROVIDER.format(account=LONE)))
    return scenario


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sts(scenario: Scenario, key: SigningKey, clock: Clock) -> StsService:
    return StsService(scenario, key.certificate_pem, ACS_URL, clock)


@pytest.fixture
def alice_saml(key: SigningKey, scenario: Scenario) -> str:
    roles = [r for r in scenario.roles if r.provider_arn]  # Developer, Admin, ReadOnly, Auditor
    return saml_for(key, scenario, ALICE, roles=roles)


def acs(form: dict[str, str], scenario: Scenario, key: SigningKey, clock: Clock) -> Any:
    return saml_acs(
        form, scenario, certificate_pem=key.certificate_pem, acs_url=ACS_URL, now=clock()
    )


# --- the role chooser ------------------------------------------------------------------


def test_legacy_chooser_lists_accounts_and_roles(scenario: Scenario, alice_saml: str) -> None:
    page = html.fromstring(role_chooser_page(scenario, alice_saml, "html", relay_state="rs"))
    accounts = page.xpath("//fieldset/div[@class='saml-account']")
    names = [a.xpath("string(.//div[@class='saml-account-name'])") for a in accounts]
    assert names == [
        "Account: sandbox-dev (111111111111)",
        "Account: sandbox-prod (222222222222)",
        f"Account: {LONE}",
    ]
    radios = accounts[0].xpath(".//input[@name='roleIndex']")
    assert [(r.get("value"), r.get("id")) for r in radios] == [
        (DEVELOPER, DEVELOPER),
        (ADMIN, ADMIN),
    ]
    labels = [page.xpath(f"string(//label[@for='{arn}'])") for arn in (DEVELOPER, ADMIN, AUDITOR)]
    assert labels == ["Developer", "Admin", "Auditor"]
    assert page.xpath("string(//input[@name='SAMLResponse']/@value)") == alice_saml
    assert page.xpath("string(//input[@name='RelayState']/@value)") == "rs"


def test_nextjs_chooser_carries_accounts_as_base64_json(
    scenario: Scenario, alice_saml: str
) -> None:
    page = html.fromstring(role_chooser_page(scenario, alice_saml, "json"))
    content = page.xpath("string(//meta[@name='data']/@content)")
    data = json.loads(base64.b64decode(content))
    assert data["roles_accounts"] == {
        "sandbox-dev (111111111111)": [DEVELOPER, ADMIN],
        "sandbox-prod (222222222222)": [READONLY],
        LONE: [AUDITOR],
    }
    assert data["SAMLResponse"] == alice_saml
    links = page.xpath("//a[@role='button']")
    assert [a.get("id") for a in links] == [DEVELOPER, ADMIN, READONLY, AUDITOR]
    assert page.xpath("//div[contains(@class, 'account_id_div')]/text()")[0] == "1111-1111-1111"


def test_chooser_refuses_a_response_it_cannot_read(scenario: Scenario) -> None:
    with pytest.raises(Exception, match="well-formed"):
        role_chooser_page(scenario, encode(b"<oops"), "html")


# --- the ACS endpoint ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["html", "json"])
def test_acs_shows_the_scenarios_chooser_for_several_roles(
    scenario: Scenario, key: SigningKey, clock: Clock, alice_saml: str, fmt: Any
) -> None:
    scenario.chooser_format = fmt
    status, content_type, body = acs({"SAMLResponse": alice_saml}, scenario, key, clock)
    assert (status, content_type) == (200, "text/html; charset=utf-8")
    page = html.fromstring(body)
    assert bool(page.xpath("//meta[@name='data']")) == (fmt == "json")
    assert bool(page.xpath("//input[@name='roleIndex']")) == (fmt == "html")


def test_acs_signs_straight_in_with_a_single_role(
    scenario: Scenario, key: SigningKey, clock: Clock
) -> None:
    status, _, body = acs({"SAMLResponse": saml_for(key, scenario, BOB)}, scenario, key, clock)
    page = html.fromstring(body)
    assert status == 200
    assert page.xpath("string(//*[@id='console-role'])") == "Developer"
    assert page.xpath("string(//*[@id='console-account'])") == "sandbox-dev (111111111111)"
    assert not page.xpath("//meta[@name='data']")


def test_acs_signs_in_with_the_chosen_role(
    scenario: Scenario, key: SigningKey, clock: Clock, alice_saml: str
) -> None:
    form = {"SAMLResponse": alice_saml, "roleIndex": READONLY}
    status, _, body = acs(form, scenario, key, clock)
    assert status == 200
    assert html.fromstring(body).xpath("string(//*[@id='console-role-arn'])") == READONLY

    form["roleIndex"] = DEPLOYER  # not granted by the assertion
    assert acs(form, scenario, key, clock)[0] == 403


def test_acs_rejects_tampered_and_expired_responses(
    scenario: Scenario, key: SigningKey, clock: Clock
) -> None:
    good = saml_for(key, scenario, BOB)
    tampered = encode(decode(good).replace(b"role/Developer", b"role/Hacker"))
    status, _, body = acs({"SAMLResponse": tampered}, scenario, key, clock)
    assert status == 400
    assert INVALID_SAML in body

    clock.advance(minutes=5)
    status, _, body = acs({"SAMLResponse": good}, scenario, key, clock)
    assert status == 400
    assert "expired" in body


# --- console federation ----------------------------------------------------------------


def sts_call(sts: StsService, params: dict[str, str], creds: dict[str, str] | None = None) -> Any:
    """Call the STS in-process; signed calls are signed by botocore's own SigV4 signer."""
    params = {"Version": "2011-06-15", **params}
    request = None
    if creds is not None:
        body = urlencode(params)
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        aws_request = AWSRequest(
            method="POST", url="https://sts.example/", data=body, headers=headers
        )
        signer = SigV4Auth(
            Credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]),
            "sts",
            "us-east-1",
        )
        signer.add_auth(aws_request)
        sent = {"Host": "sts.example", **dict(aws_request.headers.items())}
        request = HttpRequest("POST", "/", "", sent, body.encode())
    status, xml = sts.handle(params, request)
    assert status == 200, xml
    found = etree.fromstring(xml.encode()).find(".//s:Credentials", STS_NS)
    assert found is not None
    return {etree.QName(child).localname: child.text for child in found}


@pytest.fixture
def developer(sts: StsService, key: SigningKey, scenario: Scenario) -> dict[str, str]:
    params = {
        "Action": "AssumeRoleWithSAML",
        "RoleArn": DEVELOPER,
        "PrincipalArn": PROVIDER.format(account=DEV),
        "SAMLAssertion": saml_for(key, scenario, BOB),
    }
    creds: dict[str, str] = sts_call(sts, params)
    return creds


def session_json(creds: dict[str, str], **override: str) -> str:
    session = {
        "sessionId": creds["AccessKeyId"],
        "sessionKey": creds["SecretAccessKey"],
        "sessionToken": creds["SessionToken"],
    }
    session.update(override)
    return json.dumps(session)


def signin_token(sts: StsService, creds: dict[str, str], **extra: str) -> str:
    query = {"Action": "getSigninToken", "Session": session_json(creds), **extra}
    status, content_type, body = federation(query, sts)
    assert (status, content_type) == (200, "application/json"), body
    token: str = json.loads(body)["SigninToken"]
    return token


def login(sts: StsService, token: str, destination: str = CONSOLE) -> tuple[int, str, str]:
    query = {
        "Action": "login",
        "Issuer": "azlogin",
        "Destination": destination,
        "SigninToken": token,
    }
    return federation(query, sts)


def test_sign_in_token_opens_the_console_as_the_role(
    sts: StsService, developer: dict[str, str]
) -> None:
    status, content_type, body = login(sts, signin_token(sts, developer))
    assert (status, content_type) == (200, "text/html; charset=utf-8")
    page = html.fromstring(body)
    assert page.xpath("string(//*[@id='console-role'])") == "Developer"
    assert page.xpath("string(//*[@id='console-session'])") == BOB
    assert page.xpath("string(//*[@id='console-destination'])") == CONSOLE
    # Without SessionDuration the console lasts as long as the credentials.
    assert page.xpath("string(//*[@id='console-session-end'])") == "2030-01-01T13:00:00Z"


def test_session_duration_sets_the_console_session(
    sts: StsService, developer: dict[str, str]
) -> None:
    body = login(sts, signin_token(sts, developer, SessionDuration="43200"))[2]
    ends = html.fromstring(body).xpath("string(//*[@id='console-session-end'])")
    assert ends == "2030-01-02T00:00:00Z"


@pytest.mark.parametrize(
    "override",
    [{"sessionKey": "wrong"}, {"sessionToken": "wrong"}, {"sessionId": "ASIAUNKNOWNUNKNOWN22"}],
    ids=["secret", "token", "key-id"],
)
def test_sign_in_token_needs_the_issued_credentials(
    sts: StsService, developer: dict[str, str], override: dict[str, str]
) -> None:
    query = {"Action": "getSigninToken", "Session": session_json(developer, **override)}
    assert federation(query, sts)[0] == 400


def test_sign_in_token_refuses_expired_credentials_and_bad_input(
    sts: StsService, developer: dict[str, str], clock: Clock
) -> None:
    assert federation({"Action": "getSigninToken", "Session": "{not json"}, sts)[0] == 400
    query = {"Action": "getSigninToken", "Session": session_json(developer)}
    assert federation({**query, "SessionDuration": "600"}, sts)[0] == 400
    assert federation({"Action": "bogus"}, sts)[0] == 400
    clock.advance(hours=1)
    assert federation(query, sts)[0] == 400


def test_session_duration_is_refused_for_role_chained_credentials(
    sts: StsService, developer: dict[str, str]
) -> None:
    chained = sts_call(
        sts,
        {
            "Action": "AssumeRole",
            "RoleArn": DEPLOYER,
            "RoleSessionName": "deploy",
            "ExternalId": "sandbox-external-id",
        },
        creds=developer,
    )
    query = {"Action": "getSigninToken", "Session": session_json(chained)}
    status, _, body = federation({**query, "SessionDuration": "3600"}, sts)
    assert status == 400
    assert "role-chained" in body
    page = html.fromstring(login(sts, signin_token(sts, chained))[2])
    assert page.xpath("string(//*[@id='console-role'])") == "Deployer"


def test_login_refuses_bad_or_stale_tokens(
    sts: StsService, developer: dict[str, str], clock: Clock
) -> None:
    token = signin_token(sts, developer)
    payload, _, mac = token.partition(".")
    assert login(sts, f"{payload}x.{mac}")[0] == 400
    assert login(sts, "garbage")[0] == 400
    assert login(sts, token, destination="javascript:alert(1)")[0] == 400
    clock.advance(minutes=15)
    assert login(sts, token)[0] == 400


# --- the WSGI adapters -----------------------------------------------------------------


def test_wsgi_adapters_serve_federation_acs_and_sts(
    sts: StsService, developer: dict[str, str], scenario: Scenario, key: SigningKey, clock: Clock
) -> None:
    fed = Client(federation_wsgi_app(sts))
    answer = fed.get(
        "/federation", query_string={"Action": "getSigninToken", "Session": session_json(developer)}
    )
    assert answer.status_code == 200
    assert "SigninToken" in answer.get_json()

    saml = Client(
        acs_wsgi_app(scenario, certificate_pem=key.certificate_pem, acs_url=ACS_URL, clock=clock)
    )
    posted = saml.post("/saml", data={"SAMLResponse": saml_for(key, scenario, BOB)})
    assert posted.status_code == 200
    assert "console-role" in posted.get_data(as_text=True)
    assert saml.get("/saml").status_code == 405

    sts_client = Client(sts_wsgi_app(sts))
    too_big = sts_client.post("/", data={"Action": "x", "Pad": "a" * (1 << 20)})
    assert too_big.status_code == 413
    unknown = sts_client.post("/", data={"Action": "Nope", "Version": "2011-06-15"})
    assert unknown.status_code == 400
    assert unknown.headers["Content-Type"] == "text/xml"
