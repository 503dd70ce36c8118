"""Instructors: banks and questions in the browser, preview, history, download."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from quiz.engine.bankfile import BankQuestion, question_fields
from quiz.errors import InvalidInput, QuizError
from quiz.services import authoring, banks
from quiz.web.access import now, role_required
from quiz.web.authoring.forms import ActionForm, BankForm, ImportForm, QuestionForm

bp = Blueprint("authoring", __name__, url_prefix="/author")
AUTHORS = ("instructor", "admin")
CHOICE_TYPES = ("single_choice", "multiple_response")


def _number(text: str | None) -> Any:
    """A number as typed; anything else is passed on as text so the engine names the problem."""
    text = (text or "").strip()
    if not text:
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def fields_from(form: QuestionForm) -> dict[str, Any]:
    """The bank-file fields the form describes, for the chosen type only."""
    kind = form.type.data or ""
    fields: dict[str, Any] = {
        "key": (form.key.data or "").strip(), "type": kind, "difficulty": _number(form.difficulty.data),
        "prompt": form.prompt.data or "", "explanation": form.explanation.data or "",
    }
    tags = [t.strip() for t in (form.tags.data or "").split(",") if t.strip()]
    if tags:
        fields["tags"] = tags
    if (form.reference.data or "").strip():
        fields["reference"] = form.reference.data
    if kind in CHOICE_TYPES:
        options = []
        for entry in form.options:
            if not (entry.text.data or "").strip():
                continue
            option: dict[str, Any] = {"text": entry.text.data}
            if entry.correct.data:
                option["correct"] = True
            if (entry.credit.data or "").strip():
                option["credit"] = _number(entry.credit.data)
            if (entry.feedback.data or "").strip():
                option["feedback"] = entry.feedback.data
            options.append(option)
        fields["options"] = options
    elif kind == "true_false":
        fields["answer"] = form.answer.data == "true"
    elif kind == "numeric":
        for name, field in (("value", form.value), ("tolerance", form.tolerance), ("min", form.minimum),
                            ("max", form.maximum)):
            if (field.data or "").strip():
                fields[name] = _number(field.data)
        if (form.unit.data or "").strip():
            fields["unit"] = form.unit.data.strip()
    elif kind == "short_text":
        accepted = [line.strip() for line in (form.accepted.data or "").splitlines() if line.strip()]
        if accepted:
            fields["accepted"] = accepted
        if form.case_sensitive.data:
            fields["case_sensitive"] = True
        if (form.regex.data or "").strip():
            fields["regex"] = form.regex.data.strip()
    elif kind == "sql":
        fields["setup"], fields["solution"] = form.setup.data or "", form.solution.data or ""
        if form.ordered.data:
            fields["ordered"] = True
    return fields


def fill_form(form: QuestionForm, question: BankQuestion) -> None:
    fields = question_fields(question)
    form.key.data, form.type.data, form.difficulty.data = question.key, question.type, str(question.difficulty)
    form.prompt.data, form.explanation.data = question.prompt, question.explanation
    form.tags.data, form.reference.data = ", ".join(question.tags), question.reference or ""
    for entry, option in zip(form.options, fields.get("options", []), strict=False):
        entry.text.data, entry.correct.data = option["text"], option.get("correct", False)
        entry.credit.data = str(option["credit"]) if "credit" in option else ""
        entry.feedback.data = option.get("feedback", "")
    if question.type == "true_false":
        form.answer.data = "true" if question.payload["answer"] else "false"
    if question.type == "numeric":
        form.value.data = str(fields.get("value", "")) if "value" in fields else ""
        form.tolerance.data = str(fields.get("tolerance", "")) if "tolerance" in fields else ""
        form.minimum.data = str(fields["min"]) if "min" in fields else ""
        form.maximum.data = str(fields["max"]) if "max" in fields else ""
        form.unit.data = fields.get("unit", "")
    if question.type == "short_text":
        form.accepted.data = "\n".join(question.payload["accepted"])
        form.case_sensitive.data = question.payload["case_sensitive"]
        form.regex.data = question.payload.get("regex") or ""
    if question.type == "sql":
        form.setup.data, form.solution.data = question.payload["setup"], question.payload["solution"]
        form.ordered.data = question.payload["ordered"]


@bp.route("/")
@role_required(*AUTHORS)
def index() -> str:
    import_form = ImportForm()
    lines = authoring.list_banks()
    import_form.area.choices = [(b.slug, b.title) for b in lines]
    return render_template("author/index.html", banks=lines, bank_form=BankForm(), import_form=import_form,
                           import_enabled=True)


@bp.route("/banks", methods=["POST"])
@role_required(*AUTHORS)
def create_bank() -> WerkzeugResponse:
    form = BankForm()
    if not form.validate():
        raise InvalidInput("Give the bank a slug and a title.")
    slug = authoring.create_bank(current_user.id, form.slug.data or "", form.title.data or "",
                                 form.description.data or "", now())
    flash("The bank is created. Add its first question.", "info")
    return redirect(url_for("authoring.bank", slug=slug))


@bp.route("/banks/<slug>")
@role_required(*AUTHORS)
def bank(slug: str) -> str:
    view = authoring.bank_view(slug)
    form = BankForm(slug=view.slug, title=view.title, description=view.description)
    return render_template("author/bank.html", bank=view, action=ActionForm(), bank_form=form)


@bp.route("/banks/<slug>/edit", methods=["POST"])
@role_required(*AUTHORS)
def edit_bank(slug: str) -> WerkzeugResponse:
    form = BankForm()
    if not form.validate():
        raise InvalidInput("Give the bank a title.")
    authoring.update_bank(current_user.id, slug, form.title.data or "", form.description.data or "", now())
    flash("The bank is saved.", "info")
    return redirect(url_for("authoring.bank", slug=slug))


def _question_page(slug: str, form: QuestionForm, editing: str | None) -> WerkzeugResponse | tuple[str, int]:
    title = authoring.bank_title(slug)
    if not form.is_submitted():
        return render_template("author/question_form.html", form=form, slug=slug, bank_title=title,
                               editing=editing), 200
    if not form.validate():
        return render_template("author/question_form.html", form=form, slug=slug, bank_title=title,
                               editing=editing, error="Some fields are too long or missing."), 400
    fields = fields_from(form)
    try:
        if _pressed("preview"):
            question = authoring.check(fields)
            return render_template("author/question_form.html", form=form, slug=slug, bank_title=title,
                                   editing=editing, preview_q=authoring.preview(question, title)), 200
        saved = authoring.save_question(current_user.id, slug, fields, now(), editing=editing)
    except QuizError as exc:
        return render_template("author/question_form.html", form=form, slug=slug, bank_title=title,
                               editing=editing, error=exc.message), exc.status
    flash({"added": f"Question '{saved.key}' added.", "new version": f"Saved as version {saved.version}.",
           "unchanged": "Nothing changed: no new version."}[saved.outcome], "info")
    return redirect(url_for("authoring.bank", slug=slug))


def _pressed(action: str) -> bool:
    return request.form.get("action") == action


@bp.route("/banks/<slug>/questions/new", methods=["GET", "POST"])
@role_required(*AUTHORS)
def new_question(slug: str) -> WerkzeugResponse | tuple[str, int]:
    return _question_page(slug, QuestionForm(), None)


@bp.route("/banks/<slug>/questions/<key>/edit", methods=["GET", "POST"])
@role_required(*AUTHORS)
def edit_question(slug: str, key: str) -> WerkzeugResponse | tuple[str, int]:
    form = QuestionForm()
    if not form.is_submitted():
        fill_form(form, authoring.question_for_editing(slug, key))
    return _question_page(slug, form, key)


@bp.route("/banks/<slug>/questions/<key>/preview")
@role_required(*AUTHORS)
def preview(slug: str, key: str) -> str:
    question = authoring.question_for_editing(slug, key)
    return render_template("author/preview.html", slug=slug, question=question,
                           q=authoring.preview(question, authoring.bank_title(slug)))


@bp.route("/banks/<slug>/questions/<key>/history")
@role_required(*AUTHORS)
def history(slug: str, key: str) -> str:
    question, versions = authoring.question_history(slug, key)
    return render_template("author/history.html", slug=slug, question=question, versions=versions)


@bp.route("/banks/<slug>/questions/<key>/retire", methods=["POST"])
@role_required(*AUTHORS)
def retire(slug: str, key: str) -> WerkzeugResponse:
    ActionForm()
    authoring.set_retired(current_user.id, slug, key, True, now())
    flash(f"'{key}' is retired: it is no longer drawn for new attempts.", "info")
    return redirect(url_for("authoring.bank", slug=slug))


@bp.route("/banks/<slug>/questions/<key>/restore", methods=["POST"])
@role_required(*AUTHORS)
def restore(slug: str, key: str) -> WerkzeugResponse:
    ActionForm()
    authoring.set_retired(current_user.id, slug, key, False, now())
    flash(f"'{key}' is back in use.", "info")
    return redirect(url_for("authoring.bank", slug=slug))


@bp.route("/banks/<slug>/download.yaml")
@role_required(*AUTHORS)
def download(slug: str) -> Response:
    response = make_response(authoring.export_bank(slug))
    response.headers["Content-Type"] = "application/yaml; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}.yaml"'
    return response


MAX_IMPORT_BYTES = 2 * 1024 * 1024


@bp.route("/import", methods=["POST"])
@role_required(*AUTHORS)
def import_gift() -> tuple[str, int]:
    """A Moodle GIFT upload: every question saved, or nothing and the problems by line."""
    form = ImportForm()
    form.area.choices = [(b.slug, b.title) for b in authoring.list_banks()]
    upload = form.file.data
    if not form.validate() or upload is None or not getattr(upload, "filename", ""):
        raise InvalidInput("Choose a GIFT file to import.")
    raw = upload.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        raise InvalidInput("The file is larger than 2 MB.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The file is not UTF-8 text.") from None
    try:
        report = banks.import_gift(current_user.id, text, upload.filename, form.area.data or None, now())
    except banks.BankFilesInvalid as exc:
        return render_template("author/import_report.html", problems=exc.problems, report=None), 400
    return render_template("author/import_report.html", problems=[], report=report), 200
