"""A backup restored into an empty instance brings back every member, video, its media and
its words: the video plays (its media answers) and search finds it by its title."""
from __future__ import annotations

import tarfile

import pytest

from mastery_share.extensions import db
from mastery_share.videos.models import Video
from tests.conftest import PASSWORD, FreshContextClient, build_app, sign_in
from tests.videos.conftest import clips, share  # noqa: F401  (the real upload pipeline)


def _media_path(client, video_id: int) -> str:
    page = client.get(f"/videos/{video_id}").get_data(as_text=True)
    return page.split('<source src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


@pytest.mark.embedded("the SQLite backup; PostgreSQL's has its own test below")
def test_a_backup_restores_into_an_empty_instance_playable_and_searchable(
        app, teacher, share, clips, tmp_path, migrated_template):  # noqa: F811
    video = share(teacher, clips.short, title="Exit tickets sorted by color")
    assert video.status == "ready"
    archive = tmp_path / "backup.tar"
    result = app.test_cli_runner().invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and "database.sqlite3" in names
    assert f"media/{video.original_key}" in names
    video_id, email = video.id, teacher.email

    fresh = build_app(tmp_path / "restored", migrated_template)
    with fresh.app_context():
        restored = _restore_and_check(fresh, archive, video_id, PASSWORD)
        assert restored.owner.email == email
        db.session.remove()
        db.engine.dispose()


def _restore_and_check(fresh, archive, video_id: int, password: str) -> Video:
    """Restore into `fresh` (its context pushed): the video is there, plays, is found by its
    title, and a second restore over the live data is refused."""
    result = fresh.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    restored = db.session.get(Video, video_id)
    assert restored.title == "Exit tickets sorted by color" and restored.status == "ready"
    fresh.test_client_class = FreshContextClient
    client = fresh.test_client()
    sign_in(client, restored.owner, password=password)
    with client.get(_media_path(client, video_id)) as media:
        assert media.status_code == 200 and len(media.data) > 1000
    found = client.get("/api/v1/search?q=exit tickets", headers=_bearer(restored.owner)).json
    assert [hit["video"]["id"] for hit in found["results"]] == [video_id]
    again = fresh.test_cli_runner().invoke(args=["restore", str(archive)])
    assert again.exit_code != 0 and "empty" in again.output  # never over live data
    return restored


def test_a_postgresql_backup_restores_into_an_empty_instance_playable_and_searchable(
        app, share, clips, tmp_path):  # noqa: F811
    """The scale-out database: pg_dump's archive restored with pg_restore into an empty,
    migrated database; search (in PostgreSQL too) finds the video by its title."""
    from mastery_share.accounts.models import User
    from tests.postgres import migrated_postgres_app

    archive = tmp_path / "backup.tar"
    with migrated_postgres_app(tmp_path / "source", SEARCH="postgres") as source:
        assert source.test_cli_runner().invoke(args=["seed-demo", "--no-videos"]).exit_code == 0
        owner = db.session.scalar(db.select(User).filter_by(
            email="maria.lopez@riverside.example.org"))
        video = share(owner, clips.short, title="Exit tickets sorted by color")
        assert video.status == "ready", video.error
        video_id, key = video.id, video.original_key
        result = source.test_cli_runner().invoke(args=["backup", str(archive)])
        assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "database.pgdump" in names and f"media/{key}" in names

    with migrated_postgres_app(tmp_path / "restored", SEARCH="postgres") as fresh:
        _restore_and_check(fresh, archive, video_id, "mastery-demo")


@pytest.mark.embedded("the SQLite backup; PostgreSQL's has its own test below")
def test_a_damaged_archive_restores_nothing(app, teacher, share, clips, tmp_path,  # noqa: F811
                                            migrated_template):
    video = share(teacher, clips.short)
    archive = tmp_path / "backup.tar"
    assert app.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == f"media/{video.original_key}":
                data = data[:-10] + b"0123456789"
            import io
            target.addfile(member, io.BytesIO(data))
    fresh = build_app(tmp_path / "restored", migrated_template)
    with fresh.app_context():
        result = fresh.test_cli_runner().invoke(args=["restore", str(damaged)])
        assert result.exit_code != 0 and "damaged" in result.output
        from mastery_share.accounts.models import User

        assert db.session.query(User).count() == 0
        db.session.remove()
        db.engine.dispose()


def _bearer(user) -> dict:
    from mastery_share.accounts.api_tokens import issue_api_token

    secret, _ = issue_api_token(user)
    return {"Authorization": f"Bearer {secret}"}
