"""The suite runs where it says it runs: CI's second pass (MASTERY_TEST_TOPOLOGY=scale-out) must
really put the tests' apps on PostgreSQL, S3, PostgreSQL search and Redis, or it proves
nothing about the scale-out topology."""
from __future__ import annotations

from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from mastery_share.extensions import db
from mastery_share.jobs import huey
from mastery_share.media.storage.local import LocalStorage
from mastery_share.media.storage.s3 import S3Storage
from mastery_share.search.engine import search_backend
from mastery_share.search.postgres.backend import PostgresBackend
from mastery_share.search.whoosh.backend import WhooshBackend
from mastery_share.videos.storage_access import media_storage
from tests import topology
from tests.conftest import sign_in
from tests.videos.conftest import clips, share  # noqa: F401  (the real upload pipeline)


def test_the_app_runs_in_the_topology_the_suite_was_asked_for(app):
    if topology.SCALE_OUT:
        assert db.engine.dialect.name == "postgresql"
        assert isinstance(media_storage(), S3Storage)
        assert isinstance(search_backend(), PostgresBackend)
        assert isinstance(huey.storage, RedisStorage) and not huey.immediate_use_memory
    else:
        assert db.engine.dialect.name == "sqlite"
        assert isinstance(media_storage(), LocalStorage)
        assert isinstance(search_backend(), WhooshBackend)
        # In-memory immediate jobs unless MASTERY_TEST_QUEUE_URL routes them through Redis.
        assert isinstance(huey.storage, (MemoryStorage, SqliteStorage, RedisStorage))


def test_a_shared_video_plays_from_the_topology_s_store(app, client, teacher, share, clips):  # noqa: F811
    video = share(teacher, clips.short, title="Stations in the store")
    assert video.status == "ready"
    sign_in(client, teacher)
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    source = page.split('<source src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    media = client.get(source)
    if topology.SCALE_OUT:  # a short-lived presigned URL of the S3 object
        assert media.status_code == 302
        assert media.headers["Location"].startswith(app.config["S3_ENDPOINT_URL"])
        assert f"/{topology.S3_BUCKET}/{app.config['S3_PREFIX']}" in media.headers["Location"]
    else:
        assert media.status_code == 200 and media.data[4:8] == b"ftyp"
