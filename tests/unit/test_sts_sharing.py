"""STS clients are shared only where botocore would build the same one, and the sign-in
builds its client in the background while the browser works."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from azlogin import sts
from azlogin.commands.login import login
from azlogin.commands.login_many import refresh_many
from azlogin.models import Profile, SignInOptions
from azlogin.plan import Request
from azlogin.runtime import Runtime

from ..fakes import FakeSts, ScriptedUI
from .samlfixtures import response

TENANT = "11111111-2222-3333-4444-555555555555"
P = "arn:aws:iam::111111111111:saml-provider/AzureAD"
DEV = "arn:aws:iam::111111111111:role/Developer"


class Maker:
    """Stands in for sts.client: records each build and returns a distinct object."""

    def __init__(self) -> None:
        self.builds: list[tuple[Any, ...]] = []
        self.lock = threading.Lock()

    def __call__(self, region: str | None, name: str | None, verify: bool, loader: Any) -> Any:
        with self.lock:
            self.builds.append((region, name, verify, loader))
            return object()


def test_profiles_differing_only_in_azlogin_keys_share_a_client() -> None:
    maker = Maker()
    cache = sts.ClientCache(maker)
    common = {"region": "eu-west-1", "services": "corp"}
    a = cache.get("eu-west-1", "a", True, {**common, "azure_default_role_arn": "x"})
    b = cache.get("eu-west-1", "b", True, {**common, "azlogin_browser": "chrome"})
    c = cache.get("eu-west-1", "c", True, {**common, "credential_process": "azlogin … c"})
    assert a is b is c
    assert len(maker.builds) == 1


@pytest.mark.parametrize(
    ("region", "verify", "section"),
    [
        ("us-east-1", True, {"region": "eu-west-1", "services": "corp"}),  # another region
        ("eu-west-1", False, {"region": "eu-west-1", "services": "corp"}),  # --no-verify-ssl
        ("eu-west-1", True, {"region": "eu-west-1", "services": "other"}),  # another endpoint
        ("eu-west-1", True, {"region": "eu-west-1", "services": "corp", "ca_bundle": "x"}),
    ],
)
def test_any_setting_botocore_reads_gets_its_own_client(
    region: str, verify: bool, section: dict[str, str]
) -> None:
    maker = Maker()
    cache = sts.ClientCache(maker)
    first = cache.get("eu-west-1", "a", True, {"region": "eu-west-1", "services": "corp"})
    assert cache.get(region, "b", verify, section) is not first
    assert len(maker.builds) == 2
    assert maker.builds[0][3] is maker.builds[1][3] is not None  # one shared data loader


def test_a_profile_outside_the_config_is_not_mistaken_for_an_empty_one() -> None:
    maker = Maker()
    cache = sts.ClientCache(maker)
    assert cache.get("eu-west-1", None, True) is not cache.get("eu-west-1", "empty", True, {})
    assert [build[1] for build in maker.builds] == [None, "empty"]


def test_a_profile_with_its_own_data_path_gets_its_own_loader() -> None:
    maker = Maker()
    cache = sts.ClientCache(maker)
    cache.get("eu-west-1", "custom", True, {"data_path": "/opt/models"})
    assert maker.builds[0][3] is None


def test_concurrent_requests_build_one_client() -> None:
    maker = Maker()
    cache = sts.ClientCache(maker)
    start = threading.Barrier(8)
    got: list[Any] = []

    def ask() -> None:
        start.wait(timeout=30)
        got.append(cache.get("eu-west-1", "p", True, {"region": "eu-west-1"}))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(got) == 8 and all(client is got[0] for client in got)
    assert len(maker.builds) == 1


def test_different_settings_build_side_by_side() -> None:
    a_building, b_building = threading.Event(), threading.Event()
    waited: list[bool] = []

    def make(region: str | None, name: str | None, verify: bool, loader: Any) -> Any:
        if name == "a":  # stays in its build until b's has begun: serial builds would not
            a_building.set()
            waited.append(b_building.wait(timeout=30))
        else:
            b_building.set()
        return object()

    cache = sts.ClientCache(make)
    other = threading.Thread(target=cache.get, args=("eu-west-1", "a", True, {"region": "x"}))
    other.start()
    assert a_building.wait(timeout=30)
    cache.get("eu-west-1", "b", True, {"region": "y"})
    other.join(timeout=30)
    assert waited == [True]


def test_real_clients_follow_each_profiles_endpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.write_text(
        "[profile a]\nservices = one\n\n[profile b]\nservices = one\nazure_tenant_id = t\n\n"
        "[profile c]\nservices = two\n\n"
        "[services one]\nsts =\n  endpoint_url = http://127.0.0.1:9001/sts\n\n"
        "[services two]\nsts =\n  endpoint_url = http://127.0.0.1:9002/sts\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    cache = sts.ClientCache()
    a = cache.get("us-east-1", "a", True, {"services": "one"})
    b = cache.get("us-east-1", "b", True, {"services": "one", "azure_tenant_id": "t"})
    c = cache.get("us-east-1", "c", True, {"services": "two"})
    assert a is b
    assert a.meta.endpoint_url == "http://127.0.0.1:9001/sts"
    assert c.meta.endpoint_url == "http://127.0.0.1:9002/sts"


# --- the STS client is built while the browser signs in --------------------------------


class WaitsForSts:
    """An assertion provider that finishes only once the STS client is being built, so a
    client built after the sign-in (not alongside it) fails the test instead of passing."""

    def __init__(self, raw: str, building: threading.Event) -> None:
        self.raw = raw
        self.building = building

    def get_assertion(self, profile: Profile, ui: Any, options: SignInOptions) -> str:
        assert self.building.wait(timeout=30), "the STS client was not being built"
        return self.raw


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    lines = [f"azure_tenant_id = {TENANT}", "azure_app_id_uri = https://signin.aws.amazon.com/saml"]
    lines.append(f"azure_default_role_arn = {DEV}")
    body = "\n".join(lines)
    (tmp_path / "config").write_text(f"[profile dev]\n{body}\n\n[profile dev2]\n{body}\n")
    return {
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
    }


def world(files: dict[str, str], fake: FakeSts) -> tuple[Runtime, list[str]]:
    building = threading.Event()
    threads: list[str] = []

    def sts_api(*args: object) -> FakeSts:
        threads.append(threading.current_thread().name)
        building.set()
        return fake

    provider = WaitsForSts(response([f"{DEV},{P}"]), building)
    return Runtime(env=files, ui=ScriptedUI(), provider=lambda: provider, sts_api=sts_api), threads


def test_login_builds_the_sts_client_during_the_sign_in(files: dict[str, str]) -> None:
    fake = FakeSts()
    w, threads = world(files, fake)
    assert login(Request("dev"), w) == 0
    assert threads == ["azlogin-sts_0"]
    assert [call["RoleArn"] for call in fake.calls] == [DEV]
    assert "aws_session_token" in Path(files["AWS_SHARED_CREDENTIALS_FILE"]).read_text()


def test_all_profiles_builds_the_first_client_during_the_sign_in(files: dict[str, str]) -> None:
    fake = FakeSts()
    w, threads = world(files, fake)
    assert refresh_many(None, Request("dev"), w) == 0
    assert threads[0] == "azlogin-sts_0"
    assert len(threads) == 2  # the second profile asks for its own (the cache shares it)
    assert len(fake.calls) == 2
