"""Samplers: Models that wrap Models (best-of-N, antislop backtracking, one-unusual-thing schedules)."""
