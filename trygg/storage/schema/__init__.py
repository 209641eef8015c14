"""Every table, importable from one place. Feature modules add their own schema module here."""

from trygg.storage.schema.access import RetentionPolicy, SharingRule, UserSecurity  # noqa: F401
from trygg.storage.schema.audit_chain import AuditChain  # noqa: F401
from trygg.storage.schema.base import Base, utcnow
from trygg.storage.schema.categories import CategoryRow  # noqa: F401
from trygg.storage.schema.core import (
    ApiToken,
    Area,
    AreaEdition,
    AreaSuccessor,
    EstGroup,
    Organisation,
    Place,
    User,
    WebSession,
    est_group_members,
)
from trygg.storage.schema.fieldwork import SafetyWalk  # noqa: F401  (registers the field-work tables)
from trygg.storage.schema.golive import MunicipalityDetail, PasswordLink  # noqa: F401
from trygg.storage.schema.inbox import (  # noqa: F401
    ActionNote,
    MeetingMinutes,
    Notification,
    action_reports,
    meeting_attendees,
)
from trygg.storage.schema.intake import ColumnMapping, ImportRun, Open311Client, RoutingRule  # noqa: F401
from trygg.storage.schema.jobs import DataVersion, Job, JobSchedule, RateCounter, SharedCache  # noqa: F401
from trygg.storage.schema.plans import (
    ActionPlan,
    Activity,
    ActivityUpdate,
    AuditEntry,
    CitizenPromise,
    EstMeeting,
    FocusArea,
    Indicator,
    IndicatorValue,
    PromiseCommitment,
    ShortTermAction,
    SignatoryRole,
    Signature,
    activity_focus_areas,
    activity_owners,
)
from trygg.storage.schema.plans_extra import EffectEvaluation, PlanStatusChange  # noqa: F401
from trygg.storage.schema.publication import Publication, PublicationCell, PublicationCount  # noqa: F401
from trygg.storage.schema.reports import (
    IdempotencyRecord,
    Report,
    ReportPhoto,
    ReportWeekCount,
    ResidentContact,
    SurveyResult,
)

__all__ = [
    "ActionPlan", "Activity", "ActivityUpdate", "ApiToken", "Area", "AreaEdition", "AreaSuccessor", "AuditEntry",
    "Base",
    "CitizenPromise", "EstGroup", "EstMeeting", "FocusArea", "IdempotencyRecord", "Indicator",
    "IndicatorValue", "Organisation", "Place", "PromiseCommitment", "Report", "ReportPhoto", "ReportWeekCount",
    "ResidentContact", "ShortTermAction", "Signature", "SignatoryRole", "SurveyResult", "User",
    "WebSession", "activity_focus_areas", "activity_owners", "est_group_members", "utcnow",
]

# Session events keep the weekly counts table equal to the reports: registered wherever the tables are.
from trygg.storage import weekly_counts as _weekly_counts  # noqa: E402,F401
