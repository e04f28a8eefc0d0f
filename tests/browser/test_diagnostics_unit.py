from __future__ import annotations

from azlogin.browser.diagnostics import REDACTED, redact_html, redact_text

PAGE = """<html><head><script>$Config={"pgid":"X","sFT":"FLOWTOKEN123","canary":"CAN-ARY"};</script>
</head><body>
<input type="email" name="loginfmt" value="alice@example.com">
<input type='password' name='passwd' value='Passw0rd!'>
<input type=hidden name=SAMLResponse value=PHNhbWxwOlJlc3BvbnNlIHhtbG5zPSJ1cm4=>
<textarea name="notes">secret notes</textarea>
<p>Your code 123456 was wrong, Passw0rd! is not shown by Entra</p>
<script>var data = {"SAMLResponse": "PHNhbWxwOlJlc3BvbnNlIHhtbG5zPSJ1cm4="};</script>
</body></html>"""


def test_redact_html_removes_every_value_and_secret() -> None:
    out = redact_html(PAGE, ["Passw0rd!", "123456"])
    for secret in ("alice@example.com", "Passw0rd!", "PHNhbWxwOlJlc3BvbnNl", "secret notes",
                   "FLOWTOKEN123", "CAN-ARY", "123456"):  # fmt: skip
        assert secret not in out
    assert out.count(REDACTED) >= 8
    assert '"pgid":"X"' in out  # what is not secret stays, for the bug report
    assert 'name="loginfmt"' in out


def test_redact_text_prefers_the_longest_secret() -> None:
    assert redact_text("pw=abc123 and abc", ["abc", "abc123"]) == f"pw={REDACTED} and {REDACTED}"
    assert redact_text("nothing", ["", "x"]) == "nothing"


def test_a_config_or_hand_off_built_from_base64_in_script_is_redacted() -> None:
    import base64
    import json

    config = base64.b64encode(json.dumps({"sFT": "flow-token-" * 8}).encode()).decode()
    saml = base64.b64encode(b"<samlp:Response>" + b"x" * 300).decode()
    html = (
        f'<script>window.$Config=JSON.parse(atob("{config}"));</script>'
        f"<script>build('hiddenform', '{saml}');</script>"
    )
    redacted = redact_html(html)
    assert config not in redacted and saml not in redacted
    assert redacted.count(REDACTED) == 2
