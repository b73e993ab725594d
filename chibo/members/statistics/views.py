"""The member statistics of an organization: page with charts, .xlsx, and the members behind
each number."""

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chibo.accounts.scope import Scope
from chibo.core import audit, vn
from chibo.core.charts import hbars
from chibo.core.vn import day_text
from chibo.core.web import bad_query, xlsx_response

from ..models import Member
from ..sheets import workbook
from .forms import PeriodForm
from .selectors import compute


def _period(data) -> dict:
    return {"start": day_text(data["start"]), "end": day_text(data["end"])}


def _url(name, org, **query) -> str:
    return f"{reverse(name, args=[org.pk])}?{urlencode(query)}"


def _request(request, pk):
    scope = Scope.for_user(request.user)
    org = scope.org_or_404(pk)
    form = PeriodForm(request.GET)
    return org, form


def _lifetime_note(org, start, end) -> str:
    """What the organization's own dates mean for the period: founded after it or ended before
    it (every figure 0), founded or ended inside it; "" when it existed throughout."""
    founded, ended = org.valid_from, org.valid_to
    if founded > end:
        return _(
            "Tổ chức được thành lập ngày %(d)s, sau kỳ báo cáo: các số liệu của kỳ đều bằng 0."
        ) % {"d": day_text(founded)}
    if ended is not None and ended <= start:
        return _(
            "Tổ chức đã hết hiệu lực từ ngày %(d)s, trước kỳ báo cáo: "
            "các số liệu của kỳ đều bằng 0."
        ) % {"d": day_text(ended)}
    notes = []
    if founded > start:
        notes.append(
            _("Tổ chức được thành lập ngày %(d)s, trong kỳ báo cáo.") % {"d": day_text(founded)}
        )
    if ended is not None and ended <= end:
        notes.append(
            _("Tổ chức hết hiệu lực từ ngày %(d)s, trong kỳ báo cáo.") % {"d": day_text(ended)}
        )
    return " ".join(notes)


CACHE_SECONDS = 600


def _cached_tables(org, start, end) -> list:
    """compute(...).tables() as plain text and numbers, kept until the next audited change
    (every write to members, memberships, statuses and the tree is audited): an organization
    board opens the same half year again and again while it writes its report."""
    key = ":".join(
        [
            "member-statistics",
            str(org.pk),
            start.isoformat(),
            end.isoformat(),
            get_language() or "",
            str(audit.data_generation()),
        ]
    )
    tables = cache.get(key)
    if tables is None:
        tables = [
            (section, str(title), [(k, str(label), n) for k, label, n in rows])
            for section, title, rows in compute(org, start, end).tables()
        ]
        cache.set(key, tables, CACHE_SECONDS)
    return tables


def _charts(tables, link):
    """Sections with each row's count and link, and their bars (core.charts, drawn by the
    template core/_hbars.html)."""
    sections = []
    for section, title, rows in tables:
        top = max((n for _k, _l, n in rows), default=0) or 1
        items = [
            {
                "key": key,
                "label": label,
                "n": n,
                "url": link(key),
                "share": n / top,
                "text": vn.format_int(n),
            }
            for key, label, n in rows
        ]
        sections.append(
            {
                "key": section,
                "title": title,
                "chart": hbars(items) if section != "change" else None,
                "rows": items,
            }
        )
    return sections


@login_required
def statistics(request, pk):
    org, form = _request(request, pk)
    if not form.is_valid():
        return bad_query(form, request=request)
    data = form.cleaned_data
    tables = _cached_tables(org, data["start"], data["end"])
    period = _period(data)
    note = _lifetime_note(org, data["start"], data["end"])

    def link(key):
        return _url("members:statistics_members", org, **period, key=key)

    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            workbook(_sheets(org, data, tables, note)),
            f"thong-ke-dang-vien-{org.code}-{data['end']:%Y%m%d}.xlsx",
        )
    context = {
        "org": org,
        "form": form,
        "sections": _charts(tables, link),
        "period": period,
        "note": note,
        "xlsx": _url("members:statistics", org, **period, format="xlsx"),
    }
    return render(request, "members/statistics.html", context)


def _sheets(org, data, tables, note="") -> list:
    """The page's tables, in its order, after a sheet that names the organization and period
    (and the page's note on the organization's dates, if any)."""
    head = [_("Chỉ tiêu"), _("Số đảng viên")]
    info = [
        [_("Tổ chức đảng"), org.name],
        [_("Từ ngày"), data["start"]],
        [_("Đến ngày"), data["end"]],
    ]
    if note:
        info.append([_("Ghi chú"), note])
    sheets = [(_("Thông tin"), [_("Mục"), _("Giá trị")], info)]
    for _section, title, rows in tables:
        sheets.append((title, head, [[label, n] for _k, label, n in rows]))
    return sheets


@login_required
def statistics_members(request, pk):
    """The members behind one number of the statistics."""
    org, form = _request(request, pk)
    if not form.is_valid():
        return bad_query(form, request=request)
    data = form.cleaned_data
    key = data.get("key") or "change:closing"
    stats = compute(org, data["start"], data["end"])
    label = next(
        (
            (title, row_label)
            for section, title, rows in stats.tables()
            for k, row_label, _n in rows
            if k == key
        ),
        None,
    )
    if label is None:
        raise Http404
    ids = stats.members(key)
    qs = Member.objects.filter(pk__in=ids).select_related("cell").order_by("sort_key", "id")
    page = Paginator(qs, 100).get_page(data.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "org": org,
        "title": label[0],
        "row": label[1],
        "count": len(ids),
        "page": page,
        "query": query.urlencode(),
        "back": _url("members:statistics", org, **_period(data)),
    }
    return render(request, "members/statistics_members.html", context)
