"""Profiles in TOML: round trip, unknown keys kept, clear errors, never overwriting a file we cannot read."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssp_tui.api.constants import DEFAULT_CONCURRENCY, DEFAULT_FILENAME_TEMPLATE
from ssp_tui.api.errors import ConfigError
from ssp_tui.settings.config import (
    Profile,
    load_config,
    load_profile,
    resolve_portal_url,
    save_profile,
    set_secrets_file_consent,
)
from ssp_tui.settings.toml_writer import dumps_toml


def test_a_missing_file_gives_the_default_profile(tmp_path: Path) -> None:
    name, profile = load_profile(path=tmp_path / "none.toml")
    assert name == "default"
    assert profile.portal_url is None
    assert profile.filename_template == DEFAULT_FILENAME_TEMPLATE
    assert profile.concurrency == DEFAULT_CONCURRENCY


def test_profile_round_trip_keeps_other_profiles_and_unknown_keys(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "config.toml"
    path.parent.mkdir()
    path.write_text('future_option = "keep me"\n\n[profiles.home]\nusername = "old"\nnew_key = [1, 2]\n')
    work = Profile(
        portal_url="https://portal.example/",
        username='pat "the agent"',
        download_dir=tmp_path / "Downloads" / "ssp é",
        filename_template="{policy}/{title}.pdf",
        concurrency=4,
        theme="nord",
    )
    save_profile("work", work, path=path, make_default=True)
    config = load_config(path)
    assert config.default_profile == "work"
    assert config.profiles["work"] == work
    assert config.profiles["home"].username == "old"
    raw = tomllib.loads(path.read_text())
    assert raw["future_option"] == "keep me" and raw["profiles"]["home"]["new_key"] == [1, 2]
    assert load_profile(path=path) == ("work", work)
    assert load_profile("home", path=path)[1].username == "old"
    assert load_profile("brand-new", path=path) == ("brand-new", Profile())


def test_clearing_a_value_removes_it(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_profile("default", Profile(portal_url="https://p.example", theme="nord"), path=path)
    save_profile("default", Profile(), path=path)
    assert "portal_url" not in path.read_text() and "theme" not in path.read_text()


def test_malformed_toml_names_the_file_and_line_and_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    text = '[profiles.default]\nusername = "pat"\nconcurrency = = 3\n'
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(path) in caught.value.user_message and "line 3" in caught.value.user_message
    with pytest.raises(ConfigError):
        save_profile("default", Profile(username="new"), path=path)
    assert path.read_text() == text
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]  # no temp file left either


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('concurrency = "six"', "concurrency must be a whole number"),
        ("concurrency = 0", "concurrency must be from 1 to 32"),
        ("username = 5", "username must be a string"),
        ('portal_url = "ftp://x"', "portal_url"),
        ('download_dir = ""', "download_dir"),
    ],
)
def test_wrong_values_are_config_errors_naming_the_key(tmp_path: Path, table: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[profiles.work]\n{table}\n")
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(path)
    assert "[profiles.work]" in str(caught.value)


def test_bad_profile_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a profile name"):
        load_profile("../etc", path=tmp_path / "c.toml")


def test_portal_resolution_order() -> None:
    profile = Profile(portal_url="https://profile.example")
    assert resolve_portal_url("https://flag.example/api/v1/", profile, {}) == "https://flag.example"
    assert (
        resolve_portal_url(None, profile, {"SSP_PORTAL": "http://env.example:8080"})
        == "http://env.example:8080"
    )
    assert resolve_portal_url(None, profile, {}) == "https://profile.example"
    assert resolve_portal_url(None, Profile(), {}) is None  # the embedded sandbox
    with pytest.raises(ConfigError, match="not a portal URL"):
        resolve_portal_url("portal.example", profile, {})


def test_secrets_file_consent_is_saved(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert load_config(path).secrets_file_consent is False
    set_secrets_file_consent(True, path=path)
    assert load_config(path).secrets_file_consent is True


def test_toml_writer_round_trips_what_tomllib_reads() -> None:
    data = {
        "title": 'quote " backslash \\ tab \t newline \n unicode é ✓ control \x01',
        "n": -3,
        "x": 1.5,
        "flag": False,
        "when": datetime(2026, 11, 28, 12, 30, tzinfo=UTC),
        "day": date(2026, 11, 28),
        "list": ["a", 1, [True]],
        "dotted key": "needs quotes",
        "inline": [{"a": 1}, {"b": "two"}],
        "outer": {"inner": {"deep": "yes"}, "scalar": 1},
        "empty": {},
    }
    assert tomllib.loads(dumps_toml(data)) == data


_scalars = (
    st.text(max_size=20)
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.booleans()
    | st.floats(allow_nan=False, allow_infinity=True)
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=10), _values, max_size=6))
def test_toml_writer_round_trips_any_document(data: dict) -> None:
    assert tomllib.loads(dumps_toml(data)) == data
