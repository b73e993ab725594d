"""A member's own side of meetings: their page and tasks with progress reports, the cell task
board, the notification inbox, and the calendar feeds (ical)."""
