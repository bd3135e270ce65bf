"""`reward/NAME`: learned judges, a linear Bradley-Terry head on a frozen sentence encoder (the `[embed]` extra)."""
