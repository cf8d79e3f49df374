"""TableModel without Textual: filter, sort, cursor and selection kept by row key."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ssp_tui.widgets.table_columns import Column, format_cents
from ssp_tui.widgets.table_model import TableModel, describe_counts

COLUMNS = [
    Column("number", "Policy #"),
    Column("holder", "Policyholder"),
    Column("due", "Due", align="right", formatter=format_cents),
]
ROWS = [
    ("P-100", "Avery Smith", 12_500),
    ("P-101", "blake jones", None),
    ("P-102", "Casey Smithers", 500),
    ("P-103", "dana Lopez", 12_500),
    ("P-104", "Evan SMITH", 99),
]


def make_model(rows: list[tuple[str, str, int | None]] = ROWS) -> TableModel:
    model = TableModel(COLUMNS)
    model.set_rows(rows, key=lambda row: row[0])
    return model


def shown_keys(model: TableModel) -> list[object]:
    return [model.key(model.row_index(position)) for position in range(model.shown_count)]


def test_rows_show_in_the_order_given_with_formatted_texts() -> None:
    model = make_model()
    assert model.row_count == model.shown_count == 5
    assert shown_keys(model) == ["P-100", "P-101", "P-102", "P-103", "P-104"]
    assert model.texts(0) == ["P-100", "Avery Smith", "$125.00"]
    assert model.texts(1) == ["P-101", "blake jones", ""]
    assert model.cursor == 0 and model.cursor_key == "P-100"


def test_filter_is_case_insensitive_substring_across_columns() -> None:
    model = make_model()
    model.set_filter("SMITH")
    assert shown_keys(model) == ["P-100", "P-102", "P-104"]
    model.set_filter("$125")  # matches the formatted money text, not the raw cents
    assert shown_keys(model) == ["P-100", "P-103"]
    model.set_filter("smith 125")  # every term must match, in any column
    assert shown_keys(model) == ["P-100"]
    model.set_filter("")
    assert model.shown_count == 5


def test_narrowing_then_widening_the_filter_gives_the_full_answer_each_time() -> None:
    model = make_model()
    for text, expected in [("s", 4), ("sm", 3), ("smi", 3), ("smithe", 1), ("smi", 3), ("", 5), ("zzz", 0)]:
        model.set_filter(text)
        assert model.shown_count == expected, text


def test_a_filter_term_never_matches_across_two_cells() -> None:
    model = make_model()
    model.set_filter("100avery")
    assert model.shown_count == 0


def test_sort_ascending_descending_and_empty_values_last() -> None:
    model = make_model()
    model.sort_by("due")
    assert shown_keys(model) == ["P-104", "P-102", "P-100", "P-103", "P-101"]
    model.sort_by("due")  # again toggles to descending; equal keys keep their order (stable)
    assert model.sort_descending
    assert shown_keys(model) == ["P-100", "P-103", "P-102", "P-104", "P-101"]


def test_sort_on_text_is_case_insensitive_and_stable_across_sorts() -> None:
    model = make_model()
    model.sort_by("holder", descending=False)
    assert shown_keys(model) == ["P-100", "P-101", "P-102", "P-103", "P-104"]
    model.sort_by("number", descending=True)
    model.sort_by("due", descending=False)  # ties (12,500) keep the previous descending number order
    assert shown_keys(model) == ["P-104", "P-102", "P-103", "P-100", "P-101"]


def test_custom_sort_key_and_unknown_column() -> None:
    columns = [Column("name", "Name", sort_key=len)]
    model = TableModel(columns)
    model.set_rows([("ccc",), ("a",), ("bb",)])
    model.sort_by("name")
    assert [model.row(model.row_index(p))[0] for p in range(3)] == ["a", "bb", "ccc"]
    with pytest.raises(KeyError):
        model.sort_by("nope")


def test_mixed_types_sort_by_their_text_instead_of_failing() -> None:
    model = TableModel([Column("value", "Value")])
    model.set_rows([(10,), ("9",), (2.5,)])
    model.sort_by("value")
    assert [model.texts(model.row_index(p))[0] for p in range(3)] == ["10", "2.5", "9"]


def test_sort_keeps_the_filter_and_the_cursor_row() -> None:
    model = make_model()
    model.set_filter("smith")
    model.move_cursor(1)
    assert model.cursor_key == "P-102"
    model.sort_by("due")
    assert shown_keys(model) == ["P-104", "P-102", "P-100"]
    assert model.cursor_key == "P-102" and model.cursor == 1


def test_cursor_clamps_and_follows_its_row_through_a_filter() -> None:
    model = make_model()
    assert not model.move_cursor(-5)
    assert model.move_cursor(99) and model.cursor == 4
    model.set_filter("smith")
    assert model.cursor_key == "P-104"
    model.set_filter("jones")  # the cursor row is filtered out: the cursor goes to the top
    assert model.cursor_key == "P-101"
    model.set_filter("nothing matches")
    assert model.cursor == -1 and model.cursor_key is None


def test_selection_is_kept_by_key_across_filter_and_sort() -> None:
    model = make_model()
    model.move_cursor(2)
    assert model.toggle_cursor_row()
    model.set_filter("smith")
    model.sort_by("holder", descending=True)
    assert model.selected_keys == {"P-102"}
    assert model.is_selected(2)
    model.set_filter("")
    assert model.selected_keys == {"P-102"}
    assert model.toggle_position(shown_keys(model).index("P-102"))
    assert model.selected_keys == frozenset()


def test_select_all_and_none_respect_the_filter() -> None:
    model = make_model()
    model.move_cursor(3)
    model.toggle_cursor_row()  # P-103, which the filter below hides
    model.set_filter("smith")
    assert model.select_shown()
    assert model.selected_keys == {"P-100", "P-102", "P-103", "P-104"}
    assert model.all_shown_selected()
    assert not model.select_shown()  # nothing new to select
    assert model.unselect_shown()
    assert model.selected_keys == {"P-103"}
    assert not model.all_shown_selected()


def test_selected_rows_include_filtered_out_ones_in_sorted_order() -> None:
    model = make_model()
    model.set_selected_keys(["P-104", "P-100", "unknown"])
    model.sort_by("due")
    model.set_filter("avery")
    assert [row[0] for row in model.selected_rows()] == ["P-104", "P-100"]
    assert [row[0] for row in model.shown_rows()] == ["P-100"]


def test_extend_selects_a_range_and_shrinks_back() -> None:
    model = make_model()
    model.move_cursor(1)
    model.extend_selection(1)
    model.extend_selection(1)
    assert model.selected_keys == {"P-101", "P-102", "P-103"}
    model.extend_selection(-1)  # back towards the anchor: the range shrinks
    assert model.selected_keys == {"P-101", "P-102"}
    model.move_cursor(4)  # a plain move ends the extend; the next one starts from here
    model.extend_selection(-1)
    assert model.selected_keys == {"P-101", "P-102", "P-103", "P-104"}


def test_new_rows_keep_selection_of_surviving_keys_and_sort_and_filter() -> None:
    model = make_model()
    model.set_selected_keys(["P-100", "P-103"])
    model.sort_by("due")
    model.set_filter("smith")
    model.set_rows([("P-100", "Avery Smith", 1), ("P-200", "Zed Smith", 0), ("P-300", "Nobody", 5)], key=None)
    # key=None: keys are positions now, so the old string keys are gone
    assert model.selected_keys == frozenset()
    model.set_rows([*ROWS[:2], ("P-200", "Zed Smith", 0)], key=lambda row: row[0])
    model.set_selected_keys(["P-100"])
    model.set_rows(ROWS, key=lambda row: row[0])
    assert model.selected_keys == {"P-100"}
    assert shown_keys(model) == ["P-104", "P-102", "P-100"]


def test_append_rows_extends_an_existing_search_index() -> None:
    model = make_model()
    model.set_filter("smith")
    model.append_rows([("P-105", "Flo Smith", 1)])
    assert shown_keys(model) == ["P-100", "P-102", "P-104", "P-105"]
    model.set_filter("flo")
    assert shown_keys(model) == ["P-105"]


def test_duplicate_keys_are_refused_with_the_key_named() -> None:
    model = TableModel(COLUMNS)
    model.set_rows(ROWS, key=lambda row: row[0])
    with pytest.raises(ValueError, match="P-1"):
        model.set_rows([("P-1", "a", 1), ("P-1", "b", 2)], key=lambda row: row[0])
    assert (model.row_count, model.shown_count, model.cursor) == (0, 0, -1)
    model.set_rows(ROWS, key=lambda row: row[0])
    with pytest.raises(ValueError, match="P-100"):
        model.append_rows([("P-100", "again", 1)])
    assert model.row_count == 5


def test_search_index_from_a_worker_is_dropped_when_rows_changed() -> None:
    model = make_model()
    generation, rows = model.search_snapshot()
    texts = model.build_search_texts(rows)
    model.append_rows([("P-105", "Flo", 1)])
    assert not model.adopt_search_texts(generation, texts)
    generation, rows = model.search_snapshot()
    assert model.adopt_search_texts(generation, model.build_search_texts(rows))
    model.set_filter("flo")
    assert shown_keys(model) == ["P-105"]


@dataclass
class Claim:
    claim_id: str
    title: str


def test_object_and_mapping_rows_are_read_by_column_key() -> None:
    columns = [Column("claim_id", "Claim"), Column("title", "Title")]
    objects = TableModel(columns)
    objects.set_rows([Claim("c1", "Fall"), Claim("c2", "Burn")], key=lambda claim: claim.claim_id)
    assert objects.texts(1) == ["c2", "Burn"]
    mappings = TableModel(columns)
    mappings.set_rows([{"claim_id": "m1", "title": "Cut"}])
    assert mappings.texts(0) == ["m1", "Cut"]


def test_bad_columns_are_refused() -> None:
    with pytest.raises(ValueError):
        TableModel([])
    with pytest.raises(ValueError):
        TableModel([Column("a", "A"), Column("a", "Again")])


def test_describe_counts() -> None:
    assert describe_counts(1234, 100_000, filtered=True) == "1,234 of 100,000"
    assert describe_counts(100_000, 100_000) == "100,000 rows"
    assert describe_counts(1, 1) == "1 row"
    assert describe_counts(5, 9, selected=2, filtered=True) == "5 of 9 · 2 selected"


def test_deleting_letters_goes_back_to_the_views_already_made() -> None:
    model = make_model()
    model.set_filter("smith")
    smith = model.shown_indices()
    model.set_filter("smithe")
    assert shown_keys(model) == ["P-102"]
    model.set_filter("smith")  # a letter deleted: the view of "smith" again, not a new scan of every row
    assert model.shown_indices() is smith
    assert shown_keys(model) == ["P-100", "P-102", "P-104"]


def test_views_kept_for_earlier_filters_follow_a_new_sort_and_new_rows() -> None:
    model = make_model()
    model.set_filter("smith")
    model.set_filter("")
    model.sort_by("number", descending=True)
    model.set_filter("smith")
    assert shown_keys(model) == ["P-104", "P-102", "P-100"]  # in the new order, not the kept one's
    model.set_filter("")
    model.append_rows([("P-099", "Jo Smith", 1)])
    model.set_filter("smith")
    assert shown_keys(model) == ["P-104", "P-102", "P-100", "P-099"]
    model.set_filter("")
    model.set_rows([("P-200", "Ann Smith", 5)], key=lambda row: row[0])
    model.set_filter("smith")
    assert shown_keys(model) == ["P-200"]
