"""Display names (English msgids) of the audit trail's actions; the audit page translates them with ``_()``."""

from __future__ import annotations

from trygg.domain.msgid import _
from trygg.storage.audit import SIGNIN_ACTIONS

ACTION_LABELS = {
    # sign-in (trygg.web.signin_audit)
    "login": _("Sign-in: password accepted"),
    "login_totp": _("Sign-in: second factor accepted"),
    "login_failed": _("Sign-in failed"),
    "login_totp_failed": _("Sign-in: wrong code"),
    "logout": _("Signed out"),
    "session_expired": _("Session expired"),
    # accounts
    "lock": _("Account locked"),
    "unlock": _("Account unlocked"),
    "password_change": _("Password changed"),
    "password_reset": _("Password reset"),
    "password_set_by_link": _("Password set through a one-time link"),
    "municipality_init": _("Municipality set up"),
    "areas_import": _("Areas imported"),
    "areas_attributes": _("Area attributes imported"),
    "surveys_import": _("Survey results imported"),
    "totp_enrol": _("Second factor turned on"),
    "totp_remove": _("Second factor removed"),
    "totp_reset": _("Second factor reset"),
    # changes and reads
    "create": _("Created"),
    "update": _("Changed"),
    "delete": _("Deleted"),
    "revoke": _("Revoked"),
    "status": _("Status changed"),
    "sign": _("Signed"),
    "amend": _("Amended"),
    "publish": _("Published"),
    "republish": _("Republished"),
    "withdraw": _("Withdrawn"),
    "import": _("Imported"),
    "export": _("Exported"),
    "retention": _("Retention run"),
    "read_sensitive": _("Sensitive details read"),
    "read_contact": _("Contact details read"),
}


def action_choices(present: list[str]) -> list[tuple[str, str]]:
    """(action, English label) for the search form: the sign-in actions always (so that they can be
    searched before the first one happened), then every action in the trail, by label."""
    codes = sorted(set(present) | set(SIGNIN_ACTIONS))
    return [(code, ACTION_LABELS.get(code, code)) for code in codes]
