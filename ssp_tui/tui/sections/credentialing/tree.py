"""The certificates as a tree of checkboxes: a node per group (an insured, or a certificate holder) and a leaf
per certificate. Space ticks the highlighted item or every item of the highlighted group; `c` switches between
COI Access and COI and Claims History Access the same way; `a` and `n` tick everything or nothing.

The tree only shows a ``CertificateSelection`` and changes it on the user's keys; the screen owns the data.
A node's label is its title alone; the checkbox, the counts and the access level around it are drawn from the
selection when the line is drawn, so a tick changes no node: ticking all of a whole book (10,000 groups) used
to make 10,000 labels and queue 10,000 node refreshes, now it redraws the lines on screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Span, Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets._tree import TOGGLE_STYLE  # the arrow's click target, as Tree.render_label marks it
from textual.widgets.tree import TreeNode

from ssp_tui.api.models.credentialing import Certificate
from ssp_tui.formatting import plural
from ssp_tui.tui.sections.credentialing.selection import (
    ACCESS_LABELS,
    Access,
    CertificateGroup,
    CertificateSelection,
    Grouping,
)

TICKED, UNTICKED, PARTLY = "[x] ", "[ ] ", "[-] "
NO_CLAIMS_HISTORY = "no claims history online · h: holder request"
"""Kept short: it follows the holder and its place on the line, and a tree line is not wrapped."""
OPEN_UP_TO = 500
"""Groups start open when they hold this many certificates in all, or fewer."""


_ACCESS_TEXT = {access: f"  {label}" for access, label in ACCESS_LABELS.items()}
_NO_CLAIMS_TEXT = f"  ({NO_CLAIMS_HISTORY})"


@dataclass(frozen=True, slots=True)
class TreeItem:
    """What a node stands for: a group (all its certificates) or one certificate."""

    certificate_ids: tuple[str, ...]
    is_group: bool
    title: str
    group_index: int = -1
    """A group's place in ``CertificateTree.groups``."""
    title_width: int = 0
    """The title's width in cells, measured once: every line's width is asked for on each change."""


def tree_item(
    certificate_ids: tuple[str, ...], is_group: bool, title: str, group_index: int = -1
) -> TreeItem:
    # A tree line is one line: a title with a line break (portal text keeps them) shows its first line.
    title = title.split("\n", 1)[0]
    return TreeItem(certificate_ids, is_group, title, group_index, cell_len(title))


