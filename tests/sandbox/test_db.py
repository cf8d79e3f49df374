"""The sandbox database layer: ids, password hashing, atomic create/reset, demo accounts and the outbox."""

from __future__ import annotations

import random
import re
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from seeded_db import TODAY

from ssp_tui import clock
from ssp_tui.api.models.auth import MfaFactor
from ssp_tui.sandbox import db
from ssp_tui.sandbox.ids import new_id
from ssp_tui.sandbox.passwords import hash_password, unusable_hash, verify_password

ID_PATTERN = re.compile(r"^[a-z]+_[0-9a-hjkmnp-tv-z]{16}$")


def test_ids_are_opaque_and_deterministic_only_from_a_seeded_rng() -> None:
    seeded = [new_id("po", random.Random(5)) for _ in range(2)]
    assert seeded[0] == seeded[1] and ID_PATTERN.match(seeded[0])
    runtime = {new_id("hr") for _ in range(1000)}
    assert len(runtime) == 1000 and all(ID_PATTERN.match(i) for i in runtime)
    with pytest.raises(ValueError, match="prefix"):
        new_id("Bad-Prefix")


def test_password_hash_round_trip_and_format() -> None:
    stored = hash_password("Cedar-Falcon-27")
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**14), "8", "1") and salt and digest
    assert verify_password("Cedar-Falcon-27", stored)
    assert not verify_password("cedar-falcon-27", stored)
    assert hash_password("same") != hash_password("same")  # a fresh salt each time
    assert hash_password("same", salt=b"s" * 16) == hash_password("same", salt=b"s" * 16)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "plain",
        "bcrypt$10$abc",
        "scrypt$16384$8$1$not base64!$AAAA",
        "scrypt$1000$8$1$c2FsdHNhbHRzYWx0c2FsdA==$" + "A" * 44,  # N not a power of two
        "scrypt$1073741824$8$1$c2FsdHNhbHRzYWx0c2FsdA==$" + "A" * 44,  # N beyond the accepted cost
        "scrypt$16384$8$1$$" + "A" * 44,
    ],
)
def test_malformed_stored_hash_never_verifies_nor_raises(stored: str) -> None:
    assert verify_password("anything", stored) is False


def test_unusable_hash_is_well_formed_but_matches_nothing() -> None:
    stored = unusable_hash(random.Random(1))
    assert stored.startswith("scrypt$16384$8$1$") and stored == unusable_hash(random.Random(1))
    assert not verify_password("", stored) and not verify_password("password", stored)


def test_default_path_is_in_the_platform_data_folder() -> None:
    path = db.default_db_path()
    assert path.name == "sandbox.sqlite3" and "ssp-tui" in path.parts


def test_open_db_creates_seeds_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "sandbox.sqlite3"
    conn = db.open_db(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert isinstance(conn.execute("SELECT 1 AS one").fetchone(), sqlite3.Row)
        assert db.meta(conn)["today"] == clock.today().isoformat()
        conn.execute("UPDATE users SET failed_logins = 3 WHERE username = 'dr.patel'")
        conn.commit()
    finally:
        conn.close()
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".building")] == []
    again = db.open_db(path)  # reopening keeps the data: no reseed
    try:
        assert again.execute("SELECT failed_logins FROM users WHERE username = 'dr.patel'").fetchone()[0] == 3
    finally:
        again.close()


def test_create_refuses_an_existing_file_and_reset_replaces_it(tmp_path: Path) -> None:
    path = db.create_and_seed(tmp_path / "sandbox.sqlite3", seed=1, today=TODAY)
    with pytest.raises(FileExistsError):
        db.create_and_seed(path, today=TODAY)
    conn = db.connect(path)
    conn.execute("INSERT INTO outbox (username, factor, code, sent_at) VALUES ('dr.patel', 'sms', '1', 'x')")
    conn.commit()
    conn.close()
    db.reset_db(path, seed=2, scale=1, today=date(2026, 1, 15))
    conn = db.connect(path)
    try:
        assert db.meta(conn) == {
            "schema_version": db.SCHEMA_VERSION, "seed": "2", "scale": "1", "today": "2026-01-15"
        }
        assert conn.execute("SELECT count(*) FROM outbox WHERE code = '1'").fetchone()[0] == 0
    finally:
        conn.close()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("sandbox.sqlite3-")) == [
        "sandbox.sqlite3"
    ]


