"""Meeting indicators, registered when this module is autodiscovered: the meetings themselves
(indicators_meetings) and the officials and helping organizations (officials.indicators)."""

from . import indicators_meetings  # noqa: F401
