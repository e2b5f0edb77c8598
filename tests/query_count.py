"""How many SQL statements one page costs: tests hold a page's count constant as the data
behind it grows (one more query per row is the N+1 a slow page starts with)."""
from __future__ import annotations

from sqlalchemy import event

from mastery_share.extensions import db


def statements_of_get(client, path: str) -> int:
    """SQL statements one GET runs (the page must answer 200)."""
    counted = []

    def listener(*args):
        counted.append(1)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(counted)
