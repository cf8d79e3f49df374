"""First-page text for the preview (cm-placed lines, form-field values, embedded fonts), and plain errors for
files that cannot be read."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
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


def test_lines_placed_with_cm_transforms_stay_apart(tmp_path: Path) -> None:
    # Each line in its own q/cm/BT block at text position 0 0, as reportlab's translate() and many
    # generators write them: all lines have the same text-space y, only the cm matrix tells them apart.
    path = tmp_path / "cm.pdf"
    pdf = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    lines = ["Certificate of Insurance", "Insured: Pat Example", "Policy PL-123"]
    for number, line in enumerate(lines):
        pdf.saveState()
        pdf.translate(72, 700 - 20 * number)
        pdf.drawString(0, 0, line)
        pdf.restoreState()
    pdf.save()
    with pikepdf.open(path) as written:
        assert b" cm" in written.pages[0].Contents.read_bytes(), "the lines really are placed with cm"
    assert first_page_text(path).splitlines() == lines


def form_pdf(path: Path) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    pdf.drawString(72, 700, "Certificate holder request")
    pdf.drawString(72, 660, "Holder:")
    pdf.acroForm.textfield(name="holder", value="Mercy Hospital", x=130, y=655, width=200, height=18)
    pdf.drawString(72, 620, "City:")
    pdf.acroForm.textfield(name="city", value="", x=130, y=615, width=200, height=18)
    pdf.save()
    return path


def test_form_field_values_are_shown(tmp_path: Path) -> None:
    text = first_page_text(form_pdf(tmp_path / "form.pdf"))
    # By position: each value beside its label, though flattened fields are drawn after the whole page.
    assert text.splitlines() == ["Certificate holder request", "Holder: Mercy Hospital", "City:"]


def test_a_field_value_without_an_appearance_is_shown_too(tmp_path: Path) -> None:
    # A value filled in by a program that left the drawing to the viewer (/NeedAppearances, no /AP).
    with pikepdf.open(form_pdf(tmp_path / "form.pdf")) as pdf:
        for annot in pdf.pages[0].Annots:
            if annot.get("/T") == "city":
                annot.V = pikepdf.String("Springfield")
                if "/AP" in annot:
                    del annot["/AP"]
        pdf.Root.AcroForm.NeedAppearances = True
        pdf.save(tmp_path / "filled.pdf")
    assert "City: Springfield" in first_page_text(tmp_path / "filled.pdf").splitlines()


def test_tj_arrays_quote_operators_and_an_embedded_font(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    simple = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
    )
    page = pdf.pages[0]
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=simple))
    page.obj.Contents = pdf.make_stream(
        b"BT /F1 12 Tf 72 700 Td [(Hel) -20 (lo) -400 (world)] TJ 14 TL T* (next line) Tj (quoted) ' ET"
    )
    out = tmp_path / "ops.pdf"
    pdf.save(out)
    assert first_page_text(out).splitlines() == ["Hello world", "next line", "quoted"]

    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))  # ships with reportlab; embedded as a subset
    embedded = canvas.Canvas(str(tmp_path / "ttf.pdf"), invariant=1)
    embedded.setFont("Vera", 12)
    embedded.drawString(72, 700, "Ærø café – naïve")
    embedded.save()
    assert first_page_text(tmp_path / "ttf.pdf") == "Ærø café – naïve"


def test_control_characters_in_the_text_never_reach_the_screen(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    simple = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
    )
    pdf.pages[0].obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=simple))
    page_text = b"BT /F1 12 Tf 72 700 Td (bell \x07 clear \x1b[2J done) Tj ET"
    pdf.pages[0].obj.Contents = pdf.make_stream(page_text)
    pdf.save(tmp_path / "evil.pdf")
    assert first_page_text(tmp_path / "evil.pdf") == "bell clear [2J done"


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
