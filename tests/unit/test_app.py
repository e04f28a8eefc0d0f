"""The login recipe with its collaborators replaced at the boundary."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from azlogin import credentials
from azlogin.commands.login import login
from azlogin.errors import AwsError, ConfigError
from azlogin.models import Profile
from azlogin.plan import Request
from azlogin.runtime import Runtime

from ..fakes import FakeSts, FixedAssertion, ScriptedUI
from .samlfixtures import response

LATER = "2099-01-01T00:00:00Z"
TENANT = "11111111-2222-3333-4444-555555555555"
P = "arn:aws:iam::111111111111:saml-provider/AzureAD"
DEV = "arn:aws:iam::111111111111:role/Developer"
ADMIN = "arn:aws:iam::111111111111:role/Admin"
CONFIG = f"""# my config
[profile dev]
azure_tenant_id = {TENANT}
azure_app_id_uri = https://signin.aws.amazon.com/saml\\#2
azure_default_username = alice@example.com
region = us-east-1
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "config").write_text(CONFIG)
    return {
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
    }


def world(env: dict[str, str], ui: ScriptedUI, raw: str, sts: FakeSts) -> Runtime:
    provider = FixedAssertion(raw)
    return Runtime(env=env, ui=ui, provider=lambda: provider, sts_api=lambda *a: sts)


def test_full_login_writes_credentials_and_remembers_choices(files: dict[str, str]) -> None:
    raw = response([f"{DEV},{P}", f"{P},{ADMIN}"])
    ui = ScriptedUI(choice=ADMIN)
    sts = FakeSts()
    w = world(files, ui, raw, sts)
    assert login(Request("dev", duration_hours=2), w) == 0
    call = sts.calls[0]
    assert call == {
        "RoleArn": ADMIN,
        "PrincipalArn": P,
        "SAMLAssertion": raw,
        "DurationSeconds": 7200,
    }
    creds = Path(files["AWS_SHARED_CREDENTIALS_FILE"]).read_text()
    assert "[dev]\naws_access_key_id = ASIAFAKE\n" in creds
    config = Path(files["AWS_CONFIG_FILE"]).read_text()
    assert config.startswith(CONFIG)  # everything kept; \# untouched
    assert f"azure_default_role_arn = {ADMIN}\n" in config
    assert "azure_default_duration_hours = 2\n" in config
    assert any("Saved role arn, duration hours" in s for s in ui.said)


def test_no_prompt_run_uses_remembered_defaults(files: dict[str, str]) -> None:
    Path(files["AWS_CONFIG_FILE"]).write_text(CONFIG + f"azure_default_role_arn = {ADMIN}\n")
    ui = ScriptedUI(interactive=False)
    sts = FakeSts()
    assert (
        login(Request("dev"), world(files, ui, response([f"{DEV},{P}", f"{ADMIN},{P}"]), sts)) == 0
    )
    assert sts.calls[0]["RoleArn"] == ADMIN and sts.calls[0]["DurationSeconds"] == 28800
    assert ui.asked == []
    assert "Saved" not in " ".join(ui.said)


def test_valid_credentials_skip_the_sign_in(files: dict[str, str]) -> None:
    future = datetime.now(timezone.utc) + timedelta(hours=2)
    Path(files["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        "[dev]\naws_access_key_id = A\naws_secret_access_key = S\naws_session_token = T\n"
        f"aws_expiration = {credentials.format_time(future)}\n"
    )
    provider = FixedAssertion("unused")
    ui = ScriptedUI()
    w = Runtime(env=files, ui=ui, provider=lambda: provider, sts_api=lambda *a: FakeSts())
    assert login(Request("dev"), w) == 0
    assert provider.calls == []
    assert "valid until" in ui.said[0] and "--force-refresh" in ui.said[0]
    # ...unless forced, or close to expiry.
    assert (
        login(
            Request("dev", force_refresh=True, role="Developer"),
            world(files, ScriptedUI(), response([f"{DEV},{P}"]), FakeSts()),
        )
        == 0
    )
    assert "ASIAFAKE" in Path(files["AWS_SHARED_CREDENTIALS_FILE"]).read_text()


def test_credentials_expiring_within_eleven_minutes_are_refreshed(files: dict[str, str]) -> None:
    soon = datetime.now(timezone.utc) + timedelta(minutes=10)
    Path(files["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        "[dev]\naws_access_key_id = A\naws_secret_access_key = S\n"
        f"aws_expiration = {credentials.format_time(soon)}\n"
    )
    provider = FixedAssertion(response([f"{DEV},{P}"]))
    w = Runtime(env=files, ui=ScriptedUI(), provider=lambda: provider, sts_api=lambda *a: FakeSts())
    assert login(Request("dev"), w) == 0
    assert len(provider.calls) == 1


def test_duration_steps_down_to_what_the_role_allows(files: dict[str, str]) -> None:
    ui = ScriptedUI(interactive=False)
    sts = FakeSts(max_duration=3600)
    # The retries stop at the assertion's NotOnOrAfter, so it must still be ahead.
    raw = response([f"{DEV},{P}"], not_on_or_after=LATER, conditions_not_on_or_after=LATER)
    login(Request("dev"), world(files, ui, raw, sts))
    assert [c["DurationSeconds"] for c in sts.calls] == [28800, 14400, 7200, 3600]
    final = ui.said[-1]
    assert "(1 h, the role's maximum; 8 h was asked)." in final


def test_sts_error_becomes_aws_error_and_writes_nothing(files: dict[str, str]) -> None:
    denied = ClientError(
        {
            "Error": {
                "Code": "AccessDenied",
                "Message": "Not authorized to perform sts:AssumeRoleWithSAML",
            }
        },
        "AssumeRoleWithSAML",
    )
    with pytest.raises(AwsError, match="AccessDenied") as info:
        login(
            Request("dev"),
            world(
                files,
                ScriptedUI(interactive=False),
                response([f"{DEV},{P}"]),
                FakeSts(error=denied),
            ),
        )
    assert "trust policy" in info.value.hint
    assert not Path(files["AWS_SHARED_CREDENTIALS_FILE"]).exists()


def test_username_typed_is_remembered(files: dict[str, str]) -> None:
    Path(files["AWS_CONFIG_FILE"]).write_text(
        CONFIG.replace("azure_default_username = alice@example.com\n", "")
    )
    ui = ScriptedUI(username="bob@example.com")
    login(
        Request("dev"),
        _username_world(files, ui),
    )
    assert "azure_default_username = bob@example.com" in Path(files["AWS_CONFIG_FILE"]).read_text()


def _username_world(files: dict[str, str], ui: ScriptedUI) -> Runtime:
    raw = response([f"{DEV},{P}"])

    class AsksUsername:
        def get_assertion(self, profile: Profile, ui: Any, options: Any) -> str:
            ui.ask_username(profile.username)
            return raw

    return Runtime(env=files, ui=ui, provider=AsksUsername, sts_api=lambda *a: FakeSts())


def test_missing_profile_is_a_config_error(files: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="'prod' is not in"):
        login(Request("prod"), world(files, ScriptedUI(), "", FakeSts()))


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(28800, "8 h"), (28799.8, "8 h"), (28740, "7 h 59 min"), (2700, "45 min"), (-5, "0 min")],
)
def test_hours_text(seconds: float, text: str) -> None:
    assert credentials.hours_text(seconds) == text
