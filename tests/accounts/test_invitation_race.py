"""Two principals sending the same staff list at the same instant invite each person once,
on SQLite and on PostgreSQL: real threads, each with its own connection."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mastery_share.accounts.invitations import invite_staff_csv
from mastery_share.accounts.models import District, School, User
from mastery_share.accounts.token_models import Invitation
from mastery_share.extensions import db
from tests.postgres import migrated_postgres_app

ROUNDS = 6
PEOPLE = 4


def _setup() -> tuple[list[int], int]:
    district = District(name="Race District", slug="race-district")
    school = School(name="North Elementary", time_zone="America/Chicago", district=district)
    principals = [User(email=f"principal{n}@example.org", name=f"Principal {n}",
                       role="principal", district=district, school=school, password_hash="x")
                  for n in range(2)]
    db.session.add_all([district, school, *principals])
    db.session.commit()
    return [principal.id for principal in principals], school.id


def _csv(round_: int) -> str:
    rows = [f"r{round_}p{n}@example.org,Person {n},teacher,," for n in range(PEOPLE)]
    return "email,name,role,grade_bands,subjects\n" + "\n".join(rows) + "\n"


def _race(app) -> None:
    principal_ids, school_id = _setup()
    errors: list[BaseException] = []
    for round_ in range(ROUNDS):
        barrier = threading.Barrier(2)

        def send(principal_id: int) -> None:
            with app.app_context():
                try:
                    principal = db.session.get(User, principal_id)
                    db.session.rollback()  # start the race with no transaction open
                    barrier.wait(timeout=30)
                    invite_staff_csv(principal, school_id, _csv(round_))
                except BaseException as error:  # noqa: BLE001 - reported below
                    errors.append(error)
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=send, args=(pid,)) for pid in principal_ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    per_person = dict(db.session.execute(
        select(Invitation.email, func.count()).group_by(Invitation.email)).all())
    assert per_person == {f"r{r}p{n}@example.org": 1 for r in range(ROUNDS) for n in range(PEOPLE)}


@pytest.fixture
def app_overrides() -> dict:
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 5, "max_overflow": 5}}


def test_the_same_list_sent_twice_at_once_invites_each_person_once_on_sqlite(app):
    _race(app)


@pytest.mark.postgres
def test_the_same_list_sent_twice_at_once_invites_each_person_once_on_postgresql(
        tmp_path: Path):
    with migrated_postgres_app(tmp_path) as app:
        _race(app)
