"""postgres search tables

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 10:12:41.304512

The tables behind MASTERY_SEARCH=postgres. They are created on PostgreSQL only: on SQLite the
index is Whoosh's, in the data dir, and this revision changes nothing.

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _on_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if not _on_postgresql():
        return
    # Trigram matching for "did you mean"; a trusted extension since PostgreSQL 13, so the
    # database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table('search_documents',
    sa.Column('video_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('visibility', sa.String(length=16), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('grade_band', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.String(length=60), nullable=False),
    sa.Column('practice_slugs', postgresql.ARRAY(sa.Text()), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('transcript', sa.Text(), nullable=False),
    sa.Column('practice_text', sa.Text(), nullable=False),
    sa.Column('teacher_name', sa.Text(), nullable=False),
    sa.Column('school_name', sa.Text(), nullable=False),
    sa.Column('document', postgresql.TSVECTOR(), nullable=False),
    sa.Column('description_vector', postgresql.TSVECTOR(), nullable=False),
    sa.Column('transcript_vector', postgresql.TSVECTOR(), nullable=False),
    sa.ForeignKeyConstraint(['video_id'], ['videos.id'], name=op.f('fk_search_documents_video_id_videos'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('video_id', name=op.f('pk_search_documents'))
    )
    op.create_index('ix_search_documents_document', 'search_documents', ['document'], unique=False, postgresql_using='gin')

    op.create_table('search_cues',
    sa.Column('video_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('start_s', sa.Float(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('words', postgresql.TSVECTOR(), nullable=False),
    sa.ForeignKeyConstraint(['video_id'], ['search_documents.video_id'], name=op.f('fk_search_cues_video_id_search_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('video_id', 'position', name=op.f('pk_search_cues'))
    )

    op.create_table('search_words',
    sa.Column('video_id', sa.Integer(), nullable=False),
    sa.Column('word', sa.String(length=40), nullable=False),
    sa.Column('occurrences', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['video_id'], ['search_documents.video_id'], name=op.f('fk_search_words_video_id_search_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('video_id', 'word', name=op.f('pk_search_words'))
    )
    op.create_index('ix_search_words_word_trgm', 'search_words', ['word'], unique=False, postgresql_using='gin', postgresql_ops={'word': 'gin_trgm_ops'})

    op.create_table('search_index_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_search_index_state_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_index_state'))
    )


def downgrade():
    if not _on_postgresql():
        return
    op.drop_table('search_index_state')
    op.drop_index('ix_search_words_word_trgm', table_name='search_words', postgresql_using='gin', postgresql_ops={'word': 'gin_trgm_ops'})
    op.drop_table('search_words')
    op.drop_table('search_cues')
    op.drop_index('ix_search_documents_document', table_name='search_documents', postgresql_using='gin')
    op.drop_table('search_documents')
    # pg_trgm stays: other schemas in the database may use it.
