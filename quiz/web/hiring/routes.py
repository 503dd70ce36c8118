"""Hiring managers: compose assessments, invite candidates, read and export reports."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms.fields.choices import SelectChoice

from quiz.errors import InvalidInput, NotFound, QuizError
from quiz.services import assessments, invitations, reports
from quiz.services.assessments import FEEDBACK_LABELS, AreaPool, AssessmentInput, SectionInput
from quiz.web.access import now, role_required
from quiz.web.charts import ChartRow, area_chart
from quiz.web.hiring.forms import (
    ActionForm,
    AssessmentForm,
    BulkInviteForm,
    ExtendForm,
    InviteForm,
    ShareForm,
)

bp = Blueprint("hiring", __name__, url_prefix="/manage")
STAFF = ("manager", "admin")


def invitation_link(token: str) -> str:
    return url_for("take.open_invitation", token=token, _external=True)


# --- assessments ---------------------------------------------------------------------------


@bp.route("/")
@role_required(*STAFF)
def index() -> str:
    return render_template("manage/assessments.html", assessments=assessments.list_assessments(current_user.id))


def _assessment_form(pools: list[AreaPool], spec: AssessmentInput | None = None) -> AssessmentForm:
    form = AssessmentForm()
    form.feedback_policy.choices = [SelectChoice(key, label) for key, label in FEEDBACK_LABELS.items()]
    if not form.is_submitted():
        given = {s.area: s for s in spec.sections} if spec else {}
        if spec:
            form.title.data, form.description.data = spec.title, spec.description
            form.time_limit.data = int(spec.time_limit.total_seconds() // 60)
            form.grace.data = int(spec.grace.total_seconds())
            form.overdue_policy.data, form.feedback_policy.data = str(spec.overdue_policy), spec.feedback_policy
            form.pass_mark.data = int(spec.pass_mark) if spec.pass_mark is not None else None
            form.shuffle_questions.data, form.shuffle_options.data = spec.shuffle_questions, spec.shuffle_options
        for pool in pools:
            section = given.get(pool.slug)
            mix = section.mix if section and section.mix else {}
            form.sections.append_entry({
                "area": pool.slug, "count": section.count if section else None,
                "easy": mix.get(1), "medium": mix.get(2), "hard": mix.get(3),
                "pass_mark": int(section.pass_mark) if section and section.pass_mark is not None else None,
            })
    return form


def _spec_from(form: AssessmentForm) -> AssessmentInput:
    sections = []
    for entry in form.sections:
        levels = (entry.easy.data, entry.medium.data, entry.hard.data)
        mix = {level: n or 0 for level, n in zip((1, 2, 3), levels, strict=True)} if any(
            n is not None for n in levels) else None
        count = entry.count.data if entry.count.data is not None else (sum(mix.values()) if mix else 0)
        if count or (mix and sum(mix.values())):
            sections.append(SectionInput(str(entry.area.data or ""), count, mix,
                                         float(entry.pass_mark.data) if entry.pass_mark.data is not None else None))
    return AssessmentInput(
        title=form.title.data or "", description=form.description.data or "", sections=sections,
        time_limit=timedelta(minutes=form.time_limit.data or 0), grace=timedelta(seconds=form.grace.data or 0),
        overdue_policy=form.overdue_policy.data, feedback_policy=form.feedback_policy.data or "",
        pass_mark=float(form.pass_mark.data) if form.pass_mark.data is not None else None,
        shuffle_questions=bool(form.shuffle_questions.data), shuffle_options=bool(form.shuffle_options.data),
    )


def _render_form(form: AssessmentForm, pools: list[AreaPool], heading: str, error: str | None = None,
                 status: int = 200) -> tuple[str, int]:
    titles = {p.slug: p for p in pools}
    return render_template("manage/assessment_form.html", form=form, pools=titles, heading=heading,
                           error=error), status


@bp.route("/assessments/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_assessment() -> WerkzeugResponse | tuple[str, int]:
    pools = assessments.area_pools()
    form = _assessment_form(pools)
    if form.validate_on_submit():
        try:
            assessment_id = assessments.create_assessment(current_user.id, _spec_from(form), now())
        except QuizError as exc:
            return _render_form(form, pools, "New assessment", exc.message, exc.status)
        flash("The assessment is saved. Invite candidates below.", "info")
        return redirect(url_for("hiring.assessment", assessment_id=assessment_id))
    return _render_form(form, pools, "New assessment", status=400 if form.is_submitted() else 200)


@bp.route("/assessments/<int:assessment_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_assessment(assessment_id: int) -> WerkzeugResponse | tuple[str, int]:
    overview = assessments.assessment_overview(current_user.id, assessment_id)
    if not overview.owned:
        raise NotFound("No such assessment.")  # others may read it; only its owner changes it
    pools = assessments.area_pools()
    form = _assessment_form(pools, overview.spec)
    if form.validate_on_submit():
        try:
            assessments.update_assessment(current_user.id, assessment_id, _spec_from(form), now())
        except QuizError as exc:
            return _render_form(form, pools, f"Edit: {overview.title}", exc.message, exc.status)
        flash("The assessment is saved.", "info")
        return redirect(url_for("hiring.assessment", assessment_id=assessment_id))
    return _render_form(form, pools, f"Edit: {overview.title}", status=400 if form.is_submitted() else 200)


@bp.route("/assessments/<int:assessment_id>")
@role_required(*STAFF)
def assessment(assessment_id: int) -> str:
    overview = assessments.assessment_overview(current_user.id, assessment_id)
    return render_template(
        "manage/assessment.html", a=overview,
        invitations=invitations.list_invitations(current_user.id, assessment_id, now()),
        invite_form=InviteForm(), bulk_form=BulkInviteForm(), share_form=ShareForm(), action=ActionForm(),
        extend_form=ExtendForm(),
    )


@bp.route("/assessments/<int:assessment_id>/copy", methods=["POST"])
@role_required(*STAFF)
def copy_assessment(assessment_id: int) -> WerkzeugResponse:
    ActionForm()
    new_id = assessments.copy_assessment(current_user.id, assessment_id, now())
    flash("A copy was made; change it as you like before inviting anyone.", "info")
    return redirect(url_for("hiring.edit_assessment", assessment_id=new_id))


@bp.route("/assessments/<int:assessment_id>/close", methods=["POST"])
@role_required(*STAFF)
def close_assessment(assessment_id: int) -> WerkzeugResponse:
    ActionForm()
    assessments.close_assessment(current_user.id, assessment_id, now())
    flash("The assessment is closed: no new invitations or attempts.", "info")
    return redirect(url_for("hiring.assessment", assessment_id=assessment_id))


@bp.route("/assessments/<int:assessment_id>/share", methods=["POST"])
@role_required(*STAFF)
def share_assessment(assessment_id: int) -> WerkzeugResponse:
    form = ShareForm()
    if not form.validate():
        raise InvalidInput("Give the email of the manager to share with.")
    assessments.share_assessment(current_user.id, assessment_id, form.email.data or "", now())
    flash(f"Shared with {form.email.data}.", "info")
    return redirect(url_for("hiring.assessment", assessment_id=assessment_id))


# --- invitations ---------------------------------------------------------------------------


@bp.route("/assessments/<int:assessment_id>/invitations", methods=["POST"])
@role_required(*STAFF)
def invite(assessment_id: int) -> WerkzeugResponse:
    form = InviteForm()
    if not form.validate():
        raise InvalidInput("Give the candidate's name and email, and a validity of 1 to 90 days.")
    invited = invitations.invite_candidate(
        current_user.id, assessment_id, invitations.CandidateInput(form.name.data or "", form.email.data or ""),
        now(), timedelta(days=form.days.data or 14), link_for=invitation_link,
    )
    flash(f"Invited {invited.email}" + (" and mailed the link." if invited.mailed else
                                         ". Copy the link below and send it to them."), "info")
    return redirect(url_for("hiring.invitation_link_page", invitation_id=invited.invitation_id))


@bp.route("/assessments/<int:assessment_id>/invitations/bulk", methods=["POST"])
@role_required(*STAFF)
def invite_bulk(assessment_id: int) -> str:
    form = BulkInviteForm()
    if not form.validate():
        raise InvalidInput("Paste one candidate per line (name, email) and a validity of 1 to 90 days.")
    report = invitations.invite_many(current_user.id, assessment_id, form.rows.data or "", now(),
                                     timedelta(days=form.days.data or 14), link_for=invitation_link)
    links = [(item, invitation_link(item.token)) for item in report.invited]
    return render_template("manage/bulk_report.html", report=report, links=links, assessment_id=assessment_id)


@bp.route("/invitations/<int:invitation_id>/link")
@role_required(*STAFF)
def invitation_link_page(invitation_id: int) -> str:
    token = invitations.invitation_token(current_user.id, invitation_id)
    return render_template("manage/link.html", link=invitation_link(token))


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@role_required(*STAFF)
def revoke(invitation_id: int) -> WerkzeugResponse:
    ActionForm()
    invitations.revoke_invitation(current_user.id, invitation_id, now())
    flash("The invitation is revoked: its link no longer works.", "info")
    return redirect(request.referrer if _same_site(request.referrer) else url_for("hiring.index"))


@bp.route("/invitations/<int:invitation_id>/extend", methods=["POST"])
@role_required(*STAFF)
def extend(invitation_id: int) -> WerkzeugResponse:
    form = ExtendForm()
    if not form.validate():
        raise InvalidInput("Extend by 1 to 90 days.")
    invitations.extend_invitation(current_user.id, invitation_id, now() + timedelta(days=form.days.data or 7), now())
    flash("The invitation is extended.", "info")
    return redirect(request.referrer if _same_site(request.referrer) else url_for("hiring.index"))


def _same_site(url: str | None) -> bool:
    return bool(url) and str(url).startswith(request.host_url)


# --- reports -------------------------------------------------------------------------------


def chart_rows(figures: list[reports.Figure]) -> list[ChartRow]:
    return [ChartRow(f.label, f.percent, 100 * f.band.low, 100 * f.band.high, f.pass_mark) for f in figures]


@bp.route("/attempts/<int:attempt_id>/report")
@role_required(*STAFF)
def report(attempt_id: int) -> str:
    data = reports.candidate_report(current_user.id, attempt_id, now())
    chart = area_chart(chart_rows([data.overall, *data.areas]), f"Scores of {data.candidate_name}", "report-chart")
    return render_template("manage/report.html", r=data, chart=chart)


@bp.route("/assessments/<int:assessment_id>/cohort")
@role_required(*STAFF)
def cohort(assessment_id: int) -> str:
    sort = request.args.get("sort", "overall")
    descending = request.args.get("order", "desc") != "asc"
    status = request.args.get("status") or None
    data = reports.cohort(current_user.id, assessment_id, now(), sort, descending, status)
    return render_template("manage/cohort.html", c=data, sort=sort, descending=descending, status=status)


@bp.route("/assessments/<int:assessment_id>/compare")
@role_required(*STAFF)
def compare(assessment_id: int) -> str:
    raw = request.args.getlist("attempt")
    if not all(v.isdigit() and len(v) < 12 for v in raw):
        raise InvalidInput("Choose candidates from the cohort table.")
    data = reports.compare(current_user.id, assessment_id, [int(v) for v in raw], now())
    charts = [area_chart(chart_rows([r.overall, *r.areas]), r.candidate_name, f"compare-{i}")
              for i, r in enumerate(data.reports)]
    return render_template("manage/compare.html", c=data, charts=charts)


@bp.route("/assessments/<int:assessment_id>/export.csv")
@role_required(*STAFF)
def export(assessment_id: int) -> Response:
    body = reports.cohort_csv(current_user.id, assessment_id, now())
    response = make_response(body)
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="assessment-{assessment_id}.csv"'
    return response
