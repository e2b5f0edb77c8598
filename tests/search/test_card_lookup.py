"""A search page's cards are read by the ids the index found: without table statistics
SQLite took the index on (status, visibility) instead and walked every ready video of the
district for twelve cards (with three ids it did take the keys: the guess is that an
equality finds about ten rows)."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from mastery_share.extensions import db
from mastery_share.search.services import search_videos


def test_the_cards_are_looked_up_by_the_ids_the_index_found(app, ready_video, teacher):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan (PostgreSQL plans with statistics: "
                    "test_postgres_plans.py)")
    for number in range(12):
        ready_video(teacher, title=f"Exit tickets {number}")
    card_statements = []

    @event.listens_for(db.engine, "before_cursor_execute")
    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("SELECT videos.id") and " IN (" in statement:
            card_statements.append((statement, parameters))

    try:
        found = search_videos(teacher, "tickets")
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert found.total == 12 and len(found.items) == 12
    statement, parameters = card_statements[0]
    plan = [row[-1] for row in db.session.connection().exec_driver_sql(
        f"EXPLAIN QUERY PLAN {statement}", parameters)]
    videos_step = next(step for step in plan if step.startswith("SEARCH videos"))
    assert "INTEGER PRIMARY KEY" in videos_step, plan
