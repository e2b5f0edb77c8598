"""The whole video life cycle with media in S3: moto's standalone server over real HTTP.

Processing downloads the original from the bucket, stores renditions and the poster back
under the configured prefix; playback redirects to a short-lived presigned URL the browser
fetches straight from the store (with Range); deleting a video empties its prefix.
"""
from __future__ import annotations

import time
from calendar import timegm
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from botocore.config import Config

from mastery_share.security_headers import content_security_policy
from mastery_share.videos.media_urls import media_url
from mastery_share.videos.services import delete_video, update_video
from mastery_share.videos.storage_access import media_storage
from tests.conftest import sign_in
from tests.topology import moto_s3_endpoint

PREFIX = "mastery/"
_buckets = count(1)


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    # Dummy credentials for the whole module: boto3 reads them when the app builds its client.
    with moto_s3_endpoint() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def s3(s3_endpoint):
    """A client of our own, to look into the bucket independently of the app's."""
    return boto3.session.Session().client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))


@pytest.fixture
def bucket(s3) -> str:
    name = f"mastery-app-{next(_buckets)}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def app_overrides(s3_endpoint, bucket) -> dict:
    return {"STORAGE": "s3", "S3_BUCKET": bucket, "S3_ENDPOINT_URL": s3_endpoint,
            "S3_PREFIX": PREFIX}


