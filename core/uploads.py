"""Uploaded files: their type read from the content, never from the name; the size limit; the names
they are stored and served under; and serving them back as downloads that a browser saves rather than
renders.

Every upload of the platform (an achievement's attachments, an import workbook, a file in an inquiry,
a signed contract) passes through ``upload_check``, which refuses a file over
``settings.ATTACHMENT_MAX_BYTES``, an archive that would unpack beyond the limits (``archive_check``),
a file of a type the caller does not accept, an Office file with macros (.docm, .xlsm, .pptm, or a .doc
with a VBA project, whatever it is called) or a file whose first bytes hold web-page markup (a PDF/HTML
polyglot), with the message shown next to the form field.

A file is stored under a generated name with the extension of its detected type
(``stored_as`` and ``generated_file_name``: ``achievements/2027/03/4f1c….pdf``), never under the
name the uploader gave, which is kept as data (``original_name``, cleaned to one line) and given back
on download with the extension of the detected type (``download_name``): a PDF uploaded as
``report.html`` is stored and downloaded as a ``.pdf``, so that no browser or file manager opens it
as a web page.
"""

import io
import mimetypes
import os
import re
import uuid
import zipfile
from collections.abc import Collection
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.validators import single_line

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
OLE = "application/x-ole-storage"  # .doc, .xls, .ppt
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
# Not a type anyone may upload: an Office file carrying macros (a VBA project), refused everywhere.
MACRO_ENABLED = "application/vnd.ms-office.macro-enabled"

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
# A central directory entry takes 46 bytes plus its name and extra fields; a directory larger than this
# per announced member is padded with members the end record does not count.
_DIRECTORY_BYTES_PER_MEMBER = 1024
# Members that unpack to at most this much are never refused for their ratio: a small run of blank
# XML may compress a thousand times over without harm.
_RATIO_EXEMPT_BYTES = 1024 * 1024

# The refusals of ``archive_check``, by code (importers map them onto their own messages).
ARCHIVE_MESSAGES = {
    "archive_unpacked_size": _lazy(
        "This file unpacks to %(size)s MB; files may unpack to at most %(limit)s MB."
    ),
    "archive_compression_ratio": _lazy(
        "Part of this file unpacks to %(ratio)s times its packed size; at most %(limit)s times is "
        "accepted. Save the file again in Office or WPS and upload it."
    ),
    "archive_members": _lazy("This file holds %(count)s parts; at most %(limit)s are accepted."),
}
# Office 2007+ files with macros: a VBA project part, or a macro-enabled main part (.docm, .xlsm, .pptm
# and their templates and add-ins).
_VBA_PROJECT_PART = re.compile(r"(^|/)vbaProject\.bin$", re.IGNORECASE)
_MACRO_ENABLED_CONTENT_TYPE = re.compile(rb"macroEnabled", re.IGNORECASE)
# Office 97–2003 files with macros hold a VBA project stream; its name is stored in UTF-16.
_OLE_VBA_PROJECT = "_VBA_PROJECT".encode("utf-16-le")
_SCAN_CHUNK_BYTES = 1024 * 1024

# How far markup is looked for: more than the 1,445 bytes a browser reads to guess a file's type.
_MARKUP_HEAD_BYTES = 4096
# Web-page markup that has no business in the first bytes of a document or an image: a PDF or an image
# that is also an HTML page (a polyglot) runs its script when opened as a web page.
_MARKUP = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|frame|object|embed|svg|meta|link|style|form|"
    rb"img|a\s+href|base|xml-stylesheet)\b|<\?xml-stylesheet",
    re.IGNORECASE,
)

