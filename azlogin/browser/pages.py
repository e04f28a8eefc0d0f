"""The page table: every Entra sign-in page azlogin knows, as a row.

A row is a name people recognise, a :class:`Detector` (visible element ids and
``$Config.pgid``, never English text) and one short action from :mod:`.actions`.
Adding a page means one action, one row, one sandbox page and one test.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import federation
from .actions import (
    CODE_INPUTS,
    CRED_PICKER,
    METHOD_TILES,
    PASSWORD_INPUTS,
    USERNAME_INPUTS,
    await_approval,
    await_phone_sign_in,
    choose_account_type,
    choose_method,
    enter_code,
    enter_password,
    enter_username,
    hand_off,
    other_ways_to_sign_in,
    password_expired,
    pick_account,
    skip_or_stop_proof_up,
    stay_signed_in,
    stop,
    use_your_password,
)
from .detect import Detector
from .driver import Action


@dataclass(frozen=True)
class PageKind:
    name: str
    detector: Detector
    act: Action
    ending: bool = False  # an error page: the sign-in stops here


# --- the table, in detection priority: the hand-off, dead ends, interrupts, inputs ---------

NGC = ("#idRemoteNGC_DisplaySign", "#idDiv_RemoteNGC_PollingDescription", "#idDiv_RemoteNGC_Error")
HANDOFF_FORM = "form[name=hiddenform] input[name=SAMLResponse]"

PAGES: tuple[PageKind, ...] = (
    PageKind("hand-off", Detector(present=(HANDOFF_FORM,)), hand_off),
    # A federated tenant's AD FS: before "password" (its #passwordInput is name=Password).
    PageKind("ws-fed-return", federation.WS_FED, federation.ws_fed_return),
    PageKind("adfs-sign-in", federation.ADFS, federation.adfs_sign_in),
    PageKind("proof-up", Detector(("#idSubmit_ProofUp_Redirect",), ("ConvergedProofUpRedirect",)),
             skip_or_stop_proof_up, ending=True),
    PageKind("conditional-access", Detector(pgids=("ConvergedConditionalAccess",)),
             stop("53003"), ending=True),
    PageKind("password-expired", Detector(pgids=("ConvergedChangePassword",)),
             password_expired, ending=True),
    PageKind("mfa-denied", Detector(("#idDiv_SAASDS_Description",)),
             stop("500121", "the request was denied"), ending=True),
    PageKind("mfa-timeout", Detector(("#idDiv_SAASTO_Description",)),
             stop("500121", "the request was not answered"), ending=True),
    PageKind("stay-signed-in", Detector(("#KmsiDescription",), ("KmsiInterrupt",)), stay_signed_in),
    PageKind("account-tiles", Detector(("#aadTile", "#msaTile")), choose_account_type),
    PageKind("pick-an-account", Detector(("#tilesHolder", "#otherTile")), pick_account),
    PageKind("method-picker", Detector(("#idDiv_SAOTCS_Proofs", *METHOD_TILES)), choose_method),
    PageKind("mfa-code", Detector(CODE_INPUTS), enter_code),
    PageKind("mfa-push", Detector(("#idDiv_SAOTCAS_Description",)), await_approval),
    PageKind("passwordless", Detector(NGC), await_phone_sign_in),
    PageKind("password", Detector(PASSWORD_INPUTS), enter_password),
    PageKind("username", Detector(USERNAME_INPUTS), enter_username),
    # After the fields: Entra's password view may offer "Other ways to sign in" too.
    PageKind("sign-in-options", Detector(("#credentialList",)), use_your_password),
    PageKind("passkey-offer", Detector((CRED_PICKER,)), other_ways_to_sign_in),
    # Last: a sign-in page may show a service message above a field the person can retry.
    PageKind("service-error", Detector(("#service_exception_message",), ("ConvergedError",)),
             stop(), ending=True),
)  # fmt: skip

BY_NAME = {p.name: p for p in PAGES}
ENDINGS = tuple(p.name for p in PAGES if p.ending)
