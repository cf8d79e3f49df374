"""First-page text for the preview, and plain errors for files that cannot be read."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from ssp_tui.operations.pdf_text import PdfTextError, first_page_text


def reportlab_pdf(path: Path) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(72, 720, "Declarations Page")
    pdf.setFont("Helvetica", 10)
    pdf.drawString(72, 700, "Policy PL-100200")
    pdf.drawString(300, 700, "Term 2026-2027")  # same line, another column
    text = pdf.beginText(72, 660)
    text.textLines("Named insured: Dr. Jane Roe\nPremium: $12,480.00 – café")
    pdf.drawText(text)
    pdf.beginForm("footer")
    pdf.drawString(72, 40, "Footer from a form XObject")
    pdf.endForm()
    pdf.doForm("footer")
    pdf.showPage()
    pdf.drawString(72, 720, "Second page text")
    pdf.save()
    return path


def test_text_lines_in_order(tmp_path: Path) -> None:
    text = first_page_text(reportlab_pdf(tmp_path / "doc.pdf"))
    assert text.splitlines() == [
        "Declarations Page",
        "Policy PL-100200 Term 2026-2027",
        "Named insured: Dr. Jane Roe",
        "Premium: $12,480.00 – café",
        "Footer from a form XObject",
    ]
    assert "Second page" not in text


def test_tj_arrays_quote_operators_and_tounicode(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    cmap = pdf.make_stream(
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        b"2 beginbfchar <0001> <0048> <0002> <0069> endbfchar\n"
        b"1 beginbfrange <0010> <0012> <0041> endbfrange\n"
        b"endcmap end end\n"
    )
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name.X, ToUnicode=cmap
    )
    simple = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
    )
    page = pdf.pages[0]
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=simple, F2=font))
    page.obj.Contents = pdf.make_stream(
        b"BT /F1 12 Tf 72 700 Td [(Hel) -20 (lo) -400 (world)] TJ 14 TL T* (next line) Tj "
        b"(quoted) ' /F2 12 Tf 0 -14 Td <00010002> Tj <001000110012> Tj ET"
    )
    out = tmp_path / "ops.pdf"
    pdf.save(out)
    assert first_page_text(out).splitlines() == ["Hello world", "next line", "quoted", "Hi ABC"]


def test_max_chars_cuts_the_text(tmp_path: Path) -> None:
    text = first_page_text(reportlab_pdf(tmp_path / "doc.pdf"), max_chars=10)
    assert text == "Declaratio…"


def test_a_page_without_text_gives_empty_text(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(tmp_path / "blank.pdf")
    assert first_page_text(tmp_path / "blank.pdf") == ""


def test_unreadable_files_give_plain_messages(tmp_path: Path) -> None:
    (tmp_path / "html.pdf").write_text("<html>502 Bad Gateway</html>")
    with pytest.raises(PdfTextError, match="not a readable PDF"):
        first_page_text(tmp_path / "html.pdf")
    with pytest.raises(PdfTextError, match="not there any more"):
        first_page_text(tmp_path / "gone.pdf")
    locked = io.BytesIO()
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(locked, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    (tmp_path / "locked.pdf").write_bytes(locked.getvalue())
    with pytest.raises(PdfTextError, match="password-protected"):
        first_page_text(tmp_path / "locked.pdf")
    (tmp_path / "cut.pdf").write_bytes(reportlab_pdf(tmp_path / "whole.pdf").read_bytes()[:300])
    with pytest.raises(PdfTextError) as caught:
        first_page_text(tmp_path / "cut.pdf")
    assert "Traceback" not in caught.value.user_message
