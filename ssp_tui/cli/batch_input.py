"""Many ids or policy numbers at once: as arguments, from standard input (an argument ``-``), or from a file
(``--from-file FILE``, ``-`` again meaning standard input), one a line. Blank lines and ``#`` comments are
skipped, and an item named twice counts once.

    ssp-tui policies list --jq '.[].policy_number' | ssp-tui docs download - --dir out
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])
STDIN = "-"


def from_file_option(what: str) -> Callable[[F], F]:
    return click.option(
        "--from-file",
        "from_file",
        metavar="FILE",
        help=f"Read {what} from FILE, one a line ('-' for standard input).",
    )


def _lines(text: Iterable[str]) -> list[str]:
    items = []
    for line in text:
        item = line.split("#", 1)[0].strip()
        if item:
            items.append(item)
    return items


def _read(source: str) -> list[str]:
    if source == STDIN:
        return _lines(sys.stdin)
    try:
        with open(source, encoding="utf-8") as handle:
            return _lines(handle)
    except OSError as exc:
        raise click.BadParameter(
            f"cannot read {source}: {exc.strerror or type(exc).__name__}", param_hint="--from-file"
        ) from None
    except UnicodeDecodeError:
        raise click.BadParameter(f"{source} is not a UTF-8 text file", param_hint="--from-file") from None


def gather(arguments: Sequence[str], from_file: str | None, *, what: str, required: bool = True) -> list[str]:
    """The items named in ``arguments`` (``-`` reads standard input there) and in ``from_file``, in order,
    each once. A usage error (exit 2) when ``required`` and there are none."""
    items: list[str] = []
    stdin_used = False
    for argument in arguments:
        if argument == STDIN:
            if stdin_used:
                continue
            stdin_used = True
            items.extend(_read(STDIN))
        elif argument.strip():
            items.append(argument.strip())
    if from_file is not None:
        if from_file == STDIN and stdin_used:
            raise click.UsageError("Standard input can be read once: give '-' or --from-file -, not both.")
        items.extend(_read(from_file))
    unique = list(dict.fromkeys(items))
    if required and not unique:
        raise click.UsageError(f"Name at least one {what}: as arguments, '-' to read them from standard "
                               "input, or --from-file FILE.")  # fmt: skip
    return unique
