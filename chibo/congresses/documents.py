"""Congress documents from .docx templates (docxtpl): which template a cell's congress uses, the
check an uploaded template passes (every placeholder known, named with its place when not), and
the filled document, as .docx or, where LibreOffice is installed, PDF (as the minutes)."""

import io
import re
from dataclasses import dataclass

import jinja2
from django.utils.translation import gettext as _
from docx import Document
from docxtpl import DocxTemplate, Listing
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from chibo.core.docx_templates import TemplateProblem, places, where
from chibo.core.docx_templates import render as render_sandboxed
from chibo.meetings.documents.build import PdfError, pdf_bytes, pdf_converter
from chibo.organizations.models import Organization

from .defaults import default_template
from .models import CellCongress, CongressTemplate, DocumentKind
from .placeholders import PROSE, fields_for, sample

__all__ = ["PdfError", "TemplateProblem", "pdf_bytes", "pdf_converter"]


def check_template(content: bytes, kind: str = "") -> list[str]:
    """The placeholders of the template at `content` (a document of `kind`: the placeholders
    of a cell's or a grassroots committee's congress); raises TemplateProblem naming each
    unknown placeholder (or field of a list's items) and where it is, or what is wrong with the
    file."""
    try:
        tpl = DocxTemplate(io.BytesIO(content))
        doc = Document(io.BytesIO(content))
    except Exception:  # python-docx raises several kinds for a file that is not a .docx
        raise TemplateProblem([_("Tệp không phải văn bản Word (.docx).")]) from None
    found = places(doc)
    try:
        names = tpl.get_undeclared_template_variables()
    except jinja2.TemplateSyntaxError as e:
        raise TemplateProblem([_("Lỗi cú pháp trong mẫu: %(m)s.") % {"m": e.message}]) from None
    unknown = sorted(names - set(fields_for(kind)))
    if unknown:
        raise TemplateProblem(
            [
                _("Trường “%(name)s” không có trong danh sách trường của chibo (ở %(where)s).")
                % {"name": n, "where": where(found, n)}
                for n in unknown
            ]
        )
    # The items' fields: fill once with a sample in which anything unknown is an error.
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)
    try:
        DocxTemplate(io.BytesIO(content)).render(sample(kind), jinja_env=env)
    except jinja2.UndefinedError as e:
        match = re.search(r"has no attribute '([^']+)'", str(e))
        name = match.group(1) if match else str(e)
        raise TemplateProblem(
            [
                _("Trường “%(name)s” không có trong danh sách trường của chibo (ở %(where)s).")
                % {"name": name, "where": where(found, name)}
            ]
        ) from None
    except SecurityError as e:
        match = re.search(r"attribute '([^']+)'", str(e))
        name = match.group(1) if match else str(e)
        raise TemplateProblem(
            [
                _("Mẫu không được dùng “%(name)s” (ở %(where)s).")
                % {"name": name, "where": where(found, name)}
            ]
        ) from None
    except jinja2.TemplateError as e:
        raise TemplateProblem([_("Lỗi trong mẫu: %(m)s.") % {"m": str(e).rstrip(".")}]) from None
    return sorted(names)


def template_for(cell: Organization, kind: str, on) -> CongressTemplate | None:
    """The version in use on `on` of the nearest organization above the cell (or the grassroots
    committee) that keeps one (a commune's before the district's), itself included; None:
    chibo's default."""
    rows = (
        CongressTemplate.objects.filter(
            kind=kind, valid_from__lte=on, organization__path__in=cell.ancestor_paths()
        )
        .select_related("organization")
        .order_by("-organization__depth", "-valid_from", "-id")
    )
    return rows.first()


def template_bytes(template: CongressTemplate | None, kind: str) -> bytes:
    if template is None:
        return default_template(kind)
    with template.file.open("rb") as f:
        return f.read()


def render(content: bytes, context: dict) -> bytes:
    """The template filled with `context` (escaped; the prose keeps its paragraphs)."""
    values = dict(context)
    for name in PROSE.values():
        values[name] = Listing(values.get(name, ""))
    return render_sandboxed(content, values)


@dataclass
class Filled:
    content: bytes
    template: CongressTemplate | None


def fill(congress: CellCongress, kind: str, context: dict, on) -> Filled:
    template = template_for(congress.cell, kind, on)
    return Filled(render(template_bytes(template, kind), context), template)


ASCII_KINDS = {
    DocumentKind.POLITICAL_REPORT: "bao-cao-chinh-tri",
    DocumentKind.DRAFT_RESOLUTION: "du-thao-nq",
    DocumentKind.COMMITTEE_REPORT: "bao-cao-chinh-tri-dang-bo",
    DocumentKind.COMMITTEE_RESOLUTION: "nghi-quyet-dai-hoi-dang-bo",
}


def filenames(congress: CellCongress, kind: str, ext: str) -> tuple[str, str]:
    code = re.sub(r"[^A-Za-z0-9_-]", "-", congress.cell.code)
    ascii_kind = ASCII_KINDS[kind]
    term = re.sub(r"[^0-9]+", "-", congress.plan.term_name).strip("-")
    label = DocumentKind(kind).label
    name = re.sub(r'[\\/:*?"<>|]', "-", f"{label} {congress.cell.name} {congress.plan.term_name}")
    return f"{ascii_kind}-{code}-{term}.{ext}", f"{name}.{ext}"
