"""postgres search rows narrowed for 100,000 videos

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 14:50:00.000000

Counting the ~40,000 matches of a common word at 100,000 videos reads each matching
search_documents row. The row loses its texts (the title moves to search_texts, read only for
the page's snippets; the practice, teacher and school texts were never read: `fields` holds
their words), a third of the pages to read. The description and transcript vectors move in
(out of line) from search_texts, so "said:day" counts its ~27,000 matches from one index and
one row each, not a join of two tables. The newest matches (the ranking pool) come from a new index on
the date instead of a sort of every match. On SQLite the index is Whoosh's and this changes
nothing.

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

_MOVED_OUT = ('practice_text', 'teacher_name', 'school_name')
_VECTORS = ('description_vector', 'transcript_vector')


def _on_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if not _on_postgresql():
        return
    op.add_column('search_texts', sa.Column('title', sa.Text(), server_default='', nullable=False))
    op.execute("UPDATE search_texts AS t SET title = d.title FROM search_documents AS d "
               "WHERE d.video_id = t.video_id")
    for column in ('title', *_MOVED_OUT):
        op.drop_column('search_documents', column)
    op.execute("ALTER TABLE search_documents SET (toast_tuple_target = 256)")
    # MAIN: kept in the row, where counting and rechecks read them, whatever its length.
    op.execute("ALTER TABLE search_documents ALTER COLUMN fields SET STORAGE MAIN")
    op.execute("ALTER TABLE search_documents ALTER COLUMN practice_slugs SET STORAGE MAIN")
    for column in _VECTORS:
        op.add_column('search_documents', sa.Column(column, postgresql.TSVECTOR(), server_default='', nullable=False))
    # Rewrites every row under the new layout (a rebuild would too).
    op.execute("UPDATE search_documents AS d SET description_vector = t.description_vector, "
               "transcript_vector = t.transcript_vector FROM search_texts AS t "
               "WHERE t.video_id = d.video_id")
    for column in _VECTORS:
        op.drop_index(f'ix_search_texts_{column}', table_name='search_texts', postgresql_using='gin')
        op.drop_column('search_texts', column)
        op.create_index(f'ix_search_documents_{column}', 'search_documents', [column], unique=False, postgresql_using='gin')
    op.create_index('ix_search_documents_created_at', 'search_documents',
                    [sa.text('created_at DESC'), sa.text('video_id DESC')], unique=False)


def downgrade():
    if not _on_postgresql():
        return
    op.drop_index('ix_search_documents_created_at', table_name='search_documents')
    for column in _VECTORS:
        op.add_column('search_texts', sa.Column(column, postgresql.TSVECTOR(), server_default='', nullable=False))
    op.execute("UPDATE search_texts AS t SET description_vector = d.description_vector, "
               "transcript_vector = d.transcript_vector FROM search_documents AS d "
               "WHERE d.video_id = t.video_id")
    for column in _VECTORS:
        op.alter_column('search_texts', column, server_default=None)
        op.drop_index(f'ix_search_documents_{column}', table_name='search_documents', postgresql_using='gin')
        op.drop_column('search_documents', column)
        op.create_index(f'ix_search_texts_{column}', 'search_texts', [column], unique=False, postgresql_using='gin')
    op.execute("ALTER TABLE search_documents ALTER COLUMN practice_slugs SET STORAGE EXTENDED")
    op.execute("ALTER TABLE search_documents ALTER COLUMN fields SET STORAGE EXTENDED")
    op.execute("ALTER TABLE search_documents SET (toast_tuple_target = 1024)")
    op.add_column('search_documents', sa.Column('title', sa.Text(), server_default='', nullable=False))
    for column in _MOVED_OUT:
        op.add_column('search_documents', sa.Column(column, sa.Text(), server_default='', nullable=False))
    op.execute("UPDATE search_documents AS d SET title = t.title FROM search_texts AS t "
               "WHERE t.video_id = d.video_id")
    # The practice, teacher and school texts are only in `fields` now: the index is marked
    # unbuilt, so the app rebuilds it from the database (as after migration 0006).
    op.execute("DELETE FROM search_index_state")
    for column in ('title', *_MOVED_OUT):
        op.alter_column('search_documents', column, server_default=None)
    op.drop_column('search_texts', 'title')
