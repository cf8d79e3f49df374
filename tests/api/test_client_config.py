"""Profiles in TOML: round trip, comments and unknown keys kept, clear errors, never overwriting a file we
cannot read."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from small_disks import read_only_folder

from ssp_tui.api.constants import DEFAULT_CONCURRENCY, DEFAULT_FILENAME_TEMPLATE
from ssp_tui.errors import ConfigError
from ssp_tui.settings.config import (
    Profile,
    load_config,
    load_profile,
    resolve_portal_url,
    save_profile,
    set_secrets_file_consent,
)


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
        os_trust_store=True,
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
        ('os_trust_store = "yes"', "os_trust_store must be true or false"),
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


COMMENTED = """\
# ssp-tui settings, kept by hand.
default_profile = 'work'   # the office portal

# Production, through the agency's gateway.
[profiles.work]
portal_url = "https://portal.example"  # ask IT before changing
username   = "pat"
concurrency = 4    # IT asked for at most 4
future_option = { keep = "me" }

[profiles.home]   # evenings
username = "sam"
"""


def test_saving_keeps_the_users_comments_layout_and_spelling(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED)
    _name, work = load_profile(path=path)
    work.concurrency = 8
    work.theme = "nord"
    save_profile("work", work, path=path)
    text = path.read_text()
    expected_work = (
        "[profiles.work]\n"
        'portal_url = "https://portal.example"  # ask IT before changing\n'
        'username   = "pat"\n'
        "concurrency = 8    # IT asked for at most 4\n"
        'future_option = { keep = "me" }\n'
    )
    assert text.startswith(COMMENTED.split("[profiles.work]")[0]), "header comments and 'work' as written"
    assert expected_work in text, text
    assert "[profiles.home]   # evenings\nusername = \"sam\"\n" in text
    assert load_profile(path=path)[1] == work
    set_secrets_file_consent(True, path=path)
    assert path.read_text().startswith("# ssp-tui settings, kept by hand.\n")
    assert "# IT asked for at most 4" in path.read_text() and load_config(path).secrets_file_consent


def test_a_first_save_writes_a_plain_profiles_table(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    save_profile("default", Profile(username="pat", download_dir=Path("/data/pdfs")), path=path)
    assert path.read_text() == (
        'default_profile = "default"\n\n[profiles.default]\ndownload_dir = "/data/pdfs"\n'
        'filename_template = "{policy}/{term}/{date}-{type}-{title}.pdf"\nconcurrency = 6\n'
        'os_trust_store = false\nusername = "pat"\n'
    ), "no empty [profiles] header above [profiles.default]"


def test_a_save_that_cannot_write_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    with read_only_folder(tmp_path / "ro") as folder:
        path = folder / "config.toml"
        with pytest.raises(ConfigError, match="cannot save it") as caught:
            save_profile("default", Profile(username="pat"), path=path)
        assert str(path) in caught.value.user_message
        # What to do, not "internal error" (issue 19.5): the config has no other place to go.
        assert caught.value.next_step == f"Make sure you can write to {folder} and try again."


_texts = st.text(
    st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20
).filter(lambda text: text.strip() == text and bool(text))


@settings(max_examples=100, deadline=None)
@given(username=_texts, template=_texts, theme=st.none() | _texts)
def test_any_profile_survives_a_save_and_a_load(
    tmp_path_factory: pytest.TempPathFactory, username: str, template: str, theme: str | None
) -> None:
    path = tmp_path_factory.mktemp("cfg") / "config.toml"
    path.write_text(COMMENTED)
    profile = Profile(username=username, filename_template=template, theme=theme)
    save_profile("work", profile, path=path)
    assert load_profile("work", path=path)[1] == profile
    assert "# IT asked for at most 4" in path.read_text()


def test_usernames_remembered_for_other_portals_round_trip_and_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED)
    _name, work = load_profile(path=path)
    work.usernames = {"https://other.example": "pat.lee", "embedded-sandbox": "dr.patel"}
    save_profile("work", work, path=path)
    assert load_profile(path=path)[1].usernames == work.usernames
    assert "# IT asked for at most 4" in path.read_text()
    work.usernames = {}
    save_profile("work", work, path=path)
    assert "usernames" not in path.read_text() and load_profile(path=path)[1].usernames == {}
    path.write_text('[profiles.work.usernames]\n"https://other.example" = 5\n')
    with pytest.raises(ConfigError, match="usernames must be a table"):
        load_config(path)
