"""Conversation on a video at a moment: questions, notes and affirmations, with replies."""
