"""Analysis of bench state: rankings with intervals, the typed summary, judge calibration."""
