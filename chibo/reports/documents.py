"""The report as a .docx from its template (docxtpl): which version is in use, the check an
uploaded template passes (every placeholder known, the unknown ones named with their place),
and the filled document."""

import datetime
import io
import re

import jinja2
from django.utils.translation import gettext as _
from docx import Document
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from chibo.core.dates import today
from chibo.core.docx_templates import TemplateProblem, places, render, where
from chibo.core.vn import day_text
from chibo.organizations.models import Organization
from chibo.organizations.selectors import path_as_of

from . import article
from .defaults import default_template
from .models import ReportTemplate
from .placeholders import fields

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def check_template(content: bytes) -> list[str]:
    """The placeholders of the template at `content`; raises TemplateProblem naming each
    unknown placeholder and where it is, or what is wrong with the file."""
    try:
        tpl = DocxTemplate(io.BytesIO(content))
        doc = Document(io.BytesIO(content))
    except Exception:  # python-docx raises several kinds for a file that is not a .docx
        raise TemplateProblem([_("Tệp không phải văn bản Word (.docx).")]) from None
    try:
        names = tpl.get_undeclared_template_variables()
    except jinja2.TemplateSyntaxError as e:
        raise TemplateProblem([_("Lỗi cú pháp trong mẫu: %(m)s.") % {"m": e.message}]) from None
    known = fields()
    unknown = sorted(names - set(known))
    if unknown:
        found = places(doc)
        raise TemplateProblem(
            [
                _("Trường “%(name)s” không có trong danh sách trường của báo cáo (ở %(where)s).")
                % {"name": n, "where": where(found, n)}
                for n in unknown
            ]
        )
    # Filled once with a sample, in the sandbox the report is filled in: a placeholder that
    # reaches Python's attributes is refused here, not when a report is written.
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)
    try:
        DocxTemplate(io.BytesIO(content)).render(dict.fromkeys(known, "1"), jinja_env=env)
    except SecurityError as e:
        match = re.search(r"attribute '([^']+)'", str(e))
        name = match.group(1) if match else str(e)
        raise TemplateProblem(
            [
                _("Mẫu không được dùng “%(name)s” (ở %(where)s).")
                % {"name": name, "where": where(places(doc), name)}
            ]
        ) from None
    except jinja2.TemplateError as e:
        raise TemplateProblem([_("Lỗi trong mẫu: %(m)s.") % {"m": str(e).rstrip(".")}]) from None
    return sorted(names)


def template_for(org: Organization, on: datetime.date) -> ReportTemplate | None:
    """The version in use on `on` of the nearest organization at or above `org` that keeps
    one; None: chibo's default."""
    return (
        ReportTemplate.objects.filter(
            valid_from__lte=on, organization__path__in=org.ancestor_paths()
        )
        .select_related("organization")
        .order_by("-organization__depth", "-valid_from", "-id")
        .first()
    )


def template_bytes(template: ReportTemplate | None) -> bytes:
    if template is None:
        return default_template()
    with template.file.open("rb") as f:
        return f.read()


def report(org: Organization, on: datetime.date) -> bytes:
    """The report of `org` as of `on`, in the template in use on that date."""
    return render(template_bytes(template_for(org, on)), article.context(org, on))


def filename(org: Organization, on: datetime.date) -> str:
    code = re.sub(r"[^A-Za-z0-9_-]", "-", org.code)
    return f"bao-cao-{code}-{on:%Y%m%d}.docx"


def refusal(org: Organization | None, on: datetime.date, *, code: str = "") -> str | None:
    """Why no report can be written for `org` as of `on` (None: it can): an unknown code, a
    date after today, an organization that did not exist on the date. Vietnamese first, the
    message in the reader's language."""
    if org is None:
        return _("Không tìm thấy tổ chức có mã “%(code)s”.") % {"code": code}
    if on > today():
        return _("Ngày %(day)s chưa đến: báo cáo chỉ lập đến hôm nay.") % {"day": day_text(on)}
    if path_as_of(org, on) is None:
        return _("%(org)s (%(code)s) không có hiệu lực vào ngày %(day)s.") % {
            "org": org.name,
            "code": org.code,
            "day": day_text(on),
        }
    return None