def stored_keys(s3, bucket: str, prefix: str = "") -> set[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def source_url(page: str) -> str:
    return page.split('<source src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


def test_processing_reads_the_original_from_s3_and_stores_everything_under_the_prefix(
        app, teacher, share, clips, s3, bucket):
    video = share(teacher, clips.short)
    assert video.status == "ready", video.error
    assert media_storage().local_path(video.original_key) is None  # nothing served locally
    prefix = PREFIX + video.media_prefix
    assert stored_keys(s3, bucket) == stored_keys(s3, bucket, prefix)  # nothing outside it
    assert {prefix + "original.mp4", prefix + "360p.mp4", prefix + "poster.jpg"} <= \
        stored_keys(s3, bucket, prefix)
    head = s3.head_object(Bucket=bucket, Key=prefix + "360p.mp4")
    assert head["ContentType"] == "video/mp4"
    # No media copy is left behind on the web machine's disk.
    local_media = Path(app.config["DATA_DIR"]) / "media"
    assert not local_media.exists() or not any(p.is_file() for p in local_media.rglob("*"))


def test_media_url_redirects_to_a_presigned_store_url_that_serves_ranges(
        app, client, teacher, share, clips, s3_endpoint):
    video = share(teacher, clips.short)
    sign_in(client, teacher)
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    media_path = source_url(page)
    assert media_path.startswith(f"/media/{video.id}/")

    redirect = client.get(media_path)
    assert redirect.status_code == 302
    assert redirect.headers["Cache-Control"] == "private, no-store"
    presigned = redirect.headers["Location"]
    assert presigned.startswith(f"{s3_endpoint}/")
    assert "X-Amz-Signature=" in presigned and "X-Amz-Expires=" in presigned

    with requests.get(presigned, timeout=30) as whole:
        assert whole.status_code == 200
        assert whole.content[4:8] == b"ftyp"
        assert whole.headers["Content-Type"] == "video/mp4"
    with requests.get(presigned, headers={"Range": "bytes=100-199"}, timeout=30) as part:
        assert part.status_code == 206
        assert part.content == whole.content[100:200]
        assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole.content)}"

    poster_path = page.split('poster="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    poster_redirect = client.get(poster_path)
    assert poster_redirect.status_code == 302
    with requests.get(poster_redirect.headers["Location"], timeout=30) as poster:
        assert poster.status_code == 200
        assert poster.content[:3] == b"\xff\xd8\xff"  # a JPEG


def test_teacher_of_another_school_gets_no_redirect_to_a_private_video(
        app, client, teacher, make_user, other_school, share, clips):
    video = share(teacher, clips.short, visibility="private")
    sign_in(client, teacher)
    owners_path = source_url(client.get(f"/videos/{video.id}").get_data(as_text=True))
    outsider = make_user("teacher", school_=other_school)
    outsider_client = app.test_client()
    sign_in(outsider_client, outsider)

    assert outsider_client.get(f"/videos/{video.id}").status_code == 404
    stolen = outsider_client.get(owners_path)
    assert stolen.status_code == 403 and "Location" not in stolen.headers
    # Even a correctly signed URL of their own does not reach the store.
    with app.test_request_context():
        own_path = media_url(outsider, video, "360p.mp4")
    refused = outsider_client.get(own_path)
    assert refused.status_code == 404 and "Location" not in refused.headers


def test_watch_page_policy_allows_the_store_origin_for_media_and_posters_only(
        app, client, teacher, share, clips, s3_endpoint):
    video = share(teacher, clips.short)
    sign_in(client, teacher)
    response = client.get(f"/videos/{video.id}")
    assert response.status_code == 200
    store = "{0.scheme}://{0.netloc}".format(urlsplit(s3_endpoint))
    directives = {
        name: values for name, *values in
        (part.split() for part in response.headers["Content-Security-Policy"].split(";"))
    }
    assert store in directives["media-src"]
    assert store in directives["img-src"]
    for name in ("default-src", "script-src", "style-src"):
        assert store not in directives[name]


def test_deleting_a_video_removes_every_object_under_its_prefix(
        app, teacher, share, clips, s3, bucket):
    kept = share(teacher, clips.short)
    video = share(teacher, clips.short)
    prefix = PREFIX + video.media_prefix
    assert len(stored_keys(s3, bucket, prefix)) >= 3

    delete_video(teacher, video.id)

    assert stored_keys(s3, bucket, prefix) == set()
    assert stored_keys(s3, bucket, PREFIX + kept.media_prefix)  # the other video is untouched


@pytest.mark.parametrize(("bucket_name", "region", "expected"), [
    ("classroom-media", "eu-west-1",
     {"https://classroom-media.s3.amazonaws.com", "https://classroom-media.s3.eu-west-1.amazonaws.com"}),
    # Dotted names cannot be TLS host names, so boto3 presigns them path-style.
    ("media.example.org", "us-east-1", {"https://s3.amazonaws.com", "https://s3.us-east-1.amazonaws.com"}),
])
def test_policy_for_aws_allows_only_the_hosts_that_presign_for_the_bucket(
        bucket_name, region, expected):
    config = {"STORAGE": "s3", "S3_BUCKET": bucket_name, "S3_REGION": region}
    policy = content_security_policy(config)
    media = set(next(p for p in policy.split(";") if p.split()[0] == "media-src").split()[3:])
    assert media == expected
    assert "*" not in policy
    assert "amazonaws" not in content_security_policy({"STORAGE": "local"})


# ---- how long a presigned URL works, and who may cache what (issue 11, hole 9) ------------

def presign_of(client, media_path: str) -> tuple[str, dict[str, str]]:
    """Follow the app's media URL to the store: (presigned URL, its query parameters)."""
    redirect = client.get(media_path)
    assert redirect.status_code == 302, redirect.get_data(as_text=True)
    assert redirect.headers["Cache-Control"] == "private, no-store"
    presigned = redirect.headers["Location"]
    return presigned, {name: values[0] for name, values in parse_qs(urlsplit(presigned).query).items()}


def watch_paths(client, video) -> list[str]:
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    poster = page.split('poster="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    return [source_url(page), poster]


@pytest.mark.parametrize("ttl", [None, 45])
def test_presigned_media_urls_expire_after_mastery_s3_url_ttl_s(
        app, client, teacher, share, clips, ttl):
    if ttl is not None:
        app.config["S3_URL_TTL_S"] = ttl
    video = share(teacher, clips.short)
    sign_in(client, teacher)
    for media_path in watch_paths(client, video):
        _, params = presign_of(client, media_path)
        # The README's promise: 5 minutes unless configured.
        assert params["X-Amz-Expires"] == str(ttl or 300)
        signed_at = timegm(time.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ"))
        assert abs(signed_at - time.time()) < 120  # signed now, so it ends TTL from now


@pytest.mark.parametrize(("visibility", "store_cache_control"), [
    ("private", "private, no-store"), ("school", "private, no-store"),
    # Every member of the district may watch it: their own browser may keep it briefly.
    ("district", "private, max-age=600"), ("network", "private, max-age=600"),
])
def test_the_store_answers_presigned_media_with_a_cache_control_that_keeps_shared_caches_out(
        app, client, teacher, share, clips, visibility, store_cache_control):
    video = share(teacher, clips.short, visibility=visibility)
    sign_in(client, teacher)
    for media_path in watch_paths(client, video):
        presigned, params = presign_of(client, media_path)
        assert params["response-cache-control"] == store_cache_control  # signed into the URL
        with requests.get(presigned, headers={"Range": "bytes=0-99"}, timeout=30) as fetched:
            assert fetched.status_code == 206
            assert fetched.headers["Cache-Control"] == store_cache_control


def test_after_a_video_is_made_private_a_colleague_gets_no_new_presigned_url(
        app, client, teacher, make_user, share, clips):
    video = share(teacher, clips.short, visibility="school")
    colleague = make_user("teacher")
    sign_in(client, colleague)
    media_path = source_url(client.get(f"/videos/{video.id}").get_data(as_text=True))
    handed_out, _ = presign_of(client, media_path)

    update_video(teacher, video.id, {"visibility": "private"})

    refused = client.get(media_path)  # the app URL in the page the colleague still has open
    assert refused.status_code == 404 and "Location" not in refused.headers
    assert refused.headers["Cache-Control"] == "no-store"
    with app.test_request_context():
        fresh = media_url(colleague, video, "360p.mp4")  # signed for them, just now
    refused_fresh = client.get(fresh)
    assert refused_fresh.status_code == 404 and "Location" not in refused_fresh.headers
    # The window the README admits: a presigned URL handed out before the change works
    # until it expires (MASTERY_S3_URL_TTL_S), and the store tells caches not to keep it.
    with requests.get(handed_out, headers={"Range": "bytes=0-99"}, timeout=30) as late:
        assert late.status_code == 206
        assert late.headers["Cache-Control"] == "private, no-store"
