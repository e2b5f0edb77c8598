"""The Whoosh search engine behind the shared interface (search/backend.py)."""
