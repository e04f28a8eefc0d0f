"""The URL pattern the browser driver matches before a request reaches Python: it lets
through every URL the ACS matcher accepts, and keeps the sign-in pages' own requests away."""

from __future__ import annotations

import pytest

from azlogin.browser.capture import AcsMatcher

ACCEPTED = [
    ("https://signin.aws.amazon.com/saml", "https://signin.aws.amazon.com/saml"),
    ("https://signin.aws.amazon.com/saml", "https://signin.aws.amazon.com/saml/"),
    ("https://signin.aws.amazon.com/saml", "https://us-east-1.signin.aws.amazon.com/saml"),
    ("https://signin.aws.amazon.com/saml", "https://signin.aws.amazon.com.mcas.ms/saml"),
    ("https://signin.aws.amazon.com/saml", "https://signin.amazonaws-us-gov.com/saml?x=1"),
    ("https://signin.aws.amazon.com/saml", "HTTPS://SIGNIN.AMAZONAWS.CN/saml#top"),
    ("http://127.0.0.1:8400/aws/saml", "http://127.0.0.1:8400/aws/saml"),
    ("http://127.0.0.1:8400/aws/saml", "http://127.0.0.1:8400/aws/saml//"),
    ("https://acs.example.test/", "https://acs.example.test/"),
]
KEPT_AWAY = [
    "https://login.microsoftonline.com/common/login",
    "https://login.microsoftonline.com/tenant/saml2",
    "https://aadcdn.msftauth.net/shared/1.0/content/js/ConvergedLogin.js",
    "https://signin.aws.amazon.com/console",
    "https://signin.aws.amazon.com/saml/more",
    "http://127.0.0.1:8400/aws/samlx",
    "https://evil.example/x?next=/saml",
]


@pytest.mark.parametrize(("acs", "url"), ACCEPTED)
def test_every_url_the_matcher_accepts_passes_the_pattern(acs: str, url: str) -> None:
    matcher = AcsMatcher.for_url(acs)
    assert matcher(url)
    assert matcher.prefilter().search(url)


@pytest.mark.parametrize("url", KEPT_AWAY)
def test_the_sign_in_pages_requests_never_reach_python(url: str) -> None:
    pattern = AcsMatcher.for_url("http://127.0.0.1:8400/aws/saml").prefilter()
    assert not pattern.search(url)
