"""Indicators of the meetings: held on schedule, attendance, thematic, quality, tasks."""
