"""Properties over arbitrary text that extend tests/operations (which cover one name and one cell): whole
template paths built from hostile portal data, and a hostile Content-Disposition carried all the way to a
file name, stay inside the download folder and are names every file system accepts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ssp_tui.api.constants import DEFAULT_FILENAME_TEMPLATE
from ssp_tui.api.download import filename_hint
from ssp_tui.operations.safe_names import final_path_inside, render_template, safe_filename

DEVICE_NAMES = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{n}" for n in range(1, 10)),
    *(f"LPT{n}" for n in range(1, 10)),
}
HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["..", "../..", "/etc/passwd", "C:\\x", "CON", "aux.pdf", "a\x00b", "\u202etxt.exe", ""]),
)


def assert_portable(name: str) -> None:
    assert name not in ("", ".", "..") and "/" not in name and "\\" not in name
    assert all(ch.isprintable() for ch in name)
    assert name.split(".")[0].strip().upper() not in DEVICE_NAMES
    assert len(name.encode("utf-8")) <= 255


@settings(max_examples=150, deadline=None)
@given(policy=HOSTILE, term=HOSTILE, doc_type=HOSTILE, title=HOSTILE, issued=st.dates())
def test_template_paths_from_any_portal_data_stay_inside_the_folder(
    tmp_path_factory: object, policy: str, term: str, doc_type: str, title: str, issued: date
) -> None:
    root = Path(tmp_path_factory.getbasetemp()) / "downloads"  # type: ignore[attr-defined]
    root.mkdir(exist_ok=True)
    fields = {"policy": policy, "term": term, "type": doc_type, "title": title, "date": issued}
    relative = render_template(DEFAULT_FILENAME_TEMPLATE, fields)
    assert not relative.is_absolute() and len(relative.parts) == 3
    for part in relative.parts:
        assert_portable(part)
    assert root.resolve() in final_path_inside(root, relative).parents


@settings(max_examples=150, deadline=None)
@given(name=st.text(max_size=300), star=st.booleans())
def test_any_content_disposition_gives_at_most_a_bare_portable_name(name: str, star: bool) -> None:
    from urllib.parse import quote

    header = f"attachment; filename*=UTF-8''{quote(name)}" if star else f'attachment; filename="{name}"'
    hint = filename_hint(header)
    if hint is None:
        return
    assert "/" not in hint and "\\" not in hint and all(ch.isprintable() for ch in hint)
    assert_portable(safe_filename(hint))
