"""Audio description (WCAG 2.1 AA 1.2.5) and an extended text description: the owner writes
them, the player gets a WebVTT track of kind "descriptions" and the page the text; bad lines
are refused with their number, and nobody else may change them."""
from __future__ import annotations

import re

from mastery_share.extensions import db
from tests.conftest import bearer_headers, csrf_token, sign_in


def _save(client, video, lines: str, text: str = ""):
    page = f"/videos/{video.id}/descriptions"
    return client.post(page, data={"csrf_token": csrf_token(client, page), "lines": lines,
                                   "text_description": text})


def test_the_owner_describes_the_video_and_viewers_get_the_track_and_the_text(
        app, client, teacher, make_user, share, clips):
    video = share(teacher, clips.short)
    db.session.refresh(video)
    sign_in(client, teacher)
    saved = _save(client, video, "0:02 Students hold up green cards.\n0:00.5 The teacher "
                                 "points to the must-do board.",
                  "Twelve fourth graders rotate through three centers.")
    assert saved.status_code == 302
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})

    sign_in(client, make_user("teacher"))
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    track = re.search(r'<track kind="descriptions" src="([^"]+)"', page)
    assert track, "no descriptions track on the watch page"
    assert 'id="audio-description-toggle"' in page
    assert "Twelve fourth graders rotate through three centers." in page
    vtt = client.get(track.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert vtt.startswith("WEBVTT")
    first, second = vtt.index("must-do board"), vtt.index("green cards")
    assert first < second  # in time order, whatever order they were written in
    assert "00:00:00.500 --> 00:00:02.000" in vtt

    body = client.get(f"/api/v1/videos/{video.id}",
                      headers=bearer_headers(client, teacher)).get_json()
    assert body["descriptions_url"] and body["text_description"].startswith("Twelve")


def test_bad_lines_are_refused_with_their_number_and_nothing_is_kept(app, client, teacher,
                                                                     share, clips):
    video = share(teacher, clips.short)
    db.session.refresh(video)
    sign_in(client, teacher)
    no_moment = _save(client, video, "0:01 Fine.\nThe teacher smiles.")
    assert no_moment.status_code == 422
    assert "Line 2 of the audio description" in no_moment.get_data(as_text=True)
    past_end = _save(client, video, "0:45 Much later.")
    assert past_end.status_code == 422
    assert "past the end of the video" in past_end.get_data(as_text=True)
    db.session.refresh(video)
    assert video.descriptions_key is None


def test_only_who_manages_the_video_changes_its_descriptions(app, client, teacher, make_user,
                                                             share, clips):
    video = share(teacher, clips.short)
    sign_in(client, make_user("teacher"))
    assert client.get(f"/videos/{video.id}/descriptions").status_code == 403


def test_clearing_the_lines_removes_the_track(app, client, teacher, share, clips):
    video = share(teacher, clips.short)
    db.session.refresh(video)
    sign_in(client, teacher)
    _save(client, video, "0:01 The board.")
    db.session.refresh(video)
    assert video.descriptions_key is not None
    assert _save(client, video, "").status_code == 302
    db.session.refresh(video)
    assert video.descriptions_key is None
    assert 'kind="descriptions"' not in client.get(f"/videos/{video.id}").get_data(as_text=True)


def test_description_lines_keep_signs_that_look_like_markup(app, client, teacher, share, clips):
    """"3 < 5" and an arrow are words of the description: the track escapes them (the cue is
    read aloud whole) and the form gives them back as written, so a second save loses none."""
    video = share(teacher, clips.short)
    db.session.refresh(video)
    sign_in(client, teacher)
    lines = "0:00.5 look --> here\n0:01 The board shows 3 < 5 & 7 > 4"
    assert _save(client, video, lines).status_code == 302
    form = client.get(f"/videos/{video.id}/descriptions").get_data(as_text=True)
    assert "look --&gt; here" in form and "3 &lt; 5 &amp; 7 &gt; 4" in form
    track = re.search(r'<track kind="descriptions" src="([^"]+)"',
                      client.get(f"/videos/{video.id}").get_data(as_text=True)).group(1)
    vtt = client.get(track.replace("&amp;", "&")).get_data(as_text=True)
    assert "look --&gt; here" in vtt and "3 &lt; 5 &amp; 7 &gt; 4" in vtt
    assert vtt.count(" --> ") == 2  # one timing line per cue, no arrow from the words
    assert _save(client, video, "0:00.5 look --> here\n0:01 The board shows 3 < 5 & 7 > 4"
                 ).status_code == 302
