"""Text for people: the ~/.aws/config profile that points azlogin at a running sandbox,
and the scenario's (fake) users with everything needed to sign in as them."""

from __future__ import annotations

from azlogin.sandbox import gallery
from azlogin.sandbox.scenario import Scenario, Tenant, User


def config_snippet(scenario: Scenario, base_url: str, profile: str = "sandbox") -> str:
    """A ready-to-paste profile; STS calls go to the sandbox through botocore's
    ``services`` sections, so no code of azlogin's needs to know about it."""
    services = f"sandbox-{base_url.rsplit(':', 1)[-1]}"
    header = "[default]" if profile == "default" else f"[profile {profile}]"
    lines = [header]
    tenant = scenario.tenants[0] if scenario.tenants else None
    if tenant is not None:
        lines.append(f"azure_tenant_id = {tenant.tenant_id}")
        if tenant.apps:
            lines.append(f"azure_app_id_uri = {tenant.apps[0].app_id_uri}")
        if tenant.users:
            lines.append(f"azure_default_username = {tenant.users[0].username}")
    lines += [
        "region = us-east-1",
        f"azlogin_authority_host = {base_url}",
        f"azlogin_acs_url = {base_url}/saml",
        f"services = {services}",
        "",
        f"[services {services}]",
        "sts =",
        f"  endpoint_url = {base_url}/sts",
    ]
    return "\n".join(lines) + "\n"


def users_text(scenario: Scenario) -> str:
    """One block per tenant, one line per user. Every value here is a sandbox fake."""
    blocks = [_tenant_text(tenant) for tenant in scenario.tenants]
    return "\n".join(blocks)


def _tenant_text(tenant: Tenant) -> str:
    apps = ", ".join(app.app_id_uri for app in tenant.apps) or "(none)"
    lines = [f"Tenant {tenant.tenant_id} ({tenant.domain}); apps: {apps}"]
    app_ids = {app.app_id_uri for app in tenant.apps}
    for user in tenant.users:
        notes = ", ".join(_notes(user, app_ids)) or "no MFA"
        lines.append(f"  {user.username}  password: {user.password}  ({notes})")
    return "\n".join(lines) + "\n"


def _notes(user: User, app_ids: set[str]) -> list[str]:
    notes = [_method(user, method) for method in user.mfa]
    flags = {
        "phone sign-in, phone will " + user.push: user.passwordless,
        "work/personal account choice": user.has_personal_account,
        "passkey offered (and a password)": user.passkey == "offered",
        "passkey only, no password": user.passkey == "only",
        "system-preferred MFA starts push": user.system_preferred_mfa,
        "no default MFA method: the picker first": len(user.mfa) > 1 and not user.mfa_default,
        "locked": user.locked,
        "disabled": user.disabled,
        f"federated to {user.federated_idp_url}": bool(user.federated_idp_url),
        "not assigned to the app": not app_ids.intersection(user.apps),
    }
    notes += [text for text, on in flags.items() if on]
    notes += [note for page in gallery.pages() if (note := page.note_for(user))]
    if user.disguise:
        pages = "every page" if "*" in user.disguise else ", ".join(user.disguise)
        notes.append(f"{pages} unreadable over plain HTTP (browser only)")
    notes.append(f"{len(user.roles)} role(s)")
    return notes


def _method(user: User, method: str) -> str:
    if method == "PhoneAppOTP":
        return f"authenticator code, TOTP secret {user.totp_secret}"
    if method == "OneWaySMS":
        return f"SMS code {user.sms_code}"
    if method == "PhoneAppNotification":
        number = f", number {user.push_number}" if user.push_number else ""
        return f"push, phone will {user.push}{number}"
    return f"voice call, phone will {user.push}"
