"""Automatic transcripts of the speech in videos."""
