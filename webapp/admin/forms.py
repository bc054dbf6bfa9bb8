"""Management forms (Flask-WTF, CSRF on every one)."""

from flask_babel import lazy_gettext as _l
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
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from webapp.formatting import parse_decimal_input, plain_decimal
from webapp.forms import Form

SLUG = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Use lowercase letters, digits and -."))
STAFF_PIN = Regexp(r"^[0-9]{4,8}$", message=_l("The PIN must be 4 to 8 digits."))


class StaffPinMixin:
    """The unit's kiosk staff PIN: blank keeps it as it is; only its hash is stored."""

    staff_pin = PasswordField(
        _l("Kiosk staff PIN (4-8 digits)"),
        validators=[Optional(), STAFF_PIN],
        description=_l("Leave blank to keep the current PIN."),
        render_kw={"inputmode": "numeric", "autocomplete": "new-password", "maxlength": 8},
    )
    remove_pin = BooleanField(_l("Remove the PIN"))

    def validate_remove_pin(self, field):
        if field.data and self.staff_pin.data:
            raise ValidationError(_l("Either enter a new PIN or remove it, not both."))

    def pin_change(self) -> tuple[bool, str | None]:
        """(changed, new PIN or None to remove)."""
        if self.remove_pin.data:
            return True, None
        return bool(self.staff_pin.data), self.staff_pin.data or None


class UnitForm(StaffPinMixin, Form):
    slug = StringField(_l("Slug"), validators=[DataRequired(), Length(max=80), SLUG])
    name_vi = StringField(_l("Name (Vietnamese)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)])
    type_code = SelectField(_l("Unit type"), validators=[DataRequired()])
    parent = SelectField(_l("Parent unit"), validators=[Optional()])
    default_domain = SelectField(_l("Default procedure domain"), validators=[Optional()])
    head_name = StringField(
        _l("Head who signs the reports"),
        validators=[Optional(), Length(max=200)],
        description=_l("Full name printed under the signature, e.g. the chairman or principal."),
    )
    contact_optin = BooleanField(
        _l("Kiosks offer the follow-up contact opt-in"),
        description=_l(
            "After the survey the kiosk asks whether the Fatherland Front may call the citizen"
            " for a follow-up survey, and for a phone number (stored encrypted)."
        ),
    )
    submit = SubmitField(_l("Save"))


class StaffPinForm(StaffPinMixin, Form):
    """A manager's form on their unit's kiosk page."""

    submit = SubmitField(_l("Save the PIN"))


class RetireForm(Form):
    retired_on = DateField(_l("Retired on"), validators=[DataRequired()])
    submit = SubmitField(_l("Retire"))


class MergeForm(Form):
    into = SelectField(_l("Merge into"), validators=[DataRequired()])
    retired_on = DateField(_l("Merged on"), validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Merge"))


class TargetField(DecimalField):
    """A target percentage between 50 and 100 with two decimals, written the locale's way:
    "99" and "96,5" in Vietnamese (a stored 99.00 is not shown as "99.00"); either decimal
    separator is accepted."""

    def __init__(self, label, **kwargs):
        super().__init__(
            label, places=2, validators=[DataRequired(), NumberRange(min=50, max=100)], **kwargs
        )

    def process_formdata(self, valuelist):
        super().process_formdata([parse_decimal_input(v) for v in valuelist])

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return plain_decimal(self.data) if self.data is not None else ""


class PublishForm(Form):
    definition = TextAreaField(_l("Definition (JSON)"), validators=[DataRequired()])
    unit_types = SelectMultipleField(_l("Unit types using it"), validators=[Optional()])
    submit = SubmitField(_l("Publish new version"))


class ConfirmForm(Form):
    """A bare POST button (CSRF only)."""

    submit = SubmitField(_l("Confirm"))


class KioskForm(Form):
    name = StringField(_l("Kiosk name"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Create kiosk"))


class UserForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    units = SelectMultipleField(_l("Units (managers)"), validators=[Optional()])
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Create user"))


class UserEditForm(Form):
    role = SelectField(_l("Role"), validators=[DataRequired()])
    units = SelectMultipleField(_l("Units (managers)"), validators=[Optional()])
    active = BooleanField(_l("Active"))
    submit = SubmitField(_l("Save"))


class ReplayForm(Form):
    payload = TextAreaField(_l("Response as sent (JSON), corrected"), validators=[DataRequired()])
    note = StringField(_l("What was corrected"), validators=[Optional(), Length(max=500)])
    replay = SubmitField(_l("Check and store"))


class DismissForm(Form):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    dismiss = SubmitField(_l("Dismiss"))


class FlagReviewForm(Form):
    """Confirm or clear one flagged response; the buttons carry the decision."""

    decision = StringField(
        _l("Decision"), validators=[DataRequired(), AnyOf(("confirmed", "cleared"))]
    )
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
