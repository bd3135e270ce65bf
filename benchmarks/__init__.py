"""Benchmarks: scripts that print ratios measured side by side in one run. Run from the repository root
as `python -m benchmarks.NAME`; they import the installed punchup package."""
