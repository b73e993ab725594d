"""Meeting indicators, registered when this module is autodiscovered: the meetings themselves
(indicators_meetings) and the officials and helping organizations (indicators_officials)."""

from . import indicators_meetings, indicators_officials  # noqa: F401
