"""The base of every form: Flask-WTF's CSRF, and WTForms' own messages in the person's language.

WTForms ships no Vietnamese catalogue, so "This field is required." reached Vietnamese pages in
English. Its messages are translated in our `wtforms` domain (translations/vi/LC_MESSAGES/
wtforms.po), compiled at start like the main catalogue.
"""

from flask_babel import Domain
from flask_wtf import FlaskForm

WTFORMS_MESSAGES = Domain(domain="wtforms")


class _WTFormsTranslations:
    """The gettext interface WTForms asks its Meta for, answered by our domain."""

    def gettext(self, string: str) -> str:
        return WTFORMS_MESSAGES.get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return WTFORMS_MESSAGES.get_translations().ungettext(singular, plural, n)


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return _WTFormsTranslations()
