"""Search: the index of videos (Whoosh by default) behind one small interface."""
