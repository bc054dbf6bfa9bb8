"""Forms of the officials pages (Flask-WTF, CSRF on every one)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from webapp.forms import Form

PIN = Regexp(r"^[0-9]{4,6}$", message=_l("The PIN must be 4 to 6 digits."))


class OfficialForm(Form):
    unit = SelectField(_l("Unit"), validators=[DataRequired()])
    code = StringField(_l("Staff code"), validators=[DataRequired(), Length(max=40)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save"))


class EditOfficialForm(Form):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    pin = PasswordField(
        _l("Counter PIN (4-6 digits)"),
        validators=[Optional(), PIN],
        description=_l("The official's own quick sign-in at the counter. Leave blank to keep it."),
        render_kw={"inputmode": "numeric", "autocomplete": "new-password", "maxlength": 6},
    )
    submit = SubmitField(_l("Save"))


class MoveForm(Form):
    unit = SelectField(_l("New unit"), validators=[DataRequired()])
    on = DateField(_l("Moved on"), validators=[DataRequired()])
    submit = SubmitField(_l("Move"))


class LeaveForm(Form):
    on = DateField(_l("Left on"), validators=[DataRequired()])
    submit = SubmitField(_l("Deactivate"))


class ImportForm(Form):
    file = FileField(
        _l("CSV file of the personnel list"),
        validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("A CSV file is required."))],
    )
    submit = SubmitField(_l("Import"))
