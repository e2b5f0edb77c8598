"""The transcript beside the player, its JSON, and the owner's editor and switches."""
from __future__ import annotations

import io
import re

from mastery_share.extensions import db
from mastery_share.transcripts.services import read_cues
from mastery_share.videos.models import Video
from tests.conftest import csrf_token, sign_in
from tests.transcripts.conftest import CUES


def _reload(video_id: int) -> Video:
    """The video as the requests left it (ends the test's own read snapshot first)."""
    db.session.rollback()
    return db.session.get(Video, video_id)


def _texts(user, video_id):
    return [cue["text"] for cue in read_cues(user, video_id)]


def test_watch_page_lists_cues_as_buttons_marked_auto_generated(
        app, client, teacher, make_user, transcribed):
    viewer = make_user("teacher")
    sign_in(client, viewer)
    page = client.get(f"/videos/{transcribed.id}").get_data(as_text=True)
    assert "Auto-generated, not yet reviewed" in page
    assert 'data-start="2.0"' in page and "They check their goals every day." in page
    assert page.count('class="transcript-cue"') == 3
    assert 'label for="transcript-search"' in page
    assert "js/transcript.js" in page
    assert "Switch automatic transcripts off" not in page  # owner controls stay with the owner


def test_transcript_json_gives_cues_to_viewers_and_status_to_the_owner(
        app, client, teacher, make_user, transcribed):
    sign_in(client, make_user("teacher"))
    body = client.get(f"/videos/{transcribed.id}/transcript.json").get_json()
    assert body["auto_generated"] is True and "status" not in body
    assert body["cues"][1] == {"index": 1, "start_s": 2.0, "end_s": 3.5,
                               "text": "They check their goals every day."}
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/videos")})
    sign_in(client, teacher)
    body = client.get(f"/videos/{transcribed.id}/transcript.json").get_json()
    assert body["status"] == "done"


def test_a_member_who_cannot_watch_cannot_read_the_transcript(
        app, client, teacher, make_user, transcribed):
    video = db.session.get(Video, transcribed.id)
    video.visibility = "private"
    db.session.commit()
    sign_in(client, make_user("teacher"))
    assert client.get(f"/videos/{video.id}/transcript.json").status_code == 404
    assert client.get(f"/videos/{video.id}/transcript/edit").status_code == 404


def test_another_teacher_cannot_edit_cues_or_switch_transcripts(
        app, client, teacher, make_user, transcribed):
    sign_in(client, make_user("teacher"))
    token = csrf_token(client, f"/videos/{transcribed.id}")
    url = f"/videos/{transcribed.id}/transcript"
    assert client.get(f"{url}/edit").status_code == 403
    assert client.post(f"{url}/edit", data={"csrf_token": token, "cue-0": "Hacked"}).status_code == 403
    assert client.post(f"{url}/auto", data={"csrf_token": token, "enabled": "off"}).status_code == 403
    assert client.post(f"{url}/captions", data={
        "csrf_token": token, "captions": (io.BytesIO(b"WEBVTT\n"), "x.vtt")},
        content_type="multipart/form-data").status_code == 403
    assert _texts(teacher, transcribed.id)[0] == CUES[0].text
    assert _reload(transcribed.id).auto_transcripts is True


