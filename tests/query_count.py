"""How many SQL statements one page costs: tests hold a page's count constant as the data
behind it grows (one more query per row is the N+1 a slow page starts with)."""
from __future__ import annotations

from sqlalchemy import event

from mastery_share.extensions import db


def statements_of_get(client, path: str) -> int:
    """SQL statements one GET runs (the page must answer 200)."""
    return len(statement_texts_of_get(client, path))


def statement_texts_of_get(client, path: str, status: int = 200) -> list[str]:
    """The SQL of each statement one GET runs, in order (the answer must have `status`)."""
    counted: list[str] = []

    def listener(connection, cursor, statement, *args):
        counted.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get(path)
        assert response.status_code == status, (path, response.get_data(as_text=True)[:300])
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return counted