# The extension a stored file gets for its detected type.
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", DOCX: ".docx", XLSX: ".xlsx", PPTX: ".pptx"}
# The extensions a download of the type may keep from the uploader's name (the first is the stored one).
_NAME_EXTENSIONS = {
    PDF: (".pdf",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg", ".jpe"),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    PPTX: (".pptx",),
    # Word, Excel, PowerPoint 97–2003, their templates, and the WPS Office formats share one container.
    OLE: (".doc", ".dot", ".xls", ".xlt", ".ppt", ".pot", ".pps", ".wps", ".et", ".dps"),
}
# An Office 97–2003 file named otherwise is stored and served as a plain binary file.
_UNKNOWN_EXTENSION = ".bin"


def sniff_content_type(head: bytes, zip_names: list[str] | None = None) -> str | None:
    """The known type of a file from its first bytes (and, for zips, its member names), or None."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head.startswith(_ZIP_SIGNATURE) and zip_names is not None and "[Content_Types].xml" in zip_names:
        if any(_VBA_PROJECT_PART.search(name) for name in zip_names):
            return MACRO_ENABLED
        for prefix, content_type in _OFFICE_ZIP_TYPES.items():
            if any(name.startswith(prefix) for name in zip_names):
                return content_type
    return None


def _zip_has_macro_content_type(archive: zipfile.ZipFile) -> bool:
    with archive.open("[Content_Types].xml") as part:
        # a content-types part is a few kilobytes; a larger one is read no further than this
        return _MACRO_ENABLED_CONTENT_TYPE.search(part.read(_SCAN_CHUNK_BYTES)) is not None


def _holds(file: IO[bytes], needle: bytes) -> bool:
    """Whether the file's bytes hold ``needle`` anywhere, read in chunks."""
    file.seek(0)
    tail = b""
    while chunk := file.read(_SCAN_CHUNK_BYTES):
        if needle in tail + chunk:
            return True
        tail = chunk[-len(needle) :]
    return False


def file_content_type(file: IO[bytes]) -> str | None:
    """The known type of an open file (an upload or a ``BytesIO``), read from its content (an Office
    file with macros is ``MACRO_ENABLED``); the file is left at its start."""
    file.seek(0)
    head = file.read(_HEAD_BYTES)
    file.seek(0)
    names = None
    macro_content_type = False
    if head.startswith(_ZIP_SIGNATURE):
        try:
            names = [member.filename for member in _zip_members(file)]
            if "[Content_Types].xml" in names:
                file.seek(0)
                with zipfile.ZipFile(file) as archive:
                    macro_content_type = _zip_has_macro_content_type(archive)
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            NotImplementedError,
            OSError,
            EOFError,
            ValidationError,
        ):
            names = None  # not a zip after all, or one too large to open: no known type
        file.seek(0)
    content_type = sniff_content_type(head, names)
    office_zip_with_macros = content_type in _OFFICE_ZIP_TYPES.values() and macro_content_type
    if office_zip_with_macros or (content_type == OLE and _holds(file, _OLE_VBA_PROJECT)):
        content_type = MACRO_ENABLED
    file.seek(0)
    return content_type


def holds_markup(file: IO[bytes]) -> bool:
    """Whether the first bytes of the file hold web-page markup (``<html``, ``<script``, ``<svg``…);
    the file is left at its start."""
    file.seek(0)
    head = file.read(_MARKUP_HEAD_BYTES)
    file.seek(0)
    return _MARKUP.search(head) is not None


def _refuse(code: str, **params) -> ValidationError:
    return ValidationError(ARCHIVE_MESSAGES[code], code=code, params=params)


