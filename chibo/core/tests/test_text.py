"""The one rule for typed and imported text (core/text.py): its fast path (str.isprintable) and
its character-by-character path refuse the same characters."""

import sys
import unicodedata

import pytest
from django.core.exceptions import ValidationError

from chibo.core.text import REPLACEMENT_CHARACTER, first_refused, validate_printable

REFUSED = {"Cc", "Cf", "Cs"}


def test_every_refused_character_is_found_inside_vietnamese_text():
    refused = [
        chr(c)
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) in REFUSED and chr(c) not in "\t\n\r"
    ]
    assert len(refused) > 200  # the C0/C1 controls, the format characters, the surrogates
    missed = [f"U+{ord(ch):04X}" for ch in refused if first_refused(f"Lò Văn{ch} Ánh") != ch]
    assert missed == []
    assert first_refused("Bản Cọ Hụm" + REPLACEMENT_CHARACTER) == REPLACEMENT_CHARACTER


@pytest.mark.parametrize("text", ["Nguyễn Thị Ánh", "Dòng 1\nDòng 2\tcột", " ", "", "x\u00a0y"])
def test_ordinary_text_tabs_and_line_breaks_pass(text):
    assert first_refused(text) is None
    validate_printable(text)


def test_the_message_names_the_character():
    with pytest.raises(ValidationError) as caught:
        validate_printable("Cầm\u202eVăn")
    assert "U+202E" in str(caught.value.messages)
