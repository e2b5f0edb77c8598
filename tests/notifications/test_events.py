"""Each event the issue names leaves one notification for each person it concerns, written with
the event (none for the person who acted, none about what the reader may not see), linking to
its place."""
from __future__ import annotations

import pytest

from mastery_share.collections.curation import create_collection, update_collection
from mastery_share.collections.items import add_item
from mastery_share.comments.services import post_comment
from mastery_share.errors import Invalid
from mastery_share.extensions import db
from mastery_share.videos import processing
from mastery_share.visits.approvals import approve_booking, decline_booking
from mastery_share.visits.booking import book_slot, cancel_booking
from mastery_share.visits.slots import cancel_slot
from tests.collections.conftest import video_row
from tests.videos.conftest import clips, share  # noqa: F401  (the real upload pipeline)
from tests.conftest import sign_in
from tests.notifications.conftest import kinds_of, notifications_of
from tests.tries.api_fixtures import bearer


def test_a_booking_tells_the_host_who_is_coming_and_not_the_visitor(host, visitor, open_slot):
    slot = open_slot(host)
    book_slot(visitor, slot.id)
    [told] = notifications_of(host)
    assert told.kind == "booking_made"
    assert "Visiting Teacher (South Middle School) signed up to visit your classroom" in told.text
    assert told.url == f"/visits/{slot.id}" and told.read_at is None
    assert notifications_of(visitor) == []


def test_a_request_waiting_for_approval_tells_the_principal_then_the_decision_the_visitor(
        host, visitor, visitors_principal, open_slot):
    booking = book_slot(visitor, open_slot(host).id)
    [waiting] = notifications_of(visitors_principal)
    assert waiting.kind == "approval_waiting" and waiting.url == "/visits/approvals"
    assert "Visiting Teacher asks to visit Maria Lopez's classroom" in waiting.text
    approve_booking(visitors_principal, booking.id)
    [approved] = notifications_of(visitor)
    assert approved.kind == "booking_approved" and "You have a seat." in approved.text


def test_a_decline_needs_a_reason_and_the_visitor_reads_it(host, visitor, visitors_principal,
                                                           open_slot):
    booking = book_slot(visitor, open_slot(host).id)
    with pytest.raises(Invalid):
        decline_booking(visitors_principal, booking.id, "")
    assert notifications_of(visitor) == []  # the refused decline told no one
    decline_booking(visitors_principal, booking.id, "State testing that week.")
    [declined] = notifications_of(visitor)
    assert declined.kind == "booking_declined"
    assert declined.text.endswith("Their reason: State testing that week.")


def test_cancelling_tells_the_other_side_and_a_freed_seat_tells_the_next_in_line(
        host, visitor, make_user, other_school, open_slot):
    slot = open_slot(host, capacity=1)
    first = book_slot(visitor, slot.id)
    second_visitor = make_user("teacher", school_=other_school, name="Next In Line")
    book_slot(second_visitor, slot.id)
    cancel_booking(visitor, first.id)
    assert kinds_of(visitor) == []
    assert kinds_of(second_visitor) == ["waitlist_promoted"]
    assert "A seat opened" in notifications_of(second_visitor)[0].text
    assert kinds_of(host)[0] == "booking_cancelled"
    assert "Visiting Teacher's visit to your classroom" in notifications_of(host)[0].text


def test_a_host_cancelling_the_classroom_tells_every_visitor_once(host, visitor, open_slot):
    slot = open_slot(host)
    book_slot(visitor, slot.id)
    cancel_slot(host, slot.id)
    assert kinds_of(visitor) == ["booking_cancelled"]
    assert "so your visit is off" in notifications_of(visitor)[0].text
    assert kinds_of(host) == ["booking_made"]  # not told of their own cancelling


