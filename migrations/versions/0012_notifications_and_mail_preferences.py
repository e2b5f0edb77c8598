"""notifications, mail preferences, weekly digests, a decline reason

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 12:10:00.000000

A Notification is one row per person per event, written in the event's own transaction; the
bell counts a member's unread ones through (user_id, read_at). A MailPreference row exists only
where a member's choice differs from the topic's default. weekly_digests is the per-member,
per-week claim of the digest job. A declined visit keeps the principal's reason, and a
collection remembers when its school was told it is shared.

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_KINDS = ("booking_made", "booking_approved", "booking_declined", "booking_cancelled",
          "waitlist_promoted", "approval_waiting", "comment", "reply", "affirmation",
          "video_ready", "video_failed", "transcript_ready", "collection_shared", "check_in_due")
_TOPICS = ("visits", "approvals", "comments", "my_videos", "collections", "tries", "news")
_CHOICES = ("immediately", "weekly_digest", "never")


def _one_of(column, values):
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def upgrade():
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('text', sa.String(length=400), nullable=False),
        sa.Column('url', sa.String(length=400), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('video_id', sa.Integer(), nullable=True),
        sa.CheckConstraint(_one_of('kind', _KINDS), name=op.f('ck_notifications_notification_kind')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['video_id'], ['videos.id'], name=op.f('fk_notifications_video_id_videos'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    )
    op.create_index('ix_notifications_unread', 'notifications', ['user_id', 'read_at'])
    op.create_index(op.f('ix_notifications_video_id'), 'notifications', ['video_id'])
    op.create_index('ix_notifications_newest', 'notifications', ['user_id', 'created_at'])
    op.create_table(
        'mail_preferences',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('topic', sa.String(length=32), nullable=False),
        sa.Column('choice', sa.String(length=16), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_one_of('topic', _TOPICS), name=op.f('ck_mail_preferences_mail_topic')),
        sa.CheckConstraint(_one_of('choice', _CHOICES), name=op.f('ck_mail_preferences_mail_choice')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_preferences_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'topic', name=op.f('pk_mail_preferences')),
    )
    op.create_table(
        'weekly_digests',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('week_of', sa.Date(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_weekly_digests_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'week_of', name=op.f('pk_weekly_digests')),
    )
    with op.batch_alter_table('bookings') as batch_op:
        batch_op.add_column(sa.Column('decline_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('collections') as batch_op:
        batch_op.add_column(sa.Column('announced_at', sa.DateTime(timezone=True), nullable=True))
    # Collections shared before this release are not announced again.
    op.execute("UPDATE collections SET announced_at = created_at")


def downgrade():
    with op.batch_alter_table('collections') as batch_op:
        batch_op.drop_column('announced_at')
    with op.batch_alter_table('bookings') as batch_op:
        batch_op.drop_column('decline_reason')
    op.drop_table('weekly_digests')
    op.drop_table('mail_preferences')
    op.drop_index('ix_notifications_newest', table_name='notifications')
    op.drop_index(op.f('ix_notifications_video_id'), table_name='notifications')
    op.drop_index('ix_notifications_unread', table_name='notifications')
    op.drop_table('notifications')
