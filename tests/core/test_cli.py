from datetime import UTC, datetime, timedelta

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


def _came_back(sparks) -> set[tuple[int, int]]:
    """(practice, school) pairs where a practice left a school and, passed on from school
    to school in time order, later sparked a try back in it."""
    found = set()
    for practice in {row[0] for row in sparks}:
        across = sorted((when, source, target) for p, source, target, when in sparks
                        if p == practice and source != target)
        for start, (began, origin, _) in enumerate(across):
            reached = {origin}
            for _, source, target in across[start:]:
                if source in reached and target == origin:
                    found.add((practice, origin))
                elif source in reached:
                    reached.add(target)
    return found


def test_seed_demo_tells_a_school_year_of_spread_once(app):
    """Tries in several schools sparked by videos, visits and a Start-here path, with
    check-ins, set-asides and share-backs, and one practice that comes back where it began."""
    from mastery_share.collections.models import Collection
    from mastery_share.tries.models import CheckIn, Try, TrySpark
    from mastery_share.videos.models import Video
    from mastery_share.visits.models import Booking, Reflection, VisitSlot

    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "school year of spread" in result.output
    tries = db.session.scalars(select(Try)).all()
    assert 15 <= len(tries) <= 25
    assert len({try_.school_id for try_ in tries}) >= 3
    statuses = [try_.status for try_ in tries]
    assert {"planning", "trying", "set_aside", "shared_back"} <= set(statuses)
    assert all(try_.set_aside_reason for try_ in tries if try_.status == "set_aside")
    assert 1 <= [try_.visibility for try_ in tries].count("only_me") <= 3
    shared = [try_.share_back_video for try_ in tries if try_.status == "shared_back"]
    assert len(shared) >= 3 and all(video.status == "ready" for video in shared)
    assert db.session.scalar(select(func.count(CheckIn.id))) >= 20
    kinds = set(db.session.scalars(select(TrySpark.kind)))
    assert kinds == {"video", "booking", "collection_item"}
    assert db.session.scalar(select(func.count(Reflection.id))) >= 3
    # The story happened in the months before today.
    now = datetime.now(UTC)
    assert all(now - timedelta(days=366) < try_.created_at <= now for try_ in tries)
    sparks = db.session.execute(
        select(Try.practice_id, TrySpark.source_school_id, Try.school_id, Try.created_at)
        .join(TrySpark, TrySpark.try_id == Try.id)).all()
    assert _came_back(sparks), "no practice came back to the school it left"
    levels = set(db.session.scalars(select(Video.level)))
    assert levels == {"getting_started", "refining", "advanced"}
    assert db.session.scalar(select(func.count(Collection.id))
                             .where(Collection.path_practice_id.is_not(None))) == 1

    def counts():
        return [db.session.scalar(select(func.count()).select_from(model))
                for model in (Try, TrySpark, CheckIn, Video, VisitSlot, Booking, Collection)]

    before = counts()
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0, again.output
    assert "school year of spread" not in again.output
    assert counts() == before
    # Nor does seeding on a later day, when the story's dates would fall elsewhere.
    from mastery_share.demo import DEMO_DOMAIN
    from mastery_share.demo_spread import seed_demo_spread

    assert seed_demo_spread(DEMO_DOMAIN, today=now.date() + timedelta(days=9)) == 0
    assert counts() == before


def test_seed_demo_opens_classrooms_in_the_weeks_ahead_once(app):
    """The loop can be walked on the first day: open classrooms next week and after, a
    colleague coming to Maria's, and a request waiting for Maple Grove's principal."""
    from mastery_share.accounts.models import User
    from mastery_share.home.services import home_for
    from mastery_share.visits.models import Booking, VisitSlot

    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Opened 12 classroom visits" in result.output
    now = datetime.now(UTC)
    starts = db.session.scalars(select(VisitSlot.starts_at)
                                .where(VisitSlot.starts_at > now)).all()
    assert len(starts) == 12 and min(starts) < now + timedelta(days=14)
    maria = db.session.scalar(select(User).where(User.email.like("maria.lopez@%")))
    grace = db.session.scalar(select(User).where(User.email.like("grace.okafor@%")))
    home = home_for(maria)
    assert home.open_classrooms and any(hosted.visitors for hosted in home.hosting)
    assert {booking.visitor.name for booking in home_for(grace).approvals} >= {"James Carter"}
    before = db.session.scalar(select(func.count(Booking.id)))
    again = runner.invoke(args=["seed-demo"])
    assert "Opened" not in again.output
    assert db.session.scalar(select(func.count(Booking.id))) == before
