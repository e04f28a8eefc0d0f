"""The corpus of hostile answers (issue 9): what a captive portal, a proxy, a broken network
or a malicious endpoint can answer in STS's place, and what a hostile page can post as the
SAMLResponse. Every row must end as one clean error: exit status 5 (4 for a SAMLResponse
refused before STS is asked), one
``azlogin: error:`` line and its ``hint:``, no traceback, no planted secret anywhere in the
output (also under --debug), and a hand-written ~/.aws/credentials byte-identical.

STS is real botocore over real HTTP to a fake STS on 127.0.0.1 (``AWS_ENDPOINT_URL_STS``);
only the sign-in page is faked, by an assertion provider returning a fixed SAMLResponse.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from botocore.loaders import create_loader

import azlogin.signin.hybrid
from azlogin import chain, sts, sts_guard
from azlogin.__main__ import main
from azlogin.errors import AwsError, ExitStatus
from azlogin.models import Credentials, Role
from azlogin.sandbox.assertion import SigningKey, generate_signing_key
from azlogin.sandbox.aws_wsgi import sts_wsgi_app
from azlogin.sandbox.scenario import default_scenario
from azlogin.sandbox.sts import StsService
from tests.sandbox.aws_support import ACS_URL, NOW, Clock, saml_for, serving
from tests.unit.samlfixtures import response

from .conftest import PROXY_VARIABLES
from .hostile_sts import (
    ACCESS_KEY,
    SECRET,
    TOKEN,
    Answer,
    HostileSts,
    credentials_xml,
    error_xml,
    hostile_sts,
    when,
)
from .netfixtures import CountingServer
from .test_hostile_saml import billion_laughs, with_prolog

DEV = "arn:aws:iam::111111111111:role/Developer"
PROVIDER = "arn:aws:iam::111111111111:saml-provider/AzureAD"
ROLE = Role(DEV, PROVIDER)
# Valid for long: the retries under test stop at the assertion's NotOnOrAfter.
LATER = "2099-01-01T00:00:00Z"
ASSERTION = response(
    [f"{DEV},{PROVIDER}"],
    session_name="cnry-session-name",
    not_on_or_after=LATER,
    conditions_not_on_or_after=LATER,
)
TENANT = "11111111-2222-3333-4444-555555555555"
CONFIG = f"""# hand-written; azlogin must leave every byte of this file alone on failure
[profile hostile]
azure_tenant_id = {TENANT}
azure_app_id_uri = https://signin.aws.amazon.com/saml\\#hostile
azure_default_username = alice@example.com
azure_default_role_arn = {DEV}
region = us-east-1
"""
CREDENTIALS = """# my keys -- kept by hand
[default]
aws_access_key_id = AKIADEFAULTKEEP00001
aws_secret_access_key = keep/me/as/I/am
; a comment the Node tool would lose

