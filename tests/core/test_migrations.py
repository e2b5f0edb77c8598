"""`flask db upgrade` builds the schema from nothing on SQLite and on PostgreSQL, and the
models and the migrations agree (autogenerate finds no difference)."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from mastery_share import create_app
from mastery_share.accounts.models import Practice
from mastery_share.extensions import db
from mastery_share.search.postgres.models import include_in_schema_for
from tests.postgres import fresh_postgres_database

EXPECTED_TABLES = {"districts", "schools", "users", "practices", "invitations",
                   "password_resets", "api_tokens", "alembic_version"}
SEARCH_TABLES = {"search_documents", "search_cues", "search_words", "search_index_state"}


def _upgrade_and_compare(app):
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True,
                "include_object": include_in_schema_for(connection.dialect.name)})
            differences = compare_metadata(context, db.metadata)
        slugs = set(db.session.scalars(select(Practice.slug)))
        db.session.remove()
        return tables, differences, slugs


def _check(app, *, search_tables: bool):
    tables, differences, slugs = _upgrade_and_compare(app)
    assert EXPECTED_TABLES <= tables
    # The PostgreSQL full-text search tables exist only where MASTERY_SEARCH=postgres can run.
    assert (SEARCH_TABLES <= tables) if search_tables else not (SEARCH_TABLES & tables)
    assert differences == [], f"models and migrations disagree: {differences}"
    assert {"blended-learning", "goal-setting", "collective-efficacy"} <= slugs
    assert len(slugs) >= 12


def test_upgrade_from_nothing_on_sqlite_matches_the_models(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path)})
    _check(app, search_tables=False)
    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


@pytest.mark.postgres
def test_upgrade_from_nothing_on_postgresql_matches_the_models(tmp_path):
    with fresh_postgres_database() as url:
        app = create_app({"DATA_DIR": str(tmp_path), "SQLALCHEMY_DATABASE_URI": url})
        _check(app, search_tables=True)
        with app.app_context():
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()
