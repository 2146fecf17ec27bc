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


# --- macros, polyglots and names ---------------------------------------------------------------------

MACRO_CONTENT_TYPES = (
    '<Types><Override PartName="/word/document.xml" '
    'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
)


def office_zip_with(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "report.docm",
            office_zip_with(
                {
                    "[Content_Types].xml": MACRO_CONTENT_TYPES,
                    "word/document.xml": "<document/>",
                    "word/vbaProject.bin": "VBA",
                }
            ),
        ),
        # renamed, and without the VBA part the content types still say it carries macros
        (
            "report.docx",
            office_zip_with({"[Content_Types].xml": MACRO_CONTENT_TYPES, "word/document.xml": "<document/>"}),
        ),
        (
            "sheet.xlsx",
            office_zip_with(
                {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>", "xl/vbaProject.bin": "VBA"}
            ),
        ),
        ("old.doc", OLE + b"\x00" * 100 + "_VBA_PROJECT_CUR".encode("utf-16-le") + b"\x00" * 100),
    ],
    ids=["docm", "docm-renamed-docx", "xlsm-renamed-xlsx", "doc-with-vba"],
)
def test_an_office_file_with_macros_is_refused_whatever_its_name(name, content):
    upload = SimpleUploadedFile(name, content)

    assert uploads.file_content_type(upload) == uploads.MACRO_ENABLED
    with pytest.raises(ValidationError) as error:
        uploads.document_check(upload, field="file")

    assert error.value.message_dict == {
        "file": [
            "Office files with macros (such as .docm, .xlsm, .pptm) cannot be uploaded: save it without "
            "macros (.docx, .xlsx, .pptx) and upload that."
        ]
    }


def test_an_office_97_file_without_macros_is_accepted():
    content = OLE + b"\x00" * 100 + "WordDocument".encode("utf-16-le")

    assert uploads.document_check(SimpleUploadedFile("old.doc", content), field="file") == uploads.OLE


@pytest.mark.parametrize(
    "content",
    [
        PDF + b"<html><body><script>alert(document.domain)</script></body></html>\n%%EOF",
        PDF + b"1 0 obj\n<</Length 99>>\nstream\n<!DOCTYPE html><p>hi</p>",
        JPEG + b"\x00\x10<svg onload=alert(1)>",
        PNG + b"< SCRIPT src=//evil.example/x.js>",
    ],
    ids=["pdf-html", "pdf-doctype", "jpeg-svg", "png-script"],
)
def test_a_document_holding_web_page_code_is_refused(content):
    with pytest.raises(ValidationError) as error:
        uploads.document_check(SimpleUploadedFile("report.html", content), field="file")

    assert error.value.message_dict == {
        "file": [
            "This file also holds web-page code (HTML or script) and cannot be uploaded; export or scan "
            "the document again and upload that file."
        ]
    }


def test_a_pdf_with_ordinary_xml_metadata_is_accepted():
    content = PDF + b'<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'

    assert uploads.document_check(SimpleUploadedFile("report.pdf", content), field="file") == uploads.PDF


@pytest.mark.parametrize(
    ("content_type", "name", "expected"),
    [
        (uploads.PDF, "report.html", ".pdf"),
        (uploads.PDF, "report", ".pdf"),
        (uploads.JPEG, "scan.jpeg", ".jpg"),
        (uploads.DOCX, "plan.doc", ".docx"),
        (uploads.OLE, "budget.xls", ".xls"),
        (uploads.OLE, "budget.XLS", ".xls"),
        (uploads.OLE, "budget.et", ".et"),
        (uploads.OLE, "budget.html", ".bin"),
    ],
)
def test_a_file_is_stored_with_the_extension_of_its_detected_type(content_type, name, expected):
    stored = uploads.stored_as(SimpleUploadedFile(name, b"content"), content_type)
    generated = uploads.generated_file_name(stored.name)

    assert generated.endswith(expected)
    assert len(generated) == 32 + len(expected)


def test_generated_names_differ_and_do_not_keep_an_unknown_extension():
    assert uploads.generated_file_name("a.pdf") != uploads.generated_file_name("a.pdf")
    assert uploads.generated_file_name("a.html").endswith(".bin")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("合同 扫描件.pdf", "合同 扫描件.pdf"),
        ("C:\\Users\\张三\\Desktop\\合同.pdf", "合同.pdf"),
        ("../../etc/passwd", "passwd"),
        ("发票\u202efdp.exe", "发票fdp.exe"),
        ("第一行\r\n第二行.pdf", "第一行 第二行.pdf"),
        ("长" * 300 + ".pdf", "长" * 196 + ".pdf"),
        ("\u202e", "attachment"),
    ],
    ids=["chinese", "windows-path", "relative-path", "override", "line-break", "too-long", "nothing-left"],
)
def test_the_uploaders_name_is_kept_cleaned(name, expected):
    assert uploads.original_name(SimpleUploadedFile(name, b"x"), default="attachment") == expected


def test_a_download_takes_the_extension_of_its_detected_type_and_is_never_rendered():
    response = uploads.download_response(
        ContentFile(PDF, name="stored/abc123.pdf"), filename="report.html", content_type=uploads.PDF
    )

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_download_without_a_type_takes_it_from_the_stored_name_not_the_uploaders():
    response = uploads.download_response(
        ContentFile(PDF, name="market/contracts/1/abc.pdf"), filename="合同.html"
    )

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E5%90%88%E5%90%8C.pdf"