def test_owner_corrects_one_cue_and_only_its_text_changes(app, client, teacher, transcribed):
    before = read_cues(teacher, transcribed.id)
    sign_in(client, teacher)
    page = client.get(f"/videos/{transcribed.id}/transcript/edit").get_data(as_text=True)
    assert '<label for="cue-1"' in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    version = re.search(r'id="version" name="version" type="hidden" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "version": version,
            **{f"cue-{cue['index']}": cue["text"] for cue in before}}
    # Kept as typed: signs that look like markup are words here, not lost between < and >.
    typed = "They check 3<5 and 7>4, AT&amp;T &lt;b&gt; and <b>goals</b> --> every day."
    form["cue-1"] = typed
    response = client.post(f"/videos/{transcribed.id}/transcript/edit", data=form)
    assert response.status_code == 302
    after = read_cues(teacher, transcribed.id)
    assert after[1]["text"] == typed
    assert typed in client.get(f"/videos/{transcribed.id}/transcript.txt").get_data(as_text=True)
    watch = client.get(f"/videos/{transcribed.id}").get_data(as_text=True)
    assert "<b>goals</b>" not in watch and "&lt;b&gt;goals&lt;/b&gt;" in watch
    assert [(c["start_s"], c["end_s"]) for c in after] == [(c["start_s"], c["end_s"]) for c in before]
    assert [c["text"] for i, c in enumerate(after) if i != 1] == \
        [c["text"] for i, c in enumerate(before) if i != 1]
    assert _reload(transcribed.id).captions_source == "auto"  # still shown as auto-generated

    # The same form sent again was made for the old version: refused, nothing changed.
    form["cue-0"] = "Stale edit"
    response = client.post(f"/videos/{transcribed.id}/transcript/edit", data=form)
    assert response.status_code == 422
    assert "changed while you were editing" in response.get_data(as_text=True)
    assert _texts(teacher, transcribed.id)[0] == CUES[0].text


def test_an_empty_cue_is_refused_with_the_cue_named(app, client, teacher, transcribed):
    sign_in(client, teacher)
    token = csrf_token(client, f"/videos/{transcribed.id}/transcript/edit")
    response = client.post(f"/videos/{transcribed.id}/transcript/edit",
                           data={"csrf_token": token, "cue-2": "   "})
    assert response.status_code == 422
    assert 'id="cue-2-error"' in response.get_data(as_text=True)
    assert _texts(teacher, transcribed.id)[2] == CUES[2].text


def test_owner_switches_transcripts_off_from_the_page(app, client, teacher, transcribed):
    sign_in(client, teacher)
    page = client.get(f"/videos/{transcribed.id}").get_data(as_text=True)
    assert "Switch automatic transcripts off" in page and "Review the captions" in page
    token = csrf_token(client, f"/videos/{transcribed.id}")
    response = client.post(f"/videos/{transcribed.id}/transcript/auto",
                           data={"csrf_token": token, "enabled": "off"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Automatic transcripts are off for this video." in page
    assert 'class="transcript-cue"' not in page and "<track" not in page


def test_owner_replaces_the_transcript_with_an_uploaded_file(app, client, teacher, transcribed):
    sign_in(client, teacher)
    token = csrf_token(client, f"/videos/{transcribed.id}")
    srt = b"1\n00:00:01,000 --> 00:00:03,000\nWritten by me.\n"
    response = client.post(f"/videos/{transcribed.id}/transcript/captions",
                           data={"csrf_token": token, "captions": (io.BytesIO(srt), "mine.srt")},
                           content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Your captions are now used" in page
    assert "Auto-generated, not yet reviewed" not in page and "Written by me." in page
    assert _reload(transcribed.id).captions_source == "uploaded"


def test_the_page_says_once_when_transcripts_are_unavailable(app, client, teacher, make_user,
                                                            share, speech_clips):
    video = share(teacher, speech_clips.mute)
    sign_in(client, teacher)
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    assert page.count("Transcripts are unavailable on this server.") == 1
    assert "You can upload a captions file instead." in page
    assert "Switch automatic transcripts off" not in page  # nothing to switch off
    viewer = app.test_client()
    sign_in(viewer, make_user("teacher"))
    page = viewer.get(f"/videos/{video.id}").get_data(as_text=True)
    assert page.count("Transcripts are unavailable on this server.") == 1
    assert "captions file" not in page


def test_the_owner_sees_transcript_progress(app, client, teacher, transcribed):
    video = db.session.get(Video, transcribed.id)
    video.transcript_status, video.transcript_progress = "processing", 40
    db.session.commit()
    sign_in(client, teacher)
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    assert "Making the transcript: 40%" in page and 'id="transcript-progress"' in page
    body = client.get(f"/videos/{video.id}/transcript/status.json").get_json()
    assert body == {"status": "processing", "progress": 40, "error": None}
