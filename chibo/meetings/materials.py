"""What a meeting material may be: a PDF, DOCX, XLSX, ODT, JPEG or PNG file no larger than
settings.CHIBO_MATERIAL_MAX_BYTES, recognized by its content (never by its name alone), with a
name that matches the content; and the upload handler that stops a too-large upload early.
"""

import os
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _

from chibo.core import vn

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "CHIBO_MATERIAL_MAX_BYTES", DEFAULT_MAX_BYTES))


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    content_type: str
    extensions: tuple[str, ...]


KINDS = {
    k.code: k
    for k in (
        Kind("pdf", "PDF", "application/pdf", ("pdf",)),
        Kind(
            "docx",
            "Word (DOCX)",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
        ),
        Kind(
            "xlsx",
            "Excel (XLSX)",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ("xlsx",),
        ),
        Kind("odt", "OpenDocument (ODT)", "application/vnd.oasis.opendocument.text", ("odt",)),
        Kind("jpeg", "JPEG", "image/jpeg", ("jpg", "jpeg")),
        Kind("png", "PNG", "image/png", ("png",)),
    )
}
ACCEPT = ",".join(f".{e}" for k in KINDS.values() for e in k.extensions)


class MaterialRejected(ValueError):
    """A file that may not be attached, with the message for the user."""


def _zip_kind(f) -> str | None:
    f.seek(0)
    try:
        with zipfile.ZipFile(f) as z:
            names = set(z.namelist())
            if "mimetype" in names:
                if z.read("mimetype")[:100].strip() == b"application/vnd.oasis.opendocument.text":
                    return "odt"
                return None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError):
        return None
    finally:
        f.seek(0)
    return None


def sniff(f) -> str | None:
    """The kind of a file from its first bytes (and, for a ZIP, its entries); None if none of
    the accepted kinds. Raises MaterialRejected for a program (Windows MZ, Linux ELF)."""
    f.seek(0)
    head = f.read(16)
    f.seek(0)
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        raise MaterialRejected(
            _(
                "Tệp này là một chương trình chạy được (exe), không phải tài liệu. Vì an toàn, "
                "không được đính kèm."
            )
        )
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(f)
    return None


def extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def safe_stem(name: str) -> str:
    """An ASCII, lower-case stem for the stored file ("Nghị quyết T3" -> "nghi-quyet-t3")."""
    stem = os.path.splitext(os.path.basename(name or ""))[0]
    stem = re.sub(r"[^a-z0-9]+", "-", vn.fold(stem)).strip("-")
    return stem[:60] or "tai-lieu"


def check(upload) -> Kind:
    """The accepted kind of an uploaded file; MaterialRejected with a clear message otherwise."""
    limit = max_bytes()
    if upload.size > limit:
        raise MaterialRejected(
            _("Tệp quá lớn (%(s)s); chỉ nhận tệp đến %(m)s.")
            % {"s": megabytes(upload.size), "m": megabytes(limit)}
        )
    if upload.size == 0:
        raise MaterialRejected(_("Tệp rỗng."))
    ext = extension(upload.name)
    code = sniff(upload)
    allowed = ", ".join(k.label for k in KINDS.values())
    if code is None:
        raise MaterialRejected(
            _("Không nhận dạng được nội dung tệp. Chỉ nhận: %(k)s.") % {"k": allowed}
        )
    kind = KINDS[code]
    if ext not in kind.extensions:
        raise MaterialRejected(
            _(
                "Tên tệp có đuôi “.%(e)s” nhưng nội dung là %(k)s. Vì an toàn, không nhận tệp có "
                "tên không khớp với nội dung; hãy lưu lại đúng định dạng rồi gửi lại."
            )
            % {"e": ext or "?", "k": kind.label}
        )
    return kind


def stored_name(upload, kind: Kind) -> str:
    return f"{safe_stem(upload.name)}.{kind.extensions[0]}"


class MaterialSizeLimit(FileUploadHandler):
    """Stops reading a file part once it passes the limit (the rest of the body is read and
    thrown away, so the browser gets the page with the message, not a broken connection), and
    marks the request so the view can say why the file is missing."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def new_file(self, *args, **kwargs):
        self.received = 0
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_bytes():
            self.request.material_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def too_large_message() -> str:
    return _("Tệp quá lớn; chỉ nhận tệp đến %(m)s.") % {"m": megabytes(max_bytes())}
