"""Mail choices per topic: right away, in the weekly digest, or never; a one-click unsubscribe
in every mail that works signed out, only for its person and topic; the weekly digest."""
from __future__ import annotations

import email
import email.policy
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mastery_share.comments.services import post_comment
from mastery_share.extensions import db
from mastery_share.notifications.digest import send_weekly_digests
from mastery_share.notifications.kinds import MailChoice, MailTopic
from mastery_share.notifications.member_mail import choices_for, unsubscribe_url
from mastery_share.notifications.preferences import set_mail_choices
from mastery_share.videos import processing
from mastery_share.videos.fields import practices_by_slug
from mastery_share.visits.booking import book_slot
from tests.collections.conftest import video_row
from tests.conftest import csrf_token, message_text, sign_in
from tests.notifications.conftest import kinds_of
from tests.tries.api_fixtures import bearer, error_of


def mail_to(app, user):
    """The member's mail, headers decoded as a mail client shows them."""
    outbox = Path(app.config["DATA_DIR"]) / "outbox"
    messages = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                for path in sorted(outbox.glob("*.eml"))] if outbox.exists() else []
    return [message for message in messages if message["To"] == user.email]


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_every_visit_mail_carries_a_one_click_unsubscribe_for_its_topic(
        app, client, host, visitor, open_slot):
    book_slot(visitor, open_slot(host).id)
    [to_host] = mail_to(app, host)
    link = to_host["List-Unsubscribe"].strip("<>")
    assert to_host["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Stop these mails: {link}" in message_text(to_host)
    assert 'You get this mail for "Classroom visits".' in message_text(to_host)
    # A mail client's one-click POST, with no session and no CSRF token.
    response = client.post(_path(link), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    choices = choices_for(host)
    assert choices[MailTopic.VISITS] is MailChoice.NEVER
    assert choices[MailTopic.COMMENTS] is MailChoice.IMMEDIATELY  # only that topic
    assert choices_for(visitor)[MailTopic.VISITS] is MailChoice.IMMEDIATELY  # only that person


def test_after_unsubscribing_the_event_is_still_in_the_app_but_not_mailed(
        app, host, visitor, make_user, other_school, open_slot):
    set_mail_choices(host, {"visits": "never"})
    book_slot(visitor, open_slot(host).id)
    assert mail_to(app, host) == []
    assert kinds_of(host) == ["booking_made"]
    assert len(mail_to(app, visitor)) == 1  # the visitor's own choice stands


def test_opening_the_link_only_asks_and_a_forged_link_changes_nothing(client, teacher, make_user):
    link = _path(unsubscribe_url(teacher, MailTopic.COMMENTS))
    page = client.get(link)
    assert page.status_code == 200 and "Stop these mails?" in page.get_data(as_text=True)
    assert choices_for(teacher)[MailTopic.COMMENTS] is MailChoice.IMMEDIATELY  # GET changes nothing
    done = client.post(link, data={"confirm": "yes"}).get_data(as_text=True)
    assert "You are unsubscribed" in done
    assert choices_for(teacher)[MailTopic.COMMENTS] is MailChoice.NEVER
    other = make_user("teacher")
    forged = link.replace(str(teacher.id), str(other.id), 1)
    assert client.post(forged, data={"List-Unsubscribe": "One-Click"}).status_code == 404
    assert client.get("/mail/unsubscribe/not-a-token").status_code == 404
    assert choices_for(other)[MailTopic.COMMENTS] is MailChoice.IMMEDIATELY


def test_the_settings_page_saves_each_topic_and_refuses_a_choice_a_topic_lacks(client, teacher):
    sign_in(client, teacher)
    page = client.get("/settings/mail").get_data(as_text=True)
    assert "The weekly digest" in page and "Right away" in page
    form = {topic.value: topic.default.value for topic in MailTopic}
    token = csrf_token(client, "/settings/mail")
    response = client.post("/settings/mail", data={**form, "csrf_token": token,
                                                    "my_videos": "immediately",
                                                    "news": "immediately"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert choices_for(teacher)[MailTopic.MY_VIDEOS] is MailChoice.WEEKLY_DIGEST  # nothing saved
    response = client.post("/settings/mail", data={**form, "csrf_token": token,
                                                    "my_videos": "immediately", "visits": "never"})
    assert response.status_code == 302
    choices = choices_for(teacher)
    assert choices[MailTopic.MY_VIDEOS] is MailChoice.IMMEDIATELY
    assert choices[MailTopic.VISITS] is MailChoice.NEVER


def test_a_topic_without_a_mail_of_its_own_is_mailed_right_away_only_when_chosen(app, make_user):
    owner = make_user("teacher")
    video = video_row(owner, title="Shaky clip")
    video.status = "processing"
    db.session.commit()
    processing._fail(video.id, "Unreadable.")
    assert mail_to(app, owner) == []  # "my videos" defaults to the weekly digest
    set_mail_choices(owner, {"my_videos": "immediately"})
    second = video_row(owner, title="Second try")
    second.status = "processing"
    db.session.commit()
    processing._fail(second.id, "Unreadable.")
    [message] = mail_to(app, owner)
    assert message["Subject"] == "Your video \u201cSecond try\u201d could not be processed: Unreadable."
    assert f"/videos/{second.id}" in message_text(message)
    assert message["List-Unsubscribe"]


def test_the_api_reads_and_sets_preferences_per_topic(client, teacher):
    headers = bearer(teacher)
    assert client.get("/api/v1/me/mail-preferences", headers=headers).json == {
        "visits": "immediately", "approvals": "immediately", "comments": "immediately",
        "my_videos": "weekly_digest", "collections": "immediately", "tries": "immediately",
        "news": "weekly_digest"}
    changed = client.put("/api/v1/me/mail-preferences", headers=headers,
                         json={"comments": "weekly_digest"}).json
    assert changed["comments"] == "weekly_digest" and changed["visits"] == "immediately"
    error_of(client.put("/api/v1/me/mail-preferences", headers=headers,
                        json={"news": "immediately"}), 422)
    error_of(client.put("/api/v1/me/mail-preferences", headers=headers,
                        json={"nonsense": "never"}), 422)
    assert choices_for(teacher)[MailTopic.NEWS] is MailChoice.WEEKLY_DIGEST


def _monday(zone_name: str, hour: int) -> datetime:
    zone = ZoneInfo(zone_name)
    today = datetime.now(zone).date()
    monday = today - timedelta(days=today.weekday())
    return datetime(monday.year, monday.month, monday.day, hour, tzinfo=zone).astimezone(
        ZoneInfo("UTC"))


@pytest.fixture
def learner(make_user):
    user = make_user("teacher", name="Lee Learner")
    user.new_to_practices = list(practices_by_slug(["flexible-grouping"]))
    user.grade_bands = ["3-5"]
    db.session.commit()
    return user


def test_the_weekly_digest_goes_out_on_monday_morning_in_the_school_zone_once(
        app, learner, make_user, other_school):
    colleague = make_user("teacher", school_=other_school, name="Dana Colleague")
    video_row(colleague, title="Groups that move")
    video_row(colleague, title="Private rehearsal", visibility="private")
    mine = video_row(learner, title="My stations")
    post_comment(colleague, mine.id, 4, "question", "Which timer?")
    set_mail_choices(learner, {"comments": "weekly_digest"})
    zone = learner.school.time_zone  # America/Chicago
    monday_7am = _monday(zone, 7)
    before = len(mail_to(app, learner))
    send_weekly_digests(now=_monday(zone, 6))
    assert len(mail_to(app, learner)) == before  # still early there
    assert send_weekly_digests(now=monday_7am) >= 1
    send_weekly_digests(now=monday_7am + timedelta(hours=1))
    [digest] = mail_to(app, learner)[before:]  # once a week
    assert digest["Subject"].startswith("This week on Mastery Share: 1 new video")
    text = message_text(digest)
    assert "Groups that move" in text and "Private rehearsal" not in text
    assert "Dana Colleague commented on \u201cMy stations\u201d" in text
    html = [part for part in digest.walk() if part.get_content_type() == "text/html"]
    assert html and "Groups that move" in html[0].get_payload(decode=True).decode()
    assert digest["List-Unsubscribe"]


def test_no_digest_for_a_member_who_turned_it_off_or_has_nothing_new(app, learner, make_user):
    send_weekly_digests(now=_monday(learner.school.time_zone, 8))
    assert mail_to(app, learner) == []  # nothing new, nothing sent
    set_mail_choices(learner, {"news": "never"})
    video_row(make_user("teacher"), title="Groups that move")
    send_weekly_digests(now=_monday(learner.school.time_zone, 9))
    assert mail_to(app, learner) == []
