"""Invitations: statuses, bulk rows, links that hold only a hash, revoke and extend, mail."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from quiz.errors import Conflict, InvalidInput, NotFound
from quiz.models import Invitation, db
from quiz.services import attempts, invitations
from quiz.services.invitations import CandidateInput
from tests.conftest import T0
from tests.factories import load_test_banks, make_assessment, make_user

pytestmark = pytest.mark.usefixtures("ctx")


@pytest.fixture
def setup() -> tuple[int, int]:
    load_test_banks(T0)
    manager = make_user("m@test.example", "manager", T0)
    return manager, make_assessment(manager, T0)


def test_the_link_is_long_random_and_only_its_hash_is_stored(setup: tuple[int, int]) -> None:
    manager, assessment = setup
    one = invitations.invite_candidate(manager, assessment, CandidateInput("A", "a@x.example"), T0)
    two = invitations.invite_candidate(manager, assessment, CandidateInput("B", "b@x.example"), T0)
    assert len(one.token) == 43 and one.token != two.token  # 256 bits, base64url without padding
    stored = db.session.get(Invitation, one.invitation_id)
    assert stored.token_hash == hashlib.sha256(one.token.encode()).hexdigest()
    assert one.token not in {stored.token_salt, stored.token_hash}
    assert invitations.invitation_token(manager, one.invitation_id) == one.token  # copied again later
    assert invitations.open_invitation(one.token, T0).invitation_id == one.invitation_id
    with pytest.raises(NotFound):
        invitations.open_invitation(one.token[:-1] + ("A" if one.token[-1] != "A" else "B"), T0)


def test_statuses_through_an_invitations_life(setup: tuple[int, int]) -> None:
    manager, assessment = setup
    invited = invitations.invite_candidate(manager, assessment, CandidateInput("A", "a@x.example"), T0,
                                           timedelta(days=2))

    def status(at: Any) -> str:
        return invitations.list_invitations(manager, assessment, at)[0].status

    assert status(T0) == "invited"
    assert status(T0 + timedelta(days=3)) == "expired"
    candidate = invitations.open_invitation(invited.token, T0).candidate_id
    attempt_id = attempts.start_attempt(candidate, invited.invitation_id, T0)
    assert status(T0 + timedelta(minutes=5)) == "started"
    assert status(T0 + timedelta(minutes=45)) == "overdue"  # 30 minutes and nobody has touched it since
    attempts.finish_attempt(candidate, attempt_id, T0 + timedelta(minutes=10))
    assert status(T0 + timedelta(days=5)) == "finished"
    with pytest.raises(Conflict):
        invitations.revoke_invitation(manager, invited.invitation_id, T0)


def test_revoke_and_extend(setup: tuple[int, int]) -> None:
    manager, assessment = setup
    invited = invitations.invite_candidate(manager, assessment, CandidateInput("A", "a@x.example"), T0,
                                           timedelta(days=1))
    with pytest.raises(InvalidInput):
        invitations.extend_invitation(manager, invited.invitation_id, T0 - timedelta(days=1), T0)
    invitations.extend_invitation(manager, invited.invitation_id, T0 + timedelta(days=10), T0)
    assert invitations.open_invitation(invited.token, T0 + timedelta(days=5)).attempt_id is None
    invitations.revoke_invitation(manager, invited.invitation_id, T0)
    with pytest.raises(NotFound, match="withdrawn"):
        invitations.open_invitation(invited.token, T0)
    with pytest.raises(Conflict, match="revoked"):
        invitations.extend_invitation(manager, invited.invitation_id, T0 + timedelta(days=20), T0)
    # once revoked, the same person can be invited again
    again = invitations.invite_candidate(manager, assessment, CandidateInput("A", "a@x.example"), T0)
    assert again.invitation_id != invited.invitation_id


def test_bulk_rows_are_reported_by_line(setup: tuple[int, int]) -> None:
    manager, assessment = setup
    make_user("staff@test.example", "instructor", T0)
    text = ('name,email\n"Lee, Ann", ann@x.example\n\nBob,not-an-email\n,empty@x.example\nCid, cid@x.example\n'
            'Cid again, CID@x.example\nStaff, staff@test.example\nonly one column\nDee,dee@x.example,extra\n')
    report = invitations.invite_many(manager, assessment, text, T0)
    assert [i.email for i in report.invited] == ["ann@x.example", "cid@x.example"]
    assert report.rejected == [
        (4, "Bob, not-an-email", "'not-an-email' is not an email address"),
        (5, ", empty@x.example", "a name is needed"),
        (7, "Cid again, CID@x.example", "cid@x.example appears twice (first on line 6)"),
        (8, "Staff, staff@test.example", "staff@test.example belongs to a staff account"),
        (9, "only one column", "expected two columns: name, email"),
        (10, "Dee,dee@x.example,extra", "expected two columns: name, email"),
    ]
    names = db.session.scalars(select(Invitation).where(Invitation.assessment_id == assessment)).all()
    assert sorted(i.candidate.name for i in names) == ["Cid", "Lee, Ann"]


class FakeSMTP:
    sent: list[Any] = []

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port = host, port

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def starttls(self) -> None:
        pass

    def login(self, user: str, password: str) -> None:
        pass

    def send_message(self, message: Any) -> None:
        FakeSMTP.sent.append(message)


def test_mail_is_sent_only_when_smtp_is_configured(setup: tuple[int, int], ctx: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    manager, assessment = setup
    FakeSMTP.sent = []
    monkeypatch.setattr("quiz.services.mail.smtplib.SMTP", FakeSMTP)
    quiet = invitations.invite_candidate(manager, assessment, CandidateInput("A", "a@x.example"), T0,
                                         link_for=lambda token: f"https://q.example/i/{token}")
    assert quiet.mailed is False and FakeSMTP.sent == []
    ctx.config["MAIL_SERVER"] = "smtp.example"
    mailed = invitations.invite_candidate(manager, assessment, CandidateInput("B", "b@x.example"), T0,
                                          link_for=lambda token: f"https://q.example/i/{token}")
    assert mailed.mailed is True and len(FakeSMTP.sent) == 1
    message = FakeSMTP.sent[0]
    assert message["To"] == "b@x.example" and f"https://q.example/i/{mailed.token}" in message.get_content()
    assert db.session.get(Invitation, mailed.invitation_id).sent_at == T0
