"""The view record: who played a video, when, and for how long. Its owner sees it; leaders see
counts only. Never for evaluation (README: "Who watched, and what it is not for")."""
