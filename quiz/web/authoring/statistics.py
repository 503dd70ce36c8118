"""Item statistics pages for instructors (Moodle's Statistics report), with CSV."""

from __future__ import annotations

import csv
import io

from flask import Response, make_response, render_template

from quiz.services import item_analysis
from quiz.web.access import role_required
from quiz.web.authoring.routes import AUTHORS, bp


@bp.route("/statistics")
@role_required(*AUTHORS)
def statistics() -> str:
    return render_template("author/statistics_index.html", assessments=item_analysis.assessments_with_attempts())


@bp.route("/statistics/assessments/<int:assessment_id>")
@role_required(*AUTHORS)
def assessment_statistics(assessment_id: int) -> str:
    analysis = item_analysis.assessment_analysis(assessment_id)
    return render_template("author/statistics.html", a=analysis, assessment_id=assessment_id)


@bp.route("/statistics/assessments/<int:assessment_id>.csv")
@role_required(*AUTHORS)
def assessment_statistics_csv(assessment_id: int) -> Response:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        item_analysis.analysis_csv_rows(item_analysis.assessment_analysis(assessment_id)))
    response = make_response(out.getvalue())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="item-statistics-{assessment_id}.csv"'
    return response


@bp.route("/banks/<slug>/questions/<key>/statistics")
@role_required(*AUTHORS)
def question_statistics(slug: str, key: str) -> str:
    return render_template("author/statistics.html", a=item_analysis.question_analysis(slug, key),
                           assessment_id=None)
