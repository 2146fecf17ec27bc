"""core.uploads: a file's type read from its content, the size limit and the download response."""

import io
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from core import uploads
from tests.core import archives

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"


def office_zip(main_part: str, *, with_content_types: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if with_content_types:
            archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF, uploads.PDF),
        (PNG, uploads.PNG),
        (JPEG, uploads.JPEG),
        (OLE, uploads.OLE),
        (office_zip("word/document.xml"), uploads.DOCX),
        (office_zip("xl/workbook.xml"), uploads.XLSX),
        (office_zip("ppt/presentation.xml"), uploads.PPTX),
        (office_zip("word/document.xml", with_content_types=False), None),
        (office_zip("notes/readme.xml"), None),
        (b"PK\x03\x04 not really a zip", None),
        (b"just text pretending to be a PDF", None),
        (b"", None),
    ],
    ids=[
        "pdf",
        "png",
        "jpeg",
        "ole",
        "docx",
        "xlsx",
        "pptx",
        "bare-zip",
        "other-zip",
        "broken-zip",
        "text",
        "empty",
    ],
)
def test_the_type_is_read_from_the_content(content, expected):
    assert uploads.content_type_of(content) == expected


def test_the_name_and_the_declared_type_do_not_count():
    upload = SimpleUploadedFile("report.pdf", b"<script>alert(1)</script>", content_type="application/pdf")

    assert uploads.file_content_type(upload) is None


def test_reading_the_type_leaves_the_file_at_its_start():
    upload = SimpleUploadedFile("slides.pptx", office_zip("ppt/presentation.xml"))
    upload.read(5)

    assert uploads.file_content_type(upload) == uploads.PPTX
    assert upload.tell() == 0


def test_an_accepted_file_within_the_limit_passes_with_its_type(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("scan.jpg", JPEG + b"0" * 1000)

    content_type = uploads.upload_check(upload, field="scan", accepted=uploads.SCAN_TYPES, refusal="No.")

    assert content_type == uploads.JPEG


def test_a_file_over_the_limit_is_refused_on_its_field_whatever_its_type(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * (2 * 1024 * 1024))

    with pytest.raises(ValidationError) as error:
        uploads.upload_check(upload, field="scan", accepted=uploads.SCAN_TYPES, refusal="No.")

    assert error.value.message_dict == {"scan": ["The file is 2.0 MB; files may be at most 1 MB."]}


def test_a_file_of_a_type_not_accepted_there_is_refused_with_the_callers_message():
    upload = SimpleUploadedFile("contract.docx", office_zip("word/document.xml"))

    with pytest.raises(ValidationError) as error:
        uploads.upload_check(upload, field="scan", accepted=uploads.SCAN_TYPES, refusal="A PDF or an image.")

    assert error.value.message_dict == {"scan": ["A PDF or an image."]}


def test_a_document_may_be_a_pdf_an_image_or_an_office_file():
    assert uploads.document_check(SimpleUploadedFile("a.xls", OLE), field="file") == uploads.OLE

    with pytest.raises(ValidationError) as error:
        uploads.document_check(SimpleUploadedFile("a.txt", b"plain text"), field="attachment")

    assert error.value.message_dict == {
        "attachment": ["Only PDF, PNG, JPEG and Office documents (Word, Excel, PowerPoint) can be attached."]
    }


def test_a_download_is_an_attachment_with_the_uploaders_name_and_the_sniffed_type():
    response = uploads.download_response(
        ContentFile(PDF, name="stored/abc123.pdf"), filename="合同 扫描件.pdf", content_type=uploads.PDF
    )

    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == "attachment; filename*=utf-8''%E5%90%88%E5%90%8C%20%E6%89%AB%E6%8F%8F%E4%BB%B6.pdf"
    )
    assert b"".join(response.streaming_content) == PDF


def test_a_download_without_a_name_or_type_takes_the_stored_files():
    response = uploads.download_response(ContentFile(PNG, name="scan.png"), filename=None)

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="scan.png"'


# --- archives: compression bombs and their kin ---------------------------------------------------


def _unpacking_fails(*args, **kwargs):
    raise AssertionError("a member was unpacked")


