"""No import cycles among ssp_tui's modules, counting imports made only for type checking and imports inside
functions: a cycle there is still two modules that cannot be understood (or moved) one without the other.

import-linter (its library, grimp) builds the graph; the contracts in pyproject.toml keep the layers, this
keeps every module below the ones that use it (issue 18).
"""

from __future__ import annotations

import sys

import grimp


def strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """The groups of modules that import each other, directly or not (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return groups


def a_cycle(graph: grimp.ImportGraph, group: list[str]) -> list[str]:
    """One shortest cycle through the group's first module, as ``a -> b -> ... -> a``."""
    start = group[0]
    cycles = []
    for imported in graph.find_modules_directly_imported_by(start) & set(group):
        back = graph.find_shortest_chain(importer=imported, imported=start)
        if back is not None:
            cycles.append([start, *back])
    return min(cycles, key=len)


def test_no_import_cycles() -> None:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))  # the depth-first walk is as deep as the longest import chain
    try:
        graph = grimp.build_graph("ssp_tui", exclude_type_checking_imports=False, cache_dir=None)
        groups = strongly_connected(graph)
    finally:
        sys.setrecursionlimit(limit)
    cycles = [" -> ".join(a_cycle(graph, group)) for group in groups]
    assert not cycles, "import cycles (break each with a protocol or a smaller shared module):\n" + "\n".join(
        cycles
    )
