"""The register API: facility identity, patients, drafts, visits, corrections, search and lists.

Screens, documents and commands call this module; it never imports Textual or reportlab. Every
write is one `db.write()` transaction (lock file + BEGIN IMMEDIATE ... COMMIT): a method that
returns has committed, so the caller may show "Tersimpan".

Clinical data is never overwritten once final. A draft row (status 'draft') is updated in place
until it is finalised; a final row only ever changes `is_current` when a correction supersedes it
(new row, version + 1, `supersedes_id`, author and reason). Patients' demographic edits keep the
previous row in `patient_versions`.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
import socket
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal, cast

import sqlite_utils

from mtbs_tui import db as dbmod
from mtbs_tui import given, patient_fields
from mtbs_tui import referral_facilities as facility_fields
from mtbs_tui.rules.age import YOUNG_INFANT_DAYS, age_on
from mtbs_tui.rules.codes import ALL_CLEAR, COLOURS_WORST_FIRST, SEVERITY
from mtbs_tui.rules.errors import CaseError
from mtbs_tui.rules.vocabulary import TOP_LEVEL

Classifier = Callable[[dict[str, Any]], dict[str, Any]]

# The choices of the case fields (rules/vocabulary.py is their one home).
SEXES = TOP_LEVEL["sex"].choice_values()
MALARIA_AREAS = TOP_LEVEL["malaria_area"].choice_values()
CHARTS = TOP_LEVEL["chart"].choice_values()
KINDS = ("pertama", "ulang")
MAX_TEXT = 200
FACILITY_FIELDS = (
    "name", "code", "address", "district", "province", "malaria_area", "head_name", "head_nip",
    "chart_default", "phone",
)
PATIENT_FIELDS = patient_fields.KEYS
MEASUREMENTS = (
    "weight_kg", "length_cm", "length_position", "muac_cm", "head_circumference_cm", "temperature_c",
    "malaria_area",
)
# Labels of the fields named in FieldError messages (Bahasa Indonesia for the user).
FIELD_LABELS = patient_fields.LABELS
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
# Two records are likely the same child when their birth dates differ by at most this many days
# (and the name + mother's name, or the mother's NIK, agree). Setting `duplicate_birth_days`.
DEFAULT_DUPLICATE_BIRTH_DAYS = 3
MAX_DUPLICATE_BIRTH_DAYS = 30

# The outcomes of a referral as the hospital's reply slip (balasan rujukan) states them, or as the
# puskesmas learned them: key -> label. One home: the CLI, the screens, the report and the exports
# read them here.
REPLY_OUTCOMES: dict[str, str] = {
    "dirawat_inap": "Dirawat inap",
    "rawat_jalan": "Rawat jalan",
    "dirujuk_lagi": "Dirujuk lagi",
    "meninggal": "Meninggal",
    "pulang_aps": "Pulang atas permintaan sendiri",
    "tidak_datang": "Tidak datang",
}
# The child reached the hospital (the referral was completed) for every outcome but this one.
REPLY_NOT_ARRIVED = "tidak_datang"
# The child died (counted apart in the monthly report, shown in bold in the referral list).
REPLY_DIED = "meninggal"
REPLY_TEXT_MAX = 500
# What `month_tally` counts of the month's urgent referrals by their reply.
REFERRAL_MEASURES = ("rujukan_balasan", "rujukan_selesai", "rujukan_tidak_datang", "rujukan_meninggal",
                     "rujukan_belum_balasan")
# A referral without a reply is flagged "belum ada balasan" after this many days (setting
# `referral_reply_days`, 1..60).
DEFAULT_REFERRAL_REPLY_DAYS = 3
MAX_REFERRAL_REPLY_DAYS = 60
# The Beranda panel shows the referrals without a reply of the last this many days (setting
# `referral_recent_days`, 7..365); the Rujukan screen lists every one.
DEFAULT_REFERRAL_RECENT_DAYS = 30


class RegisterError(Exception):
    """A request the register cannot carry out. `message` is one Indonesian line."""

    def __init__(self, message: str, *, kind: str = "galat") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind

    def __str__(self) -> str:
        return f"galat: {self.message}"


class FieldError(RegisterError):
    """Invalid input for one field. `field` is the key (e.g. "nik", "findings.napas_per_menit");
    `message` names the allowed range, without the field name (the form shows it next to the field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, kind="masukan")
        self.field = field

    def __str__(self) -> str:
        return f"galat: {self.field}: {self.message}"


class DuplicatePatientError(RegisterError):
    """The child looks registered already. `matches` are the existing records (get_patient rows,
    each with `duplicate_reasons`); register anyway with `add_patient(..., allow_duplicate=True)`."""

    def __init__(self, matches: list[dict[str, Any]]) -> None:
        first = matches[0]
        more = f" dan {len(matches) - 1} lainnya" if len(matches) > 1 else ""
        super().__init__(
            f"mungkin sudah terdaftar: {first['mrn']} {first['name']} ({', '.join(first['duplicate_reasons'])})"
            f"{more}", kind="duplikat")
        self.matches = matches


# A number typed in a search that may be (part of) a no. RM: "301", "rm301", "RM000301".
_RM_NUMBER = re.compile(r"(?i)(?:rm)?(\d{1,8})")
# A long number written in groups of 3-6 digits, as Kartu Keluarga prints a NIK ("5301 2726 1124
# 0514") or as a phone or BPJS number is written: searched as the one number it is (a whole NIK and
# a no. RM, "5301014101250002 1", stay two numbers).
_GROUPED_NUMBER = re.compile(r"\d{3,6}(?:[ .\-]\d{3,6})+")


def age_fields(birth_date: str | _dt.date, on: str | _dt.date) -> dict[str, Any]:
    """`age_days`, `age_months` and `age_text` (e.g. "1 th 3 bl") as plain values for lists."""
    age = age_on(birth_date, on)
    return {"age_days": age.days, "age_months": age.months, "age_text": age.text()}


def parse_date(value: Any, field: str) -> _dt.date:
    """A strict ISO date (YYYY-MM-DD) or a FieldError naming the expected format."""
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise FieldError(field, f"tanggal {value!r} tidak sah (format TTTT-BB-HH, mis. 2025-03-17)")
    try:
        return _dt.date.fromisoformat(value.strip())
    except ValueError:
        raise FieldError(field, f"tanggal {value!r} tidak ada di kalender") from None


def new_visit_uid(moment: _dt.datetime, random_hex: str | None = None) -> str:
    """32 hex digits: milliseconds of the visit time, then 80 random bits (like UUIDv7).

    Time-ordered ids keep the unique index on visit_uid appending at its end instead of writing
    into random pages, which matters for large registers and bulk imports."""
    ms = int(moment.replace(tzinfo=None).timestamp() * 1000) if moment.year >= 1971 else 0
    return f"{ms & 0xFFFFFFFFFFFF:012x}{random_hex or uuid.uuid4().hex[:20]}"


def _now() -> _dt.datetime:
    return _dt.datetime.now().replace(microsecond=0)


def _opened_at(opened: _dt.datetime | None, now: _dt.datetime) -> str | None:
    """The form's opening time as stored with a new draft: None when unknown or after now (a
    clock changed). A form left open for hours is kept as it is: the quality indicator leaves a
    duration above its `CONSULTATION_MAX_MINUTES` out."""
    if opened is None:
        return None
    opened = opened.replace(microsecond=0, tzinfo=None)
    if opened > now:
        return None
    return _iso(opened)