def test_a_failed_seed_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_seed(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(db, "seed_database", broken_seed)
    with pytest.raises(RuntimeError):
        db.open_db(tmp_path / "sandbox.sqlite3")
    assert list(tmp_path.iterdir()) == []


def test_open_db_explains_a_foreign_or_outdated_file(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(db.SandboxDatabaseError, match="sandbox reset"):
        db.open_db(garbage)
    old = tmp_path / "old.sqlite3"
    with sqlite3.connect(old) as conn:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute("INSERT INTO meta VALUES ('schema_version', '0')")
    conn.close()
    with pytest.raises(db.SandboxDatabaseError, match="version 0"):
        db.open_db(old)


def test_scale_outside_the_supported_range_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        db.create_and_seed(tmp_path / "s.sqlite3", scale=0, today=TODAY)
    assert list(tmp_path.iterdir()) == []


def test_outbox_lists_sent_codes_oldest_first(tmp_path: Path) -> None:
    path = db.create_and_seed(tmp_path / "sandbox.sqlite3", today=TODAY)
    conn = db.connect(path)
    try:
        # The seed's one message: the demo registration's invitation (see seed_requests).
        [invitation] = db.outbox(conn)
        assert (invitation.username, invitation.factor, invitation.to) == (
            "opark", "email", "owen.park@minakimdo.example"
        )
        assert invitation.code and invitation.code in invitation.body
        conn.executemany(
            "INSERT INTO outbox (username, factor, code, sent_at) VALUES (?, ?, ?, ?)",
            [
                ("dr.patel", "sms", "123456", "2026-11-28T10:00:00Z"),
                ("dr.kim", "voice", "654321", "2026-11-28T10:01:00Z"),
            ],
        )
        messages = db.outbox(conn)[1:]
        assert [(m.username, m.factor, m.code) for m in messages] == [
            ("dr.patel", MfaFactor.SMS, "123456"),
            ("dr.kim", MfaFactor.VOICE, "654321"),
        ]
        assert messages[0].sent_at == datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
        accounts = db.demo_accounts(conn)
        assert [a.username for a in accounts][:2] == ["dr.patel", "office.lakes"]
        assert next(a for a in accounts if a.username == "dr.kim").totp_secret is None
    finally:
        conn.close()


def test_losing_a_creation_race_keeps_the_winners_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sandbox.sqlite3"
    wal = Path(f"{path}-wal")
    build = db._build

    def build_while_another_process_wins(*args: object) -> Path:
        built = build(*args)
        build(path, 9, 1, TODAY).rename(path)  # the other process installs its database first
        wal.write_bytes(b"the winner's live log")  # and is using it
        return built

    monkeypatch.setattr(db, "_build", build_while_another_process_wins)
    with pytest.raises(FileExistsError):
        db.create_and_seed(path, today=TODAY)
    assert wal.read_bytes() == b"the winner's live log"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sandbox.sqlite3", "sandbox.sqlite3-wal"]
    wal.unlink()
    monkeypatch.setattr(db, "_build", build)
    conn = db.open_db(path)  # open_db uses the winner's database as it is
    try:
        assert db.meta(conn)["seed"] == "9"
    finally:
        conn.close()


def test_an_outdated_default_database_is_rebuilt_with_its_seed_and_scale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = tmp_path / "data" / "sandbox.sqlite3"
    monkeypatch.setattr(db, "default_db_path", lambda: default)
    db.create_and_seed(default, seed=7, scale=1, today=TODAY)
    with sqlite3.connect(default) as old:
        old.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        old.execute("DELETE FROM users")  # what an older version left behind goes with it
    old.close()
    conn = db.open_db(default)
    try:
        built = db.meta(conn)
        assert built["schema_version"] == db.SCHEMA_VERSION and built["seed"] == "7"
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] > 0
        assert conn.execute("SELECT count(*) FROM customers WHERE address = ''").fetchone()[0] == 0
    finally:
        conn.close()
