"""Management forms (Flask-WTF, CSRF on every one)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

SLUG = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Use lowercase letters, digits and -."))


class UnitForm(FlaskForm):
    slug = StringField(_l("Slug"), validators=[DataRequired(), Length(max=80), SLUG])
    name_vi = StringField(_l("Name (Vietnamese)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)])
    type_code = SelectField(_l("Unit type"), validators=[DataRequired()])
    parent = SelectField(_l("Parent unit"), validators=[Optional()])
    default_domain = SelectField(_l("Default procedure domain"), validators=[Optional()])
    submit = SubmitField(_l("Save"))


class RetireForm(FlaskForm):
    retired_on = DateField(_l("Retired on"), validators=[DataRequired()])
    submit = SubmitField(_l("Retire"))


class MergeForm(FlaskForm):
    into = SelectField(_l("Merge into"), validators=[DataRequired()])
    retired_on = DateField(_l("Merged on"), validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Merge"))


class TargetField(DecimalField):
    """A target percentage between 50 and 100 with two decimals."""

    def __init__(self, label, **kwargs):
        super().__init__(
            label, places=2, validators=[DataRequired(), NumberRange(min=50, max=100)], **kwargs
        )


class PublishForm(FlaskForm):
    definition = TextAreaField(_l("Definition (JSON)"), validators=[DataRequired()])
    unit_types = SelectMultipleField(_l("Unit types using it"), validators=[Optional()])
    submit = SubmitField(_l("Publish new version"))


class ConfirmForm(FlaskForm):
    """A bare POST button (CSRF only)."""

    submit = SubmitField(_l("Confirm"))


class KioskForm(FlaskForm):
    name = StringField(_l("Kiosk name"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Create kiosk"))


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    units = SelectMultipleField(_l("Units (managers)"), validators=[Optional()])
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Create user"))


class UserEditForm(FlaskForm):
    role = SelectField(_l("Role"), validators=[DataRequired()])
    units = SelectMultipleField(_l("Units (managers)"), validators=[Optional()])
    active = BooleanField(_l("Active"))
    submit = SubmitField(_l("Save"))
