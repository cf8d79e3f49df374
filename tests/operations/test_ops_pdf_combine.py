"""The streaming combined-PDF writer (``operations/downloads/pdf.py``) on sources made to test its edges."""

from __future__ import annotations

import hashlib
import io
import itertools
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest

from ssp_tui.operations.downloads.pdf import (
    MAX_LISTED_MISSING,
    CombineSource,
    PdfLabels,
    write_combined,
)
from ssp_tui.operations.downloads.pdf_objects import name_bytes, real_bytes


def tagged_pdf(tag: str, pages: int, **save: object) -> bytes:
    """A PDF whose pages carry ``/SspTag (tag-n)``, so their order can be read back; ``save`` goes to
    ``Pdf.save`` (object streams, encryption, version)."""
    pdf = pikepdf.new()
    for number in range(pages):
        pdf.add_blank_page(page_size=(612, 792))
        pdf.pages[-1].obj["/SspTag"] = pikepdf.String(f"{tag}-{number}")
    out = io.BytesIO()
    pdf.save(out, **save)
    return out.getvalue()


def raw_pdf(objects: dict[int, bytes], root: int = 1) -> bytes:
    """A PDF written by hand, object by object, with a correct cross-reference table: for what pikepdf
    would not write (indirect /Length, attributes only on the page tree, references to the page tree)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    size = max(objects) + 1
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<</Size %d/Root %d 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (size, root, table)
    return bytes(out)


PAGE_ONE = b"q 10 0 0 10 0 0 cm /Im1 Do Q BT /F1 12 Tf 20 20 Td (page one \\(1\\)) Tj ET"
PAGE_TWO = b"BT /F1 12 Tf 20 40 Td (page two) Tj ET"
TREE_SOURCE = raw_pdf(
    {
        1: b"<</Type/Catalog/Pages 2 0 R>>",
        # Resources, MediaBox and Rotate only on the root of the page tree, CropBox on the node below it.
        2: b"<</Type/Pages/Kids[3 0 R]/Count 2/Resources 4 0 R/MediaBox[0 0 300 400]/Rotate 90>>",
        3: b"<</Type/Pages/Parent 2 0 R/Kids[5 0 R 6 0 R]/Count 2/CropBox[10 10 290 390]>>",
        4: b"<</Font<</F1 7 0 R>>/XObject<</Im1 8 0 R>>>>",
        5: b"<</Type/Page/Parent 3 0 R/Contents 9 0 R>>",
        6: b"<</Type/Page/Parent 3 0 R/Contents 10 0 R/Rotate 0/Annots[11 0 R]>>",
        7: b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
        8: b"<</Type/XObject/Subtype/Image/Width 1/Height 1/ColorSpace/DeviceGray/BitsPerComponent 8"
        b"/Length 12 0 R>>\nstream\n\x80\nendstream",
        9: b"<</Length %d>>\nstream\n%s\nendstream" % (len(PAGE_ONE), PAGE_ONE),
        10: b"<</Length 13 0 R>>\nstream\n%s\nendstream" % PAGE_TWO,
        # A link to the first page; strings and names that need escaping; a reference to the page tree.
        11: b"<</Type/Annot/Subtype/Link/Rect[0 0 10 10]/Border[0 0 0]/Dest[5 0 R/Fit]"
        b"/Contents(a\\)b\\\\c \\351)/NM<00FF28>/Odd#20Key/A#23B#28/Back 2 0 R/Not#E9UTF8/V#E9>>",
        12: b"1",
        13: b"%d" % len(PAGE_TWO),
    }
)


def combine(tmp_path: Path, documents: list[tuple[str, bytes]], **options: object) -> Path:
    sources = []
    for order, (title, data) in enumerate(documents):
        path = tmp_path / f"source-{order}.pdf"
        path.write_bytes(data)
        sources.append(CombineSource(path, title, order))
    out = tmp_path / "combined.pdf"
    outcome = write_combined(sources, out, **options)  # type: ignore[arg-type]
    assert outcome.unreadable == [] and outcome.written is not None
    assert outcome.written.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    assert outcome.written.bytes == out.stat().st_size
    return out


def tags(pdf: pikepdf.Pdf) -> list[str]:
    return [str(page.obj.get("/SspTag", "")) for page in pdf.pages]


def test_pages_in_order_with_a_bookmark_each_and_the_metadata(tmp_path: Path) -> None:
    documents = [
        ("First", tagged_pdf("a", 2)),
        ("Second é", tagged_pdf("b", 1)),
        ("日本 third", tagged_pdf("c", 3)),
    ]
    labels = PdfLabels("Policy documents - NC-1 current", ("NC-1", "NC-2"))
    out = combine(tmp_path, documents, labels=labels, total=3)
    with pikepdf.open(out) as pdf, pdf.open_outline() as outline:
        assert pdf.check_pdf_syntax() == []
        assert tags(pdf) == ["a-0", "a-1", "b-0", "c-0", "c-1", "c-2"]
        assert [item.title for item in outline.root] == ["First", "Second é", "日本 third"]
        assert [pikepdf.Page(item.destination[0]).index for item in outline.root] == [0, 2, 3]
        assert all(str(item.destination[1]) == "/Fit" for item in outline.root)
        assert {key: str(value) for key, value in pdf.docinfo.items()} == {
            "/Title": "Policy documents - NC-1 current",
            "/Subject": "3 documents for NC-1, NC-2",
            "/Keywords": "NC-1, NC-2",
            "/Creator": "ssp-tui",
        }
        assert pdf.pages[0].obj.Parent.objgen == pdf.Root.Pages.objgen


def test_missing_documents_get_a_first_bookmark_listing_them(tmp_path: Path) -> None:
    missing = [(order, f"Gone {order}") for order in range(1, MAX_LISTED_MISSING + 3)]
    out = combine(tmp_path, [("Here", tagged_pdf("a", 2))], missing=missing, total=len(missing) + 1)
    with pikepdf.open(out) as pdf, pdf.open_outline() as outline:
        assert pdf.check_pdf_syntax() == []
        first, here = outline.root
        assert first.title == f"MISSING {len(missing)} of {len(missing) + 1} documents (see list)"
        children = [child.title for child in first.children]
        assert (
            children[:2] == ["Missing: Gone 1", "Missing: Gone 2"] and len(children) == MAX_LISTED_MISSING + 1
        )
        assert children[-1] == "... and 2 more"
        assert pikepdf.Page(first.destination[0]).index == 0 and here.title == "Here"
        assert pdf.Root.Outlines.Count == 2 + MAX_LISTED_MISSING + 1
        for level in ([first, here], list(first.children)):  # each level linked both ways, and ends
            objects = [item.obj for item in level]
            assert "/Prev" not in objects[0] and "/Next" not in objects[-1]
            assert all(b.Prev.objgen == a.objgen for a, b in itertools.pairwise(objects))
            assert objects[0].Parent.First.objgen == objects[0].objgen
            assert objects[0].Parent.Last.objgen == objects[-1].objgen


def test_inherited_attributes_shared_objects_and_what_needs_escaping(tmp_path: Path) -> None:
    out = combine(tmp_path, [("Tree", TREE_SOURCE), ("Tree again", TREE_SOURCE)])
    with pikepdf.open(out) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert len(pdf.pages) == 4
        one, two = pdf.pages[0], pdf.pages[1]
        # Inherited from the source's page tree onto each page; the page's own /Rotate wins.
        assert [list(page.obj.MediaBox) for page in (one, two)] == [[0, 0, 300, 400]] * 2
        assert list(one.obj.CropBox) == [10, 10, 290, 390]
        assert (one.obj.Rotate, two.obj.Rotate) == (90, 0)
        # One font and one image per source, shared by its two pages, as in the source.
        assert one.obj.Resources.objgen == two.obj.Resources.objgen
        assert one.obj.Resources.objgen != pdf.pages[2].obj.Resources.objgen
        images = [
            obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
        ]
        assert len(images) == 2 and images[0].read_bytes() == b"\x80"
        assert one.obj.Contents.read_bytes() == PAGE_ONE and two.obj.Contents.read_bytes() == PAGE_TWO
        (link,) = two.obj.Annots
        assert link.Dest[0].objgen == one.obj.objgen  # the link leads to the page as written
        assert bytes(link.Contents) == b"a)b\\c \xe9" and bytes(link.NM) == b"\x00\xff("
        assert link["/Odd Key"] == pikepdf.Name("/A#B(")
        assert link["/Not\udce9UTF8"].unparse() == b"/V#e9"  # names are bytes, not always UTF-8
        assert link.get("/Back") is None  # the source's page tree is not pulled in


def test_object_streams_and_xref_streams_in_a_source(tmp_path: Path) -> None:
    packed = tagged_pdf("p", 3, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert b"/ObjStm" in packed
    out = combine(tmp_path, [("Packed", packed), ("Plain", tagged_pdf("q", 1))])
    with pikepdf.open(out) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert tags(pdf) == ["p-0", "p-1", "p-2", "q-0"]
    assert b"/ObjStm" not in out.read_bytes() and b"/XRef" not in out.read_bytes()


def test_a_source_encrypted_with_no_user_password_is_copied_decrypted(tmp_path: Path) -> None:
    locked = tagged_pdf("e", 2, encryption=pikepdf.Encryption(user="", owner="owner"))
    out = combine(tmp_path, [("Encrypted", locked)])
    with pikepdf.open(out) as pdf:
        assert pdf.check_pdf_syntax() == [] and not pdf.is_encrypted
        assert tags(pdf) == ["e-0", "e-1"]


def test_a_pdf_2_source_raises_the_version(tmp_path: Path) -> None:
    out = combine(tmp_path, [("Old", tagged_pdf("a", 1)), ("New", tagged_pdf("b", 1, min_version="2.0"))])
    with pikepdf.open(out) as pdf:
        assert pdf.check_pdf_syntax() == [] and pdf.Root.Version == "/2.0"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 but nothing a PDF reader can use", "Not a readable PDF (PdfError)."),
        (
            tagged_pdf("x", 1, encryption=pikepdf.Encryption(user="user", owner="owner")),
            "The PDF is password-protected.",
        ),
    ],
)
def test_an_unreadable_source_is_reported_and_nothing_of_it_written(
    tmp_path: Path, data: bytes, message: str
) -> None:
    sources = []
    for order, content in enumerate([tagged_pdf("a", 1), data, tagged_pdf("c", 2)]):
        path = tmp_path / f"{order}.pdf"
        path.write_bytes(content)
        sources.append(CombineSource(path, f"Doc {order}", order))
    out = tmp_path / "combined.pdf"
    outcome = write_combined(sources, out, missing=[(3, "Never came")], total=4)
    assert outcome.unreadable == [(1, message)] and outcome.written is not None
    with pikepdf.open(out) as pdf, pdf.open_outline() as outline:
        assert pdf.check_pdf_syntax() == []
        assert tags(pdf) == ["a-0", "c-0", "c-1"]
        assert [child.title for child in outline.root[0].children] == [
            "Missing: Doc 1",
            "Missing: Never came",
        ]
        assert outline.root[0].title == "MISSING 2 of 4 documents (see list)"
    unfinished = write_combined(sources, tmp_path / "strict.pdf", allow_missing=False)
    assert unfinished.unreadable == [(1, message)] and unfinished.written is None


def test_a_stop_asked_for_leaves_the_file_unfinished(tmp_path: Path) -> None:
    sources = []
    for order in range(4):
        path = tmp_path / f"{order}.pdf"
        path.write_bytes(tagged_pdf(str(order), 1))
        sources.append(CombineSource(path, f"Doc {order}", order))
    asked: list[int] = []

    def stopped() -> bool:
        asked.append(1)
        return len(asked) > 2

    outcome = write_combined(sources, tmp_path / "combined.pdf", stopped=stopped)
    assert outcome.written is None and len(asked) == 3


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Decimal("1E+2"), b"100"),
        (Decimal("0.50"), b"0.5"),
        (Decimal("-0.0"), b"0"),
        (Decimal("-12.125"), b"-12.125"),
        (1e-7, b"0.0000001"),
    ],
)
def test_reals_are_written_without_exponents(value: Decimal | float, written: bytes) -> None:
    assert real_bytes(value) == written


def test_names_are_escaped_byte_by_byte() -> None:
    assert name_bytes("/A B#(/)") == b"/A#20B#23#28#2F#29"
    assert name_bytes("/Plain-Name_1.2") == b"/Plain-Name_1.2"
    assert name_bytes("/é") == b"/#C3#A9"
