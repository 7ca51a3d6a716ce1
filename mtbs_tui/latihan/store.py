"""The practice file (issue 19): a separate SQLite file, never the clinical register.

It holds no patient data: the fictitious cases come from the library by id, and a participant is a
name only. One file is either free practice (``mtbs latihan``) or a workshop session made by the
assessor (``mtbs latihan sesi``: a session id, a name, the participants and the case set); each
participant works through a copy on any PC and the assessor merges the copies
(``mtbs latihan gabung``: attempts are keyed by their own uid, so merging twice changes nothing).

The marker: ``PRAGMA application_id`` = ``dbfile.PRACTICE_APPLICATION_ID``, checked from the header
before SQLite opens the file, both ways (``dbfile.check_file_kind``): ``db.connect`` refuses a
practice file and ``PracticeStore.open`` refuses anything else. ``meta.kind`` = 'latihan' too.

Writes: one ``BEGIN IMMEDIATE ... COMMIT`` under the same cross-process lock file as the register
(``db.WriteLock``); "tersimpan" only after it returned. DELETE journal, synchronous=FULL: the file
alone is complete, ready to be copied to a flash disk.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import sqlite3
from pathlib import Path
from typing import Any, Iterator, Sequence

from mtbs_tui.dbfile import PRACTICE_APPLICATION_ID, DatabaseError, check_existing_file, refuse_network_path

STORE_VERSION = 1
NAME_MAX = 60

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE participants (position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE session_cases (position INTEGER PRIMARY KEY, case_id TEXT NOT NULL UNIQUE);
CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    participant TEXT NOT NULL,
    case_id TEXT NOT NULL,
    chart TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    answer_json TEXT NOT NULL,
    score_json TEXT NOT NULL,
    percent REAL NOT NULL CHECK (percent >= 0 AND percent <= 100)
);
CREATE INDEX attempts_by_participant ON attempts(participant, case_id, finished_at);
"""


class PracticeError(Exception):
    """A practice file that cannot be used, or bad input: one Indonesian line (``message``)."""

    def __init__(self, message: str, kind: str = "masukan") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind

    def __str__(self) -> str:
        return f"galat: {self.message}"


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def check_name(name: str, field: str = "nama peserta") -> str:
    """A participant or session name: 1-60 characters of printable text."""
    text = " ".join(str(name).split())
    if not text or len(text) > NAME_MAX or not text.isprintable():
        raise PracticeError(f"{field}: 1–{NAME_MAX} karakter teks yang dapat dicetak")
    return text


