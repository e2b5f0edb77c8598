"""`flask --app wsgi search reindex`: rebuild the index from the database."""
from __future__ import annotations

import click
from flask.cli import AppGroup

search_group = AppGroup("search", help="Manage the search index.")


@search_group.command("reindex")
def reindex_command():
    """Rebuild the index into a fresh directory and swap it in; searches keep working."""
    from .indexing import rebuild_index

    count = rebuild_index()
    click.echo(f"Search index rebuilt: {count} video{'s' if count != 1 else ''}.")
