"""The lists behind the meetings' indicators, registered with the indicator registry (core
discovers this module at start-up): the oversight's, shown by meetings:indicator, and the
officials', shown by meetings:official_indicator with their .xlsx."""

from chibo.core.indicators import register_list

from .officials import exports as officials
from .oversight import lists as oversight

for _code, _rows in oversight.ROWS.items():
    register_list(_code, view=oversight.VIEW, rows=_rows)

for _code, (_rows, _table) in officials.LISTS.items():
    register_list(_code, view=officials.VIEW, rows=_rows, table=_table)
