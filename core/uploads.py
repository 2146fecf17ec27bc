"""Uploaded files: their type read from the content, never from the name; the size limit; and serving
them back as downloads that a browser saves rather than renders.

Every upload of the platform (an achievement's attachments, an import workbook, a file in an inquiry,
a signed contract) passes through ``upload_check``, which refuses a file over
``settings.ATTACHMENT_MAX_BYTES`` or of a type the caller does not accept, with the message shown
next to the form field.
"""

import io
import zipfile
from collections.abc import Collection
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import FileResponse
from django.utils.translation import gettext as _

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
OLE = "application/x-ole-storage"  # .doc, .xls, .ppt
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

# What may be attached to a record: documents, scans and office files.
DOCUMENT_TYPES = frozenset({PDF, PNG, JPEG, OLE, DOCX, XLSX, PPTX})
# A scanned signature page: PDF or an image.
SCAN_TYPES = frozenset({PDF, PNG, JPEG})

# File types recognised by their first bytes.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE),
)
_ZIP_SIGNATURE = b"PK\x03\x04"
# Office 2007+ files are zips; the folder of their main part tells which one.
_OFFICE_ZIP_TYPES = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_HEAD_BYTES = 16


def sniff_content_type(head: bytes, zip_names: list[str] | None = None) -> str | None:
    """The known type of a file from its first bytes (and, for zips, its member names), or None."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head.startswith(_ZIP_SIGNATURE) and zip_names is not None and "[Content_Types].xml" in zip_names:
        for prefix, content_type in _OFFICE_ZIP_TYPES.items():
            if any(name.startswith(prefix) for name in zip_names):
                return content_type
    return None


def file_content_type(file: IO[bytes]) -> str | None:
    """The known type of an open file (an upload or a ``BytesIO``), read from its content; the file is
    left at its start."""
    file.seek(0)
    head = file.read(_HEAD_BYTES)
    file.seek(0)
    names = None
    if head.startswith(_ZIP_SIGNATURE):
        try:
            with zipfile.ZipFile(file) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            names = None
        file.seek(0)
    return sniff_content_type(head, names)


def content_type_of(content: bytes) -> str | None:
    """The known type of a file's bytes."""
    return file_content_type(io.BytesIO(content))


def upload_check(uploaded_file, *, field: str, accepted: Collection[str], refusal: str) -> str:
    """The type of an uploaded file, once it is known to be within the size limit and of an
    ``accepted`` type; otherwise a ValidationError on ``field``: the size and the limit in MB, or
    ``refusal`` (which says what may be uploaded there)."""
    if uploaded_file.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                field: _("The file is %(size)s MB; files may be at most %(limit)s MB.")
                % {
                    "size": round(uploaded_file.size / 1024 / 1024, 1),
                    "limit": settings.ATTACHMENT_MAX_BYTES // 1024 // 1024,
                }
            }
        )
    content_type = file_content_type(uploaded_file)
    if content_type not in accepted:
        raise ValidationError({field: refusal})
    return content_type


def document_check(uploaded_file, *, field: str) -> str:
    """``upload_check`` for a document attached to a record: PDF, PNG, JPEG or an office file."""
    return upload_check(
        uploaded_file,
        field=field,
        accepted=DOCUMENT_TYPES,
        refusal=_("Only PDF, PNG, JPEG and Office documents (Word, Excel, PowerPoint) can be attached."),
    )


def download_response(file: File, *, filename: str | None, content_type: str | None = None) -> FileResponse:
    """A stored file served as a download (``Content-Disposition: attachment``), so that a browser saves
    it rather than rendering it on the platform's origin. ``filename`` is the name the uploader gave
    (None: the stored file's); ``content_type`` the type sniffed on upload (None: guessed from the name).
    ``SECURE_CONTENT_TYPE_NOSNIFF`` keeps browsers from second-guessing the type."""
    return FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
