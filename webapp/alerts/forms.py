"""The case form (Flask-WTF, CSRF)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from webapp.choices import CASE_STATUSES
from webapp.forms import Form


class CaseForm(Form):
    status = SelectField(_l("Status"), validators=[DataRequired()])
    owner = SelectField(_l("Owner"), validators=[Optional()])
    due_on = DateField(_l("Due date"), validators=[Optional()])
    action_taken = TextAreaField(_l("What was done"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = CASE_STATUSES.choices()
        self.owner.choices = [("", _l("nobody yet")), *((str(u.id), u.email) for u in owners)]


class MarkAllReadForm(Form):
    """The inbox's "mark all read" button: no fields, only the CSRF token."""

    submit = SubmitField(_l("Mark all as read"))
