"""Time and memory of refusing a compression bomb (issue 12, item 5).

A 3 MB .xlsx whose xl/sharedStrings.xml unpacks to 1 GB (``tests.core.archives.compression_bomb``) is
built in a temporary folder, then each case runs in a fresh Python process of its own, which reports its
wall and CPU time (the machine may be shared: CPU time is the work) and how much its peak resident
memory (VmHWM) grew above what it held before the case:

- **upload**: ``uploads.upload_check`` as the upload form and API call it (web process);
- **import check**: ``importing.read_workbook`` on the stored file, as the Celery check task does;
- **unguarded**: what openpyxl alone costs (read-only mode, rows streamed) on a smaller bomb
  (``--unguarded-mb``, 100 MB by default; 0 skips it), the cost the guard avoids;
- **small strings / long strings**: ``read_workbook`` on workbooks inside the archive limits whose
  shared strings unpack to 95 % of ``UPLOAD_MAX_UNPACKED_BYTES``: millions of small numbers (refused
  once they outnumber ``IMPORT_MAX_CELLS``), or ``IMPORT_MAX_CELLS`` long strings (the most memory an
  accepted upload can take, since the whole string table is read when the workbook is opened).

No database is needed. The figures go to ``bench/results/archive_bomb.json`` and ``docs/benchmarks.md``.

    python bench/archive_bomb.py [--unguarded-mb 100]
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DATABASE_URL", "postgres://unused@localhost/unused")  # never connected to


def _memory_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def _string_table_workbook(path: Path, *, unpacked_bytes: int, strings: int | None = None) -> Path:
    """A workbook whose shared strings unpack to ``unpacked_bytes``, compressed ordinarily (well under the
    ratio limit): small distinct numbers when ``strings`` is None (the most strings per byte), else
    that many distinct strings as long as it takes, hexadecimal with one Chinese character (so Python
    keeps them at two bytes a character)."""
    from tests.core import archives

    size = max(1, unpacked_bytes // strings - len("<si><t>字</t></si>".encode())) if strings else 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", archives.CONTENT_TYPES)
        archive.writestr("_rels/.rels", archives.ROOT_RELATIONSHIPS)
        archive.writestr("xl/workbook.xml", archives.WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", archives.WORKBOOK_RELATIONSHIPS)
        archive.writestr("xl/worksheets/sheet1.xml", archives.SHEET)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            written, number = 0, 0
            while written < unpacked_bytes and (strings is None or number < strings):
                if strings:
                    text = ("字" + hashlib.sha256(b"%d" % number).hexdigest() * (size // 64 + 1))[:size]
                    chunk = b"<si><t>" + text.encode() + b"</t></si>"
                    number += 1
                else:
                    chunk = b"".join(b"<si><t>%d</t></si>" % (number + offset) for offset in range(10_000))
                    number += 10_000
                member.write(chunk)
                written += len(chunk)
            member.write(b"</sst>")
    return path


def run_case(case: str, path: str) -> dict:
    """One case, in this (fresh) process."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils.translation import override
    from openpyxl import load_workbook

    from achievements import importing
    from core import uploads

    content = Path(path).read_bytes()
    upload = SimpleUploadedFile("成果.xlsx", content)
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current resident size (Linux)
    before = _memory_kib("VmRSS")
    started, cpu_started = time.perf_counter(), time.process_time()
    outcome = ""
    with override("en"):
        if case == "upload":
            try:
                uploads.upload_check(upload, field="file", accepted={uploads.XLSX}, refusal="not xlsx")
                outcome = "accepted"
            except ValidationError as error:
                outcome = "refused: " + error.messages[0]
        elif case == "import_check":
            try:
                sheet = importing.read_workbook(
                    content, max_rows=settings.IMPORT_MAX_ROWS, max_cells=settings.IMPORT_MAX_CELLS
                )
                outcome = f"read, {len(sheet.rows)} rows"
            except importing.WorkbookError as error:
                outcome = "refused: " + error.message
        elif case == "unguarded":
            workbook = load_workbook(path, read_only=True, data_only=True)
            rows = sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))
            workbook.close()
            outcome = f"opened, {rows} rows"
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "cpu_seconds": round(time.process_time() - cpu_started, 3),
        "peak_memory_growth_mb": round((_memory_kib("VmHWM") - before) / 1024, 1),
        "outcome": outcome,
    }


def _in_fresh_process(case: str, path: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--case", case, "--path", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unguarded-mb", type=int, default=100)
    parser.add_argument("--case")
    parser.add_argument("--path")
    arguments = parser.parse_args()
    if arguments.case:
        print(json.dumps(run_case(arguments.case, arguments.path)))
        return

    import django

    django.setup()
    from django.conf import settings

    from bench import report
    from tests.core import archives

    results = {"generated_at": datetime.now(UTC).isoformat(timespec="seconds"), "cases": {}}
    with tempfile.TemporaryDirectory() as folder:
        bomb = archives.compression_bomb(Path(folder) / "bomb.xlsx")
        unpacked = zipfile.ZipFile(bomb).getinfo("xl/sharedStrings.xml").file_size
        results["bomb"] = {
            "file_mb": round(bomb.stat().st_size / 2**20, 1),
            "unpacks_to_mb": unpacked // 2**20,
        }
        results["limits"] = {
            "UPLOAD_MAX_UNPACKED_BYTES": settings.UPLOAD_MAX_UNPACKED_BYTES,
            "UPLOAD_MAX_COMPRESSION_RATIO": settings.UPLOAD_MAX_COMPRESSION_RATIO,
            "UPLOAD_MAX_ARCHIVE_MEMBERS": settings.UPLOAD_MAX_ARCHIVE_MEMBERS,
            "IMPORT_MAX_ROWS": settings.IMPORT_MAX_ROWS,
            "IMPORT_MAX_CELLS": settings.IMPORT_MAX_CELLS,
        }
        results["cases"]["upload (1 GB bomb)"] = _in_fresh_process("upload", bomb)
        results["cases"]["import check (1 GB bomb)"] = _in_fresh_process("import_check", bomb)
        if arguments.unguarded_mb:
            small = archives.compression_bomb(
                Path(folder) / "small.xlsx", unpacked_bytes=arguments.unguarded_mb * 2**20
            )
            results["cases"][f"openpyxl unguarded ({arguments.unguarded_mb} MB bomb)"] = _in_fresh_process(
                "unguarded", small
            )
        limit = int(settings.UPLOAD_MAX_UNPACKED_BYTES * 0.95)
        for name, strings in (("small strings", None), ("long strings", settings.IMPORT_MAX_CELLS)):
            workbook = _string_table_workbook(
                Path(folder) / "table.xlsx", unpacked_bytes=limit, strings=strings
            )
            case = f"import check ({name}: {limit // 2**20} MB table, {workbook.stat().st_size / 2**20:.1f} MB file)"
            results["cases"][case] = _in_fresh_process("import_check", workbook)
    report.save("archive_bomb", results)
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
