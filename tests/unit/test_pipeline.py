"""Plan, then execute: one freshness rule, checks before the sign-in, --all-profiles as
"plan many" (honouring --role, refreshing chains, telling step-downs), each file read once."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from azlogin import awsfiles, plan
from azlogin.commands.login import login
from azlogin.commands.login_many import refresh_many
from azlogin.errors import ConfigError, FileWriteError
from azlogin.runtime import Runtime

from ..fakes import FakeSts, FixedAssertion, ScriptedUI
from .samlfixtures import response

TENANT = "11111111-2222-3333-4444-555555555555"
P = "arn:aws:iam::111111111111:saml-provider/AzureAD"
DEV = "arn:aws:iam::111111111111:role/Developer"
ADMIN = "arn:aws:iam::111111111111:role/Admin"
AZURE = (
    f"azure_tenant_id = {TENANT}\nazure_app_id_uri = https://signin.aws.amazon.com/saml\n"
    "azure_default_username = alice@example.com\n"
)


class ChainSts(FakeSts):
    def assume_role(self, **kwargs: Any) -> dict[str, Any]:
        from datetime import datetime, timedelta, timezone

        self.calls.append(kwargs)
        return {
            "Credentials": {
                "AccessKeyId": "ASIACHAINED",
                "SecretAccessKey": "chained-secret",
                "SessionToken": "chained-token",
                "Expiration": datetime.now(timezone.utc) + timedelta(hours=1),
            }
        }


def home(tmp_path: Path, config: str) -> dict[str, str]:
    (tmp_path / "config").write_text(config)
    return {
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AZLOGIN_STATE_DIR": str(tmp_path / "state"),
    }


def runtime(env: dict[str, str], sts: FakeSts, raw: str, ui: ScriptedUI | None = None) -> Runtime:
    provider = FixedAssertion(raw)
    return Runtime(
        env=env,
        ui=ui or ScriptedUI(interactive=False),
        provider=lambda: provider,
        sts_api=lambda *a: sts,
        signed_sts=lambda *a: sts,
        out=io.StringIO(),
    )


def test_all_profiles_with_twenty_profiles_reads_each_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = AZURE + f"azure_default_role_arn = {DEV}\n"
    env = home(tmp_path, "".join(f"[profile p{i}]\n{body}\n" for i in range(20)))
    reads: Counter[str] = Counter()
    real = awsfiles.read_text

    def counting(path: Path) -> str:
        reads[path.name] += 1
        return real(path)

    monkeypatch.setattr(awsfiles, "read_text", counting)
    sts = FakeSts()
    rt = runtime(env, sts, response([f"{DEV},{P}"]))
    assert refresh_many(None, plan.Request("default"), rt) == 0
    assert len(sts.calls) == 20
    # Planning reads each file once; the one batched write reuses what was read, since the
    # file has not changed since (it would read it again under the lock if it had).
    assert reads == {"config": 1, "credentials": 1}
    written = awsfiles.read_sections(Path(env["AWS_SHARED_CREDENTIALS_FILE"]))
    assert sorted(written) == sorted(f"p{i}" for i in range(20))


def test_a_file_changed_since_the_plan_is_read_again_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = home(tmp_path, f"[profile dev]\n{AZURE}azure_default_role_arn = {DEV}\n")
    creds = Path(env["AWS_SHARED_CREDENTIALS_FILE"])
    creds.write_text("[other]\naws_access_key_id = AKIAOLD\n")

    class WritesMeanwhile(FixedAssertion):
        def get_assertion(self, profile: Any, ui: Any, options: Any) -> str:
            # Another tool writes the file while the person signs in.
            creds.write_text("[other]\naws_access_key_id = AKIANEW\n")
            return super().get_assertion(profile, ui, options)

    provider = WritesMeanwhile(response([f"{DEV},{P}"]))
    rt = Runtime(env=env, ui=ScriptedUI(), provider=lambda: provider, sts_api=lambda *a: FakeSts())
    assert login(plan.Request("dev"), rt) == 0
    written = awsfiles.read_sections(creds)
    assert written["other"]["aws_access_key_id"] == "AKIANEW"
    assert written["dev"]["aws_access_key_id"] == "ASIAFAKE"


def test_all_profiles_honours_role_and_reports_profiles_not_granted_it(tmp_path: Path) -> None:
    env = home(
        tmp_path,
        f"[profile both]\n{AZURE}\n[profile other]\n{AZURE.replace('alice', 'bob')}\n",
    )
    sts = FakeSts()

    class PerUser(FixedAssertion):
        def get_assertion(self, profile: Any, ui: Any, options: Any) -> str:
            roles = (
                [f"{DEV},{P}", f"{ADMIN},{P}"] if "alice" in profile.username else [f"{DEV},{P}"]
            )
            return response(roles)

    ui = ScriptedUI(interactive=False)
    rt = Runtime(env=env, ui=ui, provider=lambda: PerUser(""), sts_api=lambda *a: sts)
    code = refresh_many(None, plan.Request("default", role="Admin"), rt)
    assert code == 3  # "other" failed: its identity is not granted Admin; not guessed
    assert [c["RoleArn"] for c in sts.calls] == [ADMIN]
    summary = {line.split()[0]: line for line in ui.said}
    assert "refreshed" in summary["both"]
    assert "failed: --role Admin matches no role" in summary["other"]


def test_all_profiles_refreshes_chains_built_on_azure_profiles(tmp_path: Path) -> None:
    env = home(
        tmp_path,
        f"[profile base]\n{AZURE}azure_default_role_arn = {DEV}\n\n"
        "[profile ops]\nrole_arn = arn:aws:iam::222222222222:role/Ops\nsource_profile = base\n\n"
        "[profile static-chain]\nrole_arn = arn:aws:iam::3:role/X\nsource_profile = keys\n\n"
        "[profile keys]\naws_access_key_id = AKIA\naws_secret_access_key = s\n",
    )
    sts = ChainSts()
    ui = ScriptedUI(interactive=False)
    rt = runtime(env, sts, response([f"{DEV},{P}"]), ui)
    assert refresh_many(None, plan.Request("default"), rt) == 0
    assert [c["RoleArn"] for c in sts.calls] == [DEV, "arn:aws:iam::222222222222:role/Ops"]
    written = awsfiles.read_sections(Path(env["AWS_SHARED_CREDENTIALS_FILE"]))
    assert written["ops"]["aws_access_key_id"] == "ASIACHAINED"
    assert "static-chain" not in written  # not built on an azure profile: not ours to refresh
    assert any(line.startswith("ops ") and "refreshed" in line for line in ui.said)


def test_all_profiles_tells_each_step_down(tmp_path: Path) -> None:
    body = AZURE + f"azure_default_role_arn = {DEV}\n"
    env = home(tmp_path, f"[profile a]\n{body}\n[profile b]\n{body}")
    ui = ScriptedUI(interactive=False)
    later = "2099-01-01T00:00:00Z"  # retries stop at the assertion's end, so it is ahead
    raw = response([f"{DEV},{P}"], not_on_or_after=later, conditions_not_on_or_after=later)
    rt = runtime(env, FakeSts(max_duration=14400), raw, ui)
    assert refresh_many(None, plan.Request("default"), rt) == 0
    for name in ("a", "b"):
        assert f"Profile '{name}': the role allows less than 8 h; trying 4 h." in ui.said


@pytest.mark.parametrize(
    ("config", "cause"),
    [
        (f"[profile dev]\n{AZURE}region = us-east-1\nx\n", "line"),  # a broken file
        (f"[profile dev]\n{AZURE}region = us east 1\n", "is not an AWS region name"),
        (f"[profile dev profile]\n{AZURE}", "is not a profile botocore can read"),
        (
            f"[profile base]\n{AZURE}\n[profile dev]\nrole_arn = arn:aws:iam::2:role/R\n"
            "source_profile = base\nregion = nowhere!\n",
            "is not an AWS region name",
        ),
    ],
)
def test_problems_seen_before_the_sign_in(tmp_path: Path, config: str, cause: str) -> None:
    name = "dev profile" if "dev profile" in config else "dev"
    env = home(tmp_path, config)
    provider = FixedAssertion(response([f"{DEV},{P}"]))
    rt = Runtime(env=env, ui=ScriptedUI(), provider=lambda: provider, sts_api=lambda *a: FakeSts())
    with pytest.raises(ConfigError) as caught:
        login(plan.Request(name), rt)
    assert cause in caught.value.message
    assert caught.value.hint
    assert provider.calls == []  # nobody was asked to sign in


@pytest.mark.parametrize("kind", ["directory", "symlink"])
def test_a_lock_that_cannot_be_taken_is_seen_before_the_sign_in(tmp_path: Path, kind: str) -> None:
    env = home(tmp_path, f"[profile dev]\n{AZURE}azure_default_role_arn = {DEV}\n")
    lock = tmp_path / "credentials.lock"
    if kind == "directory":
        lock.mkdir()
    else:
        lock.symlink_to(tmp_path / "elsewhere.lock")
    provider = FixedAssertion(response([f"{DEV},{P}"]))
    rt = Runtime(env=env, ui=ScriptedUI(), provider=lambda: provider, sts_api=lambda *a: FakeSts())
    with pytest.raises(FileWriteError) as caught:
        login(plan.Request("dev"), rt)
    assert caught.value.message.endswith(
        f"credentials.lock is a {'directory' if kind == 'directory' else 'symbolic link'}."
    )
    assert provider.calls == []
    assert not (tmp_path / "credentials").exists()
