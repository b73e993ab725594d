"""The one rule for text a person types or imports: no invisible or control characters."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Kept: tab and line breaks (a textarea's lines). Refused: other C0/C1 controls (Cc); format
# characters (Cf: zero-width spaces and joiners, the bidirectional marks, embeddings, overrides
# and isolates, soft hyphen, byte-order mark), which make two names that look the same differ
# or make text display in another order than it is stored; lone surrogates (Cs) and U+FFFD, what
# invalid UTF-8 becomes once decoded.
_ALLOWED_CONTROLS = frozenset("\t\n\r")
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
REPLACEMENT_CHARACTER = "\ufffd"

MESSAGE = _(
    "Có ký tự ẩn hoặc ký tự điều khiển (U+%(code)s). Hãy gõ lại đoạn chữ, đừng dán từ nơi khác."
)


def first_refused(text: str) -> str | None:
    """The first character of `text` the rule refuses, or None."""
    # Python's own test in C: a printable string has no character of the refused categories
    # (nor a tab or line break, which go the slow way). Nearly every value takes this path.
    if text.isprintable() and REPLACEMENT_CHARACTER not in text:
        return None
    for ch in text:
        if ch in _ALLOWED_CONTROLS:
            continue
        if ch == REPLACEMENT_CHARACTER or unicodedata.category(ch) in _REFUSED_CATEGORIES:
            return ch
    return None


def validate_printable(value) -> None:
    """A validator for every text field: refuses invisible, bidirectional and control
    characters and invalid UTF-8 (decoded as U+FFFD or lone surrogates)."""
    if not isinstance(value, str):
        return
    ch = first_refused(value)
    if ch is not None:
        raise ValidationError(
            MESSAGE, code="invisible_character", params={"code": f"{ord(ch):04X}"}
        )
