"""seminars activity --xlsx / --csv: exactly the filtered rows, typed, through the shared export."""

from __future__ import annotations

import csv
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import msgspec
import openpyxl
from cli_helpers import Cli, LoginAs

from ssp_tui.api.models import Role, SeminarActivity
from ssp_tui.cli.exit_codes import ExitCode


def activity(cli: Cli, profile: str, *filters: str) -> list[SeminarActivity]:
    result = cli.run("seminars", "activity", *filters, "--json", profile=profile)
    assert result.exit_code == 0, result.stderr
    return msgspec.json.decode(result.stdout, type=list[SeminarActivity])


def test_xlsx_export_holds_the_filtered_rows_with_real_dates(
    cli: Cli, login_as: LoginAs, tmp_path: Path
) -> None:
    profile = login_as(Role.AGENT)
    everything = activity(cli, profile)
    participant = everything[0].participant
    expected = activity(cli, profile, "--participant", participant)
    target = tmp_path / "activity.xlsx"
    result = cli.run(
        "seminars", "activity", "--participant", participant, "--xlsx", str(target), profile=profile
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(target.resolve())
    sheet = openpyxl.load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Participant",
        "Policy #",
        "Policyholder",
        "Seminar",
        "Format",
        "Completed on",
        "Credits",
    )
    assert len(rows) == len(expected) + 1
    for row, item in zip(rows[1:], expected, strict=True):
        assert row[0] == item.participant and row[3] == item.title
        assert isinstance(row[5], datetime) and row[5].date() == item.completed_on
        assert Decimal(str(row[6])) == item.credits


def test_csv_export(cli: Cli, login_as: LoginAs, tmp_path: Path) -> None:
    profile = login_as(Role.POLICYHOLDER)
    expected = activity(cli, profile)
    target = tmp_path / "activity.csv"
    result = cli.run("seminars", "activity", "--csv", str(target), profile=profile)
    assert result.exit_code == 0, result.stderr
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == len(expected) + 1
    assert [row[5] for row in rows[1:]] == [item.completed_on.isoformat() for item in expected]


def test_export_into_a_missing_folder_is_an_error(cli: Cli, login_as: LoginAs, tmp_path: Path) -> None:
    profile = login_as(Role.POLICYHOLDER)
    result = cli.run("seminars", "activity", "--xlsx", str(tmp_path / "nope" / "a.xlsx"), profile=profile)
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr.startswith("Error: ")
