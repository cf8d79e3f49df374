"""The certificate tree with a whole book: groups start closed (one line each), a group's certificates are
added when it is opened, and ticking works the same on groups never opened."""

from __future__ import annotations

import gc
import weakref

import pytest
from textual.app import App, ComposeResult
from textual.widgets.tree import UnknownNodeID

from ssp_tui.api.models import Certificate, CertificateTerm
from ssp_tui.tui.sections.credentialing.selection import CertificateSelection, Grouping, group_certificates
from ssp_tui.tui.sections.credentialing.tree import OPEN_UP_TO, PARTLY, TICKED, UNTICKED, CertificateTree


def certificates(insureds: int, holders: int) -> list[Certificate]:
    return [
        Certificate(
            id=f"ce_{i:04d}_{h}",
            insured_id=f"in_{i:04d}",
            insured_name=f"Insured {i:04d}",
            policy_id=f"po_{i // 5:04d}",
            policy_number=f"NCP{i // 5:07d}",
            policyholder=f"Practice {i // 5}",
            term=CertificateTerm.CURRENT,
            holder_id=f"ch_{h}",
            holder_name=f"Holder {h}",
            holder_city="Sacramento",
            holder_state="CA",
            claims_history_available=True,
        )
        for i in range(insureds)
        for h in range(holders)
    ]


class TreeApp(App[None]):
    def __init__(self, selection: CertificateSelection) -> None:
        super().__init__()
        self.selection = selection

    def compose(self) -> ComposeResult:
        yield CertificateTree(self.selection, id="tree")


async def show(pilot: object, app: TreeApp, found: list[Certificate], grouping: Grouping) -> CertificateTree:
    app.selection.replace(found)
    tree = app.query_one(CertificateTree)
    tree.show_groups(group_certificates(app.selection.certificates.values(), grouping), grouping)
    tree.focus()
    await pilot.pause()  # type: ignore[attr-defined]
    return tree


async def test_a_whole_book_starts_closed_and_a_group_gets_its_certificates_when_opened() -> None:
    found = certificates(insureds=300, holders=3)
    assert len(found) > OPEN_UP_TO
    app = TreeApp(CertificateSelection())
    async with app.run_test(size=(100, 30)) as pilot:
        tree = await show(pilot, app, found, Grouping.INSURED)
        assert len(tree.root.children) == 300
        assert all(not group.is_expanded and not group.children for group in tree.root.children)
        assert tree.shown_order() == [c.id for group in tree.groups for c in group.certificates]
        await pilot.press("right")  # open the first group
        await pilot.pause()
        first = tree.root.children[0]
        shown = [str(tree.label_of(leaf)).split(" · ")[0] for leaf in first.children]
        assert first.is_expanded and shown == [
            f"{UNTICKED}Holder 0",
            f"{UNTICKED}Holder 1",
            f"{UNTICKED}Holder 2",
        ]
        await pilot.press("down", "space")  # tick one certificate of the open group
        assert app.selection.selected == {"ce_0000_0"}
        await pilot.press("left", "left", "down", "space")  # up to the group, close it; a closed group: all
        assert app.selection.selected == {"ce_0000_0", "ce_0001_0", "ce_0001_1", "ce_0001_2"}
        await pilot.press("a")
        assert app.selection.chosen(tree.shown_order()) == [
            app.selection.certificates[i] for i in tree.shown_order()
        ]
        assert str(tree.label_of(tree.root.children[299])).startswith(TICKED)
        await pilot.press("right")  # opened after the tick: its certificates show ticked
        await pilot.pause()
        assert all(str(tree.label_of(leaf)).startswith(TICKED) for leaf in tree.root.children[1].children)


async def test_a_few_certificates_start_open_and_widths_are_measured_from_the_labels() -> None:
    found = certificates(insureds=4, holders=2)
    found[0].claims_history_available = False
    app = TreeApp(CertificateSelection())
    async with app.run_test(size=(100, 30)) as pilot:
        tree = await show(pilot, app, found, Grouping.COI)
        assert [len(group.children) for group in tree.root.children] == [4, 4]
        nodes = [tree.root.children[0], *tree.root.children[0].children]

        def widths_match() -> None:
            for node in nodes:
                rendered = tree.render_label(node, tree.rich_style, tree.rich_style).cell_len
                # Room for the arrow is counted on every line, as before (a leaf has none).
                assert rendered <= tree.get_label_width(node) <= rendered + 2, str(tree.label_of(node))

        widths_match()
        await pilot.press("down", "space", "c")  # one ticked (the group partly), with claims history
        await pilot.pause()
        assert str(tree.label_of(nodes[0])).startswith(PARTLY) and "1 of 4 ticked" in str(
            tree.label_of(nodes[0])
        )
        assert "COI and Claims History Access" in str(tree.label_of(nodes[1]))
        widths_match()
        await pilot.press("a")
        await pilot.pause()
        assert str(tree.label_of(nodes[0])).startswith(TICKED)
        widths_match()


async def test_ticking_all_of_a_whole_book_changes_no_node_and_draws_the_new_ticks() -> None:
    # The checkboxes are drawn from the selection: ticking 10,000 groups used to set 10,000 labels and queue
    # a refresh of each node through the message queue (seconds of work on the event loop).
    found = certificates(insureds=1000, holders=2)
    app = TreeApp(CertificateSelection())
    async with app.run_test(size=(100, 30)) as pilot:
        tree = await show(pilot, app, found, Grouping.INSURED)
        before = [node.label for node in tree.root.children]

        def on_screen() -> list[str]:
            return [tree.render_line(y).text for y in range(tree.scrollable_content_region.height)]

        assert all(line.startswith(f"▶ {UNTICKED}") for line in on_screen())
        await pilot.press("a")
        await pilot.pause()
        assert [node.label for node in tree.root.children] == before, "no node was touched"
        lines = on_screen()
        assert all(line.startswith(f"▶ {TICKED}") and "2 of 2 ticked" in line for line in lines), lines


async def test_a_smaller_tree_after_a_whole_book_lets_go_of_the_old_nodes() -> None:
    # Textual's Tree.clear restarts the node ids but kept its id -> node registry: the whole book's nodes past
    # the new tree's last id (and, through their parents, the whole old tree) stayed alive.
    found = certificates(insureds=300, holders=3)
    app = TreeApp(CertificateSelection())
    async with app.run_test(size=(100, 30)) as pilot:
        tree = await show(pilot, app, found, Grouping.INSURED)
        old_last = tree.root.children[-1]
        old_root = weakref.ref(tree.root)
        await show(pilot, app, found[:6], Grouping.INSURED)
        assert [len(group.children) for group in tree.root.children] == [3, 3]
        with pytest.raises(UnknownNodeID):
            tree.get_node_by_id(old_last.id)
        del old_last
        gc.collect()
        assert old_root() is None, "nothing holds the old tree"
