"""Hostile names stay harmless and inside the folder."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssp_tui.operations.safe_names import (
    MAX_NAME_BYTES,
    TemplateError,
    UnsafePath,
    final_name_inside,
    final_path_inside,
    render_template,
    safe_filename,
    unique_path,
    validate_template,
)

DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
ALLOWED_PUNCTUATION = set(" ._-(),")


def assert_safe(name: str) -> None:
    assert name and name not in (".", "..")
    assert "/" not in name and "\\" not in name
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert name.split(".")[0].rstrip(" ").upper() not in DEVICES
    assert not name.endswith((".", " ")) and not name.startswith((".", " "))
    assert all(
        ch in ALLOWED_PUNCTUATION or unicodedata.category(ch)[0] in "LM" or unicodedata.category(ch) == "Nd"
        for ch in name
    )


@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("/etc/shadow", "shadow"),
        ("C:\\Windows\\System32\\evil.pdf", "evil.pdf"),
        ("..", "unnamed"),
        ("", "unnamed"),
        ("   ", "unnamed"),
        ("CON.pdf", "_CON.pdf"),
        ("aux", "_aux"),
        ("Lpt9.tar.gz", "_Lpt9.tar.gz"),
        ("nul .pdf", "_nul .pdf"),
        ("COM¹.pdf", "COM_.pdf"),
        ("report\x00\x1b[31m.pdf", "report_31m.pdf"),
        ("line\nbreak\tand tab.pdf", "line break and tab.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("trailing. . .", "trailing"),
        ('a:b*c?d|e<f>g"h.pdf', "a_b_c_d_e_f_g_h.pdf"),
        ("Ünïcödé — résumé 日本語.pdf", "Ünïcödé _ résumé 日本語.pdf"),
        ('=HYPERLINK("x").pdf', "_HYPERLINK(_x_).pdf"),
    ],
)
def test_hostile_names(hostile: str, expected: str) -> None:
    assert safe_filename(hostile) == expected
    assert_safe(safe_filename(hostile))


def test_long_names_are_cut_keeping_the_extension() -> None:
    name = safe_filename("x" * 1000 + ".pdf")
    assert name.endswith(".pdf") and len(name.encode()) == MAX_NAME_BYTES
    wide = safe_filename("日" * 1000 + ".pdf")
    assert wide.endswith(".pdf") and len(wide.encode()) <= MAX_NAME_BYTES
    no_extension = safe_filename("y" * 1000)
    assert len(no_extension.encode()) == MAX_NAME_BYTES


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_a_safe_idempotent_name(text: str) -> None:
    name = safe_filename(text)
    assert_safe(name)
    assert safe_filename(name) == name


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_name_stays_inside_the_folder(tmp_path_factory, text: str) -> None:
    root = tmp_path_factory.getbasetemp() / "inside"
    root.mkdir(exist_ok=True)
    path = final_path_inside(root, safe_filename(text))
    assert path.parent == root.resolve()


def test_render_template_sanitises_every_field() -> None:
    fields = {
        "policy": "../../PL-1",
        "term": "current",
        "date": "2026-11-28",
        "type": "CON",
        "title": "2026/2027 renewal: notice\x07",
    }
    path = render_template("{policy}/{term}/{date}-{type}-{title}.pdf", fields)
    # Separators inside a field are not folders: they become dashes (and the leading dots are dropped).
    assert path == PurePosixPath("-..-PL-1/current/2026-11-28-_CON-2026-2027 renewal_ notice.pdf")
    assert render_template("{type}.pdf", {"type": "con"}) == PurePosixPath("_con.pdf")


def test_render_template_formats_dates() -> None:
    from datetime import date

    assert render_template("{date}.pdf", {"date": date(2026, 1, 2)}) == PurePosixPath("2026-01-02.pdf")


@pytest.mark.parametrize(
    ("template", "needle"),
    [
        ("", "empty"),
        ("/abs/{title}.pdf", "relative"),
        ("a\\{title}.pdf", "relative"),
        ("../{title}.pdf", "'..'"),
        ("a//{title}.pdf", "empty"),
        ("{nope}.pdf", "Unknown template field {nope}"),
        ("{title.__class__}.pdf", "Unknown template field"),
        ("{title!r}.pdf", "no format"),
        ("{title:>10}.pdf", "no format"),
        ("{title.pdf", "malformed"),
    ],
)
def test_bad_templates_give_clear_errors(template: str, needle: str) -> None:
    with pytest.raises(TemplateError, match=None) as caught:
        validate_template(template)
    assert needle in str(caught.value)


def test_a_missing_field_is_a_clear_error() -> None:
    with pytest.raises(TemplateError, match=r"uses \{insured\}"):
        render_template("{insured}.pdf", {"title": "x"})


def test_final_path_inside_refuses_escapes_and_symlinked_folders(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    assert final_path_inside(root, "a/b.pdf") == root.resolve() / "a" / "b.pdf"
    for hostile in ("../x.pdf", "/etc/passwd", "a/../../x.pdf", ".", ""):
        with pytest.raises(UnsafePath):
            final_path_inside(root, hostile)
    (root / "link").symlink_to(tmp_path)
    with pytest.raises(UnsafePath):
        final_path_inside(root, "link/x.pdf")
    # A link at the final name itself is kept as a name, never followed: the placement refuses to write it.
    (root / "planted.pdf").symlink_to(tmp_path / "outside.pdf")
    assert final_path_inside(root, "planted.pdf") == root.resolve() / "planted.pdf"


def _pathlib_final_path_inside(root: Path, relative: str) -> Path:
    """The pathlib version ``final_path_inside`` had before issue 23, kept as the reference."""
    resolved_root = Path(root).resolve()
    joined = resolved_root / relative
    folder = joined.parent.resolve()
    if joined.name in ("", ".", "..") or (folder != resolved_root and resolved_root not in folder.parents):
        raise UnsafePath("outside")
    return folder / joined.name


@pytest.mark.parametrize(
    "relative",
    [
        "a/b.pdf",
        "b.pdf",
        "a//b.pdf",
        "a/./b.pdf",
        "x/../y.pdf",
        "link/../y.pdf",
        "link/x.pdf",
        "../x.pdf",
        "/etc/passwd",
        "a/../../x.pdf",
        ".",
        "",
        "..",
        "a/..",
        "sub/",
        "planted.pdf",
        "deep/er/c d.pdf",
    ],
)
def test_final_path_inside_decides_as_the_pathlib_version_did(tmp_path: Path, relative: str) -> None:
    """It is made of strings now (a third of a warm bulk download's work was pathlib); same answers."""
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "link").symlink_to(tmp_path)
    (root / "planted.pdf").symlink_to(tmp_path / "outside.pdf")
    try:
        expected: Path | None = _pathlib_final_path_inside(root, relative)
    except UnsafePath:
        expected = None
    if expected is None:
        with pytest.raises(UnsafePath):
            final_path_inside(root, relative)
        with pytest.raises(UnsafePath):
            final_name_inside(str(root.resolve()), relative)
    else:
        assert final_path_inside(root, relative) == expected
        assert final_name_inside(str(root.resolve()), relative) == (str(expected.parent), expected.name)