class PracticeStore:
    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        from mtbs_tui.db import WriteLock

        self.path = path
        self.conn = conn
        self._lock = WriteLock(path)

    # --- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, *, create: bool = False) -> "PracticeStore":
        """Open a practice file (``create``: make it when missing). A clinical register, or any file
        that is not a practice file, is refused before SQLite opens it."""
        path = Path(path)
        try:
            refuse_network_path(path)
            if path.exists():
                check_existing_file(path, practice=True)
            elif not create:
                raise DatabaseError(f"{path}: berkas latihan tidak ditemukan", kind="hilang")
            elif not path.parent.is_dir():
                raise DatabaseError(f"{path.parent}: folder tidak ditemukan", kind="hilang")
        except DatabaseError as exc:
            raise PracticeError(exc.message, exc.kind) from None
        fresh = not path.exists() or path.stat().st_size == 0
        if fresh:
            with contextlib.suppress(FileExistsError):
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600))
        try:
            conn = sqlite3.connect(str(path), isolation_level=None, timeout=5.0, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 5000")
            if not fresh and conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                conn.close()
                raise PracticeError(f"{path}: berkas latihan rusak", "rusak")
            conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.DatabaseError as exc:
            raise PracticeError(f"{path}: berkas latihan tidak dapat dibuka ({exc})", "rusak") from None
        store = cls(path, conn)
        if fresh:
            store._create()
        else:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > STORE_VERSION:
                store.close()
                raise PracticeError(f"{path}: berkas latihan dibuat oleh versi aplikasi yang lebih baru; "
                                    "perbarui aplikasi", "baru")
        return store

    def _create(self) -> None:
        with self.write() as conn:
            conn.execute(f"PRAGMA application_id = {PRACTICE_APPLICATION_ID}")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {STORE_VERSION}")
            conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)",
                             [("kind", "latihan"), ("created_at", _now()), ("file_id", secrets.token_hex(8))])

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: the lock file, BEGIN IMMEDIATE, the body, COMMIT."""
        self._lock.acquire()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        finally:
            self._lock.release()

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()
        self._lock.close()

    def __enter__(self) -> "PracticeStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the session ---------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @property
    def session_id(self) -> str | None:
        return self.meta("session_id")

    @property
    def session_name(self) -> str | None:
        return self.meta("session_name")

    def set_session(self, name: str, participants: Sequence[str], case_ids: Sequence[str],
                    session_id: str | None = None) -> str:
        """Make this (new, empty) file a workshop session (one transaction). Returns the session id
        (a new one unless given: the assessor's merged file keeps the participants' id)."""
        from mtbs_tui.latihan import library

        name = check_name(name, "nama sesi")
        people = [check_name(p) for p in participants]
        if not people:
            raise PracticeError("peserta: sebutkan minimal satu nama peserta")
        if len({p.casefold() for p in people}) != len(people):
            raise PracticeError("peserta: nama peserta tidak boleh sama")
        known = {c.id for c in library.load()}
        unknown = [c for c in case_ids if c not in known]
        if unknown:
            raise PracticeError(f"kasus: kasus latihan tidak dikenal: {', '.join(unknown[:3])}")
        if not case_ids:
            raise PracticeError("kasus: pilih minimal satu kasus")
        if self.session_id is not None or self.attempts():
            raise PracticeError(f"{self.path}: berkas latihan ini sudah dipakai; buat berkas baru")
        session_id = session_id or secrets.token_hex(8)
        with self.write() as conn:
            conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)",
                             [("session_id", session_id), ("session_name", name)])
            conn.executemany("INSERT INTO participants(name) VALUES (?)", [(p,) for p in people])
            conn.executemany("INSERT INTO session_cases(case_id) VALUES (?)",
                             [(c,) for c in dict.fromkeys(case_ids)])
        return session_id

    def participants(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM participants ORDER BY position")]

    def case_ids(self) -> list[str]:
        """The session's case set, in order; empty in free practice (the whole library)."""
        return [r[0] for r in self.conn.execute("SELECT case_id FROM session_cases ORDER BY position")]

    # --- attempts ------------------------------------------------------------------------------
    def save_attempt(self, *, participant: str, case_id: str, chart: str, answer: dict[str, Any],
                     score: dict[str, Any], started_at: str, rules_version: str) -> str:
        """One finished case, in one transaction. Returns its uid."""
        participant = check_name(participant)
        people = self.participants()
        if people and participant not in people:
            raise PracticeError(f"nama peserta: {participant} tidak terdaftar dalam sesi ini")
        percent = float(score["percent"])
        uid = secrets.token_hex(16)
        with self.write() as conn:
            conn.execute(
                "INSERT INTO attempts(uid, participant, case_id, chart, rules_version, started_at, finished_at, "
                "answer_json, score_json, percent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (uid, participant, case_id, chart, rules_version, started_at, _now(),
                 json.dumps(answer, ensure_ascii=False), json.dumps(score, ensure_ascii=False), percent))
        return uid

    def attempts(self, participant: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM attempts"
        args: tuple[Any, ...] = ()
        if participant is not None:
            sql += " WHERE participant = ?"
            args = (participant,)
        out = []
        for row in self.conn.execute(sql + " ORDER BY finished_at, id", args):
            item = dict(row)
            item["answer"] = json.loads(item.pop("answer_json"))
            item["score"] = json.loads(item.pop("score_json"))
            out.append(item)
        return out

    def latest(self, participant: str) -> dict[str, dict[str, Any]]:
        """The last attempt of each case by one participant (case id -> attempt)."""
        return {a["case_id"]: a for a in self.attempts(participant)}


def create_session(path: Path, name: str, participants: Sequence[str], case_ids: Sequence[str]) -> str:
    """``mtbs latihan sesi``: a new session file (refused when the file exists)."""
    if path.exists():
        raise PracticeError(f"{path}: berkas sudah ada; pilih nama berkas baru")
    store = PracticeStore.open(path, create=True)
    try:
        return store.set_session(name, participants, case_ids)
    except BaseException:
        store.close()
        # Nothing of a refused session stays: the file and what opening it made beside it.
        for made in (path, *(Path(f"{path}{side}") for side in ("-wal", "-shm", ".writelock"))):
            with contextlib.suppress(OSError):
                made.unlink()
        raise
    finally:
        store.close()


def merge(target: Path, sources: Sequence[Path]) -> tuple[int, int]:
    """``mtbs latihan gabung``: copy every attempt of ``sources`` (files of one session) into
    ``target`` (a new file, or the session file of the assessor). Returns (added, already there).
    The attempts go in one transaction: a failure leaves them as they were."""
    if not sources:
        raise PracticeError("berkas: sebutkan berkas peserta yang digabung")
    opened: list[PracticeStore] = []
    try:
        for src in sources:
            opened.append(PracticeStore.open(src))
        session_ids = {s.session_id for s in opened}
        if len(session_ids) != 1 or None in session_ids:
            raise PracticeError("berkas: hanya berkas dari satu sesi yang sama yang dapat digabung")
        first = opened[0]
        out = PracticeStore.open(target, create=True)
        try:
            if out.session_id is None and not out.attempts():
                out.set_session(first.session_name or "Sesi", first.participants(), first.case_ids(),
                                session_id=first.session_id)
            elif out.session_id != first.session_id:
                raise PracticeError(f"{target}: berkas tujuan berasal dari sesi lain")
            added = seen = 0
            columns = ("uid", "participant", "case_id", "chart", "rules_version", "started_at", "finished_at",
                       "answer_json", "score_json", "percent")
            with out.write() as conn:
                for source in opened:
                    if source.path.resolve() == out.path.resolve():
                        continue
                    for row in source.conn.execute(f"SELECT {', '.join(columns)} FROM attempts ORDER BY id"):
                        cur = conn.execute(
                            f"INSERT OR IGNORE INTO attempts({', '.join(columns)}) "
                            f"VALUES ({', '.join('?' * len(columns))})", tuple(row))
                        if cur.rowcount:
                            added += 1
                        else:
                            seen += 1
            return added, seen
        finally:
            out.close()
    finally:
        for s in opened:
            s.close()
