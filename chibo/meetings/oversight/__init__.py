"""The commune's and district's oversight of meetings: the month at a glance (selectors), the
district overview (overview), the review of a record, confirmed or returned (services), the lists
behind the meeting indicators, and their .xlsx (exports)."""
