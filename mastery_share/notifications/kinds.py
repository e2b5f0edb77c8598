"""The kinds of notification, and the mail topics a member chooses for.

A notification kind is one event (a booking approved, a comment); a mail topic groups the kinds
a member decides about together in their mail settings, so the page stays short.
"""
from __future__ import annotations

import enum


class MailChoice(str, enum.Enum):
    IMMEDIATELY = "immediately"
    WEEKLY_DIGEST = "weekly_digest"
    NEVER = "never"

    @property
    def label(self) -> str:
        return {"immediately": "Right away", "weekly_digest": "In the weekly digest",
                "never": "Never"}[self.value]


class MailTopic(str, enum.Enum):
    VISITS = "visits"
    APPROVALS = "approvals"
    COMMENTS = "comments"
    MY_VIDEOS = "my_videos"
    COLLECTIONS = "collections"
    TRIES = "tries"
    NEWS = "news"

    @property
    def label(self) -> str:
        return _TOPIC_LABELS[self][0]

    @property
    def hint(self) -> str:
        return _TOPIC_LABELS[self][1]

    @property
    def default(self) -> MailChoice:
        return _DEFAULTS.get(self, MailChoice.IMMEDIATELY)

    @property
    def choices(self) -> tuple[MailChoice, ...]:
        # The news exists only as a digest: there is no single event to mail right away.
        if self is MailTopic.NEWS:
            return (MailChoice.WEEKLY_DIGEST, MailChoice.NEVER)
        return tuple(MailChoice)

    @property
    def has_own_mail(self) -> bool:
        """Topics whose events already send a mail of their own (with its calendar invitation
        or its burst of comments); the others are mailed as the notification's text."""
        return self in (MailTopic.VISITS, MailTopic.APPROVALS, MailTopic.COMMENTS,
                        MailTopic.TRIES)


_TOPIC_LABELS = {
    MailTopic.VISITS: ("Classroom visits",
                       "Bookings of your open classrooms and your visits: made, approved, "
                       "declined, cancelled, a seat from the waitlist, reminders."),
    MailTopic.APPROVALS: ("Visits waiting for my approval",
                          "Principals: a teacher of your school asks to visit another school."),
    MailTopic.COMMENTS: ("Comments, replies and affirmations",
                         "On your videos, and replies in conversations you joined."),
    MailTopic.MY_VIDEOS: ("My videos' processing",
                          "A video is ready to watch or could not be processed; its transcript "
                          "is ready."),
    MailTopic.COLLECTIONS: ("Collections shared with me",
                            "A coach or principal shares a collection with your school."),
    MailTopic.TRIES: ("My tries", "A check-in is due, or it is time to share back."),
    MailTopic.NEWS: ("The weekly digest",
                     "On Monday morning: new videos in your practices and grade band, "
                     "classrooms open to visit in the next two weeks, and the topics above you "
                     "chose to read weekly. Never turns the whole digest off."),
}
_DEFAULTS = {MailTopic.MY_VIDEOS: MailChoice.WEEKLY_DIGEST,
             MailTopic.NEWS: MailChoice.WEEKLY_DIGEST}


class NotificationKind(str, enum.Enum):
    BOOKING_MADE = "booking_made"
    BOOKING_APPROVED = "booking_approved"
    BOOKING_DECLINED = "booking_declined"
    BOOKING_CANCELLED = "booking_cancelled"
    WAITLIST_PROMOTED = "waitlist_promoted"
    APPROVAL_WAITING = "approval_waiting"
    COMMENT = "comment"
    REPLY = "reply"
    AFFIRMATION = "affirmation"
    VIDEO_READY = "video_ready"
    VIDEO_FAILED = "video_failed"
    TRANSCRIPT_READY = "transcript_ready"
    FACES_TO_REVIEW = "faces_to_review"
    VIDEO_RETENTION = "video_retention"
    COLLECTION_SHARED = "collection_shared"
    CHECK_IN_DUE = "check_in_due"

    @property
    def topic(self) -> MailTopic:
        return _TOPICS[self]

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


_TOPICS = {
    NotificationKind.BOOKING_MADE: MailTopic.VISITS,
    NotificationKind.BOOKING_APPROVED: MailTopic.VISITS,
    NotificationKind.BOOKING_DECLINED: MailTopic.VISITS,
    NotificationKind.BOOKING_CANCELLED: MailTopic.VISITS,
    NotificationKind.WAITLIST_PROMOTED: MailTopic.VISITS,
    NotificationKind.APPROVAL_WAITING: MailTopic.APPROVALS,
    NotificationKind.COMMENT: MailTopic.COMMENTS,
    NotificationKind.REPLY: MailTopic.COMMENTS,
    NotificationKind.AFFIRMATION: MailTopic.COMMENTS,
    NotificationKind.VIDEO_READY: MailTopic.MY_VIDEOS,
    NotificationKind.VIDEO_FAILED: MailTopic.MY_VIDEOS,
    NotificationKind.TRANSCRIPT_READY: MailTopic.MY_VIDEOS,
    NotificationKind.FACES_TO_REVIEW: MailTopic.MY_VIDEOS,
    NotificationKind.VIDEO_RETENTION: MailTopic.MY_VIDEOS,
    NotificationKind.COLLECTION_SHARED: MailTopic.COLLECTIONS,
    NotificationKind.CHECK_IN_DUE: MailTopic.TRIES,
}
