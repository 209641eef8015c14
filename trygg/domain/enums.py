"""The closed vocabularies of the domain: roles, precisions, sources, statuses, kinds."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a user may do. Authorisation decisions live in `trygg.web.access`."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"  # the municipality's safety coordinator
    POLICE_ANALYST = "police_analyst"
    REPORTER = "reporter"
    VIEWER = "viewer"
    SIGNATORY = "signatory"
    KONTAKTCENTER = "kontaktcenter"
    PUBLIC = "public"


class OrgKind(StrEnum):
    POLICE = "police"
    MUNICIPALITY = "municipality"
    HOUSING = "housing"
    SCHOOL = "school"
    RESCUE = "rescue"
    GUARD = "guard"
    VOLUNTEER = "volunteer"
    OTHER = "other"


class AreaLevel(StrEnum):
    MUNICIPALITY = "municipality"
    REGSO = "regso"
    DESO = "deso"
    SUBAREA = "subarea"


class Precision(StrEnum):
    """How exactly a report's place is known."""

    EXACT = "exact"
    ADDRESS = "address"
    AREA_CENTROID = "area_centroid"
    MUNICIPALITY_CENTROID = "municipality_centroid"


class Source(StrEnum):
    EST = "est"
    RESIDENT = "resident"
    POLICE_EVENTS = "police_events"
    IMPORT = "import"
    FIELD = "field"


class ReportStatus(StrEnum):
    RECEIVED = "received"
    TRIAGED = "triaged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"


class Sensitivity(StrEnum):
    NORMAL = "normal"
    SENSITIVE = "sensitive"


class PlanStatus(StrEnum):
    DRAFT = "draft"
    CONSULTATION = "consultation"
    APPROVED = "approved"
    SIGNED = "signed"
    ACTIVE = "active"
    EVALUATED = "evaluated"


class ActivityKind(StrEnum):
    SITUATIONAL = "situational"
    SOCIAL = "social"
    INFORMATION = "information"
    INSPECTION = "inspection"
    TRAINING = "training"


class ActionStatus(StrEnum):
    """A short-term action's status: ny, pågår, klar, kan inte åtgärdas."""

    OPEN = "open"  # ny (new, nobody has started)
    IN_PROGRESS = "in_progress"  # pågår
    DONE = "done"  # klar
    CANCELLED = "cancelled"  # kan inte åtgärdas


#: Statuses of an action that still needs work.
OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
