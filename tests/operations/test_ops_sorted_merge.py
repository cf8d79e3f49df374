"""Sorted streams of pages merged lazily: in order, every item once per stream, a batch out before any stream
has ended, and every stream closed when the caller stops early."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Sequence

from ssp_tui.operations.sorted_merge import merge_sorted_pages


class Stream:
    """Pages of a sorted list; records how many pages were read, and whether it was closed."""

    def __init__(self, pages: Sequence[list[int]]) -> None:
        self.pages = pages
        self.read = 0
        self.closed = False

    def __aiter__(self) -> AsyncIterator[list[int]]:
        return self._pages()

    async def _pages(self) -> AsyncIterator[list[int]]:
        try:
            for page in self.pages:
                self.read += 1
                yield page
        finally:
            self.closed = True


def paged(items: list[int], size: int) -> list[list[int]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


async def merged(streams: list[Stream]) -> list[list[int]]:
    return [batch async for batch in merge_sorted_pages([aiter(s) for s in streams], key=lambda n: n)]


async def test_merged_in_order_with_every_item_of_every_stream() -> None:
    rng = random.Random(7)
    for _ in range(50):
        count = rng.randrange(1, 4)
        lists = [sorted(rng.randrange(40) for _ in range(rng.randrange(12))) for _ in range(count)]
        batches = await merged([Stream(paged(items, rng.randrange(1, 5))) for items in lists])
        assert [n for batch in batches for n in batch] == sorted(n for items in lists for n in items)


async def test_a_batch_goes_out_before_the_streams_are_read_to_their_end() -> None:
    low, high = Stream([[1, 2], [5, 6], [9]]), Stream([[3, 4], [7, 8], [10]])
    streams = merge_sorted_pages([aiter(low), aiter(high)], key=lambda n: n)
    assert await anext(streams) == [1, 2]  # 3 and 4 wait: the low stream may still send a smaller item
    assert (low.read, high.read) == (1, 1)
    assert await anext(streams) == [3, 4]
    assert [n async for batch in streams for n in batch] == [5, 6, 7, 8, 9, 10]


async def test_empty_pages_and_empty_streams_are_passed_over() -> None:
    assert await merged([Stream([[], [1], [], [4]]), Stream([]), Stream([[2, 3], []])]) == [[1], [2, 3], [4]]


async def test_stopping_early_closes_every_stream() -> None:
    streams = [Stream([[1], [3]]), Stream([[2], [4]])]
    merge = merge_sorted_pages([aiter(s) for s in streams], key=lambda n: n)
    assert await anext(merge) == [1]
    await merge.aclose()
    assert all(stream.closed for stream in streams)