def _zip_members(file: IO[bytes]) -> list[zipfile.ZipInfo]:
    """The members listed in a zip's central directory, read without unpacking anything.

    The end record is read first (as ``zipfile`` itself reads it): a directory announcing more members
    than ``settings.UPLOAD_MAX_ARCHIVE_MEMBERS``, or larger than such a directory can be, is refused
    before ``zipfile`` builds an object per entry.
    """
    limit = settings.UPLOAD_MAX_ARCHIVE_MEMBERS
    # zipfile's own reader of the end record (private, but the very one ZipFile trusts below), so both
    # read the same record even when the archive comment holds a forged one.
    end = zipfile._EndRecData(file)
    if end is None:
        raise zipfile.BadZipFile("no end of central directory")
    announced, directory_bytes = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]
    if announced > limit:
        raise _refuse("archive_members", count=announced, limit=limit)
    if directory_bytes > limit * _DIRECTORY_BYTES_PER_MEMBER:  # entries the end record does not count
        raise _refuse("archive_members", count=directory_bytes // _DIRECTORY_BYTES_PER_MEMBER, limit=limit)
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (OSError, ValueError, EOFError) as error:  # a damaged directory
        raise zipfile.BadZipFile(str(error)) from error
    if len(members) > limit:
        raise _refuse("archive_members", count=len(members), limit=limit)
    return members


def archive_check(file: IO[bytes]) -> None:
    """Refuses (``ValidationError`` with a code of ``ARCHIVE_MESSAGES``) a zip-based file (.docx,
    .xlsx, .pptx) that would unpack beyond the limits, from its central directory alone, before anything
    is unpacked: more than ``settings.UPLOAD_MAX_ARCHIVE_MEMBERS`` members, more than
    ``settings.UPLOAD_MAX_UNPACKED_BYTES`` in all, or a member unpacking to more than
    ``settings.UPLOAD_MAX_COMPRESSION_RATIO`` times its packed size (a compression bomb: a few MB that
    unpack to gigabytes). Other files pass; the file is left at its start.

    The sizes a directory declares are binding: ``zipfile`` stops unpacking a member at its declared
    size (and then fails its checksum), so a member cannot unpack to more than the directory says.
    """
    file.seek(0)
    is_zip = file.read(len(_ZIP_SIGNATURE)) == _ZIP_SIGNATURE
    try:
        members = _zip_members(file) if is_zip else []
    except zipfile.BadZipFile:
        members = []  # not a zip: nothing to unpack (the type check refuses it)
    finally:
        file.seek(0)
    ratio_limit = settings.UPLOAD_MAX_COMPRESSION_RATIO
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_EXEMPT_BYTES and ratio > ratio_limit:
            raise _refuse("archive_compression_ratio", ratio=int(ratio), limit=ratio_limit)
    unpacked = sum(member.file_size for member in members)
    if unpacked > settings.UPLOAD_MAX_UNPACKED_BYTES:
        raise _refuse(
            "archive_unpacked_size",
            size=_megabytes(unpacked),
            limit=_megabytes(settings.UPLOAD_MAX_UNPACKED_BYTES),
        )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")


def content_type_of(content: bytes) -> str | None:
    """The known type of a file's bytes."""
    return file_content_type(io.BytesIO(content))


def upload_check(uploaded_file, *, field: str, accepted: Collection[str], refusal: str) -> str:
    """The type of an uploaded file, once it is known to be within the size limit, not to unpack beyond
    the limits (``archive_check``) and to be of an ``accepted`` type; otherwise a ValidationError on
    ``field``: the size and the limit in MB, what the archive would unpack to, or ``refusal`` (which
    says what may be uploaded there)."""
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
    try:
        archive_check(uploaded_file)
    except ValidationError as error:
        raise ValidationError({field: error}) from error
    content_type = file_content_type(uploaded_file)
    if content_type == MACRO_ENABLED:
        raise ValidationError(
            {
                field: _(
                    "Office files with macros (such as .docm, .xlsm, .pptm) cannot be uploaded: save it "
                    "without macros (.docx, .xlsx, .pptx) and upload that."
                )
            },
            code="macro_enabled",
        )
    if content_type not in accepted:
        raise ValidationError({field: refusal})
    if holds_markup(uploaded_file):
        raise ValidationError(
            {
                field: _(
                    "This file also holds web-page code (HTML or script) and cannot be uploaded; "
                    "export or scan the document again and upload that file."
                )
            },
            code="markup",
        )
    return content_type


def document_check(uploaded_file, *, field: str) -> str:
    """``upload_check`` for a document attached to a record: PDF, PNG, JPEG or an office file."""
    return upload_check(
        uploaded_file,
        field=field,
        accepted=DOCUMENT_TYPES,
        refusal=_("Only PDF, PNG, JPEG and Office documents (Word, Excel, PowerPoint) can be attached."),
    )


# --- names ------------------------------------------------------------------------------------------

_NAME_MAX_LENGTH = 200


def _extension(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def original_name(uploaded_file, *, default: str = "") -> str:
    """The name the uploader gave a file, kept as data: without any folder, on one line, without
    control characters or direction overrides (``发票\u202efdp.exe`` would read ``发票exe.pdf``), at
    most 200 characters with its extension kept."""
    name = single_line(os.path.basename((uploaded_file.name or "").replace("\\", "/"))).strip()
    if not name:
        return default
    if len(name) > _NAME_MAX_LENGTH:
        stem, extension = os.path.splitext(name)
        extension = extension[:20]
        name = stem[: _NAME_MAX_LENGTH - len(extension)] + extension
    return name


def stored_extension(content_type: str, name: str = "") -> str:
    """The extension a file of ``content_type`` is stored under: the type's own, or for an Office
    97–2003 file the uploader's when it is one of that container's (``.doc``, ``.xls``…), else ``.bin``."""
    if content_type in EXTENSIONS:
        return EXTENSIONS[content_type]
    extension = _extension(name)
    return extension if extension in _NAME_EXTENSIONS.get(content_type, ()) else _UNKNOWN_EXTENSION


def stored_as(uploaded_file, content_type: str) -> File:
    """The uploaded file, named for storage by its detected type (``upload.pdf``); the model field's
    ``upload_to`` (``generated_file_name``) gives it a generated name with that extension."""
    return File(uploaded_file, name=f"upload{stored_extension(content_type, uploaded_file.name or '')}")


def generated_file_name(filename: str) -> str:
    """A new, unguessable file name (``4f1c…e2.pdf``) keeping only a known extension of ``filename``;
    for ``upload_to``."""
    extension = _extension(filename)
    known = {extension for extensions in _NAME_EXTENSIONS.values() for extension in extensions}
    return f"{uuid.uuid4().hex}{extension if extension in known else _UNKNOWN_EXTENSION}"


def download_name(name: str, content_type: str | None) -> str:
    """The name a file is downloaded under: the uploader's, with the extension of its detected type
    when its own is not one of that type's (``report.html`` holding a PDF downloads as ``report.pdf``)."""
    allowed = _NAME_EXTENSIONS.get(content_type or "")
    if not allowed or _extension(name) in allowed:
        return name
    stem = os.path.splitext(name)[0] or "file"
    return f"{stem}{stored_extension(content_type, name)}"


def download_response(file: File, *, filename: str | None, content_type: str | None = None) -> FileResponse:
    """A stored file served as a download (``Content-Disposition: attachment``, with the name in RFC
    5987's ``filename*``), so that a browser saves it rather than rendering it on the platform's origin.
    ``filename`` is the name the uploader gave (None: the stored file's); ``content_type`` the type
    sniffed on upload (None: read from the stored name, whose extension is its detected type's). The
    name is served with the extension of that type (``download_name``). ``nosniff`` keeps browsers from
    second-guessing the type, and a sandboxing content security policy keeps a file that is opened
    anyway from running script on the platform's origin."""
    if content_type is None:
        content_type = mimetypes.guess_type(file.name or "")[0] or "application/octet-stream"
    name = download_name(filename or os.path.basename(file.name or ""), content_type)
    response = FileResponse(file.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
