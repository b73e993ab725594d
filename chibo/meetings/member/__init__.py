"""A member's own side of meetings: their page and tasks with progress reports, the cell task
board and the calendar feeds (ical); the notification inbox is chibo.accounts'."""