def test_a_runs_resolved_folders_answer_as_resolving_each_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run resolves each folder once (``resolved``); the answers, escapes refused, are as without it."""
    from ssp_tui.operations import safe_names

    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "link").symlink_to(tmp_path)
    resolved_root = str(root.resolve())
    calls: list[str] = []
    real_realpath = os.path.realpath

    def realpath(path: str) -> str:
        calls.append(path)
        return real_realpath(path)

    monkeypatch.setattr(safe_names.os.path, "realpath", realpath)
    resolved: dict[str, str] = {}
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        assert final_name_inside(resolved_root, f"sub/{name}", resolved) == (str(root / "sub"), name)
    assert len(calls) == 1
    for _ in range(2):
        with pytest.raises(UnsafePath):
            final_name_inside(resolved_root, "link/x.pdf", resolved)


def test_unique_path_never_returns_a_taken_name(tmp_path: Path) -> None:
    wanted = tmp_path / "report.pdf"
    assert unique_path(wanted) == wanted
    wanted.write_bytes(b"1")
    assert unique_path(wanted) == tmp_path / "report (2).pdf"
    (tmp_path / "report (2).pdf").write_bytes(b"2")
    (tmp_path / "report (3).pdf").symlink_to(tmp_path / "nowhere")  # a dangling link still takes the name
    assert unique_path(wanted) == tmp_path / "report (4).pdf"


def test_ascii_text_is_mapped_as_each_character_would_be() -> None:
    """The ASCII fast path (``str.translate``) gives exactly what the character-by-character rules give."""
    from ssp_tui.operations import safe_names

    every_ascii = "".join(chr(code) for code in range(128))
    for text in (
        every_ascii,
        every_ascii[::-1],
        "Renewal notice, term 12/11/2026: $1,240 @ 5%",
        "a\t\tb  c__d",
    ):
        slow = "".join(map(safe_names._map_character, text))
        slow = safe_names._RUNS_OF_SPACE.sub(" ", safe_names._RUNS_OF_REPLACEMENT.sub("_", slow))
        assert safe_names._map_characters(text) == slow


def test_names_are_remembered_by_their_text_and_any_value_names_as_its_text() -> None:
    """A bulk download asks for the same few names (a policy, a term, a date) thousands of times: they are
    made once and remembered by their text, so a value that is not a string names as its text would."""
    from enum import StrEnum

    from ssp_tui.operations import safe_names

    class Term(StrEnum):
        CURRENT = "current"

    safe_names._safe_filename.cache_clear()
    assert [safe_filename("NCP 1/2"), safe_filename("NCP 1/2")] == ["2", "2"]
    assert safe_names._safe_filename.cache_info().hits == 1
    assert safe_filename(Term.CURRENT) == safe_filename("current") == "current"
    assert safe_filename(2026) == safe_filename("2026") == "2026"  # type: ignore[arg-type]
