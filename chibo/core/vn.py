"""Vietnamese text: accent folding for search, collation keys for sorting, number and date
formatting."""

import datetime
import unicodedata
from decimal import ROUND_DOWN, Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

# Vietnamese alphabet order; f, j, w, z appear only in foreign names.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_BASE_OF = {}  # letter without tone -> rank character
for _i, _ch in enumerate(_ALPHABET):
    _BASE_OF[_ch] = chr(ord("A") + _i)  # 'A'.. keeps keys ASCII and bytewise-ordered

# Tone marks, in the order dictionaries use: none, huyền, hỏi, ngã, sắc, nặng.
_TONES = {
    "\u0300": "1",  # huyền (grave)
    "\u0309": "2",  # hỏi (hook above)
    "\u0303": "3",  # ngã (tilde)
    "\u0301": "4",  # sắc (acute)
    "\u0323": "5",  # nặng (dot below)
}
# Marks that make a different letter rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn


def unaccent(text: str) -> str:
    """The text without its accents, case and spacing kept: 'Biên bản Đông' -> 'Bien ban Dong'."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced text: 'Nguyễn  Văn Ánh' -> 'nguyen van anh'."""
    return " ".join(unaccent(text).lower().split())


def _word_key(word: str) -> tuple[str, str]:
    """(letters, tones) of one syllable. NFC first: text typed as "Unicode tổ hợp" (Unikey) or
    on macOS arrives decomposed, and a lone combining mark would otherwise be dropped."""
    primary, tones = [], []
    for ch in unicodedata.normalize("NFC", word.lower()):
        decomposed = unicodedata.normalize("NFD", ch)
        base = decomposed[0]
        marks = decomposed[1:]
        letter = unicodedata.normalize(
            "NFC", base + "".join(m for m in marks if m in _LETTER_MARKS)
        )
        tone = next((_TONES[m] for m in marks if m in _TONES), "0")
        if letter in _BASE_OF:
            primary.append(_BASE_OF[letter])
        elif ch.isdigit():
            primary.append("0" + ch)  # digits sort before letters
        elif ch.isalpha():
            primary.append("~" + fold(ch)[:1])
        else:
            continue
        tones.append(tone)
    return "".join(primary), "".join(tones)


def _part_key(text: str) -> str:
    """Key of a run of syllables, compared one syllable at a time as dictionaries do.

    Each syllable is its letters, '!', its tones; syllables are joined by '.' and the run ends
    with ' ', the lowest character, so a shorter run sorts first ('An' < 'An Bình'). Within a
    syllable the tones decide only between equal letters; across syllables the first one
    decides whole, tone included, before the next is looked at ('an ...' < 'án').
    """
    syllables = []
    for word in (text or "").split():
        letters, tones = _word_key(word)
        if letters:
            syllables.append(f"{letters}!{tones}")
    return ".".join(syllables) + " "


def name_sort_key(given: str, middle: str = "", family: str = "") -> str:
    """A bytewise-ordered key: given name, then middle, then family name, Vietnamese order.

    Letters compare first (a < ă < â < b ... đ after d), tones break ties within a syllable
    (none, huyền, hỏi, ngã, sắc, nặng), syllable by syllable: 'An' < 'Ánh' < 'Ân' < 'Bình',
    and every given name 'An' sorts before every 'Án', whatever the family name. Stored in a
    column with binary collation so SQLite and PostgreSQL order it the same way.
    """
    return (_part_key(given) + _part_key(middle) + _part_key(family))[:250]


def full_name_sort_key(full_name: str) -> str:
    """name_sort_key of a name held whole ('Nguyễn Văn An': by An, then Văn, then Nguyễn): the
    people who are not members (users, commune officials) sort as members do."""
    family, middle, given = split_full_name(full_name)
    return name_sort_key(given, middle, family)


def split_full_name(full_name: str) -> tuple[str, str, str]:
    """'Nguyễn Văn An' -> ('Nguyễn', 'Văn', 'An'): family, middle, given."""
    parts = full_name.split()
    if not parts:
        return "", "", ""
    if len(parts) == 1:
        return "", "", parts[0]
    return parts[0], " ".join(parts[1:-1]), parts[-1]


def format_int(n) -> str:
    """9300 -> '9.300'."""
    if n is None:
        return ""
    return f"{int(n):,}".replace(",", ".")


def cut(value: Decimal, places: int) -> Decimal:
    """Cut (not round) at the given number of decimal places, as the article does."""
    q = Decimal(1).scaleb(-places)
    return value.quantize(q, rounding=ROUND_DOWN)


def format_percent(numerator, denominator, places: int = 1) -> str:
    """281, 293 -> '95,9%'; trailing zeros dropped (227/200 -> '113%'); cut, not rounded."""
    if not denominator:
        return ""
    value = cut(Decimal(numerator) * 100 / Decimal(denominator), places)
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


def format_ratio(numerator, denominator, places: int = 1) -> str:
    """281, 293 -> '281/293 (95,9%)'; with nothing to count (a denominator of 0 or None) '—',
    never '0/0 ()'. The one way a page or a sheet writes "n of d"."""
    if not denominator:
        return "—"
    percent = format_percent(numerator or 0, denominator, places)
    return f"{format_int(numerator or 0)}/{format_int(denominator)} ({percent})"


def with_unit(amount: str, unit: str) -> str:
    """An amount and its unit as written: '%' (and '‰') right after the number, as in 95,9%;
    any other unit after a space (12 hộ)."""
    unit = " ".join(str(unit or "").split())
    if not unit:
        return amount
    return f"{amount}{unit}" if unit in ("%", "‰") else f"{amount} {unit}"


def format_decimal(value, places: int = 1) -> str:
    """1086 -> '1.086', 2.5 -> '2,5', 1500.55 -> '1.500,55': cut (not rounded) at `places`,
    trailing zeros dropped, thousands grouped as format_int groups them (and as vn_decimal
    reads them back)."""
    text = f"{cut(Decimal(value), places):f}"
    whole, _point, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    sign = "-" if whole.startswith("-") else ""
    grouped = format_int(whole.lstrip("-"))
    return sign + grouped + ("," + fraction if fraction else "")


def text_sort_key(text: str) -> str:
    """A Vietnamese-order key for any text (organization names, villages), syllable by syllable."""
    return _part_key(text)


def day_text(day: datetime.date | None, blank: str | None = None) -> str:
    """A date as dd/mm/yyyy (SHORT_DATE_FORMAT of config/formats); for None, `blank`, by default
    'nay' (now: the open end of a dated row). Every date written into a message, a document or a
    page goes through here or the `vndate` filter that calls it."""
    if not day:
        return gettext("nay") if blank is None else blank
    return date_format(day, "SHORT_DATE_FORMAT")


def moment_text(at: datetime.datetime | None) -> str:
    """An instant as dd/mm/yyyy hh:mm in local time (SHORT_DATETIME_FORMAT); '' for None."""
    if not at:
        return ""
    if timezone.is_aware(at):
        at = timezone.localtime(at)
    return date_format(at, "SHORT_DATETIME_FORMAT")
