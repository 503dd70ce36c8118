from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from quiz.engine.timing import OverduePolicy

OVERDUE_CHOICES = [
    SelectChoice(OverduePolicy.AUTOSUBMIT.value, "Submit automatically what was saved"),
    SelectChoice(OverduePolicy.GRACEPERIOD.value, "Grace period to submit only, then abandon"),
    SelectChoice(OverduePolicy.AUTOABANDON.value, "Abandon: not submitted in time means not counted"),
]


class SectionForm(Form):
    """One skill area's row: how many questions, an optional difficulty mix, a pass mark."""

    area = HiddenField()
    count = IntegerField("Questions", validators=[Optional(), NumberRange(min=0, max=200)])
    easy = IntegerField("Easy", validators=[Optional(), NumberRange(min=0, max=200)])
    medium = IntegerField("Medium", validators=[Optional(), NumberRange(min=0, max=200)])
    hard = IntegerField("Hard", validators=[Optional(), NumberRange(min=0, max=200)])
    pass_mark = IntegerField("Pass mark %", validators=[Optional(), NumberRange(min=0, max=100)])


class AssessmentForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description for candidates", validators=[Optional(), Length(max=2000)])
    time_limit = IntegerField("Time limit (minutes)", default=30, validators=[DataRequired(), NumberRange(1, 480)])
    grace = IntegerField("Grace period (seconds)", default=60, validators=[Optional(), NumberRange(0, 3600)])
    overdue_policy = SelectField("When time is up", choices=OVERDUE_CHOICES, default="autosubmit")
    feedback_policy = SelectField("Candidates see at the end", default="area_scores")
    pass_mark = IntegerField("Overall pass mark %", validators=[Optional(), NumberRange(0, 100)])
    shuffle_questions = BooleanField("Shuffle questions", default=True)
    shuffle_options = BooleanField("Shuffle options", default=True)
    sections = FieldList(FormField(SectionForm))


class InviteForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])  # checked by the service
    days = IntegerField("Valid for (days)", default=14, validators=[DataRequired(), NumberRange(1, 90)])


class BulkInviteForm(FlaskForm):
    rows = TextAreaField("Candidates, one per line: name, email", validators=[DataRequired(), Length(max=100_000)])
    days = IntegerField("Valid for (days)", default=14, validators=[DataRequired(), NumberRange(1, 90)])


class ExtendForm(FlaskForm):
    days = IntegerField("Valid for another (days)", default=7, validators=[DataRequired(), NumberRange(1, 90)])


class ShareForm(FlaskForm):
    email = EmailField("Manager's email", validators=[DataRequired(), Length(max=254)])


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
