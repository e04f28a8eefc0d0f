"""HTML that AWS sign-in shows: the two role-chooser flavours, the console landing, errors.

The chooser markup follows the structure clients scrape (legacy: ``fieldset`` →
``div.saml-account`` → ``div.saml-account-name`` and ``input[name=roleIndex]``; newer: a
``<meta name="data">`` with base64 JSON whose ``roles_accounts`` maps "alias (id)" to role
ARNs), with the sandbox's own wording.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Account:
    account_id: str
    alias: str | None
    role_arns: tuple[str, ...]

    @property
    def label(self) -> str:
        """``alias (id)``, or just the id when the account has no alias, as AWS writes it."""
        return f"{self.alias} ({self.account_id})" if self.alias else self.account_id


def role_name(role_arn: str) -> str:
    return role_arn.rsplit("/", 1)[-1]


def _page(title: str, body: str, head: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"{head}<title>{escape(title)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def legacy_chooser(
    accounts: Sequence[Account], saml_response_b64: str, relay_state: str, action: str
) -> str:
    blocks = []
    for index, account in enumerate(accounts):
        roles = "".join(
            '<div class="saml-role" onclick="checkRadio(this);">'
            f'<input type="radio" name="roleIndex" value="{escape(arn)}" class="saml-radio" '
            f'id="{escape(arn)}"><label for="{escape(arn)}" class="saml-role-description">'
            f'{escape(role_name(arn))}</label><span style="clear: both;"></span></div>\n'
            for arn in account.role_arns
        )
        blocks.append(
            '<div class="saml-account">\n'
            f'<div onclick="expandCollapse({index});"><img id="image{index}" '
            'src="/static/image/down.png" alt="">'
            f'<div class="saml-account-name">Account: {escape(account.label)}</div></div>\n'
            '<hr style="border: 1px solid #ddd;">\n'
            f'<div id="{index}" class="saml-account">\n{roles}</div>\n</div>\n'
        )
    body = (
        '<div id="container">\n'
        f'<form id="saml_form" name="saml_form" action="{escape(action)}" method="post">\n'
        f'<input type="hidden" name="RelayState" value="{escape(relay_state)}">\n'
        f'<input type="hidden" name="SAMLResponse" value="{escape(saml_response_b64)}">\n'
        '<input type="hidden" name="name" value="">\n'
        '<input type="hidden" name="portal" value="">\n'
        '<p style="font-size: 16px; padding-left: 20px;">Select a role:</p>\n'
        f"<fieldset>\n{''.join(blocks)}</fieldset>\n"
        '<div class="buttoninput" id="input_signin_button">'
        '<button id="signin_button" class="css3button" type="submit">Sign In</button></div>\n'
        "</form>\n</div>"
    )
    return _page("Amazon Web Services Sign-In", body)


def nextjs_chooser(accounts: Sequence[Account], saml_response_b64: str, relay_state: str) -> str:
    data = {
        "invalid_accounts": {},
        "RelayState": relay_state,
        "name": None,
        "roles_accounts": {a.label: list(a.role_arns) for a in accounts},
        "foreign_accounts": {},
        "region": "IAD",
        "portal": None,
        "SAMLResponse": saml_response_b64,
        "problems": "{}",
        "policy": None,
    }
    encoded = base64.b64encode(json.dumps(data).encode()).decode("ascii")
    head = (
        '<meta name="viewport" content="width=device-width">\n'
        f'<meta name="data" content="{encoded}">\n'
        '<meta name="panorama" content="IAD">\n'
    )
    items = []
    for account in accounts:
        dashed = "-".join(account.account_id[i : i + 4] for i in range(0, 12, 4))
        roles = "".join(
            '<div class="saml-form_role_div__sbx1"><a class="saml-form_role_text__sbx1" '
            f'id="{escape(arn)}" data-testid="roleLink-{escape(arn.rsplit("/", 1)[0])}" '
            f'role="button" aria-label="Account ID {dashed} Role Name {escape(role_name(arn))}" '
            f'tabindex="0">{escape(role_name(arn))}</a></div>\n'
            for arn in account.role_arns
        )
        items.append(
            '<li class="saml-form_custom_list_item__sbx1"><div class="flex-grow">\n'
            '<div class="saml-form_account_name_div__sbx1">'
            f"{escape(account.alias or account.account_id)}</div>\n"
            f'<div class="saml-form_account_id_div__sbx1">{dashed}</div>\n'
            f'<div class="saml-form_account_role_div__sbx1">\n{roles}</div>\n</div></li>\n'
        )
    count = sum(len(a.role_arns) for a in accounts)
    body = (
        '<div id="root"><div id="__next"><main>\n'
        '<div class="saml-form_saml_form_div__sbx1" id="saml_form">\n'
        f'<h2>AWS account access <span data-testid="roles-count">({count})</span></h2>\n'
        f'<ul class="saml-form_custom_list__sbx1">\n{"".join(items)}</ul>\n'
        "</div>\n</main></div>\n"
        '<script id="__NEXT_DATA__" type="application/json">'
        '{"props":{"pageProps":{}},"page":"/saml","query":{}}</script>\n</div>'
    )
    return _page("Amazon Web Services Sign-In", body, head)


def console_page(
    *,
    role_arn: str,
    session_name: str,
    account_label: str,
    session_ends: str | None = None,
    destination: str | None = None,
) -> str:
    """Where a console sign-in lands; names the role so a demo or test can see who it is."""
    rows = [
        ("Role", "console-role", role_name(role_arn)),
        ("Role ARN", "console-role-arn", role_arn),
        ("Session", "console-session", session_name),
        ("Account", "console-account", account_label),
    ]
    if session_ends is not None:
        rows.append(("Console session ends", "console-session-end", session_ends))
    if destination is not None:
        rows.append(("Destination", "console-destination", destination))
    items = "\n".join(
        f'<dt>{escape(term)}</dt><dd id="{key}">{escape(value)}</dd>' for term, key, value in rows
    )
    body = (
        f'<h1 id="console-title">Signed in to the AWS Management Console</h1>\n<dl>\n{items}\n</dl>'
    )
    return _page("AWS Management Console (sandbox)", body)


def error_page(message: str, detail: str = "") -> str:
    body = f'<h1>Error</h1>\n<p id="error-message">{escape(message)}</p>'
    if detail:
        body += f'\n<p id="error-detail">{escape(detail)}</p>'
    return _page("Amazon Web Services Sign-In", body)
