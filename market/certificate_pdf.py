"""The registration certificate (技术合同登记证明) as a PDF, drawn with reportlab from what the issue
prints (its snapshot). Chinese is set in reportlab's built-in CID font STSong-Light (Adobe-GB1), which
PDF readers supply, so no font file ships with the platform."""

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _wrapped(text: str, width: float, size: float) -> list[str]:
    lines, line = [], ""
    for char in text:
        if pdfmetrics.stringWidth(line + char, FONT, size) > width:
            lines.append(line)
            line = char
        else:
            line += char
    return [*lines, line] if line else lines or [""]


def certificate_pdf(*, rows: list[tuple[str, str]], title: str, number: str, code: str, footer: str) -> bytes:
    """``rows`` are (label, value) pairs as the printable page shows them; ``number`` is also written in
    the document's metadata, ``code`` the verification code with where to check it (``footer``)."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, pageCompression=0, invariant=1)
    page.setTitle(title)
    page.setSubject(number)
    page.setAuthor("")
    width, height = A4
    left, right = 20 * mm, width - 20 * mm
    label_width = 45 * mm
    y = height - 30 * mm
    page.setFont(FONT, 18)
    page.drawCentredString(width / 2, y, title)
    y -= 14 * mm
    size = 10.5
    for label, value in rows:
        lines = _wrapped(str(value), right - left - label_width - 4 * mm, size)
        row_height = max(len(lines), 1) * 6 * mm + 2 * mm
        if y - row_height < 35 * mm:
            page.showPage()
            y = height - 25 * mm
        page.rect(left, y - row_height, right - left, row_height)
        page.line(left + label_width, y, left + label_width, y - row_height)
        page.setFont(FONT, size)
        page.drawString(left + 2 * mm, y - 6 * mm, str(label))
        for index, line in enumerate(lines):
            page.drawString(left + label_width + 2 * mm, y - 6 * mm - index * 6 * mm, line)
        y -= row_height
    page.setFont(FONT, 9)
    page.drawString(left, 25 * mm, footer)
    page.setFont("Helvetica", 9)
    page.drawString(left, 20 * mm, f"{number}  {code}")
    page.showPage()
    page.save()
    return buffer.getvalue()
