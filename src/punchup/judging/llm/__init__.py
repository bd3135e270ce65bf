"""Judges that ask a language model: rubric and pairwise prompts, JSON-constrained answers, parsing."""
