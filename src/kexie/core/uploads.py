"""Uploaded files (attachments, source documents, drafts to check): what the bytes really are, not
what the name says — one check for every app that accepts a file."""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError

from kexie.core.errors import DomainError
from kexie.core.text import clean_text, validate_plain_text

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# detected kind → (content type, accepted extensions)
FILE_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "png": ("image/png", (".png",)),
    "webp": ("image/webp", (".webp",)),
    "pdf": ("application/pdf", (".pdf",)),
    "docx": (DOCX, (".docx",)),
    "xlsx": (XLSX, (".xlsx",)),
}
ACCEPTED_EXTENSIONS = tuple(ext for _, exts in FILE_TYPES.values() for ext in exts)
ACCEPT_HINT = "照片（jpg、png、webp）或文档（pdf、docx、xlsx）"


def sniff_file_type(upload) -> str | None:
    """What the bytes are (not what the name says): jpeg, png, webp, pdf, docx, xlsx or None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" not in names or any(n.lower().endswith("vbaproject.bin") for n in names):
            return None  # not an Office file, or one with macros
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def original_name(name: str) -> str:
    """The file name as shown to users: no path, no invisible characters."""
    base = clean_text(Path(str(name).replace("\\", "/")).name)[:255]
    try:
        validate_plain_text(base)
    except ValidationError:
        base = "附件" + Path(base).suffix.lower()[:8]
    return base or "附件"


def validate_upload(upload) -> str:
    """The detected type (a key of FILE_TYPES) of an acceptable upload, or DomainError with the reason."""
    name = original_name(getattr(upload, "name", "") or "")
    size = upload.size
    if not size:
        raise DomainError(f"“{name}”是空文件。", field="file")
    if size > MAX_UPLOAD_BYTES:
        raise DomainError(
            f"“{name}”过大（{size / 1048576:.1f} MB），每个附件不能超过 {MAX_UPLOAD_BYTES // 1048576} MB。",
            field="file",
        )
    ext = Path(name).suffix.lower()
    if ext not in ACCEPTED_EXTENSIONS:
        raise DomainError(f"不支持“{ext or '无扩展名'}”文件，只能上传{ACCEPT_HINT}。", field="file")
    detected = sniff_file_type(upload)
    if detected is None:
        raise DomainError(
            f"“{name}”的内容不是有效的{ACCEPT_HINT}（文件可能已损坏、被改了扩展名，或含有宏）。", field="file"
        )
    if ext not in FILE_TYPES[detected][1]:
        raise DomainError(
            f"“{name}”的扩展名是{ext}，但内容是 {detected.upper()} 文件；请改正扩展名后再上传。", field="file"
        )
    return detected