[hostile]
# the previous session, long expired
aws_access_key_id = ASIAOLDOLDOLDOLD0001
aws_secret_access_key = old-secret
aws_session_token = old-token
aws_expiration = 2001-01-01T00:00:00Z
"""
LOADER = create_loader()  # one STS model for every client of the module


def xml(text: str) -> bytes:
    return text.encode()


def without(name: str) -> bytes:
    return xml(credentials_xml(omit=(name,)))


def cut_inside(value: str, keep: int = 12) -> bytes:
    """A success answer cut short ``keep`` characters into ``value``."""
    body = credentials_xml()
    return xml(body[: body.index(value) + keep])


def with_newline(value: str) -> str:
    half = len(value) // 2
    return f"{value[:half]}\n[default]\naws_access_key_id = AKIAINJECTEDLINE0001\n{value[half:]}"


def halves(value: str) -> tuple[str, str]:
    half = len(value) // 2
    return value[:half], value[half:]


CAPTIVE = f"""<!DOCTYPE html>
<html><head><title>Welcome to Airport Wi-Fi</title></head>
<body><h1>Accept the terms to continue</h1>
<form method="post"><input type="hidden" name="session" value="{TOKEN}">
<input type="hidden" name="k" value="{SECRET}"><button>Accept</button></form></body></html>
"""
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE AssumeRoleWithSAMLResponse [<!ENTITY l0 "lol">'
    + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
    + credentials_xml().replace(TOKEN, TOKEN + "&l9;")
)
HUGE_START = "CnryHugeTokenStart"
HUGE_HEAD = credentials_xml().split(TOKEN)[0] + HUGE_START
HUGE_TAIL = credentials_xml().split(TOKEN)[1]
BIG_TOKEN = "CnryBigToken" + "B" * 20_000
TWO_MIB = (CAPTIVE * (2 * 1024 * 1024 // len(CAPTIVE) + 1))[: 2 * 1024 * 1024]
DEEP = credentials_xml().replace(
    "<AssumedRoleUser>", "<a>" * 100 + "</a>" * 100 + "<AssumedRoleUser>"
)


@dataclass(frozen=True)
class Row:
    """One hostile STS answer and a fragment of the one-line error it must end in."""

    name: str
    answer: Answer
    says: str
    env: dict[str, str] = field(default_factory=dict)


def row(name: str, says: str, body: bytes = b"", **answer: Any) -> Row:
    env = answer.pop("env", {})
    return Row(name, Answer(body=body, **answer), says, env)


STS_ROWS = [
    row("200-not-xml", "HTTP 200 with text that is not XML", xml(f"OK {SECRET} {TOKEN}"),
        content_type="text/plain"),
    row("captive-portal-html", "HTTP 200 with an HTML page", xml(CAPTIVE),
        content_type="text/html"),
    row("captive-portal-xhtml", "HTTP 200 with an HTML page",
        xml(f'<html xmlns="http://www.w3.org/1999/xhtml"><body>{SECRET} {TOKEN}</body></html>')),
    row("empty-body", "HTTP 200 with an empty body"),
    row("empty-result", "returned no credentials",
        xml(credentials_xml(credentials=False).split("<AssumedRoleUser>")[0]
            + "</AssumeRoleWithSAMLResult></AssumeRoleWithSAMLResponse>")),
    row("missing-credentials", "returned no credentials", xml(credentials_xml(credentials=False))),
    row("missing-access-key-id", "with no AccessKeyId", without("AccessKeyId")),
    row("missing-secret", "with no SecretAccessKey", without("SecretAccessKey")),
    row("missing-token", "with no SessionToken", without("SessionToken")),
    row("missing-expiration", "without a valid Expiration",
        xml(credentials_xml(omit=("Expiration",)))),
    row("empty-expiration", "values azlogin could not read", xml(credentials_xml(expiration=""))),
    row("expiration-not-a-time", "values azlogin could not read",
        xml(credentials_xml(expiration="soon"))),
    row("expiration-absurd-number", "values azlogin could not read",
        xml(credentials_xml(expiration="9" * 20))),
    row("expiration-without-zone", "without a valid Expiration",
        xml(credentials_xml(expiration="2031-01-01T00:00:00"))),
    row("expiration-past", "already expired",
        xml(credentials_xml(expiration="2001-01-01T00:00:00Z"))),
    row("expiration-in-30-seconds", "expiring within a minute",
        xml(credentials_xml(expiration=when(timedelta(seconds=30))))),
    row("newline-in-access-key-id", "AccessKeyId holding spaces, line breaks",
        xml(credentials_xml(access_key=with_newline(ACCESS_KEY))),
        planted=(SECRET, TOKEN, *halves(ACCESS_KEY), "AKIAINJECTEDLINE0001")),
    row("newline-in-secret", "SecretAccessKey holding spaces, line breaks",
        xml(credentials_xml(secret=with_newline(SECRET))),
        planted=(TOKEN, ACCESS_KEY, *halves(SECRET), "AKIAINJECTEDLINE0001")),
    row("newline-in-token", "SessionToken holding spaces, line breaks",
        xml(credentials_xml(token=with_newline(TOKEN))),
        planted=(SECRET, ACCESS_KEY, *halves(TOKEN), "AKIAINJECTEDLINE0001")),
    row("tab-in-token", "SessionToken holding spaces, line breaks",
        xml(credentials_xml(token=TOKEN.replace("//", "\t"))),
        planted=(SECRET, ACCESS_KEY, TOKEN.split("//")[0], TOKEN.split("//")[1])),
    row("non-ascii-secret", "SecretAccessKey holding spaces, line breaks or non-ASCII",
        xml(credentials_xml(secret=SECRET + "é"))),
    row("not-an-access-key-id", "AccessKeyId that is not an access key id",
        xml(credentials_xml(access_key="asia-not/a+key" + ACCESS_KEY))),
    row("billion-laughs", "with XML with a document type declaration", xml(BILLION_LAUGHS)),
    row("external-entity-file", "with XML with a document type declaration",
        xml('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            + credentials_xml().replace(TOKEN, TOKEN + "&x;")),
        planted=(SECRET, TOKEN, ACCESS_KEY, "root:x:0:0")),
    row("truncated-in-secret", "HTTP 200 with malformed or cut-short XML", cut_inside(SECRET),
        planted=(ACCESS_KEY, SECRET[:12])),
    row("truncated-in-token", "HTTP 200 with malformed or cut-short XML", cut_inside(TOKEN, 60),
        planted=(ACCESS_KEY, SECRET, TOKEN[:60])),
    row("token-of-30-mb", "HTTP 200 with 30720 KiB", xml(HUGE_HEAD),
        fill=(30 * 1024 * 1024 - len(HUGE_HEAD), xml(HUGE_TAIL)),
        planted=(ACCESS_KEY, SECRET, HUGE_START, "A" * 64)),
    row("token-of-20-kib", "SessionToken of 20012 characters",
        xml(credentials_xml(token=BIG_TOKEN)), planted=(ACCESS_KEY, SECRET, BIG_TOKEN[:40])),
    row("answer-of-2-mib", "HTTP 200 with 2048 KiB", xml(TWO_MIB), content_type="text/html"),
    row("deep-nesting", "XML nested too deeply", xml(DEEP)),
    row("non-utf8-bytes", "HTTP 200 with bytes that are not UTF-8",
        xml(credentials_xml()).replace(xml(TOKEN), xml(TOKEN[:30]) + b"\xff\xfe" + xml(TOKEN[30:])),
        planted=(ACCESS_KEY, SECRET, TOKEN[:30], TOKEN[30:])),
    row("500-html", "failed: HTTP 500 Internal Server Error (4 attempts)",
        xml(f"<html><body>Internal error {SECRET} {TOKEN}</body></html>"), status=500,
        content_type="text/html"),
    row("503-proxy-page", "failed: HTTP 503 Service Unavailable (4 attempts)", xml(CAPTIVE),
        status=503, content_type="text/html"),
    row("403-error-response", "failed: AccessDenied: Not authorized; you sent ‹redacted›",
        xml(error_xml("AccessDenied", f"Not authorized; you sent {ASSERTION}")), status=403),
    row("403-proxy-page", "HTTP 403 with an HTML page", xml(CAPTIVE), status=403,
        content_type="text/html"),
    row("302-redirect", "HTTP 302 with a redirect", xml(CAPTIVE), status=302,
        content_type="text/html",
        headers=(("Location", f"http://portal.example/login?next={TOKEN}"),)),
    row("error-response-with-200", "HTTP 200 with an XML document that is not an STS answer",
        xml(error_xml("AccessDenied", f"{SECRET}"))),
    row("success-with-400", "HTTP 400 with an XML document that is not an STS answer",
        xml(credentials_xml()), status=400),
    row("closes-without-answer", "failed: Connection was closed", act="close"),
    row("never-answers", "failed: Read timeout on endpoint URL", act="hang",
        env={sts_guard.READ_TIMEOUT_VARIABLE: "0.5"}),
]  # fmt: skip
assert len(STS_ROWS) >= 22


def planted(answer: Answer) -> tuple[str, ...]:
    return (*answer.planted, ASSERTION, ASSERTION[:40])


# --- the fake STS and the environment pointing at it --------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[HostileSts]:
    with hostile_sts() as running:
        yield running


def home_variables(home: Path) -> dict[str, str]:
    return {
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
        "AZLOGIN_STATE_DIR": str(home / ".azlogin"),
    }


@pytest.fixture
def home(tmp_path: Path, server: HostileSts, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throwaway HOME whose ~/.aws files are hand-written, with botocore pointed at
    ``server`` and none of the caller's AWS or proxy settings."""
    (tmp_path / ".aws").mkdir(mode=0o700)
    (tmp_path / ".aws" / "config").write_text(CONFIG)
    (tmp_path / ".aws" / "credentials").write_text(CREDENTIALS)
    for name in (*PROXY_VARIABLES, "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_REGION",
                 "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                 "AWS_SESSION_TOKEN", sts_guard.READ_TIMEOUT_VARIABLE):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    for key, value in {**home_variables(tmp_path), "AWS_ENDPOINT_URL_STS": server.url}.items():
        monkeypatch.setenv(key, value)
    return tmp_path


class FixedSignIn:
    """The assertion provider in the browser's place: the IdP side is what is faked."""

    saml_response = ASSERTION

    def __init__(self, env: object = None) -> None:
        pass

    def get_assertion(self, profile: object, ui: object, options: object) -> str:
        return self.saml_response


def run_login(
    env: dict[str, str], home: Path, *, saml_response: str = ASSERTION, debug: bool = False
) -> tuple[int, str, str]:
    """``azlogin --profile hostile`` in-process, non-interactive: (exit status, stdout, stderr).

    The one place that knows how the recipe gets its assertion: ``main`` has no hook for
    the provider, so the browser's class is replaced for this call.
    """
    provider = type("Fixed", (FixedSignIn,), {"saml_response": saml_response})
    argv = ["--profile", "hostile", "--no-prompt", "--force-refresh", *(["--debug"] * debug)]
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(azlogin.signin.hybrid, "HybridSignIn", provider)
        # botocore reads the process environment (AWS_ENDPOINT_URL_STS…), so main does too.
        for key, value in {**home_variables(home), **env}.items():
            patch.setenv(key, value)
        code = main(argv, None, io.StringIO(), err, out)
    return code, out.getvalue(), err.getvalue()


def assert_unchanged(home: Path) -> None:
    assert (home / ".aws" / "credentials").read_bytes() == CREDENTIALS.encode()
    assert (home / ".aws" / "config").read_bytes() == CONFIG.encode()


def assert_one_error(err: str, says: str) -> None:
    lines = err.splitlines()
    assert "Traceback" not in err, err
    assert len(lines) == 2, err
    assert lines[0].startswith("azlogin: error: ") and lines[1].startswith("hint: "), err
    assert says in lines[0], err


def assert_no_secret(texts: list[str], secrets: tuple[str, ...]) -> None:
    for text in texts:
        for secret in secrets:
            assert secret not in text, f"a planted secret ({secret[:12]}…) was shown"


# --- STS: the corpus through the CLI ---------------------------------------------------


@pytest.mark.parametrize("case", STS_ROWS, ids=lambda r: r.name)
def test_hostile_sts_answer_is_one_clean_error(case: Row, server: HostileSts, home: Path) -> None:
    server.serve(case.answer)
    code, out, err = run_login(case.env, home)
    assert code == ExitStatus.AWS, err
    assert_one_error(err, case.says)
    assert server.requests >= 1  # botocore did reach the fake STS
    code, debug_out, debug_err = run_login(case.env, home, debug=True)
    assert code == ExitStatus.AWS, debug_err
    assert "debug: " in debug_err  # --debug was on: its log and the traceback are shown
    assert_no_secret([out, err, debug_out, debug_err], planted(case.answer))
    assert_unchanged(home)


def test_valid_xml_under_a_wrong_content_type_is_accepted(server: HostileSts, home: Path) -> None:
    # botocore reads STS's answer by its shape, as AWS's SDKs do; proxies relabel bodies.
    # The body passes every check, so it is STS's answer whatever its label says.
    server.serve(Answer(body=xml(credentials_xml()), content_type="application/json"))
    code, out, err = run_login({}, home)
    assert code == 0, err
    written = (home / ".aws" / "credentials").read_text()
    assert written.startswith(CREDENTIALS.split("[hostile]")[0])  # other sections kept
    assert f"aws_secret_access_key = {SECRET}\n" in written
    assert_no_secret([out, err], (SECRET, TOKEN))


def test_external_entity_over_http_is_never_fetched(server: HostileSts, home: Path) -> None:
    with CountingServer() as listener:
        body = (
            f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{listener.url}/xxe">]>'
            + credentials_xml().replace(TOKEN, "&x;")
        )
        server.serve(Answer(body=xml(body)))
        code, _, err = run_login({}, home, debug=True)
        assert listener.hits == []
    assert code == ExitStatus.AWS
    assert "leaked-over-http" not in err
    assert_unchanged(home)


# --- STS: the same corpus one layer down (what plan/run will call) -----------------------


@pytest.mark.parametrize("case", STS_ROWS, ids=lambda r: r.name)
def test_assume_role_with_saml_refuses_the_answer(
    case: Row, server: HostileSts, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in case.env.items():
        monkeypatch.setenv(key, value)
    server.serve(case.answer)
    with pytest.raises(AwsError) as caught:
        sts.assume_role_with_saml(sts.client("us-east-1", loader=LOADER), ROLE, ASSERTION, 3600)
    error = caught.value
    assert error.status == ExitStatus.AWS
    assert case.says in error.message
    assert "\n" not in error.message and error.hint and "\n" not in error.hint
    # Raised afresh, not from botocore's exception, whose text may hold the whole answer.
    assert error.__cause__ is None and error.__context__ is None
    assert_no_secret(
        [error.message, error.hint, repr(error), str(error.args)], planted(case.answer)
    )


CHAIN_ROWS = [r for r in STS_ROWS if r.name in {
    "captive-portal-html", "missing-credentials", "expiration-past", "newline-in-token",
    "billion-laughs", "truncated-in-secret", "token-of-20-kib", "403-proxy-page",
}]  # fmt: skip


@pytest.mark.parametrize("case", CHAIN_ROWS, ids=lambda r: r.name)
def test_assume_role_hop_refuses_the_answer(case: Row, server: HostileSts, home: Path) -> None:
    body = case.answer.body.decode().replace("AssumeRoleWithSAML", "AssumeRole").encode()
    server.serve(Answer(status=case.answer.status, body=body,
                        content_type=case.answer.content_type))  # fmt: skip
    hop = chain.Hop("deploy", "arn:aws:iam::222222222222:role/Deployer", None, "ci", None,
                    "us-east-1", None)  # fmt: skip
    source = Credentials(
        "ASIASOURCESOURCE0001", "cnry-source-secret", "cnry-source-token",
        datetime.now(timezone.utc) + timedelta(hours=1),
    )  # fmt: skip
    with pytest.raises(AwsError) as caught:
        chain.assume_chain(
            source,
            [hop],
            lambda creds, region: chain.signed_client(creds, region),
            None,
            datetime.now(timezone.utc),
        )
    error = caught.value
    assert error.status == ExitStatus.AWS
    assert "AssumeRole for arn:aws:iam::222222222222:role/Deployer" in error.message
    assert "deploy" in error.message
    assert "\n" not in error.message and error.hint
    assert error.__cause__ is None and error.__context__ is None
    assert_no_secret([error.message, error.hint], (*case.answer.planted, "cnry-source-secret"))


# --- the IdP side: what a hostile page can post as the SAMLResponse ---------------------


def b64(data: str | bytes) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


@dataclass(frozen=True)
class IdpRow:
    name: str
    saml_response: str
    status: ExitStatus
    says: str


IDP_ROWS = [
    IdpRow("not-base64", "%%% this is not base64 %%%" + TOKEN, ExitStatus.SIGN_IN,
           "not valid base64"),
    IdpRow("empty", "", ExitStatus.SIGN_IN, "SAML response"),
    IdpRow("base64-of-text", b64(f"hello, I am not XML {TOKEN}"), ExitStatus.SIGN_IN,
           "not well-formed XML"),
    IdpRow("base64-of-html", b64(CAPTIVE), ExitStatus.SIGN_IN, "SAML response"),
    IdpRow("billion-laughs", with_prolog(billion_laughs(), role_suffix="&l9;"),
           ExitStatus.SIGN_IN, "DTD"),
    IdpRow("external-entity",
           with_prolog('<!DOCTYPE samlp:Response [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
                       role_suffix="&x;"), ExitStatus.SIGN_IN, "DTD"),
    IdpRow("no-roles", response([]), ExitStatus.SIGN_IN, "grants no AWS roles"),
    IdpRow("role-with-newline",
           response([f"{DEV}\n[default]\naws_access_key_id = AKIAINJECTEDLINE0001,{PROVIDER}"]),
           ExitStatus.SIGN_IN, "malformed Role value"),
    IdpRow("idp-refused", response([f"{DEV},{PROVIDER}"],
                                   status="urn:oasis:names:tc:SAML:2.0:status:Responder"),
           ExitStatus.SIGN_IN, "status Responder"),
    IdpRow("huge", "Q" * 800_000, ExitStatus.SIGN_IN, "too large"),
    IdpRow("bad-time", response([f"{DEV},{PROVIDER}"], not_on_or_after="2026-13-01T00:00:00Z"),
           ExitStatus.SIGN_IN, "invalid time value"),
    IdpRow("cut-short", ASSERTION[: len(ASSERTION) // 2], ExitStatus.SIGN_IN, "SAML response"),
]  # fmt: skip
assert len(IDP_ROWS) >= 8


@pytest.mark.parametrize("case", IDP_ROWS, ids=lambda r: r.name)
def test_hostile_saml_response_is_one_clean_error(
    case: IdpRow, server: HostileSts, home: Path
) -> None:
    server.serve(Answer(body=xml(credentials_xml())))  # STS would answer; it must not be asked
    code, out, err = run_login({}, home, saml_response=case.saml_response)
    assert code == case.status, err
    lines = err.splitlines()
    assert "Traceback" not in err and lines, err
    assert lines[0].startswith("azlogin: error: ") and case.says in lines[0], err
    # saml.py gives some SamlErrors no hint (e.g. "contains a DTD"): one line, or two.
    assert len(lines) <= 2 and all(line.startswith("hint: ") for line in lines[1:]), err
    assert server.requests == 0
    code, debug_out, debug_err = run_login({}, home, saml_response=case.saml_response, debug=True)
    assert code == case.status
    # The assertion is a bearer credential; a bad Role value is shown (escaped, on one line).
    secrets = (case.saml_response, case.saml_response[:40], TOKEN)
    assert_no_secret([out, err, debug_out, debug_err], tuple(s for s in secrets if s))
    assert_unchanged(home)


@pytest.fixture(scope="module")
def signing_key() -> SigningKey:
    return generate_signing_key("hostile")


def test_expired_signed_assertion_is_refused_by_a_real_sts(
    signing_key: SigningKey, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sandbox STS checks signatures and times as AWS does: an assertion issued an hour
    ago (NotOnOrAfter five minutes later) is ExpiredTokenException, exit 5, nothing written."""
    scenario = default_scenario()
    service = StsService(scenario, signing_key.certificate_pem, ACS_URL, Clock(NOW))
    expired = saml_for(signing_key, scenario, "bob@sandbox.example", now=NOW - timedelta(hours=1))
    tenant = scenario.tenants[0].tenant_id
    (home / ".aws" / "config").write_text(CONFIG.replace(TENANT, tenant))
    config = (home / ".aws" / "config").read_bytes()
    with serving({"/sts": sts_wsgi_app(service)}) as base:
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", f"{base}/sts")
        code, out, err = run_login({}, home, saml_response=expired)
        assert code == ExitStatus.AWS, err
        assert_one_error(err, "ExpiredTokenException")
        code, debug_out, debug_err = run_login({}, home, saml_response=expired, debug=True)
        assert code == ExitStatus.AWS
        assert (home / ".aws" / "credentials").read_bytes() == CREDENTIALS.encode()
        fresh = saml_for(signing_key, scenario, "bob@sandbox.example", now=NOW)
        code, _, err_ok = run_login({}, home, saml_response=fresh)  # the harness is real
    assert code == 0, err_ok
    assert_no_secret([out, err, debug_out, debug_err], (expired, expired[:40]))
    assert (home / ".aws" / "config").read_bytes() == config
