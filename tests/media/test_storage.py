"""One storage contract, run against the local folder and against S3 over real HTTP.

The S3 side talks to moto's standalone server on a loopback port, so requests, multipart
uploads and presigned URLs go through boto3 and HTTP exactly as they would to a real store.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest
import requests
from moto.server import ThreadedMotoServer

from mastery_share.media.storage import (
    LocalStorage,
    ObjectNotFound,
    S3Storage,
    Storage,
    StorageError,
    build_storage,
)

CREDENTIALS = {
    "region_name": "us-east-1",
    "aws_access_key_id": "testing",
    "aws_secret_access_key": "testing",
}
MiB = 1024 * 1024
_buckets = count(1)


def _free_port() -> int:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return int(probe_socket.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def _s3_storage(endpoint: str, client: object = None) -> S3Storage:
    """A store in a fresh bucket; passing ``client`` reuses one (building one takes ~0.5 s)."""
    bucket = f"mastery-test-{next(_buckets)}"
    storage = build_storage(
        "s3",
        bucket=bucket,
        prefix="media",
        endpoint_url=endpoint,
        # Lowered from 64 MiB so a few-MiB file takes the multipart path; 5 MiB is S3's minimum part.
        multipart_threshold=5 * MiB,
        multipart_chunksize=5 * MiB,
        addressing_style="path",
        client=client,
        **({} if client else CREDENTIALS),
    )
    assert isinstance(storage, S3Storage)
    storage.client.create_bucket(Bucket=bucket)
    return storage


@pytest.fixture(scope="session")
def s3_client(s3_endpoint: str) -> object:
    return _s3_storage(s3_endpoint).client


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path) -> Storage:
    if request.param == "local":
        return build_storage("local", root=tmp_path / "media")
    return _s3_storage(request.getfixturevalue("s3_endpoint"), request.getfixturevalue("s3_client"))


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_saved_object_reads_back_whole(storage, tmp_path):
    data = os.urandom(100_000)
    storage.save("videos/1/original.mp4", _file(tmp_path, "upload.bin", data))
    assert storage.exists("videos/1/original.mp4")
    assert storage.size("videos/1/original.mp4") == len(data)
    with storage.open("videos/1/original.mp4") as stream:
        assert stream.read() == data


def test_saving_again_replaces_the_object(storage, tmp_path):
    storage.save("videos/1/poster.jpg", _file(tmp_path, "a", b"first version"))
    storage.save("videos/1/poster.jpg", _file(tmp_path, "b", b"second"))
    assert storage.read_bytes("videos/1/poster.jpg") == b"second"


def test_large_file_round_trips(storage, tmp_path):
    data = os.urandom(12 * MiB)
    storage.save("videos/2/720p.mp4", _file(tmp_path, "big.bin", data))
    assert storage.size("videos/2/720p.mp4") == len(data)
    assert storage.read_bytes("videos/2/720p.mp4") == data


def test_missing_object_is_reported(storage):
    assert not storage.exists("videos/9/720p.mp4")
    with pytest.raises(ObjectNotFound):
        storage.size("videos/9/720p.mp4")
    with pytest.raises(ObjectNotFound):
        storage.open("videos/9/720p.mp4")


@pytest.mark.parametrize(
    "key",
    [
        "../outside.mp4",
        "videos/../../etc/passwd",
        "/etc/passwd",
        "a//b",
        "a\\b",
        "",
        "videos/.",
        "a/.hidden",
    ],
)
def test_keys_that_could_escape_are_refused(storage, tmp_path, key):
    with pytest.raises(StorageError):
        storage.save(key, _file(tmp_path, "x", b"x"))
    with pytest.raises(StorageError):
        storage.exists(key)


def test_delete_prefix_removes_every_object_of_one_video_only(storage, tmp_path):
    source = _file(tmp_path, "x", b"data")
    for key in [
        "videos/1/original.mov",
        "videos/1/360p.mp4",
        "videos/1/captions/en.vtt",
        "videos/10/360p.mp4",
    ]:
        storage.save(key, source)
    assert storage.delete_prefix("videos/1") == 3
    assert not storage.exists("videos/1/original.mov")
    assert not storage.exists("videos/1/captions/en.vtt")
    assert storage.exists("videos/10/360p.mp4")
    assert storage.delete_prefix("videos/1/") == 0


def test_delete_prefix_refuses_to_empty_the_whole_store(storage):
    with pytest.raises(StorageError):
        storage.delete_prefix("")


def test_delete_removes_one_object(storage, tmp_path):
    storage.save("videos/3/360p.mp4", _file(tmp_path, "x", b"data"))
    storage.delete("videos/3/360p.mp4")
    storage.delete("videos/3/360p.mp4")  # already gone: fine
    assert not storage.exists("videos/3/360p.mp4")


def test_playback_location_suits_the_backend(storage, tmp_path):
    data = os.urandom(50_000)
    storage.save("videos/4/360p.mp4", _file(tmp_path, "x", data))
    if isinstance(storage, LocalStorage):
        path = storage.local_path("videos/4/360p.mp4")
        assert path is not None and path.read_bytes() == data
        assert storage.presigned_url("videos/4/360p.mp4") is None
    else:
        assert storage.local_path("videos/4/360p.mp4") is None
        url = storage.presigned_url("videos/4/360p.mp4", expires_s=60)
        assert url is not None
        response = requests.get(url, timeout=10)
        assert response.status_code == 200 and response.content == data
        assert response.headers["Content-Type"] == "video/mp4"
        ranged = requests.get(url, headers={"Range": "bytes=10-19"}, timeout=10)
        assert ranged.status_code == 206 and ranged.content == data[10:20]


def test_s3_uses_multipart_above_the_threshold(s3_endpoint, tmp_path):
    storage = _s3_storage(s3_endpoint)
    storage.save("videos/5/original.mp4", _file(tmp_path, "big", os.urandom(12 * MiB)))
    storage.save("videos/5/poster.jpg", _file(tmp_path, "small", b"\xff\xd8\xff"))
    head = storage.client.head_object(Bucket=storage.bucket, Key="media/videos/5/original.mp4")
    assert head["ETag"].strip('"').endswith("-3")  # three 5 MiB parts (the last one shorter)
    small = storage.client.head_object(Bucket=storage.bucket, Key="media/videos/5/poster.jpg")
    assert "-" not in small["ETag"]


def test_local_save_is_atomic_and_leaves_no_temp_files(tmp_path):
    storage = LocalStorage(tmp_path / "media")
    storage.save("videos/6/360p.mp4", _file(tmp_path, "x", b"complete"))
    with pytest.raises(FileNotFoundError):
        storage.save("videos/6/360p.mp4", tmp_path / "does-not-exist")
    assert storage.read_bytes("videos/6/360p.mp4") == b"complete"
    assert sorted(p.name for p in (tmp_path / "media/videos/6").iterdir()) == ["360p.mp4"]


def test_local_storage_refuses_a_symlink_out_of_its_root(tmp_path):
    storage = LocalStorage(tmp_path / "media")
    (tmp_path / "media" / "videos").symlink_to(tmp_path)
    with pytest.raises(StorageError):
        storage.save("videos/x.mp4", _file(tmp_path, "x", b"x"))


def test_unknown_storage_kind_is_refused():
    with pytest.raises(ValueError):
        build_storage("ftp")