def test_comments_replies_and_affirmations_tell_the_owner_and_the_conversation(
        make_user, other_school):
    owner = make_user("teacher", name="Owen Owner")
    asker = make_user("teacher", school_=other_school, name="Ada Asker")
    replier = make_user("coach", name="Casey Coach")
    principal = make_user("principal", name="Pia Principal")
    video = video_row(owner, title="Exit tickets")
    question = post_comment(asker, video.id, 12.5, "question", "How do you sort them?")
    [told] = notifications_of(owner)
    assert told.kind == "comment"
    assert told.text == "Ada Asker commented on \u201cExit tickets\u201d: \u201cHow do you sort them?\u201d"
    assert told.url == f"/videos/{video.id}?t=12.5#comment-{question.id}"
    post_comment(replier, video.id, None, "note", "By color.", parent_id=question.id)
    assert kinds_of(asker) == ["reply"]
    assert kinds_of(owner) == ["comment", "comment"]
    post_comment(owner, video.id, None, "note", "Thanks both!", parent_id=question.id)
    assert kinds_of(owner) == ["comment", "comment"]  # not told of their own words
    assert kinds_of(asker) == ["reply", "reply"] and kinds_of(replier) == ["reply"]
    post_comment(principal, video.id, 3, "affirmation", "Bold move, well done.")
    assert kinds_of(owner)[0] == "affirmation"
    assert "Pia Principal affirmed your work in \u201cExit tickets\u201d" in notifications_of(owner)[0].text


def test_a_reply_never_tells_someone_who_may_no_longer_watch_the_video(make_user, other_school):
    owner = make_user("teacher", name="Owen Owner")
    asker = make_user("teacher", school_=other_school, name="Ada Asker")
    video = video_row(owner, title="Secret rehearsal")
    question = post_comment(asker, video.id, 1, "question", "Which grade?")
    video.visibility = "school"  # now hidden from the asker's school
    db.session.commit()
    post_comment(owner, video.id, None, "note", "Fourth.", parent_id=question.id)
    assert notifications_of(asker) == []


def test_processing_tells_the_owner_when_a_video_fails(make_user):
    owner = make_user("teacher")
    video = video_row(owner, title="Shaky clip")
    video.status = "processing"
    db.session.commit()
    processing._fail(video.id, "The file is not a video we can read.")
    [failed] = notifications_of(owner)
    assert failed.kind == "video_failed"
    assert failed.text == ("Your video \u201cShaky clip\u201d could not be processed: "
                           "The file is not a video we can read.")
    assert failed.url == f"/videos/{video.id}"


def test_a_collection_is_announced_to_its_school_once_when_shared_with_a_video(
        make_user, other_school):
    coach = make_user("coach", name="Casey Coach")
    colleague = make_user("teacher", name="Same School")
    far = make_user("teacher", school_=other_school)
    video = video_row(make_user("teacher"), title="Stations")
    collection = create_collection(coach, {"title": "PLC: stations", "visibility": "private"})
    add_item(coach, collection.id, {"video_id": video.id})
    assert notifications_of(colleague) == []  # private: nobody to tell
    update_collection(coach, collection.id, {"visibility": "school"})
    [told] = notifications_of(colleague)
    assert told.kind == "collection_shared"
    assert told.text == "Casey Coach shared the collection \u201cPLC: stations\u201d with your school."
    assert told.url == f"/collections/{collection.id}"
    assert notifications_of(far) == [] and notifications_of(coach) == []
    add_item(coach, collection.id, {"video_id": video_row(coach, title="More").id})
    update_collection(coach, collection.id, {"title": "PLC: stations, part 2"})
    assert len(notifications_of(colleague)) == 1


def test_an_empty_shared_collection_waits_for_its_first_video(make_user):
    coach = make_user("coach")
    colleague = make_user("teacher")
    collection = create_collection(coach, {"title": "Next PLC", "visibility": "school"})
    assert notifications_of(colleague) == []
    add_item(coach, collection.id, {"video_id": video_row(coach).id})
    assert kinds_of(colleague) == ["collection_shared"]


def test_deactivated_members_are_not_notified(host, make_user, other_school, open_slot):
    slot = open_slot(host)
    host.active = False
    db.session.commit()
    book_slot(make_user("teacher", school_=other_school), slot.id)
    assert notifications_of(host) == []


