"""Writes of the reports app: a new version of an organization's report template."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from chibo.core import audit
from chibo.core.models import AuditEvent
from chibo.organizations.models import Organization

from . import documents
from .models import ReportTemplate


@transaction.atomic
def template_upload(
    *, organization: Organization, valid_from: datetime.date, name: str, content: bytes, actor
) -> ReportTemplate:
    """Keep a new version of the organization's report template, in use from `valid_from`. A
    template with an unknown placeholder (or one that is not a .docx) is refused with each
    problem named and placed; nothing is written. The file is stored under a new name: no
    version is overwritten."""
    if organization.is_cell:
        raise ValidationError(_("Mẫu báo cáo do đảng ủy xã hoặc huyện ủy quản lý."))
    try:
        placeholders = documents.check_template(content)
    except documents.TemplateProblem as e:
        raise ValidationError({"file": e.messages}) from None
    name = " ".join((name or "").split()) or _("Báo cáo kết quả xây dựng đảng")
    row = ReportTemplate(
        organization=organization,
        valid_from=valid_from,
        name=name[:200],
        placeholders=placeholders,
        actor=actor,
    )
    row.file.save("report.docx", ContentFile(content), save=False)
    row.save()
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=row,
        changes={
            **audit.snapshot(row, ["organization", "valid_from", "name"]),
            "file": [None, row.file.name],
        },
    )
    return row
