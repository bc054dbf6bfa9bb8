"""Sign-in and password forms (Flask-WTF: every form carries a CSRF token)."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from webapp.forms import Form


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Sign in"))


class PasswordForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))
