"""One object per distinct value across many rows: a large listing repeats most of its values.

msgspec decodes every field of every row into a new object, so 200,000 seminar completions hold 200,000
copies of a handful of seminar titles, of a few thousand policyholder names and of a few hundred dates:
134 MB. Pointing each row at one shared object per distinct value leaves 37 MB (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence


class SharedValues:
    """Makes rows share equal values of ``fields``; keep one for as long as rows are added to a table."""

    def __init__(self, fields: Sequence[str]) -> None:
        self._pools: list[tuple[str, dict[Hashable, Hashable]]] = [(name, {}) for name in fields]

    def share(self, rows: Iterable[object]) -> None:
        for row in rows:
            for name, pool in self._pools:
                value = getattr(row, name)
                setattr(row, name, pool.setdefault(value, value))

    def clear(self) -> None:
        for _, pool in self._pools:
            pool.clear()
