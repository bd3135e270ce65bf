"""The bench: writers, briefs, pair scheduling and the resumable generate -> measure -> judge -> pair pipeline.

The bench produces state; `punchup.analysis` reads it.
"""
