"""Plans as plain JSON for the API (and the documents): one shape everywhere."""

from __future__ import annotations

from typing import Any

from trygg.plans.signing import SignatureLine
from trygg.plans.warnings import PlanWarning
from trygg.storage.schema import ActionPlan, Activity, FocusArea, Indicator


def _d(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def indicator_json(i: Indicator) -> dict[str, Any]:
    return {"id": i.id, "name": i.name, "source_kind": i.source_kind, "category": i.category,
            "area_id": i.area_id, "area_types": i.area_types or [], "survey_indicator": i.survey_indicator,
            "baseline": i.baseline, "target": i.target, "unit": i.unit}


def focus_area_json(fa: FocusArea) -> dict[str, Any]:
    return {"id": fa.id, "number": fa.number, "title": fa.title, "problem": fa.problem,
            "target_area_types": fa.target_area_types or [], "target_area_ids": fa.target_area_ids or [],
            "categories": fa.categories or [], "evidence": fa.evidence or {}}


def activity_json(a: Activity) -> dict[str, Any]:
    return {"id": a.id, "title": a.title, "description": a.description, "kind": a.kind,
            "responsible_role": a.responsible_role, "period_start": _d(a.period_start),
            "period_end": _d(a.period_end), "status": a.status, "area_id": a.area_id,
            "owners": [{"id": o.id, "name": o.name} for o in a.owners],
            "focus_area_ids": [fa.id for fa in a.focus_areas],
            "indicators": [indicator_json(i) for i in a.indicators]}


def signature_json(line: SignatureLine) -> dict[str, Any]:
    return {"role_id": line.role.id, "role": line.role.title, "signed": line.signature is not None,
            "user": line.user.display_name or line.user.username if line.user else None,
            "signed_at": _d(line.signed_at)}


def plan_json(plan: ActionPlan, lines: list[SignatureLine], warnings: list[PlanWarning],
              *, next_version_id: int | None = None, with_evidence: bool = False) -> dict[str, Any]:
    out = {"id": plan.id, "year": plan.year, "version": plan.version, "title": plan.title,
           "summary": plan.summary, "status": plan.status, "previous_version_id": plan.previous_version_id,
           "next_version_id": next_version_id, "created_at": _d(plan.created_at),
           "updated_at": _d(plan.updated_at),
           "evidence_as_of": (plan.evidence or {}).get("as_of"),
           "focus_areas": [focus_area_json(fa) for fa in plan.focus_areas],
           "activities": [activity_json(a) for a in plan.activities],
           "signatures": [signature_json(line) for line in lines],
           "warnings": [w.as_dict() for w in warnings]}
    if with_evidence:
        out["evidence"] = plan.evidence or {}
    return out
