from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from quiz.engine.types import REGISTRY

MAX_OPTIONS_SHOWN = 8


class OptionForm(Form):
    text = StringField("Option", validators=[Optional(), Length(max=2000)])
    correct = BooleanField("Right")
    credit = StringField("Partial credit %", validators=[Optional(), Length(max=10)])
    feedback = StringField("Feedback", validators=[Optional(), Length(max=2000)])


class QuestionForm(FlaskForm):
    """Every type's fields; the route passes on the ones of the chosen type and the engine checks them."""

    key = StringField("Key", validators=[DataRequired(), Length(max=100)])
    type = SelectField("Type", choices=[SelectChoice(name, t.label) for name, t in REGISTRY.items()])
    difficulty = SelectField("Difficulty", choices=[SelectChoice("1", "1: any working backend developer"),
                                                    SelectChoice("2", "2: a few years of practice"),
                                                    SelectChoice("3", "3: senior judgement or depth")], default="2")
    prompt = TextAreaField("Prompt (Markdown; fenced code blocks are highlighted)", validators=[Length(max=20_000)])
    options = FieldList(FormField(OptionForm), min_entries=MAX_OPTIONS_SHOWN, max_entries=26)
    answer = SelectField("The statement is", choices=[SelectChoice("true", "True"), SelectChoice("false", "False")],
                         default="true")
    value = StringField("Value", validators=[Optional(), Length(max=40)])
    tolerance = StringField("Tolerance (±)", validators=[Optional(), Length(max=40)])
    minimum = StringField("Or a range from", validators=[Optional(), Length(max=40)])
    maximum = StringField("to", validators=[Optional(), Length(max=40)])
    unit = StringField("Unit", validators=[Optional(), Length(max=40)])
    accepted = TextAreaField("Accepted answers, one per line", validators=[Length(max=5000)])
    case_sensitive = BooleanField("Case matters")
    regex = StringField("Or a regular expression (the whole answer must match)", validators=[Length(max=500)])
    setup = TextAreaField("Tables and data: a SQL script of CREATE TABLE and INSERT statements",
                          validators=[Length(max=50_000)])
    solution = TextAreaField("Solution: a SELECT giving the right result (checked against the data on saving)",
                             validators=[Length(max=1000)])
    ordered = BooleanField("The order of the rows matters (the solution has an ORDER BY)")
    explanation = TextAreaField("Explanation: why the right answer is right and the tempting wrong one wrong",
                                validators=[Length(max=20_000)])
    tags = StringField("Tags, separated by commas", validators=[Length(max=500)])
    reference = StringField("Reference (a standard, an RFC, a manual section)", validators=[Length(max=500)])


class BankForm(FlaskForm):
    slug = StringField("Slug", validators=[DataRequired(), Length(max=64)])
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])


class ImportForm(FlaskForm):
    file = FileField("GIFT file")
    area = SelectField("Skill area for questions without a $CATEGORY", validate_choice=False)


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
