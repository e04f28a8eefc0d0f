"""What a release promises in writing stays true: the troubleshooting table covers every
error azlogin explains, the benchmark table every case, the changelog this version."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

from azlogin import __version__, sts_errors
from azlogin.browser import aadsts
from azlogin.completion import SHELLS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def section(title: str) -> str:
    found = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    assert found is not None, title
    return found.group(1)


def test_troubleshooting_explains_every_aadsts_code_and_sts_error() -> None:
    table = section("Troubleshooting")
    for code in aadsts._TABLE:
        assert f"(AADSTS{code})" in table, code
    for code in sts_errors.HINTS:
        assert f"STS … {code}" in table or f"… {code}" in table, code
    for status in ("(exit 2)", "(exit 3)", "(exit 4)", "(exit 5)", "(exit 130)"):
        assert status in table
    assert "No Chromium-based browser was found." in table


def test_benchmarks_table_has_every_case_and_the_machine() -> None:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    run: Any = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = run  # its dataclasses look their module up while being made
    try:
        spec.loader.exec_module(run)
    finally:
        del sys.modules[spec.name]
    text = section("Benchmarks")
    for name in run.cases(None):  # defining the cases runs nothing
        assert f"| {name} |" in text, name
    assert "cores" in text
    assert "benchmarks/README.md" in text


def test_shell_completion_is_documented_for_every_shell() -> None:
    text = section("Shell completion")
    for shell in SHELLS:
        assert f"azlogin completion {shell}" in text


def test_changelog_has_this_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(
        rf"^## \[{re.escape(__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M
    )
    assert "## [Unreleased]" in changelog
