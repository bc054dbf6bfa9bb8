"""Import every model so that SQLAlchemy's metadata (and Alembic) sees the whole schema."""

from webapp.alerts.models import Alert, Case, CaseEvent
from webapp.audit.models import AuditChainHead, AuditEvent
from webapp.auth.models import User, user_units
from webapp.contacts.models import Contact
from webapp.field.models import FieldResponse
from webapp.flags.models import FlagReview
from webapp.kiosk.models import Kiosk
from webapp.officials.models import Official, OfficialMove, OfficialReview
from webapp.reports.models import Report
from webapp.responses.models import AnswerCount, QuarantinedResponse, Response
from webapp.surveys.models import Survey, SurveyVersion
from webapp.units.models import ProcedureDomain, ReportGroup, Unit, UnitType

__all__ = [
    "Alert",
    "AnswerCount",
    "AuditChainHead",
    "AuditEvent",
    "Case",
    "CaseEvent",
    "Contact",
    "FieldResponse",
    "FlagReview",
    "Kiosk",
    "Official",
    "OfficialMove",
    "OfficialReview",
    "ProcedureDomain",
    "QuarantinedResponse",
    "Report",
    "ReportGroup",
    "Response",
    "Survey",
    "SurveyVersion",
    "Unit",
    "UnitType",
    "User",
    "user_units",
]
