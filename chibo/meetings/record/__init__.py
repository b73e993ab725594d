"""A cell's meetings and their record: the list, the month's generation and a thematic meeting
(planned through lifecycle), a meeting's read view, and the secretary's one-page record (forms,
checks, services, selectors)."""
