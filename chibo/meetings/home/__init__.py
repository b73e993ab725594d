"""The role homes at chibo's root: the secretary's (this month's meeting in the state it is in,
the cell's open tasks), the member's (their tasks, their next meeting), the commune staff's (the
month's meetings under the commune with what waits on them), the assigned official's (the cells
they follow); the organization board's home stays the organization's page with its figures. A
user with several roles lands on the home of their most local role, with links to the others."""
