"""Parts of a member's record that apps above members add (the annual ratings...): each app
registers, when Django starts, a function (request, member, scope) -> HTML or "", and the
record page shows what they return, in the order registered. members imports none of them."""

_SECTIONS: list = []


def register(section) -> None:
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def render_all(request, member, scope) -> list[str]:
    """The registered parts of `member`'s record for `request`'s reader, the empty left out."""
    return [html for html in (s(request, member, scope) for s in _SECTIONS) if html]
