"""Reading generated PDFs back in tests: page count, metadata title and the text in the content streams."""

from __future__ import annotations

import io
import re

import pikepdf

_SPACES = re.compile(r"\s+")


def open_pdf(content: bytes) -> pikepdf.Pdf:
    assert content.startswith(b"%PDF-"), content[:16]
    return pikepdf.open(io.BytesIO(content))


def page_texts(content: bytes) -> list[str]:
    """The text of each page: every Tj/TJ string in drawing order, joined by spaces, whitespace collapsed.

    Wrapped lines are separate strings in the stream, so joining them with a space restores the sentences."""
    texts = []
    with open_pdf(content) as pdf:
        for page in pdf.pages:
            runs: list[str] = []
            for instruction in pikepdf.parse_content_stream(page):
                operator = str(instruction.operator)
                if operator in ("Tj", "'", '"'):
                    runs.append(bytes(instruction.operands[-1]).decode("cp1252"))
                elif operator == "TJ":
                    runs.extend(
                        bytes(part).decode("cp1252")
                        for part in instruction.operands[0]
                        if isinstance(part, pikepdf.String)
                    )
            texts.append(_SPACES.sub(" ", " ".join(runs)).strip())
    return texts


def all_text(content: bytes) -> str:
    return " ".join(page_texts(content))


def pdf_title(content: bytes) -> str:
    with open_pdf(content) as pdf:
        return str(pdf.docinfo["/Title"])


def page_count(content: bytes) -> int:
    with open_pdf(content) as pdf:
        return len(pdf.pages)
