"""The built-in craft judges: craft/heuristic (text features, no model) and craft/heuristic-lm (the same plus the
embedded model's predictability), their features and their fitting code."""
