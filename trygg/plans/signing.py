"""Signing a plan: configurable signatory roles, one recorded sign-off (user, time) per role.

In Trollhättan the roles are the LPO chief, the chair of the municipal executive board (KSO) and
the city director. Only a user with the role ``signatory`` whose ``signatory_title`` equals the
role's title signs for that role, and only an *approved* plan. When every role has signed, the
plan becomes *signed*.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from trygg.domain.enums import PlanStatus, Role
from trygg.domain.msgid import _
from trygg.errors import Conflict, NotFound, PermissionDenied, ValidationError
from trygg.storage import audit
from trygg.storage import plans as store
from trygg.storage.schema import ActionPlan, SignatoryRole, Signature, User

TITLE_UNKNOWN = _("Choose one of the signatory roles, or none.")
TITLE_NEEDS_ROLE = _("Only users with the role signatory sign: choose that role, or no title.")


@dataclass(frozen=True)
class SignatureLine:
    role: SignatoryRole
    signature: Signature | None
    user: User | None

    @property
    def signed_at(self) -> datetime | None:
        return self.signature.signed_at if self.signature else None


def signature_lines(session: Session, plan: ActionPlan) -> list[SignatureLine]:
    """One line per signatory role (in order), with the signature when given."""
    sigs = {s.signatory_role_id: s for s in store.signatures(session, plan.id)}
    users = store.users_by_id(session, [s.user_id for s in sigs.values()])
    roles = store.signatory_roles(session)
    known = {r.id for r in roles}
    lines = [SignatureLine(r, sigs.get(r.id), users.get(sigs[r.id].user_id) if r.id in sigs else None)
             for r in roles]
    for role_id, s in sigs.items():  # a signature whose role was removed later stays visible
        if role_id not in known:
            role = store.get_signatory_role(session, role_id)
            if role is not None:
                lines.append(SignatureLine(role, s, users.get(s.user_id)))
    return lines


def role_for(session: Session, user: User) -> SignatoryRole:
    if user.role != Role.SIGNATORY:
        raise PermissionDenied("Only a signatory signs a plan.",
                               hint=f"Your role is {user.role}; an administrator can make you a signatory.")
    role = store.signatory_role_by_title(session, user.signatory_title or "")
    if role is None:
        raise PermissionDenied(f"Your signatory title {user.signatory_title!r} is none of the plan's signatory roles.",
                               hint="An administrator sets your signatory title to one of the roles.")
    return role


def sign(session: Session, plan: ActionPlan, user: User) -> Signature:
    """Record `user`'s sign-off for their role; the plan is signed when every role has signed."""
    role = role_for(session, user)
    if plan.status != PlanStatus.APPROVED:
        raise Conflict(f"Only an approved plan is signed; this one is {plan.status}.",
                       hint="The coordinator moves the plan to approved after the consultation.")
    lines = signature_lines(session, plan)
    if any(line.role.id == role.id and line.signature for line in lines):
        raise Conflict(f"The plan is already signed for {role.title}.")
    sig = store.add(session, Signature(plan_id=plan.id, signatory_role_id=role.id, user_id=user.id))
    audit.record(session, user.id, "sign", "action_plan", plan.id, {"role": role.title})
    roles = store.signatory_roles(session)
    signed = {s.signatory_role_id for s in store.signatures(session, plan.id)}
    if roles and all(r.id in signed for r in roles):
        store.add_status_change(session, plan.id, plan.status, PlanStatus.SIGNED, user.id, "all roles signed")
        plan.status = PlanStatus.SIGNED
        audit.record(session, user.id, "status", "action_plan", plan.id,
                     {"from": PlanStatus.APPROVED, "to": PlanStatus.SIGNED})
        session.flush()
    return sig


def add_role(session: Session, title: str, organisation_id: int | None, order: int, user: User | None) -> SignatoryRole:
    title = title.strip()
    if not title:
        raise ValidationError("The signatory role is not valid.", fields={"title": "is required"})
    if store.signatory_role_by_title(session, title) is not None:
        raise Conflict(f"There is already a signatory role {title!r}.")
    role = store.add(session, SignatoryRole(title=title, organisation_id=organisation_id, order=order))
    audit.record(session, user.id if user else None, "create", "signatory_role", role.id, {"title": title})
    return role


def delete_role(session: Session, role_id: int, user: User | None) -> None:
    role = store.get_signatory_role(session, role_id)
    if role is None:
        raise NotFound(f"No signatory role with id {role_id}.")
    if store.role_has_signatures(session, role_id):
        raise Conflict(f"{role.title} has signed plans and cannot be removed.",
                       hint="Signed plans keep their signatures; add the new role beside it.")
    store.delete(session, role)
    audit.record(session, user.id if user else None, "delete", "signatory_role", role_id, {"title": role.title})


def check_title(session: Session, title: str | None, role: str, current: str | None = None) -> str | None:
    """A user's signatory title as given (blank = none), checked: one of the configured roles'
    titles (or the user's `current` one, kept unchanged although its role was removed), and only
    for the role ``signatory``. Raises ValidationError on the field ``signatory_title``."""
    title = (title or "").strip() or None
    if title is None:
        return None
    if title != current and store.signatory_role_by_title(session, title) is None:
        known = ", ".join(r.title for r in store.signatory_roles(session)) or "none configured"
        raise ValidationError(f"{title!r} is not a signatory role (known: {known}).",
                              fields={"signatory_title": TITLE_UNKNOWN},
                              hint="Choose one listed, or add the role first at /plans/signatories.")
    if role != Role.SIGNATORY:
        raise ValidationError(f"A user with the role {role} does not sign plans.",
                              fields={"signatory_title": TITLE_NEEDS_ROLE})
    return title


def set_title(session: Session, user: User, title: str | None, actor: User | None) -> bool:
    """Set or clear (None or blank) `user`'s signatory title, checked by `check_title`, and audit
    the change (old → new). False when nothing changed."""
    new = check_title(session, title, user.role, user.signatory_title)
    if new == user.signatory_title:
        return False
    audit.record(session, actor.id if actor else None, "update", "user", user.id,
                 {"signatory_title": {"from": user.signatory_title, "to": new}})
    user.signatory_title = new
    session.flush()
    return True
