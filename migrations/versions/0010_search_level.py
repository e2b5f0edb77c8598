"""search documents know the video's level

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 09:14:22.518301

Search filters and counts videos by level (getting started, refining, advanced), so the
PostgreSQL index keeps it beside grade band and subject. Rows indexed before levels existed
take their video's level here; on SQLite the index is Whoosh's, which is rebuilt by itself
when it finds an index directory of an older schema version, so this changes nothing there.

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _on_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if not _on_postgresql():
        return
    op.add_column('search_documents', sa.Column(
        'level', sa.String(length=16), server_default='getting_started', nullable=False))
    op.execute("UPDATE search_documents AS d SET level = v.level FROM videos AS v "
               "WHERE v.id = d.video_id AND d.level <> v.level")


def downgrade():
    if not _on_postgresql():
        return
    op.drop_column('search_documents', 'level')
