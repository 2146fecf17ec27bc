"""Uploaded files: their type read from the content, never from the name; the size limit; and serving
them back as downloads that a browser saves rather than renders.

Every upload of the platform (an achievement's attachments, an import workbook, a file in an inquiry,
a signed contract) passes through ``upload_check``, which refuses a file over
``settings.ATTACHMENT_MAX_BYTES``, an archive that would unpack beyond the limits (``archive_check``)
or a file of a type the caller does not accept, with the message shown next to the form field.
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
from django.utils.translation import gettext_lazy as _lazy

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
            names = [member.filename for member in _zip_members(file)]
        except (zipfile.BadZipFile, ValidationError):
            names = None  # not a zip after all, or one too large to open: no known type
        file.seek(0)
    return sniff_content_type(head, names)


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
