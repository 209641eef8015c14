"""Effect evaluation of a place-based measure on the stored reports (service over `analysis.effect`).

The treated area is a circle of ``radius_m`` around the measure's place. The comparison areas are
circles of the same radius around the chosen comparison places, or — when none are chosen — the
rest of the municipality outside twice the radius (so that displaced or spilled-over reports do
not blur the contrast). Counts are monthly over whole months, ``months_before`` before the start
and ``months_after`` from it (default: all the data, up to five years each side), clipped to the
months the data covers completely.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from trygg.analysis.effect import EffectEstimate, NotEstimable, describe_effect, did_effect
from trygg.domain.categories import Taxonomy
from trygg.domain.geo import to_sweref
from trygg.errors import ValidationError
from trygg.plans.evidence import TIMEZONE
from trygg.storage import audit
from trygg.storage import plans as store
from trygg.storage.categories import taxonomy
from trygg.storage.reports import ReportFilter, report_arrays
from trygg.storage.schema import User
from trygg.storage.schema.plans_extra import EffectEvaluation

DEFAULT_MONTHS = 60  # as much as the data has, up to five years each side


@dataclass(frozen=True)
class EvaluationInput:
    title: str
    place_name: str
    lon: float
    lat: float
    radius_m: float
    start: date
    categories: list[str]
    comparison: list[dict[str, Any]]  # [{"name", "lon", "lat"}]; empty = rest of the municipality
    months_before: int = DEFAULT_MONTHS
    months_after: int = DEFAULT_MONTHS
    seed: int = 1
    plan_id: int | None = None
    activity_id: int | None = None


def _month(d: date) -> np.datetime64:
    return np.datetime64(d.strftime("%Y-%m"), "M")


def monthly_counts(session: Session, data: EvaluationInput) -> dict[str, Any]:
    """Monthly counts in the treated and comparison areas, and which months are after the start."""
    first, last = store.report_time_range(session)
    if first is None or last is None:
        raise ValidationError("There are no reports to evaluate.", fields={"start": "no data"})
    lo_day = first.astimezone(TIMEZONE).date()
    hi_day = last.astimezone(TIMEZONE).date()
    first_full = _month(lo_day) if lo_day.day == 1 else _month(lo_day) + 1
    last_full = _month(hi_day) if (hi_day + timedelta(days=1)).day == 1 else _month(hi_day) - 1
    start_m = _month(data.start)
    lo = max(first_full, start_m - data.months_before)
    hi = min(last_full, start_m + data.months_after - 1)
    errors = {}
    if data.start.day != 1:
        errors["start"] = "the measure should start on the first of a month (months are compared whole)"
    if start_m <= lo:
        errors["months_before"] = f"no whole month of data before the start (data from {lo_day.isoformat()})"
    if start_m > hi:
        errors["months_after"] = f"no whole month of data after the start (data until {hi_day.isoformat()})"
    if errors:
        raise ValidationError("The evaluation cannot be made.", fields=errors)
    months = np.arange(lo, hi + 1)
    arrays = report_arrays(session, ReportFilter(categories=taxonomy(session).expand(data.categories)))
    local = (arrays.time + np.timedelta64(1, "h")).astype("datetime64[M]")  # months: winter time is enough
    idx = (local - lo).astype(np.int64)
    ok = (idx >= 0) & (idx < months.size)
    tx, ty = to_sweref(data.lon, data.lat)
    dist = np.hypot(arrays.x - tx, arrays.y - ty)
    treated = np.bincount(idx[ok & (dist <= data.radius_m)], minlength=months.size)
    rows = []
    if data.comparison:
        for c in data.comparison:
            cx, cy = to_sweref(float(c["lon"]), float(c["lat"]))
            d = np.hypot(arrays.x - cx, arrays.y - cy)
            rows.append(np.bincount(idx[ok & (d <= data.radius_m) & (dist > data.radius_m)], minlength=months.size))
    else:
        rows.append(np.bincount(idx[ok & (dist > 2 * data.radius_m)], minlength=months.size))
    return {"months": [str(m) for m in months], "treated": treated, "comparison": np.array(rows),
            "after": months >= start_m}


#: The input field to change when the counts cannot give an estimate (see `NotEstimable.reason`).
NOT_ESTIMABLE_FIELD = {"treated_before": "months_before", "treated_after": "months_after",
                       "comparison_before": "comparison", "comparison_after": "comparison",
                       "interval": "radius_m"}


def run(session: Session, data: EvaluationInput) -> tuple[EffectEstimate, dict[str, Any]]:
    counts = monthly_counts(session, data)
    try:
        estimate = did_effect(counts["treated"], counts["comparison"], counts["after"], seed=data.seed)
    except NotEstimable as exc:
        raise ValidationError("The evaluation cannot be made.", fields={
            NOT_ESTIMABLE_FIELD.get(exc.reason, "categories"): str(exc)}) from None
    except ValueError as exc:
        raise ValidationError("The evaluation cannot be made.", fields={"categories": str(exc)}) from None
    return estimate, counts


def _what(categories: list[str], lang: str, tax: Taxonomy) -> str:
    names = [tax.label(c, lang).lower() for c in categories]
    conj = " och " if lang == "sv" else " and "
    joined = ", ".join(names[:-1]) + conj + names[-1] if len(names) > 1 else names[0]
    return ("rapporterna om " if lang == "sv" else "reports of ") + joined


def sentences(data: EvaluationInput, estimate: EffectEstimate, tax: Taxonomy) -> dict[str, str]:
    radius = f"{data.radius_m:.0f}"
    out = {}
    for lang in ("sv", "en"):
        where = (f"inom {radius} m från {data.place_name}" if lang == "sv"
                 else f"within {radius} m of {data.place_name}")
        start = data.start.isoformat()
        out[lang] = describe_effect(estimate, lang, what=_what(data.categories, lang, tax), where=where, start=start)
    return out


def result_json(data: EvaluationInput, estimate: EffectEstimate, counts: dict[str, Any],
                tax: Taxonomy) -> dict[str, Any]:
    est = asdict(estimate)
    est["change"] = estimate.change
    est["prevented"] = estimate.prevented
    return {"estimate": {k: (None if isinstance(v, float) and v != v else v) for k, v in est.items()},
            "sentence": sentences(data, estimate, tax),
            "months": counts["months"], "treated": counts["treated"].tolist(),
            "comparison": counts["comparison"].sum(axis=0).tolist(), "after": counts["after"].tolist(),
            "method": "Poisson GLM difference-in-differences (unit and month fixed effects, quasi-Poisson "
                      "dispersion, t interval) with a seeded permutation test of the monthly log ratio."}


def evaluate_and_save(session: Session, data: EvaluationInput, user: User | None) -> EffectEvaluation:
    estimate, counts = run(session, data)
    row = store.add(session, EffectEvaluation(
        plan_id=data.plan_id, activity_id=data.activity_id, title=data.title, place_name=data.place_name,
        lon=data.lon, lat=data.lat, radius_m=data.radius_m, start=data.start, categories=data.categories,
        comparison=data.comparison or None, months_before=data.months_before, months_after=data.months_after,
        seed=data.seed, result=result_json(data, estimate, counts, taxonomy(session)),
        created_by=user.id if user else None))
    audit.record(session, user.id if user else None, "create", "effect_evaluation", row.id,
                 {"found": estimate.found, "rate_ratio": round(estimate.rate_ratio, 3)})
    return row


def parse_input(session: Session, raw: dict[str, Any]) -> EvaluationInput:
    """Check a form or JSON body; places may be given by known place name/id or by lon/lat."""
    errors: dict[str, str] = {}

    def num(name: str, default: float | None = None) -> float | None:
        v = raw.get(name)
        if v is None or str(v).strip() == "":
            return default
        try:
            return float(str(v).replace(",", "."))
        except ValueError:
            errors[name] = f"{v!r} is not a number"
            return default

    place_ref = str(raw.get("place") or "").strip()
    name = str(raw.get("place_name") or place_ref).strip()
    lon, lat = num("lon"), num("lat")
    if place_ref and (lon is None or lat is None):
        place = store.get_place(session, place_ref)
        if place is None:
            errors["place"] = f"unknown place {place_ref!r}"
        else:
            lon, lat, name = place.lon, place.lat, place.name
    if lon is None or lat is None:
        errors.setdefault("place", "choose a known place or give lon and lat")
    comparison: list[dict[str, Any]] = []
    refs = raw.get("comparison") or []
    for ref in refs if isinstance(refs, list) else [refs]:
        if isinstance(ref, dict):
            comparison.append({"name": str(ref.get("name", "")), "lon": float(ref["lon"]), "lat": float(ref["lat"])})
        elif str(ref).strip():
            p = store.get_place(session, str(ref).strip())
            if p is None:
                errors["comparison"] = f"unknown place {ref!r}"
            else:
                comparison.append({"name": p.name, "lon": p.lon, "lat": p.lat})
    cats_raw = raw.get("categories") or []
    cats = [c for c in (cats_raw if isinstance(cats_raw, list) else str(cats_raw).split(",")) if str(c).strip()]
    cats = [str(c).strip() for c in cats]
    if not cats:
        errors["categories"] = "choose at least one category"
    elif any(c not in taxonomy(session) for c in cats):
        errors["categories"] = "unknown category"
    start = None
    try:
        start = date.fromisoformat(str(raw.get("start") or ""))
    except ValueError:
        errors["start"] = "is required (YYYY-MM-DD)"
    if start is not None and start.day != 1:
        errors["start"] = "the measure should start on the first of a month (months are compared whole)"
    radius = num("radius_m", 300.0) or 300.0
    if not 50 <= radius <= 5000:
        errors["radius_m"] = "must be between 50 and 5000 metres"
    ints = {}
    for key, default in (("months_before", DEFAULT_MONTHS), ("months_after", DEFAULT_MONTHS), ("seed", 1)):
        v = num(key, float(default))
        ints[key] = int(v if v is not None else default)
    for key in ("plan_id", "activity_id"):
        v = num(key)
        ints[key] = int(v) if v else 0
    if errors:
        raise ValidationError("The evaluation is not valid.", fields=errors)
    assert lon is not None and lat is not None and start is not None
    title = str(raw.get("title") or "").strip() or f"{name} {start.isoformat()}"
    return EvaluationInput(title=title[:300], place_name=name, lon=lon, lat=lat, radius_m=radius, start=start,
                           categories=cats, comparison=comparison, months_before=max(1, ints["months_before"]),
                           months_after=max(1, ints["months_after"]), seed=ints["seed"],
                           plan_id=ints["plan_id"] or None, activity_id=ints["activity_id"] or None)
