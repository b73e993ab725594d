"""In a real browser: the commune uploads its own political report template (chibo's default,
edited), is refused one with an unknown placeholder; the secretary of cell A, on a phone, goes
from the menu to the cell's congress, writes the prose and downloads the report filled from the
commune's template, the cell's data and that prose. Drives Debian's Chromium through
Playwright."""

import datetime
import io

import pytest
from docx import Document

from chibo.congresses import services
from chibo.congresses.defaults import default_template
from chibo.congresses.models import CongressTemplate
from conftest import PHONE, sign_in

pytestmark = pytest.mark.browser
D = datetime.date


def _edited(old: str, new: str) -> bytes:
    doc = Document(io.BytesIO(default_template("political_report")))
    for p in doc.paragraphs:
        for run in p.runs:
            run.text = run.text.replace(old, new)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_upload_a_template_fill_it_and_download(
    browser, live_server, personas, tree, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    plan = services.plan_create(
        organization=tree.district,
        term_name="2023–2025",
        term_start=D(2023, 1, 1),
        term_end=D(2025, 7, 1),
        deadline=D(2023, 3, 31),
        actor=None,
    )
    base = live_server.url
    bad, good = tmp_path / "bad.docx", tmp_path / "good.docx"
    bad.write_bytes(_edited("{{ bai_hoc }}", "{{ bai_hoc_rut_ra }}"))
    good.write_bytes(_edited("BÁO CÁO CHÍNH TRỊ", "BÁO CÁO CHÍNH TRỊ (MẪU XÃ AN)"))

    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    sign_in(page, base, "commune", f"/congresses/org/{tree.commune_a.pk}/templates/")
    form = "#template-form"
    page.fill(f"{form} [name=valid_from]", "01/01/2023")
    page.set_input_files(f"{form} [name=file]", str(bad))
    _submit(page, f"{form} button[type=submit]")
    assert "bai_hoc_rut_ra" in page.locator(form).inner_text()
    assert not CongressTemplate.objects.exists()
    page.fill(f"{form} [name=valid_from]", "01/01/2023")
    page.fill(f"{form} [name=name]", "Mẫu báo cáo chính trị của xã An")
    page.set_input_files(f"{form} [name=file]", str(good))
    _submit(page, f"{form} button[type=submit]")
    assert "Mẫu báo cáo chính trị của xã An" in page.locator("#versions").inner_text()
    context.close()

    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, base, "secretary_a", "/")
    with page.expect_navigation():
        page.click("nav.mainnav >> text=Đại hội")
    with page.expect_navigation():
        page.click("#own a")
    row = plan.cells.get(cell=tree.cell_a)
    assert page.url == f"{base}/congresses/{row.pk}/"
    page.fill("#draft-form [name=achievements]", "Bê tông hóa 2 km đường nội bản.")
    _submit(page, "#draft-form button[type=submit]")
    with page.expect_download() as info:
        page.click("#documents a:has-text('.docx') >> nth=0")
    path = tmp_path / "report.docx"
    info.value.save_as(path)
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO CHÍNH TRỊ (MẪU XÃ AN)" in text
    assert "Bê tông hóa 2 km đường nội bản." in text and "Chi bộ bản Áng" in text
    context.close()
