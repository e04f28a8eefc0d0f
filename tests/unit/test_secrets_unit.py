"""Canary secrets through the CLI's success and error paths, with --debug (unit level:
the browser and STS are replaced at their factory; the e2e suite repeats this for real)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

import azlogin.signin.hybrid
import azlogin.sts
from azlogin.__main__ import main

from .samlfixtures import response

P = "arn:aws:iam::111111111111:saml-provider/AzureAD"
DEV = "arn:aws:iam::111111111111:role/Developer"
PASSWORD = "canary-Password-7f3a"
SECRET = "canary-secret-key-91b2"
TOKEN = "canary-session-token-c4d5"
ASSERTION = response([f"{DEV},{P}"], session_name="canary-session-name")


class CanarySts:
    def __init__(self, error: Exception | None) -> None:
        self.error = error

    def assume_role_with_saml(self, **kwargs: Any) -> dict[str, Any]:
        if self.error:
            raise self.error
        return {
            "Credentials": {
                "AccessKeyId": "ASIACANARY",
                "SecretAccessKey": SECRET,
                "SessionToken": TOKEN,
                "Expiration": datetime.now(timezone.utc) + timedelta(hours=1),
            }
        }


class CanaryBrowser:
    def __init__(self, env: Any = None) -> None:
        pass

    def get_assertion(self, profile: Any, ui: Any, options: Any) -> str:
        assert ui.ask_password("alice@example.com") == PASSWORD
        return ASSERTION


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "config").write_text(
        "[profile dev]\nazure_tenant_id = 11111111-2222-3333-4444-555555555555\n"
        "azure_app_id_uri = https://signin.aws.amazon.com/saml\nazure_default_username = a@b.c\n"
    )
    return {
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AZURE_DEFAULT_PASSWORD": PASSWORD,
        "HOME": str(tmp_path),
    }


def run_with(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], error: Exception | None
) -> tuple[int, str]:
    monkeypatch.setattr(azlogin.signin.hybrid, "HybridSignIn", CanaryBrowser)
    monkeypatch.setattr(azlogin.sts, "client", lambda *a, **k: CanarySts(error))
    err = io.StringIO()
    code = main(
        ["--profile", "dev", "--no-prompt", "--debug", "--force-refresh"], env, io.StringIO(), err
    )
    return code, err.getvalue()


def assert_clean(text: str) -> None:
    for canary in (PASSWORD, SECRET, TOKEN, ASSERTION, ASSERTION[:40]):
        assert canary not in text


def test_success_path_prints_no_secret(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    code, err = run_with(monkeypatch, env, None)
    assert code == 0
    assert "debug: setting" in err  # --debug really was on
    assert_clean(err)
    assert SECRET in Path(env["AWS_SHARED_CREDENTIALS_FILE"]).read_text()


def test_error_echoing_the_assertion_is_scrubbed(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    hostile = ClientError(
        {
            "Error": {
                "Code": "InvalidIdentityToken",
                "Message": f"bad token {ASSERTION} for {PASSWORD}",
            }
        },
        "AssumeRoleWithSAML",
    )
    code, err = run_with(monkeypatch, env, hostile)
    assert code == 5
    assert "InvalidIdentityToken" in err and "Traceback" in err
    assert_clean(err)
    assert not Path(env["AWS_SHARED_CREDENTIALS_FILE"]).exists()


def test_credentials_repr_hides_secrets() -> None:
    from azlogin.models import Credentials

    creds = Credentials("ASIA1", SECRET, TOKEN, datetime.now(timezone.utc))
    assert SECRET not in repr(creds) and TOKEN not in repr(creds)
