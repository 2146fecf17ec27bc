"""Hostile archives for the tests and bench/archive_bomb.py, written byte by byte (no binary files in the
repository): a compression bomb shaped as a workbook, and archives whose directory says what we like.

``compression_bomb`` writes a real .xlsx whose shared strings unpack to ``unpacked_bytes`` (1 GB by
default) from about 3 MB: the same one-megabyte deflate block is repeated (a full flush makes each block
stand alone), so building it costs a checksum over the unpacked bytes (~0.3 s a gigabyte), not
compressing them. openpyxl would open it and read the whole table into memory.
"""

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELATIONSHIPS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="成果" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELATIONSHIPS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    '<Relationship Id="rId2" Target="sharedStrings.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    "</Relationships>"
)
SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    "</sheetData></worksheet>"
)
GIGABYTE = 1024**3
_BLOCK_BYTES = 1024 * 1024
_STRING = b"<si><t>" + b"A" * 48 + b"</t></si>"  # 64 bytes: a block holds a whole number of strings


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _dos_time() -> tuple[int, int]:
    return 0, (2024 - 1980) << 9 | 1 << 5 | 1  # 2024-01-01 00:00


def write_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip of (name, raw deflate data, CRC-32, unpacked size) members, as its directory declares them."""
    time, day = _dos_time()
    directory, offset = [], 0
    with path.open("wb") as handle:
        for name, data, crc, size in members:
            encoded = name.encode("utf-8")
            header = struct.pack(
                "<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, time, day, crc, len(data), size, len(encoded), 0
            )
            handle.write(header + encoded + data)
            entry = struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50, 20, 20, 0x800, 8, time, day, crc, len(data), size, len(encoded),
                0, 0, 0, 0, 0, offset,
            )  # fmt: skip
            directory.append(entry + encoded)
            offset += len(header) + len(encoded) + len(data)
        listing = b"".join(directory)
        handle.write(listing)
        handle.write(
            struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(listing), offset, 0)
        )
    return path


def _member(name: str, text: str) -> tuple[str, bytes, int, int]:
    data = text.encode("utf-8")
    return name, _deflate(data), zlib.crc32(data), len(data)


def compression_bomb(path: Path, *, unpacked_bytes: int = GIGABYTE) -> Path:
    """An .xlsx of about 3 MB whose xl/sharedStrings.xml unpacks to ``unpacked_bytes``."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    tail = b"</sst>"
    blocks = max(1, -(-(unpacked_bytes - len(head) - len(tail)) // _BLOCK_BYTES))  # rounded up
    chunk = _STRING * (_BLOCK_BYTES // len(_STRING))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    opening = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    closing = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(blocks):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    strings = (
        "xl/sharedStrings.xml",
        opening + block * blocks + closing,
        crc,
        len(head) + blocks * len(chunk) + len(tail),
    )
    return write_zip(
        path,
        [
            _member("[Content_Types].xml", CONTENT_TYPES),
            _member("_rels/.rels", ROOT_RELATIONSHIPS),
            _member("xl/workbook.xml", WORKBOOK),
            _member("xl/_rels/workbook.xml.rels", WORKBOOK_RELATIONSHIPS),
            _member("xl/worksheets/sheet1.xml", SHEET),
            strings,
        ],
    )


def office_zip(main_part: str, *, members: int = 0, filler: bytes = b"") -> bytes:
    """A small office file (``word/document.xml`` → .docx) with ``members`` extra parts of ``filler``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
        for number in range(members):
            archive.writestr(f"{main_part.split('/')[0]}/media/part{number}.xml", filler)
    return buffer.getvalue()


def with_announced_members(content: bytes, count: int) -> bytes:
    """The zip with its end record announcing ``count`` members, whatever its directory holds."""
    end = content.rindex(b"PK\x05\x06")
    return content[: end + 8] + struct.pack("<HH", count, count) + content[end + 12 :]


def shared_strings_workbook(items: list[str]) -> bytes:
    """An .xlsx as Excel and WPS write them (openpyxl writes inline strings instead): a shared-string
    table of ``items`` (each the inner XML of an ``<si>``) and one row using each in turn."""
    table = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "".join(f"<si>{item}</si>" for item in items)
        + "</sst>"
    )
    cells = "".join(f'<c r="{chr(65 + index)}1" t="s"><v>{index}</v></c>' for index in range(len(items)))
    sheet = re.sub(r"<row .*</row>", f'<row r="1">{cells}</row>', SHEET)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELATIONSHIPS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELATIONSHIPS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", table)
    return buffer.getvalue()
