"""postgres search at 100,000 videos; caption word times

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-12 10:02:37.114820

Counting the matches of a common word (tens of thousands of videos) reads every matching
search_documents row, so that table keeps only what matching, visibility, facets and ranking
need: the long texts move to search_texts, the wide `document` vector is stored out of line
(toast_tuple_target; search_texts keeps every long value out of line, so "said:" reads
small rows), and the short fields a member may name get a small indexed vector of
their own (each field under its own weight), so "title:" or "teacher:" no longer reads every
row. search_words becomes one lexicon row per
word (a row per video and word was most of the cost of indexing), and caption cues keep
the time of each word. On SQLite the index is Whoosh's and this changes nothing.

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

def _on_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if not _on_postgresql():
        return
    op.create_table('search_texts',
    sa.Column('video_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('transcript', sa.Text(), nullable=False),
    sa.Column('description_vector', postgresql.TSVECTOR(), nullable=False),
    sa.Column('transcript_vector', postgresql.TSVECTOR(), nullable=False),
    sa.ForeignKeyConstraint(['video_id'], ['search_documents.video_id'], name=op.f('fk_search_texts_video_id_search_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('video_id', name=op.f('pk_search_texts')),
    postgresql_with={'toast_tuple_target': 128}
    )
    op.execute("INSERT INTO search_texts (video_id, description, transcript, description_vector, "
               "transcript_vector) SELECT video_id, description, transcript, description_vector, "
               "transcript_vector FROM search_documents")
    op.create_index('ix_search_texts_description_vector', 'search_texts', ['description_vector'], unique=False, postgresql_using='gin')
    op.create_index('ix_search_texts_transcript_vector', 'search_texts', ['transcript_vector'], unique=False, postgresql_using='gin')
    for column in ('description', 'transcript', 'description_vector', 'transcript_vector'):
        op.drop_column('search_documents', column)
    # Rows written from now on keep `document` out of line; a rebuild rewrites the others.
    op.execute("ALTER TABLE search_documents SET (toast_tuple_target = 1024)")
    op.add_column('search_documents', sa.Column('fields', postgresql.TSVECTOR(), server_default='', nullable=False))
    op.execute("UPDATE search_documents SET fields = "
               "setweight(to_tsvector('english', title), 'A') || "
               "setweight(to_tsvector('english', practice_text), 'B') || "
               "setweight(to_tsvector('english', teacher_name), 'C') || "
               "setweight(to_tsvector('english', school_name), 'D')")
    op.create_index('ix_search_documents_fields', 'search_documents', ['fields'], unique=False, postgresql_using='gin')
    op.create_index('ix_search_documents_subject_words', 'search_documents',
                    [sa.text("to_tsvector('english'::regconfig, subject)")],
                    unique=False, postgresql_using='gin')

    op.add_column('search_cues', sa.Column('word_starts', postgresql.ARRAY(sa.Float()), server_default='{}', nullable=False))

    # One lexicon row per word, summed from the rows per video.
    op.execute("CREATE TEMPORARY TABLE lexicon ON COMMIT DROP AS "
               "SELECT word, sum(occurrences) AS occurrences FROM search_words GROUP BY word")
    op.drop_index('ix_search_words_word_trgm', table_name='search_words', postgresql_using='gin', postgresql_ops={'word': 'gin_trgm_ops'})
    op.drop_table('search_words')
    op.create_table('search_words',
    sa.Column('word', sa.String(length=40), nullable=False),
    sa.Column('occurrences', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('word', name=op.f('pk_search_words'))
    )
    op.execute("INSERT INTO search_words (word, occurrences) SELECT word, occurrences FROM lexicon")
    op.create_index('ix_search_words_word_trgm', 'search_words', ['word'], unique=False, postgresql_using='gin', postgresql_ops={'word': 'gin_trgm_ops'})


def downgrade():
    if not _on_postgresql():
        return
    # The words per video cannot be recovered from the lexicon: the index is marked unbuilt,
    # so the app rebuilds it (as after migration 0006).
    op.execute("DELETE FROM search_index_state")
    op.drop_index('ix_search_words_word_trgm', table_name='search_words', postgresql_using='gin', postgresql_ops={'word': 'gin_trgm_ops'})
    op.drop_table('search_words')
    op.create_table('search_words',
    sa.Column('video_id', sa.Integer(), nullable=False),
    sa.Column('word', sa.String(length=40), nullable=False),
    sa.Column('occurrences', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['video_id'], ['search_documents.video_id'], name=op.f('fk_search_words_video_id_search_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('video_id', 'word', name=op.f('pk_search_words'))
    )
    op.create_index('ix_search_words_word_trgm', 'search_words', ['word'], unique=False, postgresql_using='gin', postgresql_ops={'word': 'gin_trgm_ops'})

    op.drop_column('search_cues', 'word_starts')

    op.drop_index('ix_search_documents_subject_words', table_name='search_documents')
    op.drop_index('ix_search_documents_fields', table_name='search_documents', postgresql_using='gin')
    op.drop_column('search_documents', 'fields')
    op.execute("ALTER TABLE search_documents RESET (toast_tuple_target)")
    for column in ('description', 'transcript'):
        op.add_column('search_documents', sa.Column(column, sa.Text(), server_default='', nullable=False))
    for column in ('description_vector', 'transcript_vector'):
        op.add_column('search_documents', sa.Column(column, postgresql.TSVECTOR(), server_default='', nullable=False))
    op.execute("UPDATE search_documents AS d SET description = t.description, "
               "transcript = t.transcript, description_vector = t.description_vector, "
               "transcript_vector = t.transcript_vector FROM search_texts AS t "
               "WHERE t.video_id = d.video_id")
    for column in ('description', 'transcript', 'description_vector', 'transcript_vector'):
        op.alter_column('search_documents', column, server_default=None)
    op.drop_index('ix_search_texts_transcript_vector', table_name='search_texts', postgresql_using='gin')
    op.drop_index('ix_search_texts_description_vector', table_name='search_texts', postgresql_using='gin')
    op.drop_table('search_texts')
