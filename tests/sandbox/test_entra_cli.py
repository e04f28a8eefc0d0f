"""``azlogin sandbox`` (``azlogin.sandbox.cli.main``): in-process for the quick paths, and
as a real process that serves until SIGINT."""

from __future__ import annotations

import json
import queue
import re
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from typing import IO

import pytest

from azlogin.sandbox.cli import load_scenario, main

SCENARIO_TOML = """
chooser_format = "html"

[[tenants]]
tenant_id = "99999999-8888-7777-6666-555555555555"
domain = "toml.example"
apps = [{ app_id_uri = "https://signin.aws.amazon.com/saml#toml" }]

[[tenants.users]]
username = "zoe@toml.example"
password = "Zoe-pass-1"
mfa = ["OneWaySMS"]
sms_code = "135790"
apps = ["https://signin.aws.amazon.com/saml#toml"]
roles = ["arn:aws:iam::444444444444:role/Toml"]

[[roles]]
arn = "arn:aws:iam::444444444444:role/Toml"
provider_arn = "arn:aws:iam::444444444444:saml-provider/AzureAD"
"""


def test_print_config_for_a_port(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--print-config", "--port", "8765"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("[profile sandbox]\n")
    assert "azlogin_authority_host = http://127.0.0.1:8765\n" in out
    assert "[services sandbox-8765]\nsts =\n  endpoint_url = http://127.0.0.1:8765/sts\n" in out


def test_print_config_needs_a_port(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--print-config"]) == 2
    assert "--port" in capsys.readouterr().err


def test_usage_error_is_an_exit_status() -> None:
    assert main(["--port", "not-a-number"]) == 2


def test_scenario_files(tmp_path: Path) -> None:
    toml_file = tmp_path / "s.toml"
    toml_file.write_text(SCENARIO_TOML)
    from_toml = load_scenario(toml_file)
    assert from_toml.tenants[0].users[0].sms_code == "135790"
    assert from_toml.chooser_format == "html"

    json_file = tmp_path / "s.json"
    json_file.write_text(json.dumps({"tenants": [{"tenant_id": "t", "users": []}]}))
    assert load_scenario(json_file).tenants[0].tenant_id == "t"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("bad.json", "{not json"),
        ("bad.toml", "users = [["),
        ("typo.json", '{"tenants": [{}]}'),
        ("field.json", '{"roles": [{"arn": "a", "colour": "red"}]}'),
        ("s.yaml", "a: 1"),
    ],
)
def test_bad_scenario_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert main(["--scenario", str(path), "--print-config", "--port", "1"]) == 3
    assert str(path) in capsys.readouterr().err


def _reader(stream: IO[str]) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _read_until(lines: queue.Queue[str], marker: str) -> str:
    seen = ""
    while marker not in seen:
        seen += lines.get(timeout=30)
    return seen


@pytest.mark.parametrize("with_file", [False, True])
def test_serves_until_interrupted(tmp_path: Path, with_file: bool) -> None:
    args = [sys.executable, "-m", "azlogin.sandbox.cli"]
    if with_file:
        (tmp_path / "s.toml").write_text(SCENARIO_TOML)
        args += ["--scenario", str(tmp_path / "s.toml")]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = _reader(process.stdout)  # type: ignore[arg-type]
        banner = _read_until(lines, "Press Ctrl-C")
        base_url = re.search(r"endpoint_url = (http://127\.0\.0\.1:\d+)/sts", banner)
        assert base_url, banner
        assert f"azlogin_authority_host = {base_url.group(1)}\n" in banner
        user = "zoe@toml.example  password: Zoe-pass-1" if with_file else "alice@sandbox.example"
        assert user in banner
        with urllib.request.urlopen(base_url.group(1) + "/", timeout=10) as response:
            assert response.status == 200

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        assert "stopped" in _read_until(lines, "stopped")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()  # type: ignore[union-attr]
        process.stderr.close()  # type: ignore[union-attr]