def _iso(moment: _dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


# --- the register ---------------------------------------------------------------------------------

class Register:
    """One open register file. Use `Register.open(path)`; close with `close()` (or `with`)."""

    def __init__(self, opened: dbmod.Opened, path: Path, classifier: Classifier | None = None) -> None:
        self.path = path
        self.db: sqlite_utils.Database = opened.db
        self.migrated_from = opened.migrated_from
        self.backup_path = opened.backup_path
        self._classifier = classifier
        self.workstation = socket.gethostname()[:64]
        # check="background": quick_check runs in a thread on its own read-only connection; every
        # write waits for it and is refused if the file is damaged.
        self._health_done = threading.Event()
        self._health_error: str | None = None
        if opened.check_deferred:
            threading.Thread(target=self._background_check, name="mtbs-quick-check", daemon=True).start()
        else:
            self._health_done.set()

    def _background_check(self) -> None:
        uri = dbmod.readonly_uri(self.path)
        try:
            conn = sqlite3.connect(uri, uri=True)
            try:
                conn.execute("PRAGMA busy_timeout = 5000")
                dbmod.quick_check(conn, self.path)
            finally:
                conn.close()
        except dbmod.DatabaseError as exc:
            self._health_error = exc.message
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # a damaged file can yield a non-UTF-8 error text
            self._health_error = f"{self.path}: database rusak ({exc})"
        finally:
            self._health_done.set()

    def health(self, *, wait: bool = False, timeout: float | None = None) -> str | None:
        """None while the start-up check runs (check="background"), then "ok" or the error line."""
        if wait:
            self._health_done.wait(timeout)
        if not self._health_done.is_set():
            return None
        return self._health_error or "ok"

    def _require_healthy(self) -> None:
        self._health_done.wait()
        if self._health_error:
            raise RegisterError(self._health_error, kind="rusak")

    # -- opening and closing --

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        create: bool = False,
        check: bool | str = True,
        classifier: Classifier | None = None,
        backup_dir: Path | None = None,
    ) -> "Register":
        """Open (or with create=True make) a register: refuses network shares, damaged files and
        newer schemas; upgrades an older schema after a verified backup into `backup_dir`
        (default: `cadangan/` beside the database).

        check=True runs `PRAGMA quick_check` before returning (seconds on a very large register);
        check="background" returns at once and checks in a thread: reads work meanwhile, every
        write waits for the result and a damaged file refuses it (see `health()`)."""
        path = Path(path)
        if backup_dir is None:
            from mtbs_tui.paths import default_backup_dir

            backup_dir = default_backup_dir(path)
        try:
            opened = dbmod.connect(path, create=create, check=check, backup_dir=backup_dir)
        except dbmod.DatabaseError as exc:
            raise RegisterError(exc.message, kind=exc.kind) from exc
        return cls(opened, path, classifier)

    def close(self) -> None:
        """Checkpoint the WAL into the file (TRUNCATE) and close; a file whose health check failed
        or has not finished is closed without any checkpoint (nothing reaches the main file)."""
        healthy = self._health_done.is_set() and self._health_error is None
        dbmod.close(self.db, checkpoint=healthy)

    def reader(self) -> "Register":
        """The same register on its own read-only connection, for a worker thread (a screen that
        computes for seconds off the UI thread, e.g. the quality indicators): every read method
        works, a write fails. Close it with `close()` (no checkpoint); `interrupt()` from another
        thread stops its running query (sqlite3.OperationalError "interrupted")."""
        try:
            opened = dbmod.connect_readonly(self.path)
        except sqlite3.Error as exc:
            raise RegisterError(f"{self.path}: tidak dapat dibaca ({exc})", kind="izin") from exc
        return Register(opened, self.path, self._classifier)

    def interrupt(self) -> None:
        """Stop the query running on this register's connection (safe from any thread)."""
        self.db.conn.interrupt()

    def __enter__(self) -> "Register":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self) -> _WriteGuard:
        self._require_healthy()
        return _WriteGuard(self.db)

    @property
    def schema_version(self) -> int:
        return dbmod.schema_version(self.db)

    # -- facility and settings --

    def facility(self) -> dict[str, Any] | None:
        return _one(self.db, "SELECT * FROM facility WHERE id = 1")

    def set_facility(self, *, actor: str = "sistem", **fields: Any) -> None:
        """Create or update the puskesmas identity printed on every document."""
        unknown = set(fields) - set(FACILITY_FIELDS)
        if unknown:
            raise FieldError(sorted(unknown)[0], "bidang identitas puskesmas tidak dikenal")
        clean: dict[str, Any] = {}
        for key, value in fields.items():
            if isinstance(value, str):
                value = value.strip() or None
            if value is not None and len(str(value)) > MAX_TEXT:
                raise FieldError(key, f"terlalu panjang (paling banyak {MAX_TEXT} huruf)")
            clean[key] = value
        if "malaria_area" in clean and clean["malaria_area"] is not None and clean["malaria_area"] not in MALARIA_AREAS:
            raise FieldError("malaria_area", f"pilihan: {', '.join(MALARIA_AREAS)}")
        if "chart_default" in clean and clean["chart_default"] not in CHARTS:
            raise FieldError("chart_default", f"pilihan: {', '.join(CHARTS)}")
        with self._write():
            existing = self.facility()
            merged = {k: (existing or {}).get(k) for k in FACILITY_FIELDS}
            merged.update(clean)
            if not merged.get("name"):
                raise FieldError("name", "nama puskesmas wajib diisi")
            merged["chart_default"] = merged.get("chart_default") or "2022"
            merged.update(id=1, updated_at=_iso(_now()), updated_by=actor)
            cols = list(merged)
            self.db.execute(
                f"INSERT INTO facility ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)}) "
                f"ON CONFLICT(id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in cols if c != 'id')}",
                [merged[c] for c in cols],
            )
            self._audit("identitas.ubah", actor=actor)

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def int_setting(self, key: str, default: int, lo: int, hi: int) -> int:
        """A whole-number setting clamped to lo..hi; `default` when unset or not a number."""
        value = self.setting(key)
        try:
            number = int(str(value).strip()) if value not in (None, "") else default
        except ValueError:
            number = default
        return min(max(number, lo), hi)

    def set_setting(self, key: str, value: str | None, *, actor: str = "sistem") -> None:
        with self._write():
            self.db.execute(
                "INSERT INTO settings(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            self._audit("pengaturan.ubah", actor=actor, detail=key)

    # -- patients --

    def add_patient(
        self,
        *,
        name: str,
        sex: str,
        birth_date: str | _dt.date,
        mrn: str | None = None,
        nik: str | None = None,
        mother_nik: str | None = None,
        parent_name: str | None = None,
        address: str | None = None,
        village: str | None = None,
        phone: str | None = None,
        bpjs: str | None = None,
        actor: str,
        today: _dt.date | None = None,
        allow_duplicate: bool = False,
    ) -> int:
        """Register a child; returns the patient id. Raises FieldError for invalid input and
        DuplicatePatientError when the child looks registered already (`find_duplicates`);
        `allow_duplicate=True` registers anyway and records that in the audit trail."""
        values = validate_patient(
            dict(name=name, sex=sex, birth_date=birth_date, mrn=mrn, nik=nik, mother_nik=mother_nik,
                 parent_name=parent_name, address=address, village=village, phone=phone, bpjs=bpjs),
            today=today or _dt.date.today(),
        )
        now = _iso(_now())
        with self._write():
            # Inside the transaction: two desks registering the same child at once see each other.
            matches = self.find_duplicates(values)
            if matches and not allow_duplicate:
                raise DuplicatePatientError(matches)
            if values["mrn"] is None:
                values["mrn"] = self._next_mrn()
            elif self.db.execute("SELECT 1 FROM patients WHERE mrn = ?", [values["mrn"]]).fetchone():
                raise FieldError("mrn", f"no. rekam medis {values['mrn']} sudah dipakai pasien lain")
            values.update(created_at=now, updated_at=now, last_seen_at=_dt.datetime.now().isoformat())
            cols = list(values)
            cur = self.db.execute(
                f"INSERT INTO patients ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                [values[c] for c in cols],
            )
            patient_id = _rowid(cur)
            self._audit("pasien.tambah", actor=actor, patient_id=patient_id)
            if matches:
                self._audit("pasien.tambah_walau_mirip", actor=actor, patient_id=patient_id,
                            detail="mirip pasien " + ", ".join(str(m["id"]) for m in matches))
        return patient_id

    # -- duplicates and merging --

    def duplicate_birth_days(self) -> int:
        """Setting `duplicate_birth_days`: how far apart two birth dates may be (days) for the
        records to count as the same child (default 3, 0..30)."""
        return self.int_setting("duplicate_birth_days", DEFAULT_DUPLICATE_BIRTH_DAYS, 0, MAX_DUPLICATE_BIRTH_DAYS)

    def _duplicate_pairs(self, source: str, params: list[Any], *, pairs: bool) -> list[tuple[int | None, int, list[str]]]:
        """THE duplicate query: (candidate id, existing id, reasons) for each candidate row of
        `source` (columns id, nik, mother_nik, name_key, parent_key, birth_date). Same NIK; or the
        same mother's NIK with birth dates at most `duplicate_birth_days` apart; or the same
        normalised name and mother's name with such birth dates. Merged records are left out.
        `pairs`: each pair once (the register-wide list), else every match of the candidate."""
        days = self.duplicate_birth_days()
        rows = self.db.execute(
            f"WITH c AS (SELECT id, nik, mother_nik, name_key, parent_key, date(birth_date, ?) AS lo, "
            f"  date(birth_date, ?) AS hi FROM ({source})) "
            "SELECT c.id, p.id, p.nik = c.nik, "
            "  p.mother_nik = c.mother_nik AND p.birth_date BETWEEN c.lo AND c.hi, "
            "  p.name_key = c.name_key AND p.parent_key = c.parent_key AND p.birth_date BETWEEN c.lo AND c.hi "
            "FROM c JOIN patients p ON p.merged_into IS NULL AND p.id IS NOT c.id AND (? = 0 OR p.id > c.id) "
            "  AND (p.nik = c.nik OR (p.mother_nik = c.mother_nik AND p.birth_date BETWEEN c.lo AND c.hi) "
            "   OR (p.name_key = c.name_key AND p.parent_key = c.parent_key AND p.birth_date BETWEEN c.lo AND c.hi)) "
            "ORDER BY c.id, p.id",
            [f"-{days} days", f"+{days} days", *params, int(pairs)],
        ).fetchall()
        out = []
        for cand, match, same_nik, same_mother, same_name in rows:
            reasons = [text for flag, text in ((same_nik, "NIK sama"),
                                               (same_mother, "NIK ibu sama, lahir berdekatan"),
                                               (same_name, "nama, nama ibu dan tanggal lahir cocok")) if flag]
            out.append((cand, int(match), reasons))
        return out

    def find_duplicates(self, values: dict[str, Any], *, patient_id: int | None = None) -> list[dict[str, Any]]:
        """Existing records that are likely the same child as `values` (validated patient fields),
        each a get_patient row with `duplicate_reasons`. `patient_id`: the record itself (an edit)."""
        birth = values.get("birth_date")
        if isinstance(birth, _dt.date):
            birth = birth.isoformat()
        found = self._duplicate_pairs(
            "SELECT ? AS id, ? AS nik, ? AS mother_nik, ? AS name_key, ? AS parent_key, ? AS birth_date",
            [patient_id, values.get("nik"), values.get("mother_nik"),
             values.get("name_key") or patient_fields.name_key(values.get("name")),
             values.get("parent_key") or patient_fields.name_key(values.get("parent_name")), birth],
            pairs=False)
        out = []
        for _, match, reasons in found:
            row = self.get_patient(match)
            row["duplicate_reasons"] = reasons
            out.append(row)
        return out

    def likely_duplicates(self, *, limit: int = 500) -> list[dict[str, Any]]:
        """Pairs of records in the register that are likely the same child (the same query as at
        registration): {"a": patient, "b": patient, "reasons": [...]}, older record first."""
        found = self._duplicate_pairs(
            "SELECT id, nik, mother_nik, name_key, parent_key, birth_date FROM patients WHERE merged_into IS NULL",
            [], pairs=True)[:max(1, int(limit))]
        cache: dict[int, dict[str, Any]] = {}

        def patient(pid: int) -> dict[str, Any]:
            if pid not in cache:
                cache[pid] = self.get_patient(pid)
                cache[pid]["visit_count"] = self.db.execute(
                    "SELECT count(*) FROM visits WHERE patient_id = ? AND is_current = 1", [pid]).fetchone()[0]
            return cache[pid]

        # Register-wide pairs come from rows of `patients`: the candidate id is never None.
        return [{"a": patient(int(cast(int, a))), "b": patient(b), "reasons": reasons} for a, b, reasons in found]

    def resolve_patient(self, ref: str | int) -> dict[str, Any]:
        """A patient by no. RM (exact, any case) or by id; RegisterError if there is none."""
        text = str(ref).strip()
        row = self.db.execute("SELECT id FROM patients WHERE mrn = ? COLLATE NOCASE", [text]).fetchone()
        if row is None and text.isdigit():
            row = self.db.execute("SELECT id FROM patients WHERE id = ?", [int(text)]).fetchone()
        if row is None:
            raise RegisterError(f"pasien {text!r} tidak ditemukan (tulis no. RM atau id pasien)", kind="tidak_ada")
        return self.get_patient(int(row[0]))

    def merge_patients(self, keep_id: int, merge_id: int, *, actor: str, reason: str) -> int:
        """Merge record `merge_id` into `keep_id`: every visit (all versions and drafts) moves to
        `keep_id`, the merged record stays (marked `merged_into`, out of searches and lists).
        Recorded in `patient_merges` with the moved visits, author and reason, and audited on both
        patients; `unmerge_patients` reverses it. Returns the merge id."""
        if not reason or not str(reason).strip():
            raise FieldError("reason", "alasan penggabungan wajib diisi")
        if int(keep_id) == int(merge_id):
            raise FieldError("patient_id", "pasien yang sama tidak dapat digabung dengan dirinya sendiri")
        with self._write():
            keep = self._patient_row(int(keep_id))
            merge = self._patient_row(int(merge_id))
            for row in (keep, merge):
                if row.get("merged_into") is not None:
                    raise RegisterError(f"pasien {row['mrn']} sudah digabung ke pasien {row['merged_into']}",
                                        kind="masukan")
            uids = [r[0] for r in self.db.execute(
                "SELECT DISTINCT visit_uid FROM visits WHERE patient_id = ? ORDER BY visit_uid", [merge["id"]])]
            now = _iso(_now())
            self.db.execute("UPDATE visits SET patient_id = ? WHERE patient_id = ?", [keep["id"], merge["id"]])
            self.db.execute("UPDATE patients SET merged_into = ?, updated_at = ? WHERE id = ?",
                            [keep["id"], now, merge["id"]])
            self.db.execute(
                "UPDATE patients SET last_seen_at = ? WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)",
                [merge.get("last_seen_at"), keep["id"], merge.get("last_seen_at")])
            cur = self.db.execute(
                "INSERT INTO patient_merges(kept_id, merged_id, visit_uids, merged_at, merged_by, reason) "
                "VALUES (?,?,?,?,?,?)",
                [keep["id"], merge["id"], json.dumps(uids), now, actor, str(reason).strip()[:MAX_TEXT]])
            merge_no = _rowid(cur)
            detail = f"gabung {merge_no}: {merge['mrn']} -> {keep['mrn']}, {len(uids)} kunjungan"
            self._audit("pasien.gabung", actor=actor, patient_id=keep["id"], detail=detail)
            self._audit("pasien.gabung", actor=actor, patient_id=merge["id"], detail=detail)
        return merge_no

    def unmerge_patients(self, merge_no: int, *, actor: str, reason: str) -> None:
        """Reverse a merge (a correction with author and reason): the visits that were moved go
        back to their record (with any later versions of them), the record is active again."""
        if not reason or not str(reason).strip():
            raise FieldError("reason", "alasan pembatalan wajib diisi")
        with self._write():
            row = _one(self.db, "SELECT * FROM patient_merges WHERE id = ?", [int(merge_no)])
            if row is None:
                raise RegisterError(f"penggabungan {merge_no} tidak ditemukan", kind="tidak_ada")
            if row["undone_at"]:
                raise RegisterError(f"penggabungan {merge_no} sudah dibatalkan", kind="masukan")
            uids = json.loads(row["visit_uids"])
            now = _iso(_now())
            moved = 0
            for uid in uids:
                moved += self.db.execute("UPDATE visits SET patient_id = ? WHERE visit_uid = ? AND patient_id = ?",
                                         [row["merged_id"], uid, row["kept_id"]]).rowcount
            self.db.execute("UPDATE patients SET merged_into = NULL, updated_at = ? WHERE id = ?",
                            [now, row["merged_id"]])
            self.db.execute("UPDATE patient_merges SET undone_at = ?, undone_by = ?, undo_reason = ? WHERE id = ?",
                            [now, actor, str(reason).strip()[:MAX_TEXT], int(merge_no)])
            detail = f"batal gabung {merge_no}: {moved} baris kunjungan kembali"
            self._audit("pasien.batal_gabung", actor=actor, patient_id=row["kept_id"], detail=detail)
            self._audit("pasien.batal_gabung", actor=actor, patient_id=row["merged_id"], detail=detail)

    def patient_merges(self, patient_id: int | None = None) -> list[dict[str, Any]]:
        """Merges (newest first), all or those touching one patient."""
        if patient_id is None:
            return list(self.db.query("SELECT * FROM patient_merges ORDER BY id DESC"))
        return list(self.db.query("SELECT * FROM patient_merges WHERE kept_id = ? OR merged_id = ? ORDER BY id DESC",
                    [patient_id, patient_id]))

    def _next_mrn(self) -> str:
        n = self.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM patients").fetchone()[0]
        while True:
            mrn = f"RM{n:06d}"
            if not self.db.execute("SELECT 1 FROM patients WHERE mrn = ?", [mrn]).fetchone():
                return mrn
            n += 1

    def update_patient(self, patient_id: int, changes: dict[str, Any], *, actor: str, reason: str,
                       today: _dt.date | None = None) -> None:
        """Edit demographics; the previous row is kept in patient_versions with author and reason."""
        if not reason or not str(reason).strip():
            raise FieldError("reason", "alasan perubahan wajib diisi")
        unknown = set(changes) - set(PATIENT_FIELDS)
        if unknown:
            raise FieldError(sorted(unknown)[0], "bidang data pasien tidak dikenal")
        with self._write():
            old = self._patient_row(patient_id)
            merged = {k: old.get(k) for k in PATIENT_FIELDS}
            merged.update(changes)
            values = validate_patient(merged, today=today or _dt.date.today(), existing_birth=old["birth_date"])
            if values["mrn"] is None:
                raise FieldError("mrn", "no. rekam medis tidak boleh dikosongkan")
            if values["mrn"] != old["mrn"] and self.db.execute(
                "SELECT 1 FROM patients WHERE mrn = ? AND id != ?", [values["mrn"], patient_id]
            ).fetchone():
                raise FieldError("mrn", f"no. rekam medis {values['mrn']} sudah dipakai pasien lain")
            now = _iso(_now())
            self.db.execute(
                "INSERT INTO patient_versions(patient_id, row_json, changed_at, changed_by, reason) VALUES (?,?,?,?,?)",
                [patient_id, json.dumps(old, ensure_ascii=False), now, actor, str(reason).strip()[:MAX_TEXT]],
            )
            values["updated_at"] = now
            cols = list(values)
            self.db.execute(
                f"UPDATE patients SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                [values[c] for c in cols] + [patient_id],
            )
            changed = ",".join(sorted(k for k in PATIENT_FIELDS if values.get(k) != old.get(k)))
            self._audit("pasien.ubah", actor=actor, patient_id=patient_id, detail=f"bidang: {changed}")

    def get_patient(self, patient_id: int) -> dict[str, Any]:
        patient = _one(self.db, "SELECT * FROM patients WHERE id = ?", [patient_id])
        if patient is None:
            raise RegisterError(f"pasien {patient_id} tidak ditemukan", kind="tidak_ada")
        patient.update(age_fields(patient["birth_date"], _dt.date.today()))
        return patient

    def patient_versions(self, patient_id: int) -> list[dict[str, Any]]:
        out = []
        for d in list(self.db.query("SELECT * FROM patient_versions WHERE patient_id = ? ORDER BY id", [patient_id])):
            d["row"] = json.loads(d.pop("row_json"))
            out.append(d)
        return out

    def search_patients(self, text: str, *, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        """Prefix search over name, no. RM, NIK, mother's NIK and mother's/parent's name (FTS5).

        Every word typed must match the start of a word in one of those columns ("siti ra" finds
        "Siti Rahma"); a number also matches anywhere in the no. RM ("301" finds RM000301). The MATCH expression is bound as ONE parameter. "" gives the patients seen
        most recently; a search lists the most recently registered first. A long number written in
        groups ("5301 2726 1124 0514", as Kartu Keluarga prints a NIK) is one number.
        """
        limit = max(1, min(int(limit), 500))
        offset = max(0, int(offset))
        text = (text or "").strip()
        if _GROUPED_NUMBER.fullmatch(text) and sum(c.isdigit() for c in text) >= 8:
            # A NIK pasted in its groups found nothing (each group was a word of its own).
            text = re.sub(r"[ .\-]", "", text)
        tokens = re.findall(r"\w+", text, flags=re.UNICODE)[:8]
        if not tokens:
            rows = self.db.execute(
                f"SELECT {_PATIENT_COLS} FROM patients p WHERE p.merged_into IS NULL "
                "ORDER BY p.last_seen_at DESC, p.id DESC LIMIT ? OFFSET ?",
                [limit, offset],
            ).fetchall()
        else:
            match = " AND ".join(f'"{t}"*' for t in tokens)
            # A number ("301", "rm301") also matches anywhere in the no. RM: RM000301 is known as
            # "301" at the desk, and FTS5 only matches the start of a word. (A longer number is a
            # NIK: its start, through FTS5.)
            numbers = [m.group(1) for t in tokens if (m := _RM_NUMBER.fullmatch(t))]
            words = [t for t in tokens if not _RM_NUMBER.fullmatch(t)]
            # FTS5 streams matches in rowid order and stops at LIMIT; any other ORDER BY would
            # collect and sort every match first (tens of ms for a 2-letter prefix on 25,000
            # children instead of a tenth of one).
            wanted = offset + limit
            not_merged = "AND rowid NOT IN (SELECT id FROM patients WHERE merged_into IS NOT NULL)"
            ids = [r[0] for r in self.db.execute(
                f"SELECT rowid FROM patients_fts WHERE patients_fts MATCH ? {not_merged} ORDER BY rowid DESC LIMIT ?",
                [match, wanted])]
            exact: list[int] = []
            if numbers:
                # Through the no. RM index alone (a few ms for 25,000 children); merged records out.
                sql = "SELECT id FROM patients WHERE " + " AND ".join("mrn LIKE ?" for _ in numbers)
                params: list[Any] = [f"%{n}%" for n in numbers]
                if words:
                    sql += " AND id IN (SELECT rowid FROM patients_fts WHERE patients_fts MATCH ?)"
                    params.append(" AND ".join(f'"{t}"*' for t in words))
                merged = {r[0] for r in self.db.execute("SELECT id FROM patients WHERE merged_into IS NOT NULL")}
                in_mrn = sorted((r[0] for r in self.db.execute(sql, params) if r[0] not in merged), reverse=True)
                ids = sorted(set(ids) | set(in_mrn[:wanted]), reverse=True)
                if len(numbers) == 1 and not words:
                    # "301" is RM000301 first (the no. RM made by the register), then the rest.
                    n = numbers[0]
                    exact = [r[0] for r in self.db.execute(
                        "SELECT id FROM patients WHERE merged_into IS NULL AND mrn IN (?, ?, ?) ORDER BY id DESC",
                        [f"RM{int(n):06d}", f"RM{n}", n])]
                    ids = exact + [i for i in ids if i not in exact]
            page = ids[offset:offset + limit]
            by_id = {r[0]: r for r in self.db.execute(
                f"SELECT {_PATIENT_COLS} FROM patients p WHERE p.id IN ({', '.join('?' for _ in page)})", page)}
            rows = [by_id[i] for i in page if i in by_id]
        today = _dt.date.today()
        out = []
        for row in rows:
            d = dict(zip(_PATIENT_KEYS, row))
            d.update(age_fields(d["birth_date"], today))
            out.append(d)
        return out

    def count_patients(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM patients").fetchone()[0])

    # -- drafts --

    def save_draft(
        self,
        *,
        patient_id: int,
        case: dict[str, Any],
        section: str | None,
        kind: str = "pertama",
        follow_up_of: str | None = None,
        actor: str,
        draft_id: int | None = None,
        confirmed: dict[str, Any] | None = None,
        typed: dict[str, str] | None = None,
        opened_at: _dt.datetime | None = None,
    ) -> int:
        """Save a possibly partial case as a draft (insert, or update the given draft in place).
        `confirmed`: unusual values the worker confirmed ({key: value}, `confirmed_json`).
        `typed`: the text typed into fields whose value is invalid ({key: text}, `typed_json`),
        shown again, flagged, when the draft is resumed. `opened_at`: when the visit form was
        opened (`visits.opened_at`, the start of the consultation minutes), written by the insert
        only; a moment after now is not kept."""
        if kind not in KINDS:
            raise FieldError("kind", "pilihan: pertama, ulang")
        if not isinstance(case, dict):
            raise FieldError("case", "data kunjungan harus berupa objek")
        now = _now()
        with self._write():
            patient = self._patient_row(patient_id)
            if follow_up_of is not None:
                self._check_follow_up_of(follow_up_of, patient_id)
            case = dict(case)
            visit_date = case.get("visit_date")
            try:
                vdate = parse_date(visit_date, "visit_date") if visit_date else now.date()
            except FieldError:
                vdate = now.date()  # a draft may hold a half-typed date; the final save checks it
            cols = _draft_columns(case, patient, vdate, section, kind, follow_up_of)
            cols.update(recorded_by=actor, updated_at=_iso(now), confirmed_json=_confirmed_json(confirmed),
                        typed_json=_typed_json(typed))
            if draft_id is not None:
                self._draft_of(draft_id, patient_id)
                names = list(cols)
                self.db.execute(
                    f"UPDATE visits SET {', '.join(f'{c} = ?' for c in names)} WHERE id = ? AND status = 'draft'",
                    [cols[c] for c in names] + [draft_id],
                )
                return draft_id
            cols.update(
                visit_uid=new_visit_uid(now), version=1, is_current=1, patient_id=patient_id, status="draft",
                visit_at=_iso(now) if vdate == now.date() else f"{vdate.isoformat()}T00:00:00",
                created_at=_iso(now), opened_at=_opened_at(opened_at, now),
            )
            names = list(cols)
            cur = self.db.execute(
                f"INSERT INTO visits ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                [cols[c] for c in names],
            )
            visit_id = _rowid(cur)
            self._audit("draf.buat", actor=actor, patient_id=patient_id, detail=f"kunjungan {visit_id}")
            return visit_id

    def save_draft_pending(self, draft_id: int, *, given: list[dict[str, Any]],
                           destination: int | str | None, actor: str) -> None:
        """Keep with the draft what was confirmed on the summary before F10 (schema v14,
        `pending_json`): the changes to what was given (the summary's pending list) and the
        referral destination picked (a facility id, None: written by hand, "auto": not picked).
        One transaction; restored when the draft is resumed, cleared by the final save."""
        if not isinstance(given, list) or not all(isinstance(c, dict) for c in given):
            raise FieldError("given", "yang diberikan harus berupa daftar objek")
        if not (destination is None or destination == "auto" or isinstance(destination, int)):
            raise FieldError("destination", "tujuan rujukan: nomor fasilitas, kosong, atau \"auto\"")
        pending = None if not given and destination == "auto" else _dumps(
            {"given": given, "destination": destination})
        with self._write():
            done = self.db.execute(
                "UPDATE visits SET pending_json = ?, updated_at = ?, recorded_by = ? WHERE id = ? AND status = 'draft'",
                [pending, _iso(_now()), actor, draft_id]).rowcount
            if not done:
                raise RegisterError(f"draf {draft_id} tidak ditemukan (sudah disimpan atau dibuang?)",
                                    kind="tidak_ada")

    def drafts(self) -> list[dict[str, Any]]:
        """Open drafts, newest first, with the patient's name and where the user stopped."""
        rows = self.db.execute(
            "SELECT v.id, v.visit_uid, v.patient_id, v.visit_at, v.visit_date, v.pathway, v.kind, v.section,"
            " v.recorded_by, v.updated_at, p.name, p.mrn, p.sex, p.birth_date"
            " FROM visits v JOIN patients p ON p.id = v.patient_id"
            " WHERE v.status = 'draft' ORDER BY v.updated_at DESC, v.id DESC"
        ).fetchall()
        keys = ("id", "visit_uid", "patient_id", "visit_at", "visit_date", "pathway", "kind", "section",
                "recorded_by", "updated_at", "patient_name", "mrn", "sex", "birth_date")
        out = []
        for row in rows:
            d = dict(zip(keys, row))
            d.update(age_fields(d["birth_date"], d["visit_date"]))
            out.append(d)
        return out

    def get_draft(self, draft_id: int) -> dict[str, Any]:
        visit = self.get_visit(draft_id)
        if visit["status"] != "draft":
            raise RegisterError(f"kunjungan {draft_id} bukan draf", kind="tidak_ada")
        return visit

    def discard_draft(self, draft_id: int, *, actor: str) -> None:
        with self._write():
            row = self.db.execute(
                "SELECT patient_id FROM visits WHERE id = ? AND status = 'draft'", [draft_id]
            ).fetchone()
            if row is None:
                raise RegisterError(f"draf {draft_id} tidak ditemukan", kind="tidak_ada")
            self.db.execute("DELETE FROM visits WHERE id = ? AND status = 'draft'", [draft_id])
            self._audit("draf.buang", actor=actor, patient_id=row[0], detail=f"kunjungan {draft_id}")

    # -- final visits --

    def classify(self, case: dict[str, Any]) -> dict[str, Any]:
        """Run the chart engine; its CaseError becomes a FieldError naming the field."""
        classifier = self._classifier
        if classifier is None:
            from mtbs_tui.rules import classify as rules_classify

            classifier = rules_classify
        try:
            return classifier(case)
        except CaseError as exc:
            raise FieldError(getattr(exc, "field", "case"), getattr(exc, "message", str(exc))) from None

    def prepare_case(self, patient: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
        """The case as the engine gets it: birth date and sex from the patient record when absent,
        the facility's malaria area when absent."""
        if not isinstance(case, dict):
            raise FieldError("case", "data kunjungan harus berupa objek")
        full = dict(case)
        full.setdefault("birth_date", patient["birth_date"])
        full.setdefault("sex", patient["sex"])
        if full.get("birth_date") != patient["birth_date"]:
            raise FieldError("birth_date", f"berbeda dengan tanggal lahir pasien ({patient['birth_date']})")
        if "malaria_area" not in full:
            fac = self.facility()
            if fac and fac.get("malaria_area"):
                full["malaria_area"] = fac["malaria_area"]
        if "findings" not in full:
            full["findings"] = {}
        return full

    def save_visit(
        self,
        *,
        patient_id: int,
        case: dict[str, Any],
        kind: str = "pertama",
        follow_up_of: str | None = None,
        actor: str,
        draft_id: int | None = None,
        visit_at: str | None = None,
        today: _dt.date | None = None,
        confirmed: dict[str, Any] | None = None,
        destination_id: int | None = None,
        given_changes: list[dict[str, Any]] | None = None,
    ) -> int:
        """Classify and save one final visit in ONE transaction; returns its id after COMMIT.
        `confirmed`: unusual values the worker confirmed ({key: value}, kept in `confirmed_json`).
        `destination_id`: the referral facility a referred child is sent to (ignored when the
        visit is not referred urgently; an unknown or inactive facility saves nothing).
        `given_changes`: what was given, confirmed on the summary before the save (as for
        `record_given`): written in the same transaction."""
        if kind not in KINDS:
            raise FieldError("kind", "pilihan: pertama, ulang")
        if kind == "ulang" and not follow_up_of:
            raise FieldError("follow_up_of", "kunjungan ulang harus menunjuk kunjungan sebelumnya")
        patient = self._patient_row(patient_id)
        full = self.prepare_case(patient, case)
        vdate = parse_date(full.get("visit_date"), "visit_date")
        if vdate > (today or _dt.date.today()):
            raise FieldError("visit_date", "tanggal kunjungan tidak boleh di masa depan")
        result = self.classify(full)  # outside the transaction: the lock is held for milliseconds only
        now = _now()
        with self._write():
            if follow_up_of is not None:
                self._check_follow_up_of(follow_up_of, patient_id)
            draft_at = None
            if draft_id is not None:
                draft_at = self._draft_of(draft_id, patient_id)
            at = _choose_visit_at(vdate, visit_at, draft_at, now)
            cols = final_columns(full, result, patient_id=patient_id, kind=kind, follow_up_of=follow_up_of,
                                 actor=actor, visit_at=at, now=_iso(now))
            cols["confirmed_json"] = _confirmed_json(confirmed)
            if draft_id is not None:
                # The draft becomes the final row (same id and visit_uid): drafts are the only rows
                # ever updated in place, and only until this moment.
                names = [c for c in cols if c not in ("visit_uid", "created_at")]
                self.db.execute(
                    f"UPDATE visits SET {', '.join(f'{c} = ?' for c in names)}, section = NULL, typed_json = NULL, pending_json = NULL "
                    "WHERE id = ? AND status = 'draft'",
                    [cols[c] for c in names] + [draft_id],
                )
                visit_id = draft_id
            else:
                names = list(cols)
                cur = self.db.execute(
                    f"INSERT INTO visits ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                    [cols[c] for c in names],
                )
                visit_id = _rowid(cur)
            self._write_result_rows(visit_id, result, at)
            if destination_id is not None and result.get("refer_urgently"):
                self._write_destination(visit_id, destination_id, actor)
                self._audit("rujukan.tujuan", actor=actor, patient_id=patient_id,
                            detail=f"kunjungan {visit_id} faskes {destination_id}")
            # Seen today: the precise moment (microseconds order children seen within one second);
            # a visit entered later for an earlier day moves the child only if it is newer.
            seen = _dt.datetime.now().isoformat() if at[:10] == now.date().isoformat() else at
            self.db.execute(
                "UPDATE patients SET last_seen_at = ? WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)",
                [seen, patient_id, seen],
            )
            self._audit("kunjungan.simpan", actor=actor, patient_id=patient_id, detail=f"kunjungan {visit_id}")
            # What was given, confirmed before F10: in this same transaction, after the visit.
            if given_changes:
                self._write_given(visit_id=visit_id, uid=self._uid_of(visit_id), patient_id=patient_id,
                                  visit_at=at, changes=given_changes, remove_deviations=[], actor=actor,
                                  reason=None, now=now)
        return visit_id

    def _write_result_rows(self, visit_id: int, result: dict[str, Any], at: str) -> None:
        cls_rows, tr_rows, referral = result_rows(visit_id, result, at)
        self.db.conn.executemany(
            "INSERT INTO visit_classifications(visit_id, position, module, code, label, colour, rule) "
            "VALUES (?,?,?,?,?,?,?)", cls_rows)
        self.db.conn.executemany(
            "INSERT INTO visit_treatments(visit_id, position, code, label, dose) VALUES (?,?,?,?,?)", tr_rows)
        if referral:
            self.db.execute(
                "INSERT INTO referrals(visit_id, reason, referred_at) VALUES (?,?,?)", list(referral))

    def correct_visit(self, visit_id: int, *, case: dict[str, Any], actor: str, reason: str,
                      confirmed: dict[str, Any] | None = None,
                      given_changes: list[dict[str, Any]] | None = None,
                      destination_id: int | None | Literal["keep"] = "keep") -> int:
        """Correct a final visit: a new version (version+1, supersedes_id), the old one stays
        readable with is_current=0. Returns the new version's id.
        `destination_id`: "keep" copies the referral's destination to the new version; a facility
        id (or None: written by hand) replaces it, in the same transaction. The record of what was given
        belongs to the visit (its visit_uid) and stays; `given_changes` adds a version of it in
        the same transaction."""
        if not reason or not str(reason).strip():
            raise FieldError("reason", "alasan koreksi wajib diisi")
        old = self._visit_row(visit_id)
        if old["status"] != "final":
            raise RegisterError("draf tidak dikoreksi; lanjutkan dan simpan drafnya", kind="masukan")
        if not old["is_current"]:
            raise RegisterError("kunjungan ini sudah dikoreksi; koreksi versi terbarunya", kind="masukan")
        patient = self._patient_row(old["patient_id"])
        # A correction classifies with the child's record as it is now (its birth date may itself
        # have been corrected since the visit).
        full = self.prepare_case(patient, dict(case, birth_date=patient["birth_date"]))
        vdate = parse_date(full.get("visit_date"), "visit_date")
        if vdate.isoformat() != old["visit_date"]:
            raise FieldError("visit_date", f"tanggal kunjungan tidak boleh diubah ({old['visit_date']})")
        result = self.classify(full)
        now = _now()
        with self._write():
            current = self.db.execute(
                "SELECT is_current, version FROM visits WHERE id = ?", [visit_id]).fetchone()
            if not current[0]:
                raise RegisterError("kunjungan ini baru saja dikoreksi di tempat lain; muat ulang", kind="masukan")
            cols = final_columns(full, result, patient_id=old["patient_id"], kind=old["kind"],
                                 follow_up_of=old["follow_up_of"], actor=actor, visit_at=old["visit_at"],
                                 now=_iso(now))
            cols.update(visit_uid=old["visit_uid"], version=current[1] + 1, supersedes_id=visit_id,
                        correction_reason=str(reason).strip()[:MAX_TEXT],
                        confirmed_json=_confirmed_json(confirmed))
            # Old first: the unique partial index allows one current row per visit_uid.
            self.db.execute("UPDATE visits SET is_current = 0 WHERE id = ?", [visit_id])
            names = list(cols)
            cur = self.db.execute(
                f"INSERT INTO visits ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                [cols[c] for c in names],
            )
            new_id = _rowid(cur)
            self._write_result_rows(new_id, result, old["visit_at"])
            # The child was sent where the referral said: a corrected version keeps the destination.
            self.db.execute(
                "UPDATE referrals SET (facility_id, destination, destination_at, destination_by) = "
                "(SELECT facility_id, destination, destination_at, destination_by FROM referrals WHERE visit_id = ?) "
                "WHERE visit_id = ?", [visit_id, new_id])
            old_destination = self.db.execute("SELECT facility_id FROM referrals WHERE visit_id = ?",
                                              [visit_id]).fetchone()
            if (destination_id != "keep" and result.get("refer_urgently")
                    and destination_id != (old_destination[0] if old_destination else None)):
                # Another destination chosen on the correction's summary (None: written by hand).
                self._write_destination(new_id, destination_id, actor)
                self._audit("rujukan.tujuan", actor=actor, patient_id=old["patient_id"],
                            detail=f"kunjungan {new_id} faskes {destination_id if destination_id is not None else '-'}")
            self._audit("kunjungan.koreksi", actor=actor, patient_id=old["patient_id"],
                        detail=f"kunjungan {visit_id} -> {new_id}")
            if given_changes:
                self._write_given(visit_id=new_id, uid=old["visit_uid"], patient_id=old["patient_id"],
                                  visit_at=old["visit_at"], changes=given_changes, remove_deviations=[],
                                  actor=actor, reason=None, now=now)
        return new_id

    def get_visit(self, visit_id: int) -> dict[str, Any]:
        """The visit row plus `case`, `result`, `classifications`, `treatments`, `patient`, `referral`,
        `given`, `reply` (the referral's current reply, `referral_reply`; None without one)."""
        visit = self._visit_row(visit_id)
        visit["findings"] = json.loads(visit["findings_json"])
        visit["case"] = dict(json.loads(visit["case_json"]), findings=visit["findings"])
        visit["result"] = json.loads(visit["result_json"]) if visit["result_json"] else None
        visit["confirmed"] = json.loads(visit["confirmed_json"]) if visit.get("confirmed_json") else {}
        visit["typed"] = json.loads(visit["typed_json"]) if visit.get("typed_json") else {}
        visit["pending"] = json.loads(visit["pending_json"]) if visit.get("pending_json") else {}
        visit["classifications"] = [
            dict(zip(("position", "module", "code", "label", "colour", "rule"), r))
            for r in self.db.execute(
                "SELECT position, module, code, label, colour, rule FROM visit_classifications "
                "WHERE visit_id = ? ORDER BY position", [visit_id])
        ]
        visit["treatments"] = [
            dict(zip(("position", "code", "label", "dose"), r))
            for r in self.db.execute(
                "SELECT position, code, label, dose FROM visit_treatments WHERE visit_id = ? ORDER BY position",
                [visit_id])
        ]
        visit["referral"] = referral = _one(self.db, "SELECT * FROM referrals WHERE visit_id = ?", [visit_id])
        if referral is not None and referral.get("facility_id") is not None:
            # The facility as it is now (address, phone); `destination` keeps the name it was sent with.
            facility = _one(self.db, "SELECT * FROM referral_facilities WHERE id = ?", [referral["facility_id"]])
            referral["facility"] = _facility_row(facility) if facility else None
        visit["given"] = self.given_for(visit["visit_uid"]) if visit["status"] == "final" else None
        # The hospital's reply to this referral (any version of the visit), None without one.
        visit["reply"] = self.referral_reply(visit["visit_uid"]) if visit.get("refer_urgently") else None
        visit["patient"] = self.get_patient(visit["patient_id"])
        visit.update(age_fields(visit["patient"]["birth_date"], visit["visit_date"]))
        return visit

    def visit_versions(self, visit_uid: str) -> list[dict[str, Any]]:
        """Every version of one visit, oldest first (the corrected ones stay readable)."""
        rows = self.db.execute(
            "SELECT id FROM visits WHERE visit_uid = ? ORDER BY version", [visit_uid]).fetchall()
        return [self.get_visit(r[0]) for r in rows]

    def mark_referral(self, visit_id: int, *, actor: str, destination: str | None = None,
                      letter_printed: bool = False, pre_referral_notes: str | None = None) -> None:
        """Record the referral destination / letter printing (administrative, not clinical data); one
        audit entry, `rujukan.cetak` for a printed letter, else `rujukan.catat`."""
        with self._write():
            row = self.db.execute("SELECT patient_id, visit_at FROM visits WHERE id = ?", [visit_id]).fetchone()
            if row is None:
                raise RegisterError(f"kunjungan {visit_id} tidak ditemukan", kind="tidak_ada")
            self.db.execute(
                "INSERT INTO referrals(visit_id, referred_at) VALUES (?, ?) ON CONFLICT(visit_id) DO NOTHING",
                [visit_id, row[1]])
            sets, params = [], []
            if destination is not None:
                sets.append("destination = ?")
                params.append(destination.strip()[:MAX_TEXT])
            if pre_referral_notes is not None:
                sets.append("pre_referral_notes = ?")
                params.append(pre_referral_notes.strip()[:1000])
            if letter_printed:
                sets.append("letter_printed_at = ?")
                params.append(_iso(_now()))
            if sets:
                self.db.execute(f"UPDATE referrals SET {', '.join(sets)} WHERE visit_id = ?", params + [visit_id])
            self._audit("rujukan.cetak" if letter_printed else "rujukan.catat", actor=actor, patient_id=row[0],
                        detail=f"kunjungan {visit_id}")

    # -- what was actually given (issue 17 item 1) --

    def given_for(self, visit_uid: str | None, *, version: int | None = None) -> dict[str, Any] | None:
        """The current record (or `version`) of what was given at a visit, or None (nothing
        recorded yet): id, version, visit_id, recorded_at, recorded_by, reason, and `items`
        (`given.Item`, in the order recorded). Kept per visit_uid: every version of the visit
        shows the same record."""
        if not visit_uid:
            return None
        if version is None:
            record = _one(self.db, "SELECT * FROM given_records WHERE visit_uid = ? AND is_current = 1",
                          [visit_uid])
        else:
            record = _one(self.db, "SELECT * FROM given_records WHERE visit_uid = ? AND version = ?",
                          [visit_uid, version])
        if record is None:
            return None
        record["items"] = [
            given.item_from_row(dict(zip(("code", "label", "outcome", "given_at", "reason", "note", "for_home"), r)))
            for r in self.db.execute(
                "SELECT code, label, outcome, given_at, reason, note, for_home FROM given_items "
                "WHERE record_id = ? ORDER BY position", [record["id"]])]
        return record

    def given_versions(self, visit_uid: str) -> list[dict[str, Any]]:
        """Every version of the record of what was given, oldest first (none is ever overwritten)."""
        rows = self.db.execute("SELECT version FROM given_records WHERE visit_uid = ? ORDER BY version",
                               [visit_uid]).fetchall()
        return [cast("dict[str, Any]", self.given_for(visit_uid, version=r[0])) for r in rows]

    def record_given(self, visit_id: int, changes: list[dict[str, Any]], *, actor: str,
                     remove_deviations: list[int] | None = None, reason: str | None = None,
                     now: _dt.datetime | None = None) -> int:
        """Record what was given at a saved visit, in ONE transaction with its audit entry; returns
        the new record version. `changes`: outcomes to set, each {code (None for a deviation),
        outcome, time, reason, note, for_home} (see `given.make_item`); outcomes not named stay as
        recorded. `remove_deviations`: numbers (1-based, as `mtbs tindakan lihat` shows them) of
        deviations recorded by mistake. Every call writes a new version; the previous one stays.
        Bad input (unknown code, a time before the visit, a missing reason): FieldError, nothing
        written."""
        with self._write():
            row = self.db.execute(
                "SELECT visit_uid, status FROM visits WHERE id = ?", [visit_id]).fetchone()
            if row is None:
                raise RegisterError(f"kunjungan {visit_id} tidak ditemukan", kind="tidak_ada")
            if row[1] != "final":
                raise RegisterError(f"kunjungan {visit_id} masih draf; simpan dulu kunjungannya", kind="masukan")
            current = self.db.execute(
                "SELECT id, patient_id, visit_at FROM visits WHERE visit_uid = ? AND is_current = 1",
                [row[0]]).fetchone()
            version = self._write_given(visit_id=current[0], uid=row[0], patient_id=current[1],
                                        visit_at=current[2], changes=changes,
                                        remove_deviations=remove_deviations or [], actor=actor,
                                        reason=reason, now=now or _now())
        return version

    def _write_given(self, *, visit_id: int, uid: str, patient_id: int, visit_at: str,
                     changes: list[dict[str, Any]], remove_deviations: list[int], actor: str,
                     reason: str | None, now: _dt.datetime) -> int:
        """The new version of the record of what was given (inside the caller's transaction)."""
        treatments = [{"code": r[0], "label": r[1], "dose": r[2]} for r in self.db.execute(
            "SELECT code, label, dose FROM visit_treatments WHERE visit_id = ? ORDER BY position", [visit_id])]
        old = self.given_for(uid)
        try:
            items = given.merge(treatments, (old or {}).get("items", []), changes, remove_deviations,
                                visit_at=visit_at, now=now, visit_id=visit_id)
        except given.GivenError as exc:
            raise FieldError(exc.field, exc.message[:MAX_TEXT]) from None
        version = (old["version"] + 1) if old else 1
        if old:
            self.db.execute("UPDATE given_records SET is_current = 0 WHERE id = ?", [old["id"]])
        cur = self.db.execute(
            "INSERT INTO given_records(visit_uid, version, visit_id, supersedes_id, is_current, recorded_at, "
            "recorded_by, reason) VALUES (?, ?, ?, ?, 1, ?, ?, ?)",
            [uid, version, visit_id, old["id"] if old else None, _iso(now), actor,
             (reason or "").strip()[:MAX_TEXT] or None])
        record_id = _rowid(cur)
        self.db.conn.executemany(
            "INSERT INTO given_items(record_id, position, code, label, outcome, given_at, reason, note, for_home) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            [(record_id, n, i.code, i.label, i.outcome, i.given_at, i.reason, i.note, int(i.for_home))
             for n, i in enumerate(items)])
        self._audit("tindakan.catat", actor=actor, patient_id=patient_id,
                    detail=f"kunjungan {visit_id} versi {version}")
        return version

    def treatment_agreement(self, first: _dt.date, last: _dt.date) -> dict[str, dict[str, int]]:
        """Per chart treatment code, over the current final visits of `first`..`last`: how many
        visits it was recommended in (`recommended`), and of those how many recorded it given as
        recommended (`given`), given otherwise (`otherwise`), not given (`not_given`) or nothing
        yet (`unrecorded`). Deviations are not a chart code: see `given_deviations`."""
        skip = ", ".join(f"'{c}'" for c in sorted(given.NOT_AN_ITEM))
        rows = self.db.execute(
            "SELECT t.code, count(*), "
            "sum(gi.outcome = 'diberikan'), sum(gi.outcome = 'diberikan_lain'), "
            "sum(gi.outcome = 'tidak_diberikan'), sum(gi.outcome IS NULL) "
            "FROM (SELECT DISTINCT v.visit_uid, t.code FROM visits v INDEXED BY visits_final_at "
            "JOIN visit_treatments t ON t.visit_id = v.id "
            f"WHERE v.is_current = 1 AND v.status = 'final' AND v.visit_at >= ? AND v.visit_at <= ? "
            f"AND t.code NOT IN ({skip})) t "
            "LEFT JOIN given_records g ON g.visit_uid = t.visit_uid AND g.is_current = 1 "
            "LEFT JOIN given_items gi ON gi.record_id = g.id AND gi.code = t.code "
            "GROUP BY t.code ORDER BY t.code", visit_at_range(first, last)).fetchall()
        return {code: {"recommended": n, "given": g or 0, "otherwise": o or 0, "not_given": ng or 0,
                       "unrecorded": u or 0} for code, n, g, o, ng, u in rows}

    def given_deviations(self, first: _dt.date, last: _dt.date) -> int:
        """How many treatments outside the chart (deviations) the current records of the current
        final visits of `first`..`last` hold."""
        return int(self.db.execute(
            "SELECT count(*) FROM visits v INDEXED BY visits_final_at "
            "JOIN given_records g ON g.visit_uid = v.visit_uid AND g.is_current = 1 "
            "JOIN given_items gi ON gi.record_id = g.id AND gi.outcome = 'tambahan' "
            "WHERE v.is_current = 1 AND v.status = 'final' AND v.visit_at >= ? AND v.visit_at <= ?",
            visit_at_range(first, last)).fetchone()[0])

    def referral_letter_number(self, visit_id: int, *, actor: str) -> str:
        """The number of the referral letter of an urgently referred visit, `007/RUJ-MTBS/XII/2025`
        (S14 SOP: sequence/month/year): assigned at the first print, the next in the referral's
        year, then the same at every reprint and for every version of the visit. A draft, or a
        visit that was not referred urgently, has no letter: RegisterError, nothing written."""
        with self._write():
            row = self.db.execute(
                "SELECT patient_id, visit_uid, visit_at, status, refer_urgently FROM visits WHERE id = ?",
                [visit_id]).fetchone()
            if row is None:
                raise RegisterError(f"kunjungan {visit_id} tidak ditemukan", kind="tidak_ada")
            _patient_id, uid, visit_at, status, refer = row
            if status != "final":
                raise RegisterError(f"kunjungan {visit_id} masih draf; simpan dulu sebelum dicetak", kind="masukan")
            if not refer:
                raise RegisterError(f"kunjungan {visit_id} tidak dirujuk segera; surat rujukan hanya untuk "
                                    "anak dengan klasifikasi merah yang dirujuk", kind="masukan")
            known = self.db.execute("SELECT number FROM referral_letters WHERE visit_uid = ?", [uid]).fetchone()
            if known:
                return str(known[0])
            year, month = int(visit_at[:4]), int(visit_at[5:7])
            seq = int(self.db.execute("SELECT coalesce(max(seq), 0) + 1 FROM referral_letters WHERE year = ?",
                                      [year]).fetchone()[0])
            number = f"{seq:03d}/RUJ-MTBS/{ROMAN_MONTHS[month - 1]}/{year}"
            # Who and when are in the row; the print itself is audited by mark_referral (one
            # `rujukan.cetak` entry per print).
            self.db.execute(
                "INSERT INTO referral_letters(visit_uid, year, seq, number, assigned_at, assigned_by) "
                "VALUES (?, ?, ?, ?, ?, ?)", [uid, year, seq, number, _iso(_now()), actor])
            return number

    # -- referral replies (issue 17) --

    def referral_reply_days(self) -> int:
        """Setting `referral_reply_days`: after how many days a referral without a reply is flagged
        "belum ada balasan" (default 3, 1..60)."""
        return self.int_setting("referral_reply_days", DEFAULT_REFERRAL_REPLY_DAYS, 1, MAX_REFERRAL_REPLY_DAYS)

    def referral_recent_days(self) -> int:
        """Setting `referral_recent_days`: how far back (days) the Beranda panel of referrals
        without a reply looks (default 30, 7..365); older ones stay on the Rujukan screen."""
        return self.int_setting("referral_recent_days", DEFAULT_REFERRAL_RECENT_DAYS, 7, 365)

    def referred_visit(self, visit_id: int) -> dict[str, Any]:
        """The current version of an urgently referred visit (any version's id may be given):
        {id, visit_uid, patient_id, visit_date, visit_at}. RegisterError when the visit does not
        exist, is a draft, or was not referred."""
        row = self.db.execute(
            "SELECT c.id, c.visit_uid, c.patient_id, c.visit_date, c.visit_at, c.refer_urgently, c.status "
            "FROM visits v JOIN visits c ON c.visit_uid = v.visit_uid AND c.is_current = 1 WHERE v.id = ?",
            [int(visit_id)]).fetchone()
        if row is None:
            raise RegisterError(f"kunjungan {visit_id} tidak ditemukan", kind="tidak_ada")
        if row[6] != "final":
            raise RegisterError(f"kunjungan {visit_id} masih draf; simpan dulu", kind="masukan")
        if row[5] != 1:
            raise RegisterError(f"kunjungan {visit_id} tidak dirujuk; balasan rujukan hanya untuk kunjungan "
                                "yang dirujuk segera", kind="masukan")
        return dict(zip(("id", "visit_uid", "patient_id", "visit_date", "visit_at"), row[:5]))

    def record_referral_reply(
        self,
        visit_id: int,
        *,
        received_date: str | _dt.date,
        outcome: str,
        diagnosis: str | None = None,
        treatment: str | None = None,
        advice: str | None = None,
        referred_to: str | None = None,
        examiner: str | None = None,
        actor: str,
        reason: str | None = None,
        today: _dt.date | None = None,
    ) -> int:
        """Record the reply to a referral (the reply slip): date received, outcome (a key of
        REPLY_OUTCOMES), diagnosis, treatment, advice for the follow-up, where the child was
        referred on to, the examining doctor. A referral that has a reply already gets a new
        version (a correction: `reason` required); the old one stays readable. Returns the reply
        row's id. Bad input raises FieldError and writes nothing."""
        key = str(outcome or "").strip().lower().replace("-", "_").replace(" ", "_")
        if key not in REPLY_OUTCOMES:
            raise FieldError("outcome", f"hasil {outcome!r} tidak dikenal (pilihan: {', '.join(REPLY_OUTCOMES)})")
        day = parse_date(received_date, "received_date")
        if day > (today or _dt.date.today()):
            raise FieldError("received_date", "tanggal balasan tidak boleh di masa depan")
        texts: dict[str, str | None] = {}
        for name, value in (("diagnosis", diagnosis), ("treatment", treatment), ("advice", advice),
                            ("referred_to", referred_to), ("examiner", examiner)):
            text = str(value).strip() if value is not None else ""
            if len(text) > REPLY_TEXT_MAX:
                raise FieldError(name, f"terlalu panjang (paling banyak {REPLY_TEXT_MAX} huruf)")
            texts[name] = text or None
        with self._write():
            visit = self.referred_visit(visit_id)
            if day.isoformat() < visit["visit_date"]:
                raise FieldError("received_date", f"tanggal balasan tidak boleh sebelum tanggal rujukan "
                                                  f"{visit['visit_date']}")
            current = self.db.execute(
                "SELECT id, version FROM referral_replies WHERE visit_uid = ? AND is_current = 1",
                [visit["visit_uid"]]).fetchone()
            cols: dict[str, Any] = dict(visit_uid=visit["visit_uid"], received_date=day.isoformat(), outcome=key,
                                        **texts, recorded_by=actor, recorded_at=_iso(_now()))
            if current is not None:
                if not reason or not str(reason).strip():
                    raise FieldError("reason", "balasan rujukan ini sudah dicatat; koreksi perlu alasan")
                cols.update(version=current[1] + 1, supersedes_id=current[0],
                            correction_reason=str(reason).strip()[:MAX_TEXT])
                self.db.execute("UPDATE referral_replies SET is_current = 0 WHERE id = ?", [current[0]])
            names = list(cols)
            cur = self.db.execute(
                f"INSERT INTO referral_replies ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                [cols[c] for c in names])
            reply_id = _rowid(cur)
            self.db.execute("DELETE FROM referral_reply_drafts WHERE visit_uid = ?", [visit["visit_uid"]])
            self._audit("rujukan.balasan_koreksi" if current is not None else "rujukan.balasan", actor=actor,
                        patient_id=visit["patient_id"], detail=f"kunjungan {visit['id']}, balasan {reply_id}")
        return reply_id

    def referral_reply(self, visit_uid: str | None) -> dict[str, Any] | None:
        """The current reply to the referral of this visit (any version), with `outcome_label`, or
        None while none has been recorded."""
        row = _one(self.db, "SELECT * FROM referral_replies WHERE visit_uid = ? AND is_current = 1", [visit_uid])
        if row is not None:
            row["outcome_label"] = REPLY_OUTCOMES.get(row["outcome"], row["outcome"])
        return row

    def save_reply_draft(self, visit_uid: str, fields: dict[str, str], *, actor: str) -> None:
        """Keep the reply form of this referral as typed, {field: text} (schema v14), in one
        transaction, so it survives a crash; an empty form removes the draft."""
        if not isinstance(fields, dict) or not all(
                isinstance(k, str) and isinstance(v, str) and len(v) <= MAX_TEXT for k, v in fields.items()):
            raise FieldError("fields", "isian balasan harus berupa objek {kolom: teks}")
        kept = {k: v for k, v in sorted(fields.items()) if v.strip()}
        with self._write():
            if not kept:
                self.db.execute("DELETE FROM referral_reply_drafts WHERE visit_uid = ?", [visit_uid])
                return
            self.db.execute(
                "INSERT INTO referral_reply_drafts (visit_uid, fields_json, updated_by, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(visit_uid) DO UPDATE SET fields_json = excluded.fields_json, "
                "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                [visit_uid, _dumps(kept), actor, _iso(_now())])

    def reply_draft(self, visit_uid: str | None) -> dict[str, str] | None:
        """The unsaved reply form of this referral ({field: text}), or None."""
        row = self.db.execute("SELECT fields_json FROM referral_reply_drafts WHERE visit_uid = ?",
                              [visit_uid]).fetchone()
        return json.loads(row[0]) if row else None

    def discard_reply_draft(self, visit_uid: str) -> None:
        """Remove the unsaved reply form of this referral (the nurse discarded it)."""
        with self._write():
            self.db.execute("DELETE FROM referral_reply_drafts WHERE visit_uid = ?", [visit_uid])

    def referral_reply_versions(self, visit_uid: str | None) -> list[dict[str, Any]]:
        """Every version of the reply to this referral, oldest first (corrections stay readable)."""
        rows = list(self.db.query("SELECT * FROM referral_replies WHERE visit_uid = ? ORDER BY version",
                                  [visit_uid]))
        for row in rows:
            row["outcome_label"] = REPLY_OUTCOMES.get(row["outcome"], row["outcome"])
        return rows

    def referrals_between(self, date_from: _dt.date, date_to: _dt.date, *, replied: bool | None = None,
                          today: _dt.date | None = None) -> list[dict[str, Any]]:
        """The urgent referrals made on `date_from`..`date_to` (the current versions of the visits,
        by time): each with the child, the reason, the destination and letter number (when known),
        and its reply (`outcome`, `outcome_label`, `received_date`, `days_to_reply`, ...; None
        without a reply) and `days_open` (days since the referral, as of `today`). `replied`:
        True only those with a reply, False only those without, None all. For the referral log,
        the open-referrals list and the supervision indicators."""
        return self._referrals("v.visit_at >= ? AND v.visit_at <= ?", visit_at_range(date_from, date_to),
                               replied=replied, today=today or _dt.date.today())

    def open_referrals(self, today: _dt.date, *, since: _dt.date | None = None) -> list[dict[str, Any]]:
        """Referrals without a reply, oldest first (made on or after `since`, when given), each as
        `referrals_between` gives it plus `overdue`: no reply after `referral_reply_days` days
        ("belum ada balasan")."""
        lo = visit_at_range(since, since)[0] if since is not None else ""
        rows = self._referrals("v.visit_at >= ?", [lo], replied=False, today=today)
        days = self.referral_reply_days()
        for row in rows:
            row["overdue"] = row["days_open"] >= days
        return rows

    def unanswered_referral(self, patient_id: int, *, before: str | None = None) -> dict[str, Any] | None:
        """The child's latest urgent referral that has no reply yet (made before `before`, an ISO
        visit time, when given), as `referrals_between` gives it; None when every referral of the
        child has a reply (or there is none). Shown when she comes back to the puskesmas."""
        where = "v.patient_id = ?"
        params: list[Any] = [int(patient_id)]
        if before is not None:
            where += " AND v.visit_at < ?"
            params.append(before)
        rows = self._referrals(where, params, replied=False, today=_dt.date.today(), newest_first=True, limit=1,
                               index="visits_patient")
        return rows[0] if rows else None

    def _referrals(self, where: str, params: list[Any], *, replied: bool | None, today: _dt.date,
                   newest_first: bool = False, limit: int | None = None,
                   index: str = "visits_referred") -> list[dict[str, Any]]:
        """THE referral query (along `index`): the rows of `referrals_between` (`treatments`: the
        chart's treatments of the visit before the referral, with doses, as one text;
        `destination_phone`: the referral facility's phone as it is now; `given`: what was actually
        given, the register export's "Pemberian tindakan" cell, `given_export_sql`)."""
        cond = {None: "", True: " AND r.id IS NOT NULL", False: " AND r.id IS NULL"}[replied]
        order = "DESC" if newest_first else ""
        sql = (
            "SELECT v.id, v.visit_uid, v.patient_id, v.visit_at, v.visit_date, v.recorded_by, p.mrn, p.name, "
            "p.sex, p.birth_date, p.parent_name, p.address, p.village, p.phone, f.reason, f.destination, "
            f"l.number, {_PRE_REFERRAL_SQL}, rf.phone, {given_export_sql('v')}, r.id, r.version, r.received_date, "
            "r.outcome, r.diagnosis, r.treatment, r.advice, "
            "r.referred_to, r.examiner, r.recorded_by, r.recorded_at "
            f"FROM visits v INDEXED BY {index} JOIN patients p ON p.id = v.patient_id "
            "LEFT JOIN referrals f ON f.visit_id = v.id "
            "LEFT JOIN referral_facilities rf ON rf.id = f.facility_id "
            "LEFT JOIN referral_letters l ON l.visit_uid = v.visit_uid "
            "LEFT JOIN referral_replies r ON r.visit_uid = v.visit_uid AND r.is_current = 1 "
            f"WHERE v.is_current = 1 AND v.status = 'final' AND v.refer_urgently = 1 AND {where}{cond} "
            f"ORDER BY v.visit_at {order}, v.id {order}" + (f" LIMIT {int(limit)}" if limit else ""))
        keys = ("id", "visit_uid", "patient_id", "visit_at", "visit_date", "recorded_by", "mrn", "patient_name",
                "sex", "birth_date", "parent_name", "address", "village", "phone", "reason", "destination",
                "letter_number", "treatments", "destination_phone", "given")
        reply_keys = ("id", "version", "received_date", "outcome", "diagnosis", "treatment", "advice",
                      "referred_to", "examiner", "recorded_by", "recorded_at")
        out = []
        for row in self.db.execute(sql, params).fetchall():
            item = dict(zip(keys, row[:len(keys)]))
            item.update(age_fields(item["birth_date"], item["visit_date"]))
            referred = _dt.date.fromisoformat(item["visit_date"])
            item["days_open"] = (today - referred).days
            reply = dict(zip(reply_keys, row[len(keys):]))
            if reply["id"] is None:
                item["reply"] = None
            else:
                reply["outcome_label"] = REPLY_OUTCOMES.get(reply["outcome"], reply["outcome"])
                reply["days_to_reply"] = (_dt.date.fromisoformat(reply["received_date"]) - referred).days
                item["reply"] = reply
            out.append(item)
        return out

    def current_version_id(self, visit_uid: str | None) -> int | None:
        """The id of the current (latest) version of a visit, or None."""
        row = self.db.execute("SELECT id FROM visits WHERE visit_uid = ? AND is_current = 1",
                              [visit_uid]).fetchone()
        return row[0] if row else None

    def visit_brief(self, visit_id: int) -> dict[str, Any] | None:
        """patient_id, recorded_by, visit_uid and visit_date of one visit version, or None: what a
        screen needs to check a role or write an audit line without loading the whole visit."""
        return _one(self.db, "SELECT patient_id, recorded_by, visit_uid, visit_date FROM visits WHERE id = ?",
                    [int(visit_id)])

    def latest_visit_date(self, visit_uid: str | None) -> str | None:
        """The visit date of the latest version of a visit (by its uid), or None."""
        row = self.db.execute("SELECT visit_date FROM visits WHERE visit_uid = ? ORDER BY version DESC LIMIT 1",
                              [visit_uid]).fetchone()
        return row[0] if row else None

    def letter_number(self, visit_uid: str | None) -> str | None:
        """The referral letter number kept for this visit (any version), or None: never printed."""
        row = self.db.execute("SELECT number FROM referral_letters WHERE visit_uid = ?", [visit_uid]).fetchone()
        return row[0] if row else None

    # -- referral facilities and the destination of a referral (issue 17) --

    def referral_facilities(self, *, include_inactive: bool = False) -> list[dict[str, Any]]:
        """The referral facilities, the default first, then by name (inactive ones last, only with
        `include_inactive`). Each row has `kind_label` and `line` (`referral_facilities.describe`)."""
        where = "" if include_inactive else "WHERE active = 1"
        rows = list(self.db.query(
            f"SELECT * FROM referral_facilities {where} "
            "ORDER BY active DESC, is_default DESC, name COLLATE NOCASE, id"))
        return [_facility_row(r) for r in rows]

    def referral_facility(self, facility_id: int) -> dict[str, Any]:
        """One referral facility (active or not); RegisterError `tidak_ada` for an unknown id."""
        row = _one(self.db, "SELECT * FROM referral_facilities WHERE id = ?", [int(facility_id)])
        if row is None:
            raise FieldError("facility_id", f"fasilitas rujukan {facility_id} tidak ada "
                             "(lihat daftarnya: mtbs faskes list)")
        return _facility_row(row)

    def default_referral_facility(self) -> dict[str, Any] | None:
        """The facility a referred visit goes to unless the worker picks another, or None."""
        row = _one(self.db, "SELECT * FROM referral_facilities WHERE is_default = 1 AND active = 1")
        return _facility_row(row) if row else None

    def find_referral_facility(self, text: str) -> dict[str, Any]:
        """A facility by its number or its exact name (case ignored), for the CLI."""
        value = " ".join(str(text or "").split())
        if value.isdigit() and value.isascii():
            return self.referral_facility(int(value))
        row = _one(self.db, "SELECT * FROM referral_facilities WHERE name = ? COLLATE NOCASE", [value])
        if row is None:
            raise FieldError("facility_id", f"fasilitas rujukan \"{value[:60]}\" tidak ada "
                             "(tulis nomor atau nama persis; lihat: mtbs faskes list)")
        return _facility_row(row)

    def add_referral_facility(self, *, name: str, kind: str, address: str | None = None,
                              phone: str | None = None, default: bool = False, actor: str) -> int:
        """Add a facility; the first active one (or `default=True`) becomes the default. Returns its id."""
        values = _facility_values({"name": name, "kind": kind, "address": address, "phone": phone})
        now = _iso(_now())
        with self._write():
            self._check_facility_name(str(values["name"]), None)
            has_default = self.db.execute(
                "SELECT 1 FROM referral_facilities WHERE is_default = 1").fetchone() is not None
            if default:
                self.db.execute("UPDATE referral_facilities SET is_default = 0 WHERE is_default = 1")
            cur = self.db.execute(
                "INSERT INTO referral_facilities(name, kind, address, phone, active, is_default, created_at, "
                "created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?)",
                [values["name"], values["kind"], values["address"], values["phone"],
                 int(default or not has_default), now, actor, now, actor])
            facility_id = _rowid(cur)
            self._audit("faskes.tambah", actor=actor, detail=f"faskes {facility_id}")
        return facility_id

    def update_referral_facility(self, facility_id: int, changes: dict[str, Any], *, actor: str) -> list[str]:
        """Change name/kind/address/phone; the previous row is kept in referral_facility_versions.
        Referrals already made keep the name they were sent with. Returns the fields that changed."""
        with self._write():
            old = self.referral_facility(facility_id)
            merged = {k: old.get(k) for k in facility_fields.FIELDS}
            merged.update(changes)
            values = _facility_values(merged)
            changed = [k for k in facility_fields.FIELDS if values[k] != old.get(k)]
            if not changed:
                return []
            if "name" in changed:
                self._check_facility_name(str(values["name"]), int(facility_id))
            now = _iso(_now())
            row = {k: v for k, v in old.items() if k not in ("kind_label", "line")}
            self.db.execute(
                "INSERT INTO referral_facility_versions(facility_id, row_json, changed_at, changed_by) "
                "VALUES (?, ?, ?, ?)", [facility_id, json.dumps(row, ensure_ascii=False), now, actor])
            self.db.execute(
                f"UPDATE referral_facilities SET {', '.join(f'{c} = ?' for c in changed)}, updated_at = ?, "
                "updated_by = ? WHERE id = ?", [values[c] for c in changed] + [now, actor, facility_id])
            self._audit("faskes.ubah", actor=actor, detail=f"faskes {facility_id} bidang: {','.join(changed)}")
        return changed

    def set_referral_facility_active(self, facility_id: int, active: bool, *, actor: str) -> None:
        """Deactivate (leaves the pick list; referrals made keep it) or activate a facility. The
        default cannot be deactivated while it is the default: choose another default first."""
        with self._write():
            old = self.referral_facility(facility_id)
            if not active and old["is_default"]:
                raise FieldError("facility_id", f"{old['name']} adalah tujuan bawaan; jadikan yang lain "
                                 "bawaan dahulu")
            if bool(old["active"]) == bool(active):
                return
            self.db.execute("UPDATE referral_facilities SET active = ?, updated_at = ?, updated_by = ? WHERE id = ?",
                            [int(active), _iso(_now()), actor, facility_id])
            self._audit("faskes.aktifkan" if active else "faskes.nonaktifkan", actor=actor,
                        detail=f"faskes {facility_id}")

    def set_default_referral_facility(self, facility_id: int, *, actor: str) -> None:
        """Make an active facility the default destination (the one a referred visit gets without a key)."""
        with self._write():
            old = self.referral_facility(facility_id)
            if not old["active"]:
                raise FieldError("facility_id", f"{old['name']} tidak aktif; aktifkan dahulu")
            if old["is_default"]:
                return
            self.db.execute("UPDATE referral_facilities SET is_default = 0 WHERE is_default = 1")
            self.db.execute("UPDATE referral_facilities SET is_default = 1, updated_at = ?, updated_by = ? "
                            "WHERE id = ?", [_iso(_now()), actor, facility_id])
            self._audit("faskes.bawaan", actor=actor, detail=f"faskes {facility_id}")

    def set_referral_destination(self, visit_id: int, facility_id: int | None, *, actor: str) -> None:
        """Where a referred visit's child is sent: an active facility (None clears it). Kept on the
        referral with the name as it is now, who chose it and when; printed on the letter."""
        with self._write():
            row = self.db.execute(
                "SELECT patient_id, status, is_current, refer_urgently FROM visits WHERE id = ?",
                [visit_id]).fetchone()
            if row is None:
                raise RegisterError(f"kunjungan {visit_id} tidak ditemukan", kind="tidak_ada")
            patient_id, status, current, refer = row
            if status != "final" or not refer:
                raise RegisterError(f"kunjungan {visit_id} tidak dirujuk segera; tujuan rujukan hanya untuk "
                                    "anak dengan klasifikasi merah yang dirujuk", kind="masukan")
            if not current:
                raise RegisterError(f"kunjungan {visit_id} sudah dikoreksi; pilih tujuan pada versi terbarunya",
                                    kind="masukan")
            self._write_destination(visit_id, facility_id, actor)
            self._audit("rujukan.tujuan", actor=actor, patient_id=patient_id,
                        detail=f"kunjungan {visit_id} faskes {facility_id if facility_id is not None else '-'}")

    def _write_destination(self, visit_id: int, facility_id: int | None, actor: str) -> None:
        """Inside a write: the referral row of `visit_id` (already written) gets the facility."""
        name = None
        if facility_id is not None:
            facility = self.referral_facility(facility_id)
            if not facility["active"]:
                raise FieldError("facility_id", f"fasilitas rujukan {facility['name']} tidak aktif; "
                                 "pilih yang aktif")
            name = facility["name"]
        self.db.execute(
            "INSERT INTO referrals(visit_id, referred_at) SELECT id, visit_at FROM visits WHERE id = ? "
            "ON CONFLICT(visit_id) DO NOTHING", [visit_id])
        self.db.execute(
            "UPDATE referrals SET facility_id = ?, destination = ?, destination_at = ?, destination_by = ? "
            "WHERE visit_id = ?", [facility_id, name, _iso(_now()), actor, visit_id])

    def _check_facility_name(self, name: str, facility_id: int | None) -> None:
        other = self.db.execute("SELECT id FROM referral_facilities WHERE name = ? COLLATE NOCASE AND id IS NOT ?",
                                [name, facility_id]).fetchone()
        if other is not None:
            raise FieldError("name", f"nama {name} sudah dipakai fasilitas rujukan {other[0]}")

    def worker(self, username: str | None) -> dict[str, Any] | None:
        """The account behind a username, for a document's signature: username, full_name, nip,
        str_number; None when no such account exists."""
        if not username:
            return None
        return _one(self.db, "SELECT username, full_name, nip, str_number FROM users WHERE username = ?",
                    [username])

    # -- lists --

    def visits_on(self, day: _dt.date) -> list[dict[str, Any]]:
        """The day's visits for the home screen: current final versions and open drafts, by time."""
        # Two index range reads (final visits by time, drafts by date), not a scan of the register.
        rows = self.db.execute(
            f"SELECT * FROM (SELECT {_LIST_COLS}, v.visit_at AS k1 FROM visits v INDEXED BY visits_final_at "
            "JOIN patients p ON p.id = v.patient_id WHERE v.is_current = 1 AND v.status = 'final' "
            "AND v.visit_at >= ? AND v.visit_at <= ? "
            f"UNION ALL SELECT {_LIST_COLS}, v.visit_at FROM visits v INDEXED BY visits_drafts "
            "JOIN patients p ON p.id = v.patient_id WHERE v.status = 'draft' AND v.visit_date = ?) "
            "ORDER BY k1, 1",
            [*visit_at_range(day, day), day.isoformat()],
        ).fetchall()
        return self._list_rows([row[:-1] for row in rows])

    def visits_page(
        self,
        date_from: _dt.date,
        date_to: _dt.date,
        *,
        limit: int = 50,
        after: tuple[Any, ...] | None = None,
        before: tuple[Any, ...] | None = None,
    ) -> list[dict[str, Any]]:
        """One page of current final visits between two dates (inclusive), ordered by (visit_at, id).

        Keyset paging: pass `after=(last["visit_at"], last["id"])` for the next page, or
        `before=(first["visit_at"], first["id"])` for the previous one. Each row has `key`.
        """
        limit = max(1, min(int(limit), 1000))
        lo, hi = visit_at_range(date_from, date_to)
        where = "v.is_current = 1 AND v.status = 'final' AND v.visit_at >= ? AND v.visit_at <= ?"
        params: list[Any] = [lo, hi]
        order = "v.visit_at, v.id"
        if after is not None:
            where += " AND (v.visit_at, v.id) > (?, ?)"
            params += [after[0], after[1]]
        elif before is not None:
            where += " AND (v.visit_at, v.id) < (?, ?)"
            params += [before[0], before[1]]
            order = "v.visit_at DESC, v.id DESC"
        rows = self.db.execute(
            f"SELECT {_LIST_COLS} FROM visits v INDEXED BY visits_final_at JOIN patients p ON p.id = v.patient_id "
            f"WHERE {where} ORDER BY {order} LIMIT ?",
            params + [limit],
        ).fetchall()
        if before is not None:
            rows.reverse()
        return self._list_rows(rows)

    def count_visits(self, date_from: _dt.date | None = None, date_to: _dt.date | None = None) -> int:
        if date_from is None or date_to is None:
            return int(self.db.execute(
                "SELECT count(*) FROM visits WHERE is_current = 1 AND status = 'final'").fetchone()[0])
        return int(self.db.execute(
            "SELECT count(*) FROM visits INDEXED BY visits_final_at WHERE is_current = 1 AND status = 'final' "
            "AND visit_at >= ? AND visit_at <= ?",
            visit_at_range(date_from, date_to)).fetchone()[0])

    def month_tally(self, first: _dt.date, last: _dt.date, *, today: _dt.date,
                    findings: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
        """What the monthly report counts, for the final visits of `first`..`last` (inclusive):

        * ``visits``: visit id -> (pathway, age group index in REPORT_AGE_GROUPS, sex, kind), for
          the month's visits and for the visits whose follow-up falls due in the month;
        * ``measures``: name -> set of visit ids: ``kunjungan``, ``pertama``, ``ulang``,
          ``rujuk_segera`` (refer_urgently), ``rujuk`` (a non-urgent RUJUK treatment), and the
          follow-ups due in the month ``kontrol_jatuh_tempo``, of which ``kontrol_selesai`` (kept
          in time, `follow_up_kept_sql`), ``kontrol_terlewat`` (the grace days have passed) and
          ``kontrol_belum`` (not kept, the grace days not yet over); and the month's urgent referrals
          by their reply as recorded so far (REFERRAL_MEASURES): ``rujukan_balasan`` (a reply),
          of which ``rujukan_selesai`` (the child reached the hospital) or ``rujukan_tidak_datang``,
          ``rujukan_meninggal`` (died), and ``rujukan_belum_balasan`` (no reply yet);
        * ``classifications`` and ``treatments``: code -> set of the month's visit ids;
        * ``findings``: each asked yes/no finding key -> the month's visits that recorded it true
          (`findings_json` is compact JSON, `_dumps`: the text `"key":true`).

        Plain reads along the final-visit index: a month of a 100,000-visit register in well
        under a second."""
        grp = "CASE " + " ".join(f"WHEN {cond} THEN {i}" for i, (_, cond) in enumerate(REPORT_AGE_GROUPS)) + " END"
        rng = visit_at_range(first, last)
        in_month = ("FROM visits v INDEXED BY visits_final_at {join} WHERE v.is_current = 1 "
                    "AND v.status = 'final' AND v.visit_at >= ? AND v.visit_at <= ?")
        visits: dict[int, tuple[str, int, str, str]] = {}
        names = ("kunjungan", "pertama", "ulang", "rujuk_segera", "rujuk", "kontrol_jatuh_tempo",
                 "kontrol_selesai", "kontrol_terlewat", "kontrol_belum", *REFERRAL_MEASURES)
        measures: dict[str, set[int]] = {name: set() for name in names}
        classifications: dict[str, set[int]] = {}
        treatments: dict[str, set[int]] = {}
        found: dict[str, set[int]] = {}
        conn = self.db.conn
        own_txn = not conn.in_transaction
        if own_txn:
            conn.execute("BEGIN")  # one snapshot for every read
        try:
            for vid, pathway, g, sex, kind, urgent in conn.execute(
                    f"SELECT v.id, v.pathway, {grp}, p.sex, v.kind, v.refer_urgently "
                    + in_month.format(join="JOIN patients p ON p.id = v.patient_id"), rng):
                visits[vid] = (pathway, g, sex, kind)
                measures["kunjungan"].add(vid)
                measures["ulang" if kind == "ulang" else "pertama"].add(vid)
                if urgent == 1:
                    measures["rujuk_segera"].add(vid)
            for table, out in (("visit_classifications", classifications), ("visit_treatments", treatments)):
                for vid, code in conn.execute(
                        "SELECT x.visit_id, x.code " + in_month.format(join=f"JOIN {table} x ON x.visit_id = v.id"), rng):
                    out.setdefault(code, set()).add(vid)
            measures["rujuk"] = treatments.get("RUJUK", set()) - measures["rujuk_segera"]
            # The month's urgent referrals by their reply as known now (the cohort of the month).
            replied = dict(conn.execute(
                "SELECT v.id, r.outcome FROM visits v INDEXED BY visits_referred JOIN referral_replies r "
                "ON r.visit_uid = v.visit_uid AND r.is_current = 1 WHERE v.is_current = 1 AND v.status = 'final' "
                "AND v.refer_urgently = 1 AND v.visit_at >= ? AND v.visit_at <= ?", rng).fetchall())
            for vid, outcome in replied.items():
                measures["rujukan_balasan"].add(vid)
                measures["rujukan_tidak_datang" if outcome == REPLY_NOT_ARRIVED else "rujukan_selesai"].add(vid)
                if outcome == REPLY_DIED:
                    measures["rujukan_meninggal"].add(vid)
            measures["rujukan_belum_balasan"] = measures["rujuk_segera"] - measures["rujukan_balasan"]
            for key in findings:
                found[key] = {vid for (vid,) in conn.execute(
                    "SELECT v.id " + in_month.format(join="") + " AND instr(v.findings_json, ?)",
                    [*rng, json.dumps({key: True}, separators=(",", ":"))[1:-1]])}
            for vid, pathway, g, sex, kind, kept, over in conn.execute(
                    f"SELECT v.id, v.pathway, {grp}, p.sex, v.kind, {follow_up_kept_sql('v')}, "
                    f"date(v.follow_up_date, '+{FOLLOW_UP_GRACE_DAYS} days') < ? "
                    "FROM visits v JOIN patients p ON p.id = v.patient_id WHERE v.is_current = 1 "
                    "AND v.status = 'final' AND v.follow_up_date >= ? AND v.follow_up_date <= ?",
                    [today.isoformat(), first.isoformat(), last.isoformat()]):
                visits[vid] = (pathway, g, sex, kind)
                measures["kontrol_jatuh_tempo"].add(vid)
                state = "kontrol_selesai" if kept else ("kontrol_terlewat" if over else "kontrol_belum")
                measures[state].add(vid)
        finally:
            if own_txn and conn.in_transaction:
                conn.execute("COMMIT")
        return {"visits": visits, "measures": measures, "classifications": classifications,
                "treatments": treatments, "findings": found}

    # -- quality indicators (issue 18; definitions in mtbs_tui/quality.py and docs/quality.md) --

    def quality_visits(self, first: _dt.date, last: _dt.date, *,
                       main_modules: tuple[str, ...]) -> list[tuple[Any, ...]]:
        """One row per final current visit of `first`..`last` (inclusive), in visit order:
        (month 'YYYY-MM', worker of the first version, pathway, complete, weighed, temperature,
        cough, breathing counted, corrected, minutes).

        * complete: 1 when no module of `main_modules` is in the result's `incomplete` list;
        * weighed / temperature: the measurement was recorded;
        * cough: `batuk` recorded true on a balita visit; breathing counted: then also a
          respiratory rate (NULL when no cough);
        * corrected: the visit has a later version (a correction);
        * minutes: from the opening of the visit form (`opened_at`, v13), else the first saved
          draft (`created_at`: visits of older versions), to the final save of the visit's first
          version (`updated_at`: a draft keeps both when it becomes final), NULL when the visit
          was saved without a draft (the same moment)."""
        marks = ", ".join("?" for _ in main_modules) or "NULL"
        rows = self.db.execute(
            "SELECT substr(v.visit_date, 1, 7), COALESCE(o.recorded_by, v.recorded_by), v.pathway, "
            # result_json is compact JSON: an empty list is found without parsing the result.
            "CASE WHEN instr(v.result_json, '\"incomplete\":[]') THEN 1 ELSE "
            "NOT EXISTS (SELECT 1 FROM json_each(v.result_json, '$.incomplete') j "
            f"  WHERE json_extract(j.value, '$.module') IN ({marks})) END, "
            "v.weight_kg IS NOT NULL, v.temperature_c IS NOT NULL, "
            "v.pathway = 'balita' AND instr(v.findings_json, '\"batuk\":true') > 0, "
            "CASE WHEN v.pathway = 'balita' AND instr(v.findings_json, '\"batuk\":true') > 0 "
            "  THEN json_extract(v.findings_json, '$.napas_per_menit') IS NOT NULL END, "
            "v.version > 1, "
            "CASE WHEN o.updated_at > COALESCE(o.opened_at, o.created_at) "
            "  THEN (julianday(o.updated_at) - julianday(COALESCE(o.opened_at, o.created_at))) * 1440.0 END "
            "FROM visits v INDEXED BY visits_final_at "
            "LEFT JOIN visits o ON o.visit_uid = v.visit_uid AND o.version = 1 "
            "WHERE v.is_current = 1 AND v.status = 'final' AND v.visit_at >= ? AND v.visit_at <= ? "
            "ORDER BY v.visit_at, v.id",
            [*main_modules, *visit_at_range(first, last)]).fetchall()
        return [tuple(r) for r in rows]

    def quality_follow_ups(self, first: _dt.date, last: _dt.date, *, today: _dt.date) -> list[tuple[str, int, int]]:
        """One row per follow-up due in `first`..`last` (the visits whose `follow_up_date` falls
        there): (month of the due date, kept in time (`follow_up_kept_sql`), grace days over)."""
        rows = self.db.execute(
            f"SELECT substr(v.follow_up_date, 1, 7), {follow_up_kept_sql('v')}, "
            f"date(v.follow_up_date, '+{FOLLOW_UP_GRACE_DAYS} days') < ? "
            "FROM visits v WHERE v.is_current = 1 AND v.status = 'final' "
            "AND v.follow_up_date >= ? AND v.follow_up_date <= ?",
            [today.isoformat(), first.isoformat(), last.isoformat()]).fetchall()
        return [(str(m), int(k), int(o)) for m, k, o in rows]

    def quality_drafts(self, first: _dt.date, last: _dt.date) -> list[tuple[str, str, str | None]]:
        """One row per draft started in `first`..`last` (its `draf.buat` audit entry): (month,
        state, last change): state 'simpan' (the draft became a final visit), 'buang' (discarded:
        the row is gone, `draf.buang`) or 'buka' (still a draft; last change = its `updated_at`)."""
        lo, hi = visit_at_range(first, last)
        rows = self.db.execute(
            "SELECT substr(a.at, 1, 7), CASE WHEN v.id IS NULL THEN 'buang' "
            "  WHEN v.status = 'draft' THEN 'buka' ELSE 'simpan' END, v.updated_at "
            "FROM audit a LEFT JOIN visits v ON v.id = CAST(substr(a.detail, 11) AS INTEGER) "
            "WHERE a.action = 'draf.buat' AND a.detail LIKE 'kunjungan %' AND a.at >= ? AND a.at <= ?",
            [lo, hi]).fetchall()
        return [(str(m), str(s), u) for m, s, u in rows]

    def quality_given(self, first: _dt.date, last: _dt.date, *,
                      antibiotics: frozenset[str] | tuple[str, ...]) -> list[tuple[str, int, str]]:
        """One row per final current visit of `first`..`last` that has a record of what was given
        (issue 17): (month, 1 when a recommended treatment is one of `antibiotics`, the lower-case
        text of what was given outside the chart: each deviation's label and note, and the note of
        each treatment given otherwise, joined with ' | ')."""
        codes = sorted(antibiotics)
        marks = ", ".join("?" for _ in codes) or "NULL"
        rows = self.db.execute(
            "SELECT substr(v.visit_date, 1, 7), "
            f"EXISTS (SELECT 1 FROM visit_treatments t WHERE t.visit_id = v.id AND t.code IN ({marks})), "
            "COALESCE((SELECT group_concat(lower(CASE WHEN gi.outcome = 'tambahan' "
            "  THEN gi.label || ' ' || COALESCE(gi.note, '') ELSE COALESCE(gi.note, '') END), ' | ') "
            "  FROM given_items gi WHERE gi.record_id = g.id AND gi.outcome IN ('tambahan', 'diberikan_lain')), '') "
            "FROM visits v INDEXED BY visits_final_at "
            "JOIN given_records g ON g.visit_uid = v.visit_uid AND g.is_current = 1 "
            "WHERE v.is_current = 1 AND v.status = 'final' AND v.visit_at >= ? AND v.visit_at <= ?",
            [*codes, *visit_at_range(first, last)]).fetchall()
        return [(str(m), int(a), str(t)) for m, a, t in rows]

    def follow_ups_due(self, today: _dt.date, *, overdue_days: int = 14) -> dict[str, Any]:
        """Follow-ups not yet done: {"today": [...], "overdue": [...]} (overdue up to `overdue_days`).

        A follow-up is done when the child has any later final visit (a follow-up visit linked by
        `follow_up_of`, or a new visit that reassessed the child)."""
        lo = (today - _dt.timedelta(days=overdue_days)).isoformat()
        rows = self.db.execute(
            f"SELECT {_LIST_COLS} FROM visits v JOIN patients p ON p.id = v.patient_id "
            "WHERE v.is_current = 1 AND v.status = 'final' AND v.follow_up_date IS NOT NULL "
            "AND v.follow_up_date >= ? AND v.follow_up_date <= ? "
            "AND NOT EXISTS (SELECT 1 FROM visits w WHERE w.patient_id = v.patient_id AND w.is_current = 1 "
            "  AND w.status = 'final' AND w.visit_at > v.visit_at) "
            "ORDER BY v.follow_up_date, v.visit_at",
            [lo, today.isoformat()],
        ).fetchall()
        items = self._list_rows(rows)
        out: dict[str, list[dict[str, Any]]] = {"today": [], "overdue": []}
        for item in items:
            due = _dt.date.fromisoformat(item["follow_up_date"])
            item["days_overdue"] = (today - due).days
            out["today" if due == today else "overdue"].append(item)
        return out

    def patient_visits(self, patient_id: int) -> list[dict[str, Any]]:
        """The child's visits (current versions and drafts), newest first."""
        rows = self.db.execute(
            f"SELECT {_LIST_COLS} FROM visits v JOIN patients p ON p.id = v.patient_id "
            "WHERE v.patient_id = ? AND v.is_current = 1 ORDER BY v.visit_at DESC, v.id DESC",
            [patient_id],
        ).fetchall()
        return self._list_rows(rows)

    def visit_summaries(self, visit_ids: list[int]) -> dict[int, tuple[str, str, int]]:
        """{visit id: (worst colour, its most telling label, number of classifications)} for a page
        of list rows, in one query (the list rows carry only the joined labels)."""
        ids = [int(i) for i in visit_ids]
        if not ids:
            return {}
        found: dict[int, list[tuple[int, bool, int, str, str]]] = {}
        marks = ",".join("?" for _ in ids)
        for visit_id, position, code, label, colour in self.db.execute(
            "SELECT visit_id, position, code, label, colour FROM visit_classifications "
            f"WHERE visit_id IN ({marks})", ids
        ):
            # A green "STABIL"/"NORMAL" says little: among equals prefer a named finding.
            found.setdefault(visit_id, []).append(
                (-SEVERITY.get(colour, -1), code in ALL_CLEAR, position, colour, label or code or "")
            )
        out: dict[int, tuple[str, str, int]] = {}
        for visit_id, items in found.items():
            items.sort()
            _, _, _, colour, label = items[0]
            out[visit_id] = (colour, label, len(items))
        return out

    def _list_rows(self, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
        out = []
        for row in rows:
            d = dict(zip(_LIST_KEYS, row))
            d.update(age_fields(d["birth_date"], d["visit_date"]))
            d["key"] = (d["visit_at"], d["id"])
            d["refer_urgently"] = bool(d["refer_urgently"]) if d["refer_urgently"] is not None else None
            out.append(d)
        return out

    # -- audit --

    def audit(self, action: str, *, actor: str, patient_id: int | None = None, detail: str | None = None) -> None:
        """Record an access or action (who, which patient id, what, when). Never clinical content."""
        with self._write():
            self._audit(action, actor=actor, patient_id=patient_id, detail=detail)

    def _draft_of(self, draft_id: int, patient_id: int) -> str:
        """The open draft `draft_id` of this patient (its visit_at); a clear error otherwise."""
        row = self.db.execute(
            "SELECT patient_id, visit_at FROM visits WHERE id = ? AND status = 'draft'", [draft_id]
        ).fetchone()
        if row is None:
            raise RegisterError(f"draf {draft_id} tidak ditemukan (sudah disimpan atau dibuang?)",
                                kind="tidak_ada")
        if row[0] != patient_id:
            raise FieldError("patient_id", "draf ini milik pasien lain")
        return cast(str, row[1])

    def _audit(self, action: str, *, actor: str, patient_id: int | None = None, detail: str | None = None) -> None:
        # Hash-chained and append-only (mtbs_tui.audit); runs inside the caller's write transaction.
        from mtbs_tui import audit as audit_trail

        audit_trail.append(
            self.db.conn, action, actor=actor, patient_id=patient_id,
            detail=(detail or None) and detail[:MAX_TEXT], at=_iso(_now()), host=self.workstation,
        )

    def audit_log(self, *, patient_id: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
        if patient_id is None:
            return list(self.db.query("SELECT * FROM audit ORDER BY id DESC LIMIT ?", [limit]))
        return list(self.db.query("SELECT * FROM audit WHERE patient_id = ? ORDER BY id DESC LIMIT ?", [patient_id, limit]))

    # -- health --

    def is_demo(self) -> bool:
        """True for a register made by `mtbs demo` (meta `demo` = 1)."""
        return is_demo_register(self.db.conn)

    def mark_demo(self) -> None:
        """Mark this register as made by `mtbs demo` (the TUI then says DEMO in its header)."""
        with self._write():
            self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('demo', '1')")

    def visit_count(self, patient_id: int) -> int:
        """How many visits (each counted once, whatever its versions) a patient record holds."""
        return int(self.db.execute("SELECT count(DISTINCT visit_uid) FROM visits WHERE patient_id = ?",
                                   [patient_id]).fetchone()[0])

    def counts(self) -> dict[str, int]:
        return record_counts(self.db.conn)

    def integrity_errors(self) -> list[str]:
        """integrity_check, foreign keys and the FTS5 index against its content table; [] = healthy."""
        errors = dbmod.integrity_errors(self.db.conn)
        try:
            # An FTS5 command is an INSERT: it runs under the write discipline although it changes nothing.
            with dbmod.write(self.db):
                self.db.execute("INSERT INTO patients_fts(patients_fts, rank) VALUES('integrity-check', 1)")
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # a damaged file can yield a non-UTF-8 error text
            errors.append(f"indeks pencarian pasien rusak ({exc})")
        return errors

    # -- internals --

    def export_rows(self, fmt: str, date_from: _dt.date, date_to: _dt.date, *, modules: list[str],
                    today: _dt.date | None = None) -> Iterator[list[Any]]:
        """The register export's rows between two dates, streamed (see `_export_rows`)."""
        return _export_rows(self.db.conn, fmt, date_from, date_to, modules=modules, today=today)

    def _patient_row(self, patient_id: int) -> dict[str, Any]:
        row = _one(self.db, "SELECT * FROM patients WHERE id = ?", [patient_id])
        if row is None:
            raise FieldError("patient_id", f"pasien {patient_id} tidak ditemukan")
        return row

    def _visit_row(self, visit_id: int) -> dict[str, Any]:
        row = _one(self.db, "SELECT * FROM visits WHERE id = ?", [visit_id])
        if row is None:
            raise RegisterError(f"kunjungan {visit_id} tidak ditemukan", kind="tidak_ada")
        return row

    def _uid_of(self, visit_id: int) -> str:
        return cast(str, self.db.execute("SELECT visit_uid FROM visits WHERE id = ?", [visit_id]).fetchone()[0])

    def _check_follow_up_of(self, visit_uid: str, patient_id: int) -> None:
        row = self.db.execute(
            "SELECT patient_id FROM visits WHERE visit_uid = ? AND is_current = 1 AND status = 'final'",
            [visit_uid]).fetchone()
        if row is None:
            raise FieldError("follow_up_of", "kunjungan sebelumnya tidak ditemukan")
        if row[0] != patient_id:
            raise FieldError("follow_up_of", "kunjungan sebelumnya milik pasien lain")


def visit_at_range(date_from: _dt.date, date_to: _dt.date) -> list[str]:
    """The bounds of `visits.visit_at` (ISO date-time text) for the days `date_from`..`date_to`,
    both included: `visit_at >= ? AND visit_at <= ?` then reads the index range of those days."""
    return [f"{date_from.isoformat()}T", f"{date_to.isoformat()}T\uffff"]


def record_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Patients, current final visits, corrections, drafts and audit rows: for `Register.counts` and
    for `mtbs check`, which reads over its own read-only connection (it never opens a Register)."""
    q = conn.execute
    return {
        "pasien": q("SELECT count(*) FROM patients").fetchone()[0],
        "kunjungan": q("SELECT count(*) FROM visits WHERE status = 'final' AND is_current = 1").fetchone()[0],
        "koreksi": q("SELECT count(*) FROM visits WHERE version > 1").fetchone()[0],
        "draf": q("SELECT count(*) FROM visits WHERE status = 'draft'").fetchone()[0],
        "audit": q("SELECT count(*) FROM audit").fetchone()[0],
    }


def is_demo_register(conn: sqlite3.Connection) -> bool:
    """True when meta `demo` is 1 (`mtbs demo` wrote the file); read-only connections too."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'demo'").fetchone()
    return bool(row and row[0] == "1")


def facility_name(conn: sqlite3.Connection) -> str | None:
    """The puskesmas name, None before the identity is filled in (read-only connections too)."""
    row = conn.execute("SELECT name FROM facility WHERE id = 1").fetchone()
    return None if row is None else cast("str | None", row[0])


def _rowid(cur: sqlite3.Cursor) -> int:
    """The id of the row an INSERT has just written."""
    return int(cast(int, cur.lastrowid))


class _WriteGuard:
    """`with self._write():` -> db.write() with the lock's errors turned into RegisterError."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._cm = dbmod.write(db)

    def __enter__(self) -> None:
        try:
            self._cm.__enter__()
        except dbmod.DatabaseError as exc:
            raise RegisterError(exc.message, kind=exc.kind) from exc

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> Literal[False]:
        try:
            self._cm.__exit__(exc_type, exc, tb)  # db.write re-raises: an error is never swallowed
            return False
        except sqlite3.OperationalError as err:
            raise RegisterError(f"penyimpanan gagal: {dbmod.sqlite_reason(err)}; data belum tersimpan",
                                kind="io") from err


# --- follow-up outcome and main symptoms, as SQL for reports and exports ---------------------------

# A follow-up is kept when the child is seen again (any later final visit) on or before the due date
# plus this many days; a later visit is late, and no visit by then is missed. One rule for the
# monthly report's counts and the export's "Hasil kunjungan ulang" column.
FOLLOW_UP_GRACE_DAYS = 3


# The age groups of the Dinas monthly report (mtbs-chart.md §6.4): young infants by age in days, as
# the chart routes them (0-7 days, 8 days to <2 months), then completed months.
REPORT_AGE_GROUPS: tuple[tuple[str, str], ...] = (
    ("0-7 hari", "v.age_days <= 7"),
    ("8 hari-<2 bulan", f"v.age_days BETWEEN 8 AND {YOUNG_INFANT_DAYS - 1}"),
    ("2-<12 bulan", f"v.age_days >= {YOUNG_INFANT_DAYS} AND v.age_months < 12"),
    ("1-<5 tahun", f"v.age_days >= {YOUNG_INFANT_DAYS} AND v.age_months >= 12"),
)


def follow_up_kept_sql(v: str = "v") -> str:
    """SQL: 1 when visit `v`'s follow-up was kept in time (see FOLLOW_UP_GRACE_DAYS), else 0."""
    return (f"EXISTS (SELECT 1 FROM visits x WHERE x.patient_id = {v}.patient_id AND x.is_current = 1 "
            f"AND x.status = 'final' AND x.visit_at > {v}.visit_at "
            f"AND x.visit_date <= date({v}.follow_up_date, '+{FOLLOW_UP_GRACE_DAYS} days'))")


def follow_up_outcome_sql(today: _dt.date, v: str = "v") -> str:
    """SQL: the outcome of visit `v`'s follow-up as one Indonesian phrase, NULL without a follow-up:
    "Datang 03/09/2026", "Datang terlambat 10/09/2026", "Belum jatuh tempo", "Belum datang" (due,
    still within the grace days) or "Tidak datang"."""
    limit = f"date({v}.follow_up_date, '+{FOLLOW_UP_GRACE_DAYS} days')"
    day = f"'{today.isoformat()}'"
    return (
        f"CASE WHEN {v}.follow_up_date IS NULL THEN NULL ELSE COALESCE("
        f"(SELECT CASE WHEN x.visit_date <= {limit} THEN 'Datang ' ELSE 'Datang terlambat ' END "
        f"|| strftime('%d/%m/%Y', x.visit_date) FROM visits x WHERE x.patient_id = {v}.patient_id "
        f"AND x.is_current = 1 AND x.status = 'final' AND x.visit_at > {v}.visit_at ORDER BY x.visit_at LIMIT 1), "
        f"CASE WHEN {v}.follow_up_date > {day} THEN 'Belum jatuh tempo' WHEN {limit} >= {day} THEN 'Belum datang' "
        f"ELSE 'Tidak datang' END) END"
    )


def main_symptoms() -> list[tuple[str, str, str | None]]:
    """The chart's main symptoms (the opening question of each module that has one, both
    pathways): (finding key, short label, key of its duration in days or None)."""
    from mtbs_tui.rules.vocabulary import FINDINGS, MODULES

    out: list[tuple[str, str, str | None]] = []
    for module in MODULES:
        key = module.opening_key
        if key is None or key in [k for k, _, _ in out] or key not in FINDINGS:
            continue
        label = re.sub(r"\s*\(.*\)$", "", FINDINGS[key].label)
        days = f"{key}_hari" if f"{key}_hari" in FINDINGS else None
        out.append((key, label, days))
    return out


def main_symptoms_sql(v: str = "v") -> str:
    """SQL: the visit's main symptoms as text ("Batuk atau sukar bernapas 3 hari; Demam"), NULL when
    none was recorded. The register keeps no free-text complaint (case-format §5: not part of the
    case), so this is the complaint column of exports.

    `findings_json` is compact JSON (`_dumps`), so a true symptom is the text `"batuk":true`: found
    with instr() without parsing the JSON, which is parsed only for the duration of a symptom
    present (parsing every visit's findings several times tripled the export's SQL time)."""
    parts = []
    for key, label, days in main_symptoms():
        dur = (f" || COALESCE(' ' || json_extract({v}.findings_json, '$.{days}') || ' hari', '')"
               if days else "")
        parts.append(f"CASE WHEN instr({v}.findings_json, '\"{key}\":true') THEN '; {label}'{dur} ELSE '' END")
    return f"NULLIF(LTRIM({' || '.join(parts)}, '; '), '')"


# --- row builders shared with the demo generator --------------------------------------------------

def _worst_first_sql(column: str) -> str:
    """SQL: 0 for the most urgent colour (merah), counting up (codes.COLOURS_WORST_FIRST)."""
    urgent = COLOURS_WORST_FIRST[:-1]  # the least urgent (hijau) and anything unknown come last
    whens = " ".join(f"WHEN '{colour}' THEN {i}" for i, colour in enumerate(urgent))
    return f"CASE {column} {whens} ELSE {len(urgent)} END"


def _colour_of_rank_sql(rank: str) -> str:
    whens = " ".join(f"WHEN {i} THEN '{colour}'" for i, colour in enumerate(COLOURS_WORST_FIRST))
    return f"CASE {rank} {whens} END"


_PATIENT_KEYS = ("id", "mrn", "nik", "mother_nik", "name", "sex", "birth_date", "parent_name", "address",
                 "village", "phone", "last_seen_at")
_PATIENT_COLS = ", ".join(f"p.{k}" for k in _PATIENT_KEYS)
_LIST_KEYS = ("id", "visit_uid", "version", "patient_id", "visit_at", "visit_date", "pathway", "kind",
              "follow_up_of", "status", "section", "refer_urgently", "follow_up_days", "follow_up_date",
              "weight_kg", "recorded_by", "mrn", "patient_name", "sex", "birth_date", "classifications",
              "worst_colour")
_LIST_COLS = (
    "v.id, v.visit_uid, v.version, v.patient_id, v.visit_at, v.visit_date, v.pathway, v.kind, v.follow_up_of, "
    "v.status, v.section, v.refer_urgently, v.follow_up_days, v.follow_up_date, v.weight_kg, v.recorded_by, "
    "p.mrn, p.name, p.sex, p.birth_date, "
    "(SELECT group_concat(label, ', ') FROM (SELECT COALESCE(c.label, c.code) AS label FROM visit_classifications c "
    "  WHERE c.visit_id = v.id AND c.code NOT IN (" + ", ".join(f"'{code}'" for code in sorted(ALL_CLEAR)) + ") "
    f"  ORDER BY {_worst_first_sql('c.colour')}, c.position)), "
    f"(SELECT {_colour_of_rank_sql('min(' + _worst_first_sql('c.colour') + ')')} "
    "  FROM visit_classifications c WHERE c.visit_id = v.id)"
)


def _facility_values(values: dict[str, Any]) -> dict[str, Any]:
    """Clean and check a referral facility (`referral_facilities.check_fields`, the same checks as
    the screen and the CLI); FieldError naming the field and the allowed range."""
    try:
        return facility_fields.check_fields(values)
    except facility_fields.InvalidFacility as exc:
        raise FieldError(exc.field, exc.message) from None


def _facility_row(row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)
    row["active"], row["is_default"] = bool(row["active"]), bool(row["is_default"])
    row["kind_label"] = facility_fields.kind_label(row.get("kind"))
    row["line"] = facility_fields.describe(row)
    return row


def validate_patient(values: dict[str, Any], *, today: _dt.date, existing_birth: str | None = None) -> dict[str, Any]:
    """Clean and check patient fields (`patient_fields`, the same checks as the form); raises
    FieldError naming the field and the allowed range."""
    try:
        out = patient_fields.check_patient(values, today=today, existing_birth=existing_birth)
    except patient_fields.InvalidField as exc:
        raise FieldError(exc.field, exc.message) from None
    out["name_key"] = patient_fields.name_key(out["name"])
    out["parent_key"] = patient_fields.name_key(out["parent_name"])
    return out


def _choose_visit_at(vdate: _dt.date, given: str | None, draft_at: str | None, now: _dt.datetime) -> str:
    if given is not None:
        try:
            moment = _dt.datetime.fromisoformat(given)
        except (TypeError, ValueError):
            raise FieldError("visit_at", f"waktu {given!r} tidak sah (format TTTT-BB-HHTjj:mm:dd)") from None
        if moment.date() != vdate:
            raise FieldError("visit_at", "waktu kunjungan harus pada tanggal kunjungan")
        return _iso(moment.replace(microsecond=0, tzinfo=None))
    if draft_at and draft_at[:10] == vdate.isoformat():
        return draft_at
    if vdate == now.date():
        return _iso(now)
    return f"{vdate.isoformat()}T00:00:00"


def _measurements(case: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in MEASUREMENTS:
        value = case.get(key)
        if key in ("length_position", "malaria_area"):
            out[key] = value if isinstance(value, str) else None
        else:
            out[key] = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    return out


def _confirmed_json(confirmed: dict[str, Any] | None) -> str | None:
    """Unusual values the worker confirmed, {key: value} (schema v5), or NULL when none."""
    if not confirmed:
        return None
    if not isinstance(confirmed, dict) or not all(isinstance(k, str) for k in confirmed):
        raise FieldError("confirmed", "nilai yang dipastikan harus berupa objek {kunci: nilai}")
    return _dumps({k: confirmed[k] for k in sorted(confirmed)})


def _typed_json(typed: dict[str, str] | None) -> str | None:
    """A draft's invalid typed texts, {key: text} (schema v12), or NULL when none."""
    if not typed:
        return None
    if not isinstance(typed, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and len(v) <= MAX_TEXT for k, v in typed.items()):
        raise FieldError("typed", "isian yang belum valid harus berupa objek {kunci: teks}")
    return _dumps({k: typed[k] for k in sorted(typed)})


def _draft_columns(case: dict[str, Any], patient: dict[str, Any], vdate: _dt.date, section: str | None, kind: str,
                   follow_up_of: str | None) -> dict[str, Any]:
    try:
        age = age_on(patient["birth_date"], vdate)
        pathway = age.pathway
        age_days, age_months = age.days, age.months
    except ValueError:
        pathway, age_days, age_months = None, None, None
    findings = case.get("findings") if isinstance(case.get("findings"), dict) else {}
    chart = case.get("chart") if case.get("chart") in CHARTS else None
    cols = dict(
        visit_date=vdate.isoformat(), pathway=pathway, kind=kind, follow_up_of=follow_up_of, chart=chart,
        age_days=age_days, age_months=age_months,
        case_json=_dumps({k: v for k, v in case.items() if k != "findings"}),
        findings_json=_dumps(findings),
        section=(section or None) and str(section)[:MAX_TEXT],
    )
    cols.update(_measurements(case))
    return cols


def final_columns(case: dict[str, Any], result: dict[str, Any], *, patient_id: int, kind: str, follow_up_of: str | None,
                  actor: str, visit_at: str, now: str) -> dict[str, Any]:
    """The visits row of a final visit (also used by the demo generator's bulk inserts)."""
    vdate = _dt.date.fromisoformat(case["visit_date"])
    days = result.get("follow_up_days")
    age = result.get("age") or {}
    cols = dict(
        visit_uid=new_visit_uid(_dt.datetime.fromisoformat(visit_at)), version=1, is_current=1,
        patient_id=patient_id, visit_at=visit_at,
        visit_date=vdate.isoformat(), pathway=result.get("pathway"), kind=kind, follow_up_of=follow_up_of,
        chart=result.get("chart") or case.get("chart") or "2022",
        age_days=age.get("days"), age_months=age.get("months"),
        case_json=_dumps({k: v for k, v in case.items() if k != "findings"}),
        findings_json=_dumps(case.get("findings") or {}),
        result_json=json.dumps(result, ensure_ascii=False, separators=(",", ":")),
        refer_urgently=int(bool(result.get("refer_urgently"))),
        follow_up_days=days,
        follow_up_date=(vdate + _dt.timedelta(days=int(days))).isoformat() if days is not None else None,
        status="final", recorded_by=actor, created_at=now, updated_at=now,
        rules_version=rules_version(),
    )
    cols.update(_measurements(case))
    return cols


def rules_version() -> str:
    """What final visits store in ``visits.rules_version``: the engine's rules version (a
    correction reclassifies with the current rules, so it stores the current version too)."""
    from mtbs_tui.rules.engine import RULES_VERSION

    return RULES_VERSION


def result_rows(visit_id: int, result: dict[str, Any], at: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], tuple[Any, ...] | None]:
    """visit_classifications rows, visit_treatments rows and the referral row of one result."""
    cls_rows = [
        (visit_id, i, c.get("module"), c.get("code"), c.get("label"), c.get("colour"), c.get("rule"))
        for i, c in enumerate(result.get("classifications") or [])
    ]
    tr_rows = [
        (visit_id, i, t.get("code"), t.get("label"), t.get("dose"))
        for i, t in enumerate(result.get("treatments") or [])
    ]
    referral = None
    if result.get("refer_urgently"):
        reason = ", ".join(c.get("label") or c.get("code") for c in result.get("classifications") or []
                           if c.get("colour") == "merah")
        referral = (visit_id, reason[:MAX_TEXT], at)
    return cls_rows, tr_rows, referral


def _dumps(value: Any) -> str:
    """Compact, key-sorted JSON: case and findings are stored once per visit version."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _one(db: sqlite_utils.Database, sql: str, params: list[Any] | None = None) -> dict[str, Any] | None:
    # Not next(db.query(...)): fetchone() leaves no half-read generator holding the statement open.
    cur = db.execute(sql, params or [])
    row = cur.fetchone()
    return dict(zip((d[0] for d in cur.description), row)) if row is not None else None


# --- The register export (documents/export.py writes the file; the query lives here) ---------------

# Positions in a row of `_export_main_sql`: v.id, the HEAD visit columns, refer_urgently, the TAIL.
EXPORT_HEAD_COLUMNS = 14  # "Tanggal" ... "Kunjungan"


def _same(expr: str) -> str:
    return expr


def _decimal_comma(expr: str) -> str:
    return f"replace(CAST({expr} AS TEXT), '.', ',')"


def _formula_guard(expr: str) -> str:
    """CSV only: a text cell starting with = + - @ would be run as a formula by Excel; prefix '."""
    return f"CASE WHEN substr({expr}, 1, 1) IN ('=', '+', '-', '@') THEN '''' || {expr} ELSE {expr} END"


def _export_visit_columns(fmt: str, today: _dt.date) -> tuple[str, str]:
    """The visit's own columns of an export row, as SQL: (those before the classification columns,
    those after the referral). CSV gets text (ISO dates, decimal comma, formula guard); XLSX gets
    Excel date serials and real numbers."""
    num: Callable[[str], str]
    g: Callable[[str], str]
    if fmt == "xlsx":
        date = "julianday(v.visit_date) - 2415018.5"
        follow = "julianday(v.follow_up_date) - 2415018.5"
        num = g = _same  # XLSX gets real numbers; its inline strings are never formulas
    else:
        date, follow = "v.visit_date", "v.follow_up_date"
        num, g = _decimal_comma, _formula_guard
    head = f"""{date}, {g('p.mrn')}, {g('p.name')}, {g("COALESCE(p.parent_name, '')")}, {g("COALESCE(p.address, '')")},
  {g("COALESCE(p.village, '')")},
  CASE WHEN v.age_days < {YOUNG_INFANT_DAYS} THEN v.age_days || ' hr'
       WHEN v.age_months < 12 THEN v.age_months || ' bl'
       WHEN v.age_months % 12 = 0 THEN (v.age_months / 12) || ' th'
       ELSE (v.age_months / 12) || ' th ' || (v.age_months % 12) || ' bl' END,
  p.sex, {num('v.weight_kg')}, {num('v.length_cm')}, {num('v.muac_cm')}, {num('v.temperature_c')},
  {main_symptoms_sql('v')},
  CASE WHEN v.kind = 'ulang' THEN 'Ulang' ELSE 'Pertama' END"""
    return head, (f"{referral_export_sql(fmt)}, {given_export_sql('v')}, {follow}, "
                  f"{follow_up_outcome_sql(today, 'v')}, {g('v.recorded_by')}")


def given_export_sql(v: str = "v") -> str:
    """The export's "Pemberian tindakan" cell of visit `v` (issue 17), one SQL expression: "belum
    dicatat" when nothing was recorded; else each treatment not given as recommended ("tidak
    diberikan: Amoksisilin oral (stok habis)", "diberikan lain: ... -> ...", "tambahan: ..."),
    then how many recommended treatments have no outcome yet; "semua diberikan" when every one was
    given as recommended. The cell starts with a fixed word or a number: never a formula."""
    reasons = " ".join(f"WHEN '{k}' THEN '{label}'" for k, label in given.REASONS.items())
    skip = ", ".join(f"'{c}'" for c in sorted(given.NOT_AN_ITEM))
    item = (f"CASE x.outcome WHEN 'tidak_diberikan' THEN 'tidak diberikan: ' || x.label || ' (' || "
            f"CASE WHEN x.reason = 'lainnya' AND x.note IS NOT NULL THEN x.note ELSE CASE x.reason {reasons} END END "
            f"|| ')' WHEN 'diberikan_lain' THEN 'diberikan lain: ' || x.label || ' -> ' || COALESCE(x.note, '') "
            f"ELSE 'tambahan: ' || x.label END")
    items = (f"(SELECT group_concat(txt, '; ') FROM (SELECT {item} AS txt FROM given_items x "
             f"WHERE x.record_id = g.id AND x.outcome != 'diberikan' ORDER BY x.position))")
    missing = (f"(SELECT count(DISTINCT t.code) FROM visit_treatments t WHERE t.visit_id = {v}.id "
               f"AND t.code NOT IN ({skip}) AND NOT EXISTS (SELECT 1 FROM given_items y "
               f"WHERE y.record_id = g.id AND y.code = t.code))")
    return (f"COALESCE((SELECT COALESCE(NULLIF(COALESCE(i, '') || CASE WHEN i IS NOT NULL AND m > 0 THEN '; ' "
            f"ELSE '' END || CASE WHEN m > 0 THEN m || ' belum dicatat' ELSE '' END, ''), 'semua diberikan') "
            f"FROM (SELECT {items} AS i, {missing} AS m FROM given_records g "
            f"WHERE g.visit_uid = {v}.visit_uid AND g.is_current = 1)), 'belum dicatat')")


def referral_export_sql(fmt: str) -> str:
    """The export's referral columns (issue 17) as SQL over the LEFT JOINs of `_EXPORT_VISITS_IN_RANGE`
    (f: referrals, l: referral_letters, r: the current reply): destination, letter number, the
    reply's outcome ("Belum ada balasan" for an urgent referral without one) and the days from the
    referral to the reply. Empty for a visit that was not referred. The destination is the name as
    chosen (older referrals keep their typed text, hence the guard); the number is kept per visit_uid."""
    g = _formula_guard if fmt == "csv" else _same
    outcome = " ".join(f"WHEN '{key}' THEN '{label}'" for key, label in REPLY_OUTCOMES.items())
    return (f"{g('f.destination')}, l.number, "
            f"CASE WHEN r.id IS NOT NULL THEN CASE r.outcome {outcome} END "
            f"WHEN v.refer_urgently = 1 THEN 'Belum ada balasan' END, "
            f"CAST(julianday(r.received_date) - julianday(v.visit_date) AS INTEGER)")


# The final visits of a date range in (visit_at, id) order, along the index that has that order.
_EXPORT_VISITS_IN_RANGE = """
FROM visits v INDEXED BY visits_final_at JOIN patients p ON p.id = v.patient_id
LEFT JOIN referrals f ON f.visit_id = v.id
LEFT JOIN referral_letters l ON l.visit_uid = v.visit_uid
LEFT JOIN referral_replies r ON r.visit_uid = v.visit_uid AND r.is_current = 1
WHERE v.is_current = 1 AND v.status = 'final' AND v.visit_at >= ? AND v.visit_at <= ?
ORDER BY v.visit_at, v.id
"""


def export_sql(fmt: str, today: _dt.date | None = None) -> str:
    """The export as ONE query (correlated subqueries), kept as the reference: `Register.export_rows` yields
    exactly these rows, faster. CSV gets text (ISO dates, decimal comma, formula guard); XLSX gets
    Excel date serials and real numbers. `today` decides the follow-up outcome of recent visits."""
    head, tail = _export_visit_columns(fmt, today or _dt.date.today())
    return f"""
SELECT {head},
  (SELECT group_concat(m, char(30)) FROM (
     SELECT c.module || char(31) || COALESCE(c.label, c.code) || ' (' || c.colour || ')' AS m
     FROM visit_classifications c WHERE c.visit_id = v.id ORDER BY c.position)),
  (SELECT group_concat(t, '; ') FROM (
     SELECT COALESCE(t.label, t.code) || CASE WHEN t.dose IS NOT NULL AND t.dose != '' THEN ': ' || t.dose ELSE '' END AS t
     FROM visit_treatments t WHERE t.visit_id = v.id
       AND t.code NOT IN ('RUJUK_SEGERA', 'RUJUK', 'NASIHAT_KEMBALI_SEGERA') ORDER BY t.position)),
  CASE WHEN v.refer_urgently = 1 THEN 'Rujuk segera'
       WHEN EXISTS (SELECT 1 FROM visit_treatments t WHERE t.visit_id = v.id AND t.code = 'RUJUK')
       THEN 'Rujuk (tidak segera)' ELSE 'Tidak' END,
  {tail}{_EXPORT_VISITS_IN_RANGE}"""


def _export_main_sql(fmt: str, today: _dt.date) -> str:
    """The visit columns of the export (everything but classifications, treatments, referral)."""
    head, tail = _export_visit_columns(fmt, today)
    return f"SELECT v.id, {head},\n  v.refer_urgently, {tail}{_EXPORT_VISITS_IN_RANGE}"


# Child rows in the same (visit_at, id) order as the visits: the planner walks visits_final_at and
# each visit's rows by primary key, so no sort is needed and the three cursors merge in one pass.
_EXPORT_CHILD_SQL = """
SELECT v.id, {cols} FROM visits v INDEXED BY visits_final_at JOIN {table} x ON x.visit_id = v.id
WHERE v.is_current = 1 AND v.status = 'final' AND v.visit_at >= ? AND v.visit_at <= ?
ORDER BY v.visit_at, v.id, x.position
"""
_EXPORT_HIDDEN_TREATMENTS = frozenset({"RUJUK_SEGERA", "RUJUK", "NASIHAT_KEMBALI_SEGERA"})
# SQL: the treatments of visit v (labels and doses, in chart order, without the referral itself), one text.
_PRE_REFERRAL_SQL = (
    "(SELECT group_concat(x, '; ') FROM (SELECT COALESCE(t.label, t.code) || CASE WHEN t.dose IS NOT NULL "
    "AND t.dose != '' THEN ': ' || t.dose ELSE '' END AS x FROM visit_treatments t WHERE t.visit_id = v.id "
    "AND t.code NOT IN (" + ", ".join(f"'{c}'" for c in sorted(_EXPORT_HIDDEN_TREATMENTS)) + ") ORDER BY t.position))")


def _export_rows(conn: sqlite3.Connection, fmt: str, date_from: _dt.date, date_to: _dt.date, *,
                modules: list[str], today: _dt.date | None = None) -> Iterator[list[Any]]:
    """Yield the register export's rows (lists) one by one: row number, the visit's own columns, one
    cell per module of `modules` (its classifications), treatment, referral, follow-up columns.

    Three cursors in one read transaction (visits, classifications, treatments), merged on the
    visit id: the same rows as the single query `export_sql()` (tests/test_export.py proves it),
    at about half its CPU time, because SQLite's correlated subqueries cost ~13 us per visit each.
    """
    params = visit_at_range(date_from, date_to)
    index = {m: i for i, m in enumerate(modules)}
    width = len(modules)
    own_txn = not conn.in_transaction
    if own_txn:
        conn.execute("BEGIN")  # one snapshot for the three cursors
    try:
        visits = conn.execute(_export_main_sql(fmt, today or _dt.date.today()), params)
        cls = conn.execute(_EXPORT_CHILD_SQL.format(cols="x.module, COALESCE(x.label, x.code), x.colour",
                                             table="visit_classifications"), params)
        trs = conn.execute(_EXPORT_CHILD_SQL.format(cols="x.code, COALESCE(x.label, x.code), x.dose",
                                             table="visit_treatments"), params)
        c_next = next(cls, None)
        t_next = next(trs, None)
        n = 0
        for row in visits:
            vid = row[0]
            n += 1
            cells = [""] * width
            while c_next is not None and c_next[0] == vid:
                i = index.get(c_next[1])
                if i is not None:
                    text = f"{c_next[2]} ({c_next[3]})"
                    cells[i] = text if not cells[i] else f"{cells[i]}; {text}"
                c_next = next(cls, None)
            done: list[str] = []
            other_referral = False
            while t_next is not None and t_next[0] == vid:
                code = t_next[1]
                if code in _EXPORT_HIDDEN_TREATMENTS:
                    other_referral = other_referral or code == "RUJUK"
                else:
                    done.append(f"{t_next[2]}: {t_next[3]}" if t_next[3] else t_next[2])
                t_next = next(trs, None)
            if row[EXPORT_HEAD_COLUMNS + 1] == 1:
                referral = "Rujuk segera"
            elif other_referral:
                referral = "Rujuk (tidak segera)"
            else:
                referral = "Tidak"
            # Treatment labels and doses come from the chart engine, never from typed text: no guard.
            treatment = "; ".join(done) if done else None
            yield [n, *row[1:EXPORT_HEAD_COLUMNS + 1], *cells, treatment, referral, *row[EXPORT_HEAD_COLUMNS + 2:]]
    finally:
        if own_txn and conn.in_transaction:
            conn.execute("COMMIT")
