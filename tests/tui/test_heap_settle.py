"""The long-lived heap is frozen out of the collector's way once the app is idle after large loads, and what
the user's screens and data held is freed at sign-out (``ssp_tui/tui/heap.py``)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, Iterator

import pytest
from section_helpers import enter_as
from tui_helpers import SandboxLike, wait_for

from ssp_tui.tui.app import SspApp
from ssp_tui.tui.heap import SETTLE_AFTER_GROWTH, HeapKeeper
from ssp_tui.tui.sign_in.login import LoginScreen

SIZE = (150, 50)


@pytest.fixture(autouse=True)
def nothing_left_frozen() -> Iterator[None]:
    yield
    gc.unfreeze()


def frozen(thing: object) -> bool:
    """Not in any generation the collector walks (``gc.get_objects()`` leaves the permanent one out)."""
    return gc.is_tracked(thing) and not any(o is thing for o in gc.get_objects())


class IdleApp:
    """What the keeper needs of an app: its workers (none running) and a refresh that comes at once."""

    workers: list[object] = []

    def call_after_refresh(self, callback: Callable[[], object]) -> bool:
        callback()
        return True


async def test_a_large_load_is_frozen_once_idle_and_a_small_one_is_not() -> None:
    keeper = HeapKeeper(IdleApp())  # type: ignore[arg-type]
    keeper.settle()  # from a known start: everything alive now is frozen
    assert keeper.settles == 1

    small = [[i] for i in range(100)]
    gc.collect()  # survivors of a collection are in the oldest generation, as a load's are by its end
    keeper.settle_when_idle()
    assert keeper._task is not None
    await keeper._task
    assert keeper.settles == 1, "a hundred new objects are not worth a full collection"
    assert not frozen(small[0])

    large = [[i] for i in range(max(SETTLE_AFTER_GROWTH, gc.get_freeze_count() // 4))]
    gc.collect()
    keeper.settle_when_idle()
    assert keeper._task is not None
    await keeper._task
    assert keeper.settles == 2
    assert frozen(large[0]) and frozen(small[0])

    keeper.release()
    assert not frozen(large[0])


def heap_settled(app: SspApp) -> bool:
    """The build has ended and the settle it asked for as it ended (``when_built``) has run."""
    return not app.prebuilder.running and app.heap.settles > 0 and not app.heap.settling


async def test_the_screens_built_ahead_are_frozen_once_built_and_freed_at_sign_out(
    sandbox: SandboxLike, make_app: Callable[..., SspApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whether a load is worth a settle depends on the process's heap (a test run's is far larger than the
    # app's); the rule itself is the test above. Here every load is.
    monkeypatch.setattr(HeapKeeper, "grown_enough", lambda self: True)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await enter_as(pilot, sandbox, "agent.rivera")
        await wait_for(pilot, lambda: heap_settled(app), "the screens built ahead, then the heap settled")
        built = app.prebuilder.built("risk")
        assert built is not None and frozen(built), "frozen once built"
        risk = weakref.ref(built)
        del built

        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
        gc.collect()
        assert risk() is None, "the signed-out user's screen, never opened, is freed"
