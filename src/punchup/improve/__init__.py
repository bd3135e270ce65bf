"""Improve: samplers that write better without training, and the export -> tune -> measure loop."""
