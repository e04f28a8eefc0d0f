"""AZLOGIN_PAGE_TIMEOUT: a positive, finite number of seconds, or a clear error up front."""

from __future__ import annotations

import pytest

from azlogin.browser import BrowserSignIn
from azlogin.errors import ConfigError


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "0", "-5", "abc", "1e999"])
def test_a_page_timeout_that_is_not_seconds_is_a_config_error(text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        BrowserSignIn(env={"AZLOGIN_PAGE_TIMEOUT": text})
    assert caught.value.message == f"AZLOGIN_PAGE_TIMEOUT={text!r} is not a number of seconds."
    assert caught.value.hint == "Unset AZLOGIN_PAGE_TIMEOUT, or use e.g. 30."


@pytest.mark.parametrize(("text", "seconds"), [("2.5", 2.5), ("30", 30.0), ("", 30.0)])
def test_a_page_timeout_in_seconds(text: str, seconds: float) -> None:
    assert BrowserSignIn(env={"AZLOGIN_PAGE_TIMEOUT": text}).page_timeout == seconds
