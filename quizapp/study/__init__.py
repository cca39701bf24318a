"""Studying: the session (queue, limits, undo) and grading (one `grade` for every front end)."""
