"""Admin section: surveys (list, versions, publish, retire)."""

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import allow
from webapp.admin import services
from webapp.admin.common import READ, bp, form_page, locale_name, refused_as_400
from webapp.admin.forms import ConfirmForm, PublishForm
from webapp.extensions import db
from webapp.surveys.services import DefinitionError, get_survey


@bp.get("/admin/surveys")
@allow(*READ)
def surveys():
    return render_template("admin/surveys.html", surveys=services.surveys())


def _publish_form(survey=None) -> PublishForm:
    form = PublishForm()
    form.unit_types.choices = [(t.code, locale_name(t)) for t in services.unit_types()]
    if request.method == "GET" and survey is not None and survey.latest is not None:
        form.definition.data = json.dumps(survey.latest.definition, ensure_ascii=False, indent=2)
        form.unit_types.data = list(survey.unit_types or [])
    return form


@bp.get("/admin/surveys/<key>")
@allow(*READ)
def survey(key: str):
    found = get_survey(key)
    if found is None:
        abort(404)
    return render_template("admin/survey.html", survey=found, form=_publish_form(found))


@bp.route("/admin/surveys/publish", methods=["GET", "POST"])
@allow("admin")
def survey_publish():
    source = get_survey(request.args.get("from", "")) if request.method == "GET" else None
    form = _publish_form(source)
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            definition = json.loads(form.definition.data)
        except json.JSONDecodeError as exc:
            problems = [_("Not valid JSON: %(error)s", error=str(exc))]
        else:
            try:
                version = services.publish_survey(
                    definition, unit_types=form.unit_types.data or None, user=current_user
                )
            except DefinitionError as exc:
                problems = exc.errors
            else:
                db.session.commit()
                flash(
                    _(
                        "Published %(key)s version %(v)s.",
                        key=version.survey.key,
                        v=version.version,
                    ),
                    "info",
                )
                return redirect(url_for("admin.survey", key=version.survey.key))
        db.session.rollback()
    return form_page("admin/survey_publish.html", form, problems=problems)


@bp.post("/admin/surveys/<key>/retire")
@allow("admin")
def survey_retire(key: str):
    found = get_survey(key)
    if found is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with refused_as_400():
        services.retire_survey(found)
    db.session.commit()
    flash(_("Survey retired: kiosks no longer show it; past responses stay."), "info")
    return redirect(url_for("admin.surveys"))
