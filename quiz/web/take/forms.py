from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired, Regexp


class StartForm(FlaskForm):
    pass


class FinishForm(FlaskForm):
    pass


class AnswerForm(FlaskForm):
    """The question page's form. The answer fields themselves depend on the question type
    and are read from the raw form (`answer`, repeated for several choices); the engine
    checks them."""

    item_id = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}\Z")])
    flag_present = HiddenField()
    action = StringField(validators=[InputRequired(), Regexp(r"^(prev|next|save|finish|goto:\d{1,4})$")])
