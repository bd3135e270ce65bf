"""craft/heuristic: the built-in judge that needs no model, its text features and its fitting code."""
