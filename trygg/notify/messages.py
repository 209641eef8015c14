"""The texts of notifications, Swedish or English by the recipient's language.

The caller supplies the translations (`MailTexts.translate`: language → gettext), so this package
needs nothing of ``trygg.web``; the English msgids are translated in ``locale/sv/inbox.po``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

Gettext = Callable[..., str]


def _plain(message: str, **params: object) -> str:
    return message.format(**params) if params else message


def english(lang: str) -> Gettext:
    """No translation: the English msgids (for tests and tools without catalogs)."""
    return _plain


@dataclass(frozen=True)
class MailTexts:
    """What composing a message needs: translations, the public address, the Message-ID domain."""

    translate: Callable[[str], Gettext] = english
    public_url: str = "http://127.0.0.1:8000"
    domain: str = "localhost"

    def link(self, path: str) -> str:
        return self.public_url.rstrip("/") + path


STATUS_NAMES = {"open": "New", "in_progress": "In progress", "done": "Finished", "cancelled": "Cannot be done"}
REPORT_STATUS_NAMES = {"received": "Received", "triaged": "Triaged", "in_progress": "In progress",
                       "resolved": "Resolved", "rejected": "Rejected", "duplicate": "Duplicate"}


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def _footer(_: Gettext) -> str:
    return "\n\n-- \n" + _("This message was sent by Trygg. Do not reply to it.")


def action_assigned(lang: str, t: MailTexts, *, title: str, organisation: str, due: date, action_id: int) -> Message:
    _ = t.translate(lang)
    return Message(
        _("New action for {org}: {title}", org=organisation, title=title),
        _("Your organisation {org} owns a new action, due {due}:", org=organisation, due=due.isoformat())
        + f"\n\n  {title}\n\n" + _("Open it in the inbox: {url}", url=t.link(f"/inbox/actions/{action_id}"))
        + _footer(_))


def action_overdue(lang: str, t: MailTexts, *, title: str, organisation: str, due: date, days: int,
                   action_id: int) -> Message:
    _ = t.translate(lang)
    return Message(
        _("Overdue action: {title}", title=title),
        _("The action of {org} was due {due} and is {days} working days late:", org=organisation,
          due=due.isoformat(), days=days)
        + f"\n\n  {title}\n\n" + _("Open it in the inbox: {url}", url=t.link(f"/inbox/actions/{action_id}"))
        + _footer(_))


def action_status(lang: str, t: MailTexts, *, title: str, status: str, note: str, public_id: str) -> Message:
    _ = t.translate(lang)
    status_name = _(STATUS_NAMES.get(status, status))
    body = _("An action taken after your report {id} is now: {status}.", id=public_id, status=status_name)
    body += f"\n\n  {title}\n"
    if note:
        body += "\n" + _("Note: {note}", note=note) + "\n"
    body += "\n" + _("See it on your reports: {url}", url=t.link("/report/mine"))
    return Message(_("Action on your report {id}: {status}", id=public_id, status=status_name), body + _footer(_))


def case_routed(lang: str, t: MailTexts, *, public_id: str, organisation: str, report_id: int) -> Message:
    _ = t.translate(lang)
    return Message(
        _("New case for {org}: {id}", org=organisation, id=public_id),
        _("The case {id} was routed to {org}. Answer it from the inbox: {url}", id=public_id, org=organisation,
          url=t.link(f"/reports/{report_id}")) + _footer(_))


def resident_update(lang: str, t: MailTexts, *, public_id: str, status: str | None, feedback: str | None) -> Message:
    _ = t.translate(lang)
    lines = []
    if status:
        lines.append(_("Your report {id} is now: {status}.", id=public_id,
                       status=_(REPORT_STATUS_NAMES.get(status, status))))
    if feedback:
        lines.append(_("Our answer:") + f"\n\n  {feedback}")
    lines.append(_("Follow your report here: {url}", url=t.link(f"/kontakt/status/{public_id}")))
    return Message(_("Your report {id} to the municipality", id=public_id), "\n\n".join(lines) + _footer(_))


def minutes(lang: str, t: MailTexts, *, group: str, held_on: date, meeting_id: int) -> Message:
    _ = t.translate(lang)
    return Message(
        _("Minutes of {group}, {date}", group=group, date=held_on.isoformat()),
        _("The minutes of the EST meeting of {group} on {date} are attached (PDF).", group=group,
          date=held_on.isoformat())
        + "\n\n" + _("They are also kept with the meeting: {url}", url=t.link(f"/meetings/m/{meeting_id}"))
        + _footer(_))


def ready_to_sign(lang: str, t: MailTexts, *, title: str, plan_id: int) -> Message:
    _ = t.translate(lang)
    return Message(_("Ready to sign: {title}", title=title),
                   _("The action plan {title} is approved and waits for your signature: {url}", title=title,
                     url=t.link(f"/plans/{plan_id}")) + _footer(_))
