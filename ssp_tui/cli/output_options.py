"""The output options every command shares, and ``make_output``, which checks them before any network work.

    @output_options()                  # --json [FIELDS], --jq EXPR, --format, --no-header, --quiet/-q
    def policies_list(ctx, ...):
        output = make_output(ctx, fields=PolicySummary)   # a usage error (exit 2) here, never after a request

``-q`` means ``--quiet`` everywhere, before or after the command (``--query`` has no short form). The options
are kept in ``ctx.meta`` by their callbacks, so the commands' signatures do not carry them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from ssp_tui.cli.output import Format, Output, json_option

__all__ = ["GlobalOptions", "global_options", "json_option", "make_output", "output_options"]

F = TypeVar("F", bound=Callable[..., Any])
_META_KEY = "ssp_tui.output"
ALL_FIELDS = "*"
"""What a bare ``--json`` stands for: every field."""


@dataclass(frozen=True, slots=True)
class GlobalOptions:
    portal: str | None
    profile: str | None
    sandbox: bool
    as_json: bool
    quiet: bool


def global_options(ctx: click.Context) -> GlobalOptions:
    """The root group's options."""
    obj = ctx.find_root().obj or {}
    return GlobalOptions(
        portal=obj.get("portal"),
        profile=obj.get("profile"),
        sandbox=bool(obj.get("sandbox")),
        as_json=bool(obj.get("as_json")),
        quiet=bool(obj.get("quiet")),
    )


def _keep(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        ctx.meta.setdefault(_META_KEY, {})[name] = value
        return value

    return callback


def _compile_jq(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """The jq program, compiled while parsing: a syntax error is a usage error before any request."""
    program = None
    if value is not None:
        import jq

        try:
            program = jq.compile(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc).strip().splitlines()[0], param=param) from None
    ctx.meta.setdefault(_META_KEY, {})["jq"] = program
    return program


def output_options(*, listing: bool = True) -> Callable[[F], F]:
    """``--json [FIELDS]``, ``--jq EXPR`` and ``--quiet/-q``; for listings also ``--format`` and
    ``--no-header``."""
    options = [
        click.option(
            "--json",
            "json_fields",
            is_flag=False,
            flag_value=ALL_FIELDS,
            default=None,
            metavar="[FIELDS]",
            expose_value=False,
            callback=_keep("json"),
            help="Print JSON (the portal's records; money in cents). FIELDS, comma-separated, keeps only "
            "those fields, e.g. --json id,policy_number.",
        ),
        click.option(
            "--jq",
            metavar="EXPR",
            expose_value=False,
            callback=_compile_jq,
            help="Filter the JSON through a jq expression; strings print raw (like jq -r).",
        ),
    ]
    if listing:
        options += [
            click.option(
                "--format",
                "fmt",
                type=click.Choice([f.value for f in Format]),
                expose_value=False,
                callback=_keep("format"),
                help="Output format (default: table on a terminal, tsv when piped).",
            ),
            click.option(
                "--no-header",
                is_flag=True,
                expose_value=False,
                callback=_keep("no_header"),
                help="No header line in table, tsv and csv output.",
            ),
        ]
    options.append(
        click.option(
            "--quiet",
            "-q",
            is_flag=True,
            expose_value=False,
            callback=_keep("quiet"),
            help="No progress or messages on stderr (the same as the global --quiet).",
        )
    )

    def decorate(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def field_names(fields: type | Sequence[str]) -> list[str]:
    """The JSON field names of a msgspec model (as encoded) or a dataclass, or the names given."""
    if isinstance(fields, type):
        import dataclasses

        if dataclasses.is_dataclass(fields):
            return [field.name for field in dataclasses.fields(fields)]
        import msgspec

        return [field.encode_name for field in msgspec.structs.fields(fields)]
    return list(fields)


def make_output(
    ctx: click.Context, *, fields: type | Sequence[str] | None = None, as_json: bool = False
) -> Output:
    """The command's Output, with every output option checked now (usage errors, exit 2).

    ``fields``: what ``--json FIELDS`` may name (the JSON record's model, or its keys); None for a command
    whose only output is text. ``as_json``: a command's own ``--json`` flag (``json_option``, the older
    form) counts as much as the global one."""
    chosen: dict[str, Any] = ctx.meta.get(_META_KEY, {})
    root = global_options(ctx)
    json_text: str | None = chosen.get("json")
    jq_program = chosen.get("jq")
    fmt = Format(chosen["format"]) if chosen.get("format") else None
    wants_json = as_json or root.as_json or json_text is not None or jq_program is not None
    if fmt is not None and fmt is not Format.JSON and wants_json:
        raise click.UsageError(f"--format {fmt.value} and JSON (--json or --jq) cannot go together.")
    if wants_json:
        fmt = Format.JSON
    if chosen.get("no_header") and fmt is Format.JSON:
        raise click.UsageError("--no-header is for table, tsv and csv output, not JSON.")
    selected = _selected_fields(json_text, fields)
    return Output(
        fmt=fmt,
        quiet=root.quiet or bool(chosen.get("quiet")),
        json_fields=selected,
        jq=jq_program,
        header=not chosen.get("no_header"),
    )


def _selected_fields(json_text: str | None, fields: type | Sequence[str] | None) -> list[str] | None:
    if json_text is None or json_text == ALL_FIELDS:
        return None
    wanted = [name.strip() for name in json_text.split(",") if name.strip()]
    known = field_names(fields) if fields is not None else []
    unknown = [name for name in wanted if name not in known]
    if unknown or not wanted:
        listed = ", ".join(known) if known else "(this command prints no JSON records)"
        named = ", ".join(repr(name) for name in unknown) or repr(json_text)
        raise click.UsageError(
            f"--json: unknown field {named}. Fields: {listed}. "
            "(--json takes an optional field list: give arguments before it, or write --json=FIELDS.)"
        )
    return wanted
