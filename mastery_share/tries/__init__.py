"""The spread loop: a teacher's try of a practice, what sparked it, and where it went next."""
