"""The Party's document format (HD 36-HD/VPTW, 2018) as python-docx building blocks: an A4
page in Times New Roman, paragraphs and tables in 14 pt, the letterhead (upper body, issuer and
"*" top left with the number under them; "ĐẢNG CỘNG SẢN VIỆT NAM" top right, 15 pt, bold,
underlined, with the place and date in italics under it), the type and title, the signature
block; and the words the documents write dates and numbers with.

Dates follow the rule for documents: a day under 10 and the months 1 and 2 take a leading zero
("ngày 05 tháng 02 năm 2023", "ngày 24 tháng 3 năm 2023"). Text is stored as Unicode (NFC), with
Times New Roman named for every script slot (ascii, hAnsi, eastAsia, cs) and the language set to
vi-VN, so Word and LibreOffice neither fall back to another font for the letters with two marks
(ệ, ở, ữ...) nor flag every word as misspelt.
"""

import datetime
import re
import unicodedata
from decimal import Decimal

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from chibo.core import vn

FONT = "Times New Roman"
BODY_PT = 14
ISSUER_CODE = "CB"  # chi bộ

# Characters XML 1.0 does not allow (python-docx refuses them): controls other than tab and
# newline, lone surrogates, U+FFFE/U+FFFF.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text) -> str:
    """Text fit for the document: NFC (Unikey's "tổ hợp" and macOS type decomposed letters),
    without characters XML cannot hold, newlines as \\n."""
    text = "" if text is None else str(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return NOT_XML.sub("", unicodedata.normalize("NFC", text))


def lines(text) -> list[str]:
    """The non-blank lines of a multi-line field, one paragraph each."""
    return [line.strip() for line in clean(text).split("\n") if line.strip()]


# --- words and numbers ---------------------------------------------------------------------------


def number_text(number: int | None, doc_type: str) -> str:
    """5, 'NQ' -> 'Số 05-NQ/CB'; None (a record saved before numbers were written with it)
    -> 'Số ....-NQ/CB', the blank a number is written into by hand."""
    if number is None:
        return f"Số ....-{doc_type}/{ISSUER_CODE}"
    return f"Số {number:02d}-{doc_type}/{ISSUER_CODE}"


def long_date(on: datetime.date) -> str:
    """'ngày 24 tháng 3 năm 2023', 'ngày 05 tháng 02 năm 2023' (HD 36: leading zero on days
    under 10 and on months 1 and 2)."""
    month = f"{on.month:02d}" if on.month <= 2 else str(on.month)
    return f"ngày {on.day:02d} tháng {month} năm {on.year}"


def place_and_date(place: str, on: datetime.date) -> str:
    text = long_date(on)
    return f"{place}, {text}" if place else text[0].upper() + text[1:]


# The committees of the upper levels go by their own names: Tỉnh ủy, Huyện ủy, Thành ủy...
UPPER_COMMITTEES = (
    ("tỉnh ", "Tỉnh ủy "),
    ("thành phố ", "Thành ủy "),
    ("huyện ", "Huyện ủy "),
    ("thị xã ", "Thị ủy "),
    ("quận ", "Quận ủy "),
)


def committee_of(name: str) -> str:
    """'Đảng bộ xã An' -> 'Đảng ủy xã An', 'Đảng bộ tỉnh Sơn La' -> 'Tỉnh ủy Sơn La': the
    committee that leads a Party organization (it receives a cell's reports and issues the
    organization's decisions)."""
    if not name.lower().startswith("đảng bộ "):
        return name
    rest = name[len("Đảng bộ ") :]
    for level, committee in UPPER_COMMITTEES:
        if rest.lower().startswith(level):
            return committee + rest[len(level) :]
    return "Đảng ủy " + rest


def month_text(month: datetime.date) -> str:
    return f"tháng {month.month} năm {month.year}"


def time_text(t: datetime.time | None) -> str:
    return f"{t.hour} giờ {t.minute:02d} phút" if t else ""


def amount(value: Decimal | None) -> str:
    return "" if value is None else vn.format_decimal(value, 2)


def upper(text: str) -> str:
    return clean(text).upper()


# --- building blocks ----------------------------------------------------------------------


FONT_SLOTS = [qn(f"w:{slot}") for slot in ("ascii", "hAnsi", "eastAsia", "cs")]


def set_fonts(rpr):
    """Times New Roman in every script slot; drop theme fonts, which would win over it."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for slot in FONT_SLOTS:
        fonts.set(slot, FONT)


def set_lang(rpr):
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")


def new_document(title: str, author: str) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr)
    set_lang(rpr)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    set_fonts(normal.element.get_or_add_rPr())
    set_lang(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(6), 1.0
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.language, props.comments = "vi-VN", ""
    props.created = props.modified = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    return doc


def run(p, text, *, bold=False, italic=False, underline=False, size=BODY_PT):
    """A run of `text` with its properties written out in the schema's order (rFonts, b, i, sz,
    szCs, u): python-docx's setters search the order on every call, which costs seconds on a
    long record."""
    r = p.add_run(clean(text))
    rpr = r._r.get_or_add_rPr()
    rpr.append(OxmlElement("w:rFonts", dict.fromkeys(FONT_SLOTS, FONT)))
    if bold:
        rpr.append(OxmlElement("w:b"))
    if italic:
        rpr.append(OxmlElement("w:i"))
    half_points = str(int(size * 2))
    rpr.append(OxmlElement("w:sz", {qn("w:val"): half_points}))
    rpr.append(OxmlElement("w:szCs", {qn("w:val"): half_points}))
    if underline:
        rpr.append(OxmlElement("w:u", {qn("w:val"): "single"}))
    return r


def para(container, text="", *, align=None, indent=True, after=6, keep=None, **style):
    """A paragraph; a line in bold or italics leads what follows, so it keeps with it on the
    page (`keep` overrides)."""
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_after = Pt(after)
    if keep if keep is not None else bool(text and (style.get("bold") or style.get("italic"))):
        fmt.keep_with_next = True
    if align is not None:
        p.alignment = align
    else:
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            fmt.first_line_indent = Mm(10)
    if text:
        run(p, text, **style)
    return p


def labelled(container, label, text):
    """'Label: text', the label bold."""
    p = para(container)
    run(p, label, bold=True)
    run(p, text)
    return p


def heading(container, text):
    return para(container, text, bold=True, indent=True, after=6)


def centre(container, text, **style):
    return para(container, text, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, **style)


def no_borders(table):
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(OxmlElement(f"w:{edge}", {qn("w:val"): "nil"}))
    # In the schema's place: Word refuses a table property out of order.
    table._tbl.tblPr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"
    )


def cell_text(cell, text, *, align=None, **style):
    """Text in the (new, empty) first paragraph of a table cell; the run."""
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    if align is not None:
        p.alignment = align
    return run(p, text, **style)


def widths(table, widths_mm):
    """Column widths for Word (each cell's tcW) and LibreOffice (the grid's gridCol)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def grid(doc, headers, rows, widths_mm):
    """A bordered table: a bold header row, then the rows (text), the first column centred."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell_text(cell, text, bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    # The header row repeats on every page the table runs over.
    header_pr = table.rows[0]._tr.get_or_add_trPr()
    header_pr.append(OxmlElement("w:tblHeader"))
    for values in rows:
        row = table.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        cells = row.cells
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            cell_text(cell, text, size=13, align=WD_ALIGN_PARAGRAPH.CENTER if i == 0 else None)
    widths(table, widths_mm)
    para(doc, after=0)
    return table


def letterhead(doc, *, upper_body: str, issuer: str, number: str, place: str, on: datetime.date):
    """The two columns at the top: issuer and number left, the Party's name and the date right."""
    table = doc.add_table(rows=2, cols=2)
    no_borders(table)
    left, right = table.rows[0].cells
    middle = WD_ALIGN_PARAGRAPH.CENTER
    cell_text(left, upper(upper_body), align=middle)
    centre(left, upper(issuer), bold=True)
    centre(left, "*")
    cell_text(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=15, align=middle)
    number_cell, date_cell = table.rows[1].cells
    cell_text(number_cell, number, align=middle)
    cell_text(date_cell, place_and_date(place, on), italic=True, align=middle)
    widths(table, [80, 85])


