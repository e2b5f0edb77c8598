from sqlalchemy import func, select

from mastery_share.accounts.models import District, School, User
from mastery_share.accounts.services import authenticate
from mastery_share.demo import DEMO_PASSWORD
from mastery_share.extensions import db


def test_seed_demo_is_idempotent_and_prints_the_sign_ins(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo", "--no-videos"])
    assert first.exit_code == 0, first.output
    assert "(created)" in first.output and DEMO_PASSWORD in first.output
    assert "maria.lopez@riverside.example.org" in first.output
    counts = (db.session.scalar(select(func.count(User.id))),
              db.session.scalar(select(func.count(School.id))))
    second = runner.invoke(args=["seed-demo", "--no-videos"])
    assert "(already there)" in second.output
    assert counts == (db.session.scalar(select(func.count(User.id))),
                      db.session.scalar(select(func.count(School.id))))
    assert counts[1] == 4
    roles = db.session.execute(select(User.role, func.count()).group_by(User.role)).all()
    assert dict(roles)["principal"] == 4 and dict(roles)["coach"] == 4
    assert dict(roles)["teacher"] >= 8
    assert db.session.scalar(select(func.count(District.id))) == 1
    assert authenticate("grace.okafor@riverside.example.org", DEMO_PASSWORD).role == "principal"


def test_user_create_makes_a_member_who_can_sign_in(app, school):
    result = app.test_cli_runner().invoke(args=[
        "user", "create", "New.Coach@Example.org", "--name", "New Coach", "--role", "coach",
        "--school", school.name, "--password", "a-long-password"])
    assert result.exit_code == 0, result.output
    assert authenticate("new.coach@example.org", "a-long-password").school_id == school.id


def test_user_create_refuses_a_duplicate_email_in_another_case(app, teacher, school):
    result = app.test_cli_runner().invoke(args=[
        "user", "create", teacher.email.upper(), "--name", "Dup", "--school", str(school.id),
        "--password", "a-long-password"])
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_user_create_explains_an_unknown_school(app, district):
    result = app.test_cli_runner().invoke(args=[
        "user", "create", "x@example.org", "--name", "X", "--school", "Nowhere High",
        "--password", "a-long-password"])
    assert result.exit_code != 0
    assert "No school called 'Nowhere High'" in result.output


def test_school_create_checks_the_time_zone(app, district):
    runner = app.test_cli_runner()
    bad = runner.invoke(args=["school", "create", "West High", "--time-zone", "Mars/Olympus"])
    assert bad.exit_code != 0 and "Unknown time zone" in bad.output
    good = runner.invoke(args=["school", "create", "West High", "--time-zone", "America/Denver"])
    assert good.exit_code == 0, good.output
    assert db.session.scalar(select(School).where(School.name == "West High")).time_zone == \
        "America/Denver"


def test_seed_demo_shares_captioned_demo_videos_once(app):
    from mastery_share.videos.models import Video

    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    videos = db.session.scalars(select(Video)).all()
    assert len(videos) >= 5
    assert all(video.status == "ready" and video.captions_source == "uploaded" for video in videos)
    again = runner.invoke(args=["seed-demo"])
    assert "Shared" not in again.output
    assert db.session.scalar(select(func.count(Video.id))) == len(videos)