def test_real_processing_tells_the_owner_that_a_video_is_ready_or_failed(
        make_user, clips, share):  # noqa: F811
    owner = make_user("teacher")
    ready = share(owner, clips.short, title="Station rotation")
    broken = share(owner, clips.text, title="My notes")
    db.session.expire_all()
    told = {item.url: item for item in notifications_of(owner)}
    assert told[f"/videos/{ready.id}"].kind == "video_ready"
    assert told[f"/videos/{ready.id}"].text == "Your video \u201cStation rotation\u201d is ready to watch."
    assert told[f"/videos/{broken.id}"].kind == "video_failed"
    assert told[f"/videos/{broken.id}"].text.startswith("Your video \u201cMy notes\u201d could not be processed: ")


def test_a_notification_naming_a_video_made_private_since_loses_its_words(
        client, make_user, other_school):
    owner = make_user("teacher", name="Owen Owner")
    asker = make_user("teacher", school_=other_school, name="Ada Asker")
    video = video_row(owner, title="Rehearsal of the new routine")
    question = post_comment(asker, video.id, 1, "question", "Which grade?")
    post_comment(owner, video.id, None, "note", "Fourth.", parent_id=question.id)
    sign_in(client, asker)
    assert "Rehearsal of the new routine" in client.get("/notifications").get_data(as_text=True)
    video.visibility = "private"
    db.session.commit()
    page = client.get("/notifications").get_data(as_text=True)
    assert "Rehearsal of the new routine" not in page and "Fourth" not in page
    assert "Something happened on a video you can no longer watch." in page
    [told] = notifications_of(asker)
    assert client.get(f"/notifications/{told.id}").headers["Location"] == "/notifications"
    api = client.get("/api/v1/me/notifications", headers=bearer(asker)).json
    assert "Rehearsal" not in str(api) and api["unread"] == 0
    assert "Rehearsal" in told.text  # the row is kept, only hidden while it cannot be watched


def test_deleting_a_video_removes_the_notifications_that_name_it(make_user, other_school):
    from mastery_share.videos.services import delete_video

    owner = make_user("teacher")
    video = video_row(owner, title="To be removed")
    post_comment(make_user("teacher", school_=other_school), video.id, 1, "note", "Nice")
    assert kinds_of(owner) == ["comment"]
    delete_video(owner, video.id)
    assert kinds_of(owner) == []


def test_removing_a_comment_removes_the_notifications_that_quote_it_and_its_replies(
        make_user, other_school):
    from mastery_share.comments.services import delete_comment

    owner = make_user("teacher", name="Owen Owner")
    asker = make_user("teacher", school_=other_school, name="Ada Asker")
    video = video_row(owner, title="Exit tickets")
    kept = post_comment(asker, video.id, 2, "note", "Lovely routine.")
    slip = post_comment(asker, video.id, 12, "question", "Call me on 555-0100?")
    post_comment(make_user("coach"), video.id, None, "note", "Me too", parent_id=slip.id)
    assert len(notifications_of(owner)) == 3 and kinds_of(asker) == ["reply"]
    delete_comment(asker, slip.id)
    assert [told.text for told in notifications_of(owner)] == [
        "Ada Asker commented on \u201cExit tickets\u201d: \u201cLovely routine.\u201d"]
    assert notifications_of(owner)[0].url.endswith(f"#comment-{kept.id}")
    assert kinds_of(asker) == []


def test_deleting_a_collection_removes_its_announcements(make_user):
    from mastery_share.collections.curation import delete_collection

    coach = make_user("coach", name="Casey Coach")
    colleague = make_user("teacher", name="Same School")
    first = create_collection(coach, {"title": "PLC: stations", "visibility": "school"})
    add_item(coach, first.id, {"video_id": video_row(coach, title="Stations").id})
    second = create_collection(coach, {"title": "PLC: goals", "visibility": "school"})
    add_item(coach, second.id, {"video_id": video_row(coach, title="Goals").id})
    assert len(notifications_of(colleague)) == 2
    delete_collection(coach, first.id)
    [left] = notifications_of(colleague)
    assert left.url == f"/collections/{second.id}"