def type_and_title(doc, kind: str, title: str, topic: str = ""):
    """'BIÊN BẢN' (15 pt) and the title, bold and centred, then a short rule."""
    para(doc, after=0)
    centre(doc, kind, bold=True, size=15)
    centre(doc, title, bold=True)
    if topic:
        centre(doc, f"Chuyên đề: {topic}", bold=True)
    centre(doc, "-----")
    para(doc, after=0)


def signatures(doc, left: list[tuple[str, bool]], right: list[tuple[str, bool]], *, small=()):
    """Two columns of lines (text, bold) under the body; `small` line indexes of the left column
    are 12 pt (the "Nơi nhận" list). The body's last paragraph and the block stay on one page."""
    last = doc.paragraphs[-1]
    last.paragraph_format.keep_with_next = True
    para(doc, after=0, keep=True)
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for cell, lines_, is_left in (
        (table.rows[0].cells[0], left, True),
        (table.rows[0].cells[1], right, False),
    ):
        for i, (text, bold) in enumerate(lines_):
            p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.keep_with_next = i < len(lines_) - 1
            size = 12 if (is_left and i in small) else BODY_PT
            if not (is_left and small):
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run(p, text, bold=bold, size=size, underline=bool(is_left and small and i == 0))
    widths(table, [80, 85])
