"""What every .docx template that staff upload shares (docxtpl): the refusal that names what is
wrong and where, the place of a placeholder in the document, and filling in jinja's sandbox, so a
placeholder cannot reach Python. Each app keeps its own list of fields and its own check."""

import io
import re

from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment


class TemplateProblem(Exception):
    """An uploaded template that cannot be kept: the messages say what and where."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def places(doc) -> list[tuple[str, str]]:
    """(where, text) of every paragraph of the body, its tables, headers and footers."""
    out = [(_("đoạn %(n)d") % {"n": i}, p.text) for i, p in enumerate(doc.paragraphs, 1)]
    for t, table in enumerate(doc.tables, 1):
        for r, row in enumerate(table.rows, 1):
            for c, cell in enumerate(row.cells, 1):
                where = _("bảng %(t)d, hàng %(r)d, cột %(c)d") % {"t": t, "r": r, "c": c}
                out.append((where, cell.text))
    for s, section in enumerate(doc.sections, 1):
        for part, label in ((section.header, _("đầu trang")), (section.footer, _("chân trang"))):
            out += [(f"{label} {s}", p.text) for p in part.paragraphs]
    return out


def where(found_places, name: str) -> str:
    """The places (from `places`) whose text has a placeholder or tag naming `name`."""
    pattern = re.compile(r"\{[{%][^}]*\b" + re.escape(name) + r"\b")
    found = [place for place, text in found_places if pattern.search(text)]
    return ", ".join(dict.fromkeys(found)) or _("không rõ vị trí (trong mã của tệp)")


def render(content: bytes, values: dict) -> bytes:
    """The template at `content` filled with `values`, escaped, in the sandbox."""
    tpl = DocxTemplate(io.BytesIO(content))
    tpl.render(values, jinja_env=SandboxedEnvironment(autoescape=True))
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