def test_a_workbook_whose_shared_strings_unpack_to_a_gigabyte_is_refused_on_upload(tmp_path, monkeypatch):
    # given a 3 MB .xlsx whose xl/sharedStrings.xml unpacks to 1 GB
    bomb = archives.compression_bomb(tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 4 * 1024 * 1024
    monkeypatch.setattr(zipfile.ZipFile, "open", _unpacking_fails)

    # when it is uploaded as an import workbook
    with bomb.open("rb") as handle, pytest.raises(ValidationError) as error:
        upload = SimpleUploadedFile("成果.xlsx", handle.read())
        uploads.upload_check(upload, field="file", accepted={uploads.XLSX}, refusal="An .xlsx.")

    # then it is refused from its directory, before anything is unpacked
    assert error.value.message_dict == {
        "file": [
            "Part of this file unpacks to 339 times its packed size; at most 100 times is accepted. "
            "Save the file again in Office or WPS and upload it."
        ]
    }
    assert error.value.error_dict["file"][0].code == "archive_compression_ratio"


def test_a_bomb_under_the_ratio_is_refused_for_its_unpacked_size(tmp_path, settings):
    settings.UPLOAD_MAX_COMPRESSION_RATIO = 1000
    bomb = archives.compression_bomb(tmp_path / "bomb.xlsx")

    with bomb.open("rb") as handle, pytest.raises(ValidationError) as error:
        uploads.archive_check(handle)

    assert (error.value.code, error.value.messages) == (
        "archive_unpacked_size",
        ["This file unpacks to 1024 MB; files may unpack to at most 100 MB."],
    )


def test_an_attached_document_is_checked_the_same_way(settings):
    settings.UPLOAD_MAX_UNPACKED_BYTES = 1024 * 1024
    docx = archives.office_zip("word/document.xml", members=3, filler=b"<p/>" * 100_000)

    with pytest.raises(ValidationError) as error:
        uploads.document_check(SimpleUploadedFile("报告.docx", docx), field="attachment")

    assert error.value.message_dict == {
        "attachment": ["This file unpacks to 1.1 MB; files may unpack to at most 1 MB."]
    }


def test_ordinary_office_files_pass_the_archive_check():
    workbook = Workbook()
    workbook.active.append(["标题*", "摘要*"])
    workbook.active.append(["=1+1", "空白" * 1000])
    buffer = io.BytesIO()
    workbook.save(buffer)

    for content in (buffer.getvalue(), archives.office_zip("word/document.xml", members=20), PDF):
        upload = SimpleUploadedFile("file", content)
        uploads.archive_check(upload)
        assert upload.tell() == 0


def test_a_small_part_may_compress_far_without_being_refused():
    docx = archives.office_zip("word/document.xml", members=1, filler=b" " * (1024 * 1024))

    uploads.archive_check(io.BytesIO(docx))

    assert uploads.content_type_of(docx) == uploads.DOCX


def test_an_archive_with_more_parts_than_the_limit_is_refused(settings):
    settings.UPLOAD_MAX_ARCHIVE_MEMBERS = 10
    docx = archives.office_zip("word/document.xml", members=9)

    with pytest.raises(ValidationError) as error:
        uploads.document_check(SimpleUploadedFile("a.docx", docx), field="attachment")

    assert error.value.message_dict == {"attachment": ["This file holds 11 parts; at most 10 are accepted."]}
    # Sniffing such a file never opens it: it has no known type.
    assert uploads.content_type_of(docx) is None


def test_a_directory_larger_than_its_end_record_announces_is_refused_before_it_is_read(settings, monkeypatch):
    settings.UPLOAD_MAX_ARCHIVE_MEMBERS = 2
    # 60 entries of about 70 bytes: a directory over 2 × 1 KiB, announced as holding one member
    forged = archives.with_announced_members(archives.office_zip("word/document.xml", members=58), 1)
    monkeypatch.setattr(zipfile, "ZipFile", _unpacking_fails)

    with pytest.raises(ValidationError) as error:
        uploads.archive_check(io.BytesIO(forged))

    assert error.value.code == "archive_members"


def test_a_member_cannot_unpack_to_more_than_its_directory_declares(tmp_path):
    """What archive_check relies on: zipfile stops at the declared size and then fails the checksum."""
    data = b"A" * (1024 * 1024)
    deflated = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = deflated.compress(data) + deflated.flush()
    path = archives.write_zip(tmp_path / "liar.zip", [("xl/sharedStrings.xml", raw, zlib.crc32(data), 1000)])

    with zipfile.ZipFile(path) as archive, archive.open("xl/sharedStrings.xml") as member:
        with pytest.raises(zipfile.BadZipFile):
            member.read()
        assert member.tell() <= 1000
