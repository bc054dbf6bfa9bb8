"""The public verification upload form."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from webapp.forms import Form


class VerifyForm(Form):
    file = FileField(_l("PDF report"), validators=[FileRequired(_l("Choose a PDF file."))])
