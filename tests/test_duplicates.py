"""Duplicate patients (issue 14 item 2): the one duplicate query at registration and in
`mtbs pasien duplikat`, registering anyway (audited), merging two records and reversing it."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cli_login import (
    add_account,
    login_env,  # noqa: F401  (autouse: `mtbs` runs log in as kepala)
    mtbs,
    mtbs_here,
)
from test_export_support import fake_classify

from mtbs_tui.patient_fields import name_key
from mtbs_tui.register import DuplicatePatientError, FieldError, Register, RegisterError

TODAY = dt.date.today()
BIRTH = TODAY - dt.timedelta(days=335)


@pytest.fixture
def reg(tmp_path: Path) -> Register:
    r = Register.open(tmp_path / "register.db", create=True, classifier=fake_classify)
    r.set_facility(name="Puskesmas Uji", malaria_area="rendah", actor="admin")
    yield r
    r.close()


def add(reg: Register, **kw) -> int:
    fields = dict(name="Aisyah Putri", sex="P", birth_date=BIRTH.isoformat(), parent_name="Wati Lestari",
                  actor="bd")
    fields.update(kw)
    return reg.add_patient(**fields)


def visit(reg: Register, pid: int, day: dt.date = TODAY) -> int:
    return reg.save_visit(patient_id=pid, case={"visit_date": day.isoformat(), "weight_kg": 8.0,
                                                "findings": {"batuk": True, "napas_per_menit": 44}}, actor="bd")


def test_name_key_folds_case_accents_titles_and_punctuation() -> None:
    assert name_key("By. Ny. Rina") == name_key("bayi ny rina") == "rina"
    assert name_key("  Aisyah   PUTRI ") == name_key("Aísyah Putri") == "aisyah putri"
    assert name_key("Aisyah Putri") != name_key("Aisyah Putra")
    assert name_key("") is None and name_key("By.") is None


@pytest.mark.parametrize(
    ("first", "second", "reason"),
    [
        (dict(nik="5301010101250001"), dict(name="Budi", sex="L", nik="5301010101250001",
                                             birth_date=(BIRTH - dt.timedelta(days=200)).isoformat(),
                                             parent_name="Lain"), "NIK sama"),
        (dict(mother_nik="5301015912860001"), dict(name="Anak Lain", mother_nik="5301015912860001",
                                                    birth_date=(BIRTH + dt.timedelta(days=2)).isoformat()),
         "NIK ibu sama, lahir berdekatan"),
        (dict(), dict(name="AISYAH  putri", parent_name="wati lestari",
                      birth_date=(BIRTH - dt.timedelta(days=3)).isoformat()),
         "nama, nama ibu dan tanggal lahir cocok"),
    ],
)
def test_each_rule_finds_the_existing_record(reg: Register, first: dict, second: dict, reason: str) -> None:
    pid = add(reg, **first)
    with pytest.raises(DuplicatePatientError) as err:
        add(reg, **second)
    assert [m["id"] for m in err.value.matches] == [pid]
    assert reason in err.value.matches[0]["duplicate_reasons"]
    assert "mungkin sudah terdaftar: RM000001" in err.value.message
    assert reg.count_patients() == 1  # nothing written


@pytest.mark.parametrize(
    "second",
    [
        dict(birth_date=(BIRTH - dt.timedelta(days=4)).isoformat()),  # 4 days apart: beyond the setting
        dict(parent_name="Sri Wahyuni"),  # another mother
        dict(name="Aisyah Putra"),
        dict(mother_nik="5301015912860002", name="Kembar", parent_name="Wati"),  # other mother's NIK
    ],
)
def test_near_misses_are_not_duplicates(reg: Register, second: dict) -> None:
    add(reg, mother_nik="5301015912860001")
    add(reg, **second)
    assert reg.count_patients() == 2 and reg.likely_duplicates() == []


def test_the_birth_date_window_is_a_setting(reg: Register) -> None:
    add(reg)
    reg.set_setting("duplicate_birth_days", "7", actor="kepala")
    assert reg.duplicate_birth_days() == 7
    with pytest.raises(DuplicatePatientError):
        add(reg, birth_date=(BIRTH - dt.timedelta(days=6)).isoformat())
    reg.set_setting("duplicate_birth_days", "0", actor="kepala")
    add(reg, birth_date=(BIRTH - dt.timedelta(days=1)).isoformat())


def test_registering_anyway_is_audited(reg: Register) -> None:
    first = add(reg)
    second = add(reg, allow_duplicate=True)
    actions = [(a["action"], a["patient_id"], a["detail"]) for a in reg.audit_log()]
    assert ("pasien.tambah_walau_mirip", second, f"mirip pasien {first}") in actions
    pairs = reg.likely_duplicates()
    assert [(p["a"]["id"], p["b"]["id"]) for p in pairs] == [(first, second)]
    assert pairs[0]["reasons"] == ["nama, nama ibu dan tanggal lahir cocok"]


def test_merge_moves_every_visit_and_is_reversible(reg: Register) -> None:
    keep = add(reg, mother_nik="5301015912860001")
    other = add(reg, name="Aisyah P.", mother_nik="5301015912860001", allow_duplicate=True)
    v_keep = visit(reg, keep, TODAY - dt.timedelta(days=20))
    v_other = visit(reg, other, TODAY - dt.timedelta(days=5))
    corrected = reg.correct_visit(v_other, case=reg.get_visit(v_other)["case"], actor="bd", reason="salah ketik")
    draft = reg.save_draft(patient_id=other, case={"visit_date": TODAY.isoformat()}, section="a", actor="bd")

    number = reg.merge_patients(keep, other, actor="kepala", reason="anak yang sama")
    assert {v["id"] for v in reg.patient_visits(keep)} == {v_keep, corrected, draft}
    assert reg.patient_visits(other) == []
    assert [r["id"] for r in reg.visit_versions(reg.get_visit(v_other)["visit_uid"])] == [v_other, corrected]
    assert all(r["patient_id"] == keep for r in reg.visit_versions(reg.get_visit(v_other)["visit_uid"]))
    assert reg.get_patient(other)["merged_into"] == keep  # the record stays readable
    assert [p["id"] for p in reg.search_patients("aisyah")] == [keep]  # not found twice
    assert [p["id"] for p in reg.search_patients("")] == [keep]
    assert reg.likely_duplicates() == []
    log = [(a["action"], a["patient_id"]) for a in reg.audit_log()]
    assert ("pasien.gabung", keep) in log and ("pasien.gabung", other) in log
    with pytest.raises(RegisterError):
        reg.merge_patients(keep, other, actor="kepala", reason="lagi")

    reg.unmerge_patients(number, actor="kepala", reason="ternyata kembar")
    assert {v["id"] for v in reg.patient_visits(keep)} == {v_keep}
    assert {v["id"] for v in reg.patient_visits(other)} == {corrected, draft}
    assert reg.get_patient(other)["merged_into"] is None
    merge = reg.patient_merges(keep)[0]
    assert merge["undone_by"] == "kepala" and merge["undo_reason"] == "ternyata kembar"
    assert ("pasien.batal_gabung", other) in [(a["action"], a["patient_id"]) for a in reg.audit_log()]
    with pytest.raises(RegisterError):
        reg.unmerge_patients(number, actor="kepala", reason="dua kali")


def test_merge_needs_a_reason_and_two_records(reg: Register) -> None:
    a = add(reg)
    with pytest.raises(FieldError):
        reg.merge_patients(a, a, actor="kepala", reason="x")
    with pytest.raises(FieldError):
        reg.merge_patients(a, a, actor="kepala", reason=" ")


def test_migration_fills_the_name_keys(tmp_path: Path) -> None:
    from mtbs_tui import db as dbmod

    path = tmp_path / "old.db"
    opened = dbmod.connect(path, create=True, target_version=3)  # before the name keys
    with dbmod.write(opened.db):
        opened.db.execute("INSERT INTO patients(id, mrn, name, sex, birth_date, parent_name, created_at, updated_at)"
                          " VALUES (1, 'RM000001', 'By. Ny. Rina', 'P', ?, 'Rina', '2026-01-01', '2026-01-01')",
                          [BIRTH.isoformat()])
    dbmod.close(opened.db)
    reg = Register.open(path)
    try:
        assert reg.schema_version == dbmod.SCHEMA_VERSION
        assert reg.db.execute("SELECT name_key, parent_key FROM patients").fetchone() == ("rina", "rina")
        with pytest.raises(DuplicatePatientError):
            add(reg, name="Bayi Ny. Rina", parent_name="RINA")
    finally:
        reg.close()


# --- the commands ----------------------------------------------------------------------------



def test_commands_list_merge_and_unmerge(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    reg = Register.open(path, create=True, classifier=fake_classify)
    reg.set_facility(name="Puskesmas Uji", actor="admin")
    keep = add(reg, mother_nik="5301015912860001")
    other = add(reg, name="Aisyah P", mother_nik="5301015912860001", allow_duplicate=True)
    visit(reg, other)
    reg.close()
    add_account(path)
    add_account(path, "perawat", "klinis")

    listed = mtbs_here(path, "pasien", "duplikat")
    assert listed.returncode == 0, listed.stderr
    assert "1 pasangan" in listed.stdout and "NIK ibu sama, lahir berdekatan" in listed.stdout
    assert "RM000001" in listed.stdout and "RM000002" in listed.stdout and "1 kunjungan" in listed.stdout

    refused = mtbs(path, "pasien", "duplikat", env={"MTBS_USER": "perawat", "MTBS_PASSWORD": "perawat-demo"})
    assert refused.returncode == 2 and "akses ditolak" in refused.stderr and "Traceback" not in refused.stderr

    no_reason = mtbs_here(path, "pasien", "gabung", "RM000001", "RM000002", "--alasan", " ")
    assert no_reason.returncode == 2 and no_reason.stderr.count("\n") == 1
    unknown = mtbs_here(path, "pasien", "gabung", "RM000001", "RM999999", "--alasan", "sama")
    assert (unknown.returncode, unknown.stderr.strip()) == (
        2, "galat: B: pasien 'RM999999' tidak ditemukan (tulis no. RM atau id pasien)")  # names the argument
    unknown = mtbs_here(path, "pasien", "batal-gabung", "77", "--alasan", "x")
    assert (unknown.returncode, unknown.stderr.strip()) == (2, "galat: NOMOR: penggabungan 77 tidak ditemukan")

    merged = mtbs_here(path, "pasien", "gabung", "rm000001", "RM000002", "--alasan", "anak yang sama")
    assert merged.returncode == 0, merged.stderr
    assert "penggabungan 1" in merged.stdout and "1 kunjungan" in merged.stdout
    assert "Tidak ada pasien yang mungkin ganda" in mtbs_here(path, "pasien", "duplikat").stdout

    undone = mtbs_here(path, "pasien", "batal-gabung", "1", "--alasan", "kembar")
    assert undone.returncode == 0, undone.stderr
    with Register.open(path) as check:
        assert len(check.patient_visits(other)) == 1 and check.patient_visits(keep) == []
        actions = [a["action"] for a in check.audit_log()]
    assert "pasien.gabung" in actions and "pasien.batal_gabung" in actions and "pasien.duplikat.lihat" in actions
