"""The citizen promise (medborgarlöfte): a few public commitments, each tied to indicators.

A promise is edited while it is a draft; *published* (status ``active``) it has a public page
without login showing the commitments and the progress of their indicators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from trygg.domain.enums import PlanStatus
from trygg.domain.personal_data import guard
from trygg.errors import Conflict, NotFound, ValidationError
from trygg.plans.indicators import Reading, progress_of, reading
from trygg.plans.inputs import PARTIES, IndicatorInput, check_categories
from trygg.publication import gate
from trygg.storage import audit
from trygg.storage import plans as store
from trygg.storage.categories import taxonomy
from trygg.storage.schema import CitizenPromise, Indicator, PromiseCommitment, User

PUBLIC_STATUSES = frozenset({PlanStatus.ACTIVE, PlanStatus.EVALUATED})


def get(session: Session, promise_id: int, *, public: bool = False) -> CitizenPromise:
    promise = store.get_promise(session, promise_id)
    if promise is None or (public and promise.status not in PUBLIC_STATUSES):
        raise NotFound(f"No citizen promise with id {promise_id}.")
    return promise


def _uid(user: User | None) -> int | None:
    return user.id if user else None


def ensure_draft(promise: CitizenPromise) -> None:
    if promise.status != PlanStatus.DRAFT:
        raise Conflict(f"The citizen promise is {promise.status} and cannot be edited.",
                       hint="Withdraw it to a draft first (it leaves the public page).")


def create(session: Session, user: User | None, year: int, title: str, text: str,
           plan_id: int | None = None) -> CitizenPromise:
    if not title.strip():
        raise ValidationError("The citizen promise is not valid.", fields={"title": "is required"})
    guard({"title": title, "text": text})
    promise = store.add(session, CitizenPromise(year=year, title=title.strip(), text=text.strip(),
                                                status=PlanStatus.DRAFT, plan_id=plan_id))
    audit.record(session, _uid(user), "create", "citizen_promise", promise.id)
    return promise


def update(session: Session, promise: CitizenPromise, user: User | None, title: str, text: str) -> None:
    ensure_draft(promise)
    if not title.strip():
        raise ValidationError("The citizen promise is not valid.", fields={"title": "is required"})
    guard({"title": title, "text": text})
    promise.title, promise.text = title.strip(), text.strip()
    audit.record(session, _uid(user), "update", "citizen_promise", promise.id)
    session.flush()


def set_published(session: Session, promise: CitizenPromise, user: User | None, published: bool) -> None:
    promise.status = PlanStatus.ACTIVE if published else PlanStatus.DRAFT
    audit.record(session, _uid(user), "publish" if published else "withdraw", "citizen_promise", promise.id)
    session.flush()


def add_commitment(session: Session, promise: CitizenPromise, user: User | None, party: str,
                   text: str) -> PromiseCommitment:
    ensure_draft(promise)
    errors = {}
    if party not in PARTIES:
        errors["party"] = f"must be one of {', '.join(PARTIES)}"
    if not text.strip():
        errors["text"] = "is required"
    else:
        guard({"text": text}, errors=errors)
    if errors:
        raise ValidationError("The commitment is not valid.", fields=errors)
    c = PromiseCommitment(party=party, text=text.strip())
    promise.commitments.append(c)
    session.flush()
    audit.record(session, _uid(user), "create", "promise_commitment", c.id, {"promise_id": promise.id})
    return c


def find_commitment(promise: CitizenPromise, commitment_id: int) -> PromiseCommitment:
    for c in promise.commitments:
        if c.id == commitment_id:
            return c
    raise NotFound(f"Commitment {commitment_id} is not part of promise {promise.id}.")


def delete_commitment(session: Session, promise: CitizenPromise, c: PromiseCommitment, user: User | None) -> None:
    ensure_draft(promise)
    promise.commitments.remove(c)
    session.flush()
    audit.record(session, _uid(user), "delete", "promise_commitment", c.id)


def add_indicator(session: Session, promise: CitizenPromise, c: PromiseCommitment, user: User | None,
                  data: IndicatorInput) -> Indicator:
    ensure_draft(promise)
    check_categories(taxonomy(session), data)
    ind = Indicator(name=data.name, source_kind=data.source_kind, category=data.category, area_id=data.area_id,
                    area_types=data.area_types or None, survey_indicator=data.survey_indicator,
                    baseline=data.baseline, target=data.target, unit=data.unit)
    c.indicators.append(ind)
    session.flush()
    audit.record(session, _uid(user), "create", "indicator", ind.id, {"commitment_id": c.id})
    return ind


@dataclass(frozen=True)
class ShownIndicator:
    """An indicator as the public sees it: a report figure's baseline and target through the gate."""

    id: int
    name: str
    source_kind: str
    baseline: float | None
    target: float | None
    unit: str


@dataclass(frozen=True)
class CommitmentView:
    commitment: PromiseCommitment
    readings: list[tuple[Indicator | ShownIndicator, Reading]]


def public_view(session: Session, promise: CitizenPromise, on: date, *,
                public: bool = False) -> list[CommitmentView]:
    """Each commitment with its indicators' readings on `on`.

    ``public=True`` (every page or API without login) reads report figures through the
    suppression gate: counted from the published months only, hidden where the publication
    hides them, and a baseline or target about reports shown only when it is 0 or at least the
    category's threshold.
    """
    if not public:
        return [CommitmentView(c, [(i, reading(session, i, on)) for i in c.indicators])
                for c in promise.commitments]
    return [CommitmentView(c, [_public_reading(session, i, on) for i in c.indicators]) for c in promise.commitments]


def _public_reading(session: Session, ind: Indicator, on: date) -> tuple[ShownIndicator, Reading]:
    if ind.source_kind != "report_category":
        return _shown(ind, ind.baseline, ind.target), reading(session, ind, on)
    tax = taxonomy(session)
    baseline = gate.entered_figure(ind.baseline, ind.category, tax)
    target = gate.entered_figure(ind.target, ind.category, tax)
    figure = gate.indicator_figure(session, ind.category, ind.area_id, tuple(ind.area_types or ()), on)
    if figure.hidden:
        return _shown(ind, baseline, target), Reading(None, on, figure.basis, None, "hidden")
    value = None if figure.value is None else float(figure.value)
    if baseline is None and ind.baseline is not None or target is None and ind.target is not None:
        # Progress and its words would give away a hidden baseline or target.
        return _shown(ind, baseline, target), Reading(value, on, figure.basis, None, "hidden")
    progress, status = progress_of(value, baseline, target)
    return _shown(ind, baseline, target), Reading(value, on, figure.basis, progress, status)


def _shown(ind: Indicator, baseline: float | None, target: float | None) -> ShownIndicator:
    return ShownIndicator(ind.id, ind.name, ind.source_kind, baseline, target, ind.unit)


def promise_json(session: Session, promise: CitizenPromise, on: date, *, public: bool = False) -> dict[str, Any]:
    return {"id": promise.id, "year": promise.year, "title": promise.title, "text": promise.text,
            "status": promise.status, "plan_id": promise.plan_id,
            "commitments": [{"id": v.commitment.id, "party": v.commitment.party, "text": v.commitment.text,
                             "indicators": [{"id": i.id, "name": i.name, "source_kind": i.source_kind,
                                             "baseline": i.baseline, "target": i.target, "unit": i.unit,
                                             "reading": r.as_dict()} for i, r in v.readings]}
                            for v in public_view(session, promise, on, public=public)]}
