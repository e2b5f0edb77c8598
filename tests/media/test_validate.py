"""validate(): which probed files we accept, and the sentence a teacher reads when not."""

from __future__ import annotations

import pytest

from mastery_share.media import Limits, MediaError, probe, validate

from .probes import fake_probe


def test_a_normal_classroom_video_is_accepted(samples):
    validate(probe(samples.landscape_720))


def test_audio_only_upload_is_refused_as_sound_without_picture(samples):
    with pytest.raises(MediaError) as caught:
        validate(probe(samples.audio_only))
    assert caught.value.reason == "The video has no picture, only sound."


def test_video_longer_than_the_limit_is_refused(samples):
    with pytest.raises(MediaError) as caught:
        validate(probe(samples.landscape_720), Limits(max_duration_s=1))
    assert caught.value.reason == "The video is longer than 1 second."


def test_default_limit_is_twenty_minutes():
    validate(fake_probe(duration_s=20 * 60))
    with pytest.raises(MediaError) as caught:
        validate(fake_probe(duration_s=20 * 60 + 1))
    assert caught.value.reason == "The video is longer than 20 minutes."


def test_unknown_duration_is_refused():
    with pytest.raises(MediaError, match="could not tell how long"):
        validate(fake_probe(duration_s=None))


@pytest.mark.parametrize(
    ("width", "height", "message"),
    [
        (4100, 2000, "at most 4096 pixels on a side"),
        (4096, 4096, "larger than 8.9 megapixels"),
    ],
)
def test_oversized_pictures_are_refused(width, height, message):
    with pytest.raises(MediaError, match=message):
        validate(fake_probe(width=width, height=height))


def test_dci_4k_is_accepted():
    validate(fake_probe(width=4096, height=2160))


def test_file_size_limit_is_optional_and_readable():
    validate(fake_probe(size_bytes=10**12))
    with pytest.raises(MediaError, match="larger than 100 MB"):
        validate(fake_probe(size_bytes=200 * 1024 * 1024), Limits(max_size_bytes=100 * 1024 * 1024))
