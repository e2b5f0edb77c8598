"""face blur: the video's choice, the faces found in it, a status and a notification for the owner's review

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 00:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

_KINDS = ("booking_made", "booking_approved", "booking_declined", "booking_cancelled",
          "waitlist_promoted", "approval_waiting", "comment", "reply", "affirmation",
          "video_ready", "video_failed", "transcript_ready", "collection_shared", "check_in_due")
_KINDS_AFTER = _KINDS + ("faces_to_review",)
_BEFORE = "status IN ('queued', 'processing', 'ready', 'failed')"
_AFTER = "status IN ('queued', 'processing', 'ready', 'failed', 'review_faces')"


def _status_rule(table, rule):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(f'ck_{table}_status_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f(f'ck_{table}_status_known'), rule)


def _kind_rule(kinds):
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_notifications_notification_kind'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_notifications_notification_kind'),
            f"kind IN ({', '.join(repr(kind) for kind in kinds)})")


def upgrade():
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blur_faces', sa.Boolean(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('faces_reviewed_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('blurred_key', sa.String(length=300), nullable=True))
    _status_rule('videos', _AFTER)
    _status_rule('renditions', _AFTER)
    _kind_rule(_KINDS_AFTER)
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blur_faces_by_default', sa.Boolean(), server_default='0',
                                      nullable=False))
    op.create_table(
        'face_tracks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('video_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('first_s', sa.Float(), nullable=False),
        sa.Column('last_s', sa.Float(), nullable=False),
        sa.Column('detections_json', sa.Text(), nullable=False),
        sa.Column('thumbnail_key', sa.String(length=300), nullable=False),
        sa.Column('keep', sa.Boolean(), server_default='0', nullable=False),
        sa.ForeignKeyConstraint(['video_id'], ['videos.id'],
                                name=op.f('fk_face_tracks_video_id_videos'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_face_tracks')),
        sa.UniqueConstraint('video_id', 'position', name='uq_face_tracks_video_position'),
    )
    op.create_index(op.f('ix_face_tracks_video_id'), 'face_tracks', ['video_id'])


def downgrade():
    op.drop_index(op.f('ix_face_tracks_video_id'), table_name='face_tracks')
    op.drop_table('face_tracks')
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.drop_column('blur_faces_by_default')
    op.execute("DELETE FROM notifications WHERE kind = 'faces_to_review'")
    _kind_rule(_KINDS)
    op.execute("UPDATE videos SET status = 'queued' WHERE status = 'review_faces'")
    op.execute("UPDATE renditions SET status = 'queued' WHERE status = 'review_faces'")
    _status_rule('renditions', _BEFORE)
    _status_rule('videos', _BEFORE)
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.drop_column('blurred_key')
        batch_op.drop_column('faces_reviewed_at')
        batch_op.drop_column('blur_faces')