class CertificateTree(Tree[TreeItem]):
    """Groups of certificates with checkboxes and an access level per certificate."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "space",
            "toggle_tick",
            "Tick",
            tooltip="Tick or untick the item, or every item of the group",
            id="certificate_tree.toggle_tick",
        ),
        Binding(
            "c",
            "cycle_access",
            "Access",
            tooltip="COI Access, or COI and Claims History Access",
            id="certificate_tree.cycle_access",
        ),
        Binding("a", "select_all", "All", tooltip="Tick every certificate", id="certificate_tree.select_all"),
        Binding(
            "n", "select_none", "None", tooltip="Untick every certificate", id="certificate_tree.select_none"
        ),
        Binding(
            "right", "expand", "Expand", show=False, tooltip="Open the group", id="certificate_tree.expand"
        ),
        Binding(
            "left",
            "collapse",
            "Collapse",
            show=False,
            tooltip="Close the group",
            id="certificate_tree.collapse",
        ),
        Binding(
            "j",
            "cursor_down",
            "Down",
            show=False,
            tooltip="Move down one line",
            id="certificate_tree.vim_down",
        ),
        Binding("k", "cursor_up", "Up", show=False, tooltip="Move up one line", id="certificate_tree.vim_up"),
    ]

    DEFAULT_CSS: ClassVar[str] = """
    CertificateTree { height: 1fr; }
    """

    _adding_many: bool = False
    """True while ``show_groups`` adds nodes (a class default: Textual invalidates during ``__init__``)."""

    @dataclass
    class SelectionChanged(Message):
        """Ticks or access levels changed (the screen updates its counts)."""

        tree: CertificateTree

        @property
        def control(self) -> CertificateTree:
            return self.tree

    def __init__(self, selection: CertificateSelection, *, id: str | None = None) -> None:
        super().__init__("Certificates", id=id)
        self.show_root = False
        self.auto_expand = False
        self.selection = selection
        self.grouping = Grouping.INSURED
        self.groups: list[CertificateGroup] = []

    def show_groups(self, groups: Sequence[CertificateGroup], grouping: Grouping) -> None:
        """Rebuild the tree. Groups start open, so every item is one key press away, unless there are more
        than ``OPEN_UP_TO`` certificates (a whole book: 10,000 insureds, 33,000 certificates): then they
        start closed, one line each, and a group's certificates are added when it is first opened."""
        self.groups = list(groups)
        self.grouping = grouping
        self._clear_all_nodes()
        start_open = sum(len(group.certificates) for group in self.groups) <= OPEN_UP_TO
        add = self.root.add
        self._adding_many = True
        try:
            for index, group in enumerate(self.groups):
                item = tree_item(group.ids, True, group.title, index)
                node = add(
                    Text(item.title), data=item, expand=start_open, allow_expand=bool(group.certificates)
                )
                if start_open:
                    self._add_items(node, group)
        finally:
            self._adding_many = False
        self._invalidate()
        if self.groups:
            self.move_cursor(self.root.children[0])

    def _clear_all_nodes(self) -> None:
        """``Tree.clear``, letting go of every old node. Textual's ``clear`` restarts the node ids but keeps
        its id -> node registry, so the new nodes only overwrite the first ids: after a whole book (10,000
        groups), a search for 500 kept the other 9,500 groups' nodes, labels and the old tree they link to
        alive until a bigger tree came (15-20 MB through the download that follows). Removing them one by
        one (``remove_children``) is quadratic in Textual; the registry holds nothing else."""
        self.clear()
        self._tree_nodes.clear()
        self._tree_nodes[self.root.id] = self.root

    def _add_items(self, node: TreeNode[TreeItem], group: CertificateGroup) -> None:
        for certificate in group.certificates:
            item = tree_item((certificate.id,), False, self._item_title(certificate))
            node.add_leaf(Text(item.title), data=item)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[TreeItem]) -> None:
        # A group shown closed gets its certificates when it is first opened.
        node, item = event.node, event.node.data
        if item is not None and item.is_group and not node.children:
            self._add_items(node, self.groups[item.group_index])

    def _invalidate(self) -> None:
        # Textual forgets its lines and asks for a layout on every node added; a whole book adds 10,000
        # (half the time of building the tree): once, after the last, is the same.
        if not self._adding_many:
            super()._invalidate()

    def process_label(self, label: str | Text) -> Text:
        # Textual splits every label on line breaks to keep the first line, a copy of each; ours are one line.
        if isinstance(label, Text) and "\n" not in label.plain:
            return label
        return super().process_label(label)

    def render_label(self, node: TreeNode[TreeItem], base_style: Style, style: Style) -> Text:
        # As Tree.render_label, with the label as the selection has it now in place of the node's title.
        label = self.label_of(node)
        label.stylize(style)
        if node.allow_expand:
            icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
            return Text.assemble((icon, base_style + TOGGLE_STYLE), label)
        return Text.assemble(("", base_style), label)

    def get_label_width(self, node: TreeNode[TreeItem]) -> int:
        # Textual measures every line by rendering its label in full, on every change: counted here from
        # the parts instead, for all 10,000 lines of a whole book (with room for a group's arrow, 2 cells,
        # on every line, as the width was measured before).
        item = node.data
        if item is None:
            return node.label.cell_len + 2
        if item.is_group:
            return 2 + len(UNTICKED) + item.title_width + len(self._group_count(item))
        certificate = self.selection.certificates.get(item.certificate_ids[0])
        width = 2 + len(UNTICKED) + item.title_width
        if certificate is None:
            return width
        width += len(_ACCESS_TEXT[self.selection.access_of(certificate.id)])
        return width if certificate.claims_history_available else width + len(_NO_CLAIMS_TEXT)

    def label_of(self, node: TreeNode[TreeItem]) -> Text:
        """The node's line as shown (without the group's arrow): checkbox, title, count or access level."""
        item = node.data
        if item is None:
            return node.label.copy()
        if item.is_group:
            return self._group_label(item)
        certificate = self.selection.certificates.get(item.certificate_ids[0])
        return Text(item.title) if certificate is None else self._item_label(certificate, item.title)

    def shown_order(self) -> list[str]:
        """Certificate ids in the order the tree shows them (the order of a combined PDF)."""
        return [certificate_id for group in self.groups for certificate_id in group.ids]

    def cursor_ids(self) -> tuple[str, ...]:
        node = self.cursor_node
        return node.data.certificate_ids if node is not None and node.data is not None else ()

    def cursor_certificate(self) -> Certificate | None:
        """The highlighted certificate, or the first of the highlighted group."""
        ids = self.cursor_ids()
        return self.selection.certificates.get(ids[0]) if ids else None

    # -- actions --

    def action_toggle_tick(self) -> None:
        ids = self.cursor_ids()
        if ids:
            self.selection.toggle(ids)
            self._changed()

    def action_cycle_access(self) -> None:
        ids = self.cursor_ids()
        if ids:
            access = self.selection.cycle_access(ids)
            self.notify(f"{ACCESS_LABELS[access]} for {self._describe(ids)}.", timeout=3)
            self._changed()

    def action_select_all(self) -> None:
        self.selection.select_all()
        self._changed()

    def action_select_none(self) -> None:
        self.selection.select_none()
        self._changed()

    def action_expand(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            node.expand()

    def action_collapse(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    def on_tree_node_selected(self, event: Tree.NodeSelected[TreeItem]) -> None:
        # Enter or a click on the label ticks the item or the group, as space does; the arrow beside a group
        # (or right/left) opens and closes it.
        event.stop()
        item = event.node.data
        if item is not None:
            self.selection.toggle(item.certificate_ids)
            self._changed()

    # -- labels --

    def _changed(self) -> None:
        # Labels are drawn from the selection: forget the drawn lines (and their widths) and draw again.
        self._invalidate()
        self.post_message(self.SelectionChanged(self))

    def _ticked(self, item: TreeItem) -> int:
        selected = self.selection.selected
        return sum(1 for i in item.certificate_ids if i in selected) if selected else 0

    def _group_count(self, item: TreeItem, ticked: int | None = None) -> str:
        ticked = self._ticked(item) if ticked is None else ticked
        size = len(item.certificate_ids)
        return f"  {ticked} of {size} ticked" if ticked else "  " + plural(size, "certificate")

    def _group_label(self, item: TreeItem) -> Text:
        ticked = self._ticked(item)
        size = len(item.certificate_ids)
        box = TICKED if ticked == size else PARTLY if ticked else UNTICKED
        end = len(box) + len(item.title)
        plain = box + item.title + self._group_count(item, ticked)
        return Text(plain, spans=[Span(len(box), end, "bold"), Span(end, len(plain), "dim")])

    def _item_title(self, certificate: Certificate) -> str:
        if self.grouping is Grouping.INSURED:
            return f"{certificate.holder_name} · {certificate.holder_city}, {certificate.holder_state}"
        return f"{certificate.insured_name} · {certificate.policy_number}"

    def _item_label(self, certificate: Certificate, title: str) -> Text:
        ticked = self.selection.is_selected(certificate.id)
        access = self.selection.access_of(certificate.id)
        label = Text.assemble(TICKED if ticked else UNTICKED, title, (f"  {ACCESS_LABELS[access]}", "cyan"))
        if not certificate.claims_history_available:
            style = "bold yellow" if access is Access.COI_AND_CLAIMS else "dim"
            label.append(f"  ({NO_CLAIMS_HISTORY})", style=style)
        return label

    def _describe(self, ids: tuple[str, ...]) -> str:
        if len(ids) == 1:
            return "this certificate"
        return f"the {len(ids)} certificates of this group"
