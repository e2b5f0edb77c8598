"""Face blur with real faces: a clip of scikit-image's astronaut photograph moving over a brick
wall is processed with blur on; in every frame of the rendition and in the poster her face is
blurred (its sharpness falls below a bar the same clip without blur clears), the wall is
untouched, and a face the owner kept stays sharp. Nothing is published before the owner's
review, and a detector that cannot run fails the video instead of publishing it unblurred."""
from __future__ import annotations

import cv2
import numpy as np

from mastery_share.extensions import db
from mastery_share.media.build_args import poster_time
from mastery_share.videos.face_blur import tracks_of
from mastery_share.videos.face_review import review_faces
from mastery_share.videos.models import Video
from mastery_share.videos.services import reprocess_video
from mastery_share.videos.storage_access import media_storage

from .clips import decode_frames, frame_of, sharpness
from .conftest import TEACHER, WALKER, stored_file

# A face region keeps well over half its detail through an ordinary encode; a blurred one
# keeps almost none. The bar sits between, and the unblurred run below proves it fails.
BLURRED_BAR = 0.15
WALL = (200, 300, 420, 350)  # a patch of wall no face (nor its padded blur) crosses


def _publish_with_blur(share, teacher, clip, keep=()):
    video = share(teacher, clip.path, blur_faces=True, visibility="network",
                  release_tier="school", media_release=None)
    db.session.refresh(video)
    return video


def _track_of(tracks, clip, face):
    """The track whose first sighting is nearest `face`'s true position at the start."""
    x0, y0, x1, y1 = clip.face_box(face, 0)
    return min(tracks, key=lambda track: abs(track.detections[0].box[0] - x0)
               + abs(track.detections[0].box[1] - y0))


def _ratios(frames, clip, face):
    return [sharpness(frames[i], clip.face_box(face, i))
            / sharpness(frame_of(clip, i), clip.face_box(face, i)) for i in range(clip.frames)]


def test_every_frame_s_face_is_blurred_the_wall_untouched_and_a_kept_face_stays_sharp(
        app, teacher, share, face_clips, tmp_path):
    clip = face_clips.two
    video = _publish_with_blur(share, teacher, clip)
    assert video.status == "review_faces", video.error
    assert not video.playable_renditions and video.poster_key is None  # nothing published
    tracks = tracks_of(video)
    assert len(tracks) == 2
    teacher_track = _track_of(tracks, clip, TEACHER)

    review_faces(teacher, video.id, [teacher_track.id])
    db.session.refresh(video)
    assert video.status == "ready", video.error
    [rendition] = video.playable_renditions
    frames = decode_frames(stored_file(rendition.storage_key, tmp_path), clip.width, clip.height)
    assert len(frames) == clip.frames

    walker = _ratios(frames, clip, WALKER)
    assert max(walker) < BLURRED_BAR, [round(r, 3) for r in walker]
    assert min(_ratios(frames, clip, TEACHER)) > 0.5  # kept: still sharp
    for index in range(0, clip.frames, 5):
        assert (sharpness(frames[index], WALL)
                > 0.7 * sharpness(frame_of(clip, index), WALL))  # the rest untouched

    poster = cv2.cvtColor(cv2.imdecode(np.frombuffer(media_storage().read_bytes(
        video.poster_key), np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    at = round(poster_time(video.duration_s) * clip.fps)
    face = clip.face_box(WALKER, at)
    assert sharpness(poster, face) / sharpness(frame_of(clip, at), face) < BLURRED_BAR
    assert media_storage().exists(video.original_key)  # the original is kept, for its owner


def test_the_same_clip_without_blur_fails_the_bar(app, teacher, share, face_clips, tmp_path):
    clip = face_clips.two
    video = share(teacher, clip.path, visibility="school")
    db.session.refresh(video)
    [rendition] = video.playable_renditions
    frames = decode_frames(stored_file(rendition.storage_key, tmp_path), clip.width, clip.height)
    assert min(_ratios(frames, clip, WALKER)) > BLURRED_BAR


def test_a_video_without_faces_publishes_normally_and_says_so(app, client, teacher, share,
                                                                clips):
    from tests.conftest import sign_in

    video = share(teacher, clips.short, blur_faces=True)
    db.session.refresh(video)
    assert video.status == "ready", video.error
    assert tracks_of(video) == []
    sign_in(client, teacher)
    page = client.get(f"/videos/{video.id}/faces").get_data(as_text=True)
    assert "No faces were found in this video" in page


def test_when_the_detector_cannot_run_the_video_fails_unpublished_and_can_be_reprocessed(
        app, teacher, share, face_clips, tmp_path):
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    app.config["FACE_MODEL"] = str(broken)
    video = _publish_with_blur(share, teacher, face_clips.two)
    assert video.status == "failed"
    assert "face detector could not run" in video.error
    assert not video.playable_renditions and video.poster_key is None
    assert media_storage().exists(video.original_key)

    app.config["FACE_MODEL"] = None
    reprocess_video(teacher, video.id)
    db.session.expire_all()
    assert db.session.get(Video, video.id).status == "review_faces"


def test_review_keeps_at_most_two_faces_and_only_the_owner_sees_them(
        app, client, teacher, make_user, admin, share, face_clips):
    from tests.conftest import csrf_token, sign_in

    video = _publish_with_blur(share, teacher, face_clips.three)
    assert video.status == "review_faces"
    tracks = tracks_of(video)
    assert len(tracks) == 3
    faces_page = f"/videos/{video.id}/faces"
    thumbnail = f"{faces_page}/{tracks[0].id}.jpg"

    for outsider in (make_user("teacher"), admin):
        sign_in(client, outsider)
        assert client.get(faces_page).status_code == 403
        assert client.get(thumbnail).status_code == 403
        client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})

    sign_in(client, teacher)
    picture = client.get(thumbnail)
    assert picture.status_code == 200 and picture.data[:3] == b"\xff\xd8\xff"
    assert picture.headers["Cache-Control"] == "private, no-store"
    token = csrf_token(client, faces_page)
    too_many = client.post(faces_page, data={"csrf_token": token,
                                             "keep": [str(t.id) for t in tracks]})
    assert too_many.status_code == 422
    assert "Keep at most 2 faces unblurred" in too_many.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Video, video.id).status == "review_faces"

    kept = client.post(faces_page, data={"csrf_token": token, "keep": [str(tracks[1].id)]})
    assert kept.status_code == 302
    db.session.expire_all()
    assert db.session.get(Video, video.id).status == "ready"
    assert [t.keep for t in tracks_of(db.session.get(Video, video.id))] == [False, True, False]

