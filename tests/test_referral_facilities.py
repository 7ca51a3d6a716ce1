"""Referral facilities and the destination of a referral (issue 17 item 2): the register API,
the migration from schema v8 with existing referrals kept, and bad input (one line, nothing written)."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from mtbs_tui import db as dbmod
from mtbs_tui.demo import BY_ID, ResultCache
from mtbs_tui.referral_facilities import check_field, kind_label, parse_kind
from mtbs_tui.register import FieldError, Register, RegisterError
from mtbs_tui.rules import classify

TODAY = dt.date.today()
BIRTH = TODAY - dt.timedelta(days=335)


@pytest.fixture
def reg(tmp_path: Path) -> Register:
    r = Register.open(tmp_path / "register.db", create=True)
    r.set_facility(name="Puskesmas Uji", malaria_area="rendah", actor="admin")
    yield r
    r.close()


def case_for(scenario: str) -> dict:
    return ResultCache(classify, "rendah").case(BY_ID[scenario], BIRTH, TODAY, "P")


def referred_visit(reg: Register, **kw) -> int:
    pid = reg.add_patient(name="Aisyah Putri", sex="P", birth_date=BIRTH.isoformat(), actor="bd")
    return reg.save_visit(patient_id=pid, case=case_for("pneumonia_berat"), actor="bd", **kw)


def audit_actions(reg: Register) -> list[str]:
    return [r[0] for r in reg.db.execute("SELECT action FROM audit ORDER BY id")]


def add_three(reg: Register) -> tuple[int, int, int]:
    a = reg.add_referral_facility(name="RSUD Wates", kind="rs", address="Jl. Tentara Pelajar 1",
                                  phone="(0274) 773169", actor="kepala")
    b = reg.add_referral_facility(name="RSIA Sadewa", kind="rsia", actor="kepala")
    c = reg.add_referral_facility(name="Puskesmas Galur I", kind="pkm_ranap", phone="0274-7471234", actor="kepala")
    return a, b, c


def test_first_facility_is_the_default_and_the_list_orders_it_first(reg: Register) -> None:
    a, b, c = add_three(reg)
    rows = reg.referral_facilities()
    assert [r["id"] for r in rows] == [a, c, b]  # default first, then by name
    assert rows[0]["is_default"] and not rows[1]["is_default"]
    assert rows[0]["phone"] == "0274773169"  # the patient form's rule: spaces and brackets dropped
    assert rows[0]["line"] == "RSUD Wates (RS) · Jl. Tentara Pelajar 1 · 0274773169"
    assert reg.default_referral_facility()["id"] == a
    reg.set_default_referral_facility(b, actor="kepala")
    assert reg.default_referral_facility()["id"] == b
    assert [r["id"] for r in reg.referral_facilities() if r["is_default"]] == [b]
    assert audit_actions(reg)[-4:] == ["faskes.tambah", "faskes.tambah", "faskes.tambah", "faskes.bawaan"]


def test_add_with_default_moves_the_default(reg: Register) -> None:
    a, _b, _c = add_three(reg)
    d = reg.add_referral_facility(name="RS PKU Muhammadiyah", kind="rs", default=True, actor="kepala")
    assert reg.default_referral_facility()["id"] == d
    assert not reg.referral_facility(a)["is_default"]


def test_edit_keeps_the_previous_row_and_old_referrals_keep_their_name(reg: Register) -> None:
    a, _b, _c = add_three(reg)
    vid = referred_visit(reg, destination_id=a)
    changed = reg.update_referral_facility(a, {"name": "RSUD Kulon Progo", "phone": ""}, actor="kepala")
    assert changed == ["name", "phone"]
    assert reg.referral_facility(a)["name"] == "RSUD Kulon Progo" and reg.referral_facility(a)["phone"] is None
    old = json.loads(reg.db.execute("SELECT row_json FROM referral_facility_versions WHERE facility_id = ?",
                                    [a]).fetchone()[0])
    assert old["name"] == "RSUD Wates" and old["phone"] == "0274773169"
    referral = reg.get_visit(vid)["referral"]
    assert referral["destination"] == "RSUD Wates"  # as it was sent
    assert referral["facility"]["name"] == "RSUD Kulon Progo"  # the facility now (address, phone)
    assert reg.update_referral_facility(a, {"kind": "RS"}, actor="kepala") == []  # nothing changed, no entry
    assert audit_actions(reg)[-1] == "faskes.ubah"


def test_deactivate_leaves_the_pick_list_but_not_the_default(reg: Register) -> None:
    a, b, _c = add_three(reg)
    with pytest.raises(FieldError) as err:
        reg.set_referral_facility_active(a, False, actor="kepala")
    assert err.value.field == "facility_id" and "bawaan" in err.value.message
    reg.set_referral_facility_active(b, False, actor="kepala")
    assert b not in [r["id"] for r in reg.referral_facilities()]
    assert [r["id"] for r in reg.referral_facilities(include_inactive=True)][-1] == b
    with pytest.raises(FieldError, match="tidak aktif"):
        reg.set_default_referral_facility(b, actor="kepala")
    with pytest.raises(FieldError, match="tidak aktif"):
        referred_visit(reg, destination_id=b)
    reg.set_referral_facility_active(b, True, actor="kepala")
    assert "faskes.nonaktifkan" in audit_actions(reg) and audit_actions(reg)[-1] == "faskes.aktifkan"


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"name": "", "kind": "rs"}, "name", "wajib diisi"),
    ({"name": "  ", "kind": "rs"}, "name", "wajib diisi"),
    ({"name": "RS", "kind": "rs"}, "name", "3-100 huruf"),
    ({"name": "R" * 101, "kind": "rs"}, "name", "3-100 huruf"),
    ({"name": "RSUD X", "kind": "klinik"}, "kind", "rs, rsia, pkm_ranap"),
    ({"name": "RSUD X", "kind": "rs", "phone": "12ab"}, "phone", "8–15 angka"),
    ({"name": "RSUD X", "kind": "rs", "phone": "1234567"}, "phone", "8–15 angka"),
    ({"name": "RSUD X", "kind": "rs", "address": "a" * 201}, "address", "paling banyak 200"),
])
def test_bad_facility_input_names_the_field_and_writes_nothing(reg: Register, fields: dict, field: str,
                                                                words: str) -> None:
    before = audit_actions(reg)
    with pytest.raises(FieldError) as err:
        reg.add_referral_facility(actor="kepala", **fields)
    assert err.value.field == field and words in err.value.message
    assert "\n" not in err.value.message
    assert reg.referral_facilities(include_inactive=True) == [] and audit_actions(reg) == before


def test_names_are_unique_ignoring_case(reg: Register) -> None:
    a, b, _c = add_three(reg)
    with pytest.raises(FieldError, match="sudah dipakai"):
        reg.add_referral_facility(name="rsud  wates", kind="rs", actor="kepala")
    with pytest.raises(FieldError, match="sudah dipakai"):
        reg.update_referral_facility(b, {"name": "RSUD WATES"}, actor="kepala")
    assert reg.find_referral_facility("rsud wates")["id"] == a
    assert reg.find_referral_facility(str(b))["id"] == b
    with pytest.raises(FieldError, match="tidak ada"):
        reg.find_referral_facility("RS Tidak Ada")
    with pytest.raises(FieldError, match="tidak ada"):
        reg.referral_facility(999)


def test_kinds_accept_their_short_labels() -> None:
    assert [parse_kind(w) for w in ("RS", "rsia", "PKM RI", "puskesmas", "lainnya")] == \
        ["rs", "rsia", "pkm_ranap", "pkm_ranap", "lainnya"]
    assert kind_label("pkm_ranap") == "PKM RI" and kind_label("rsia", long=True) == "Rumah sakit ibu dan anak"
    assert check_field("address", "  ") is None


def test_a_referred_visit_keeps_its_destination_through_a_correction(reg: Register) -> None:
    a, b, _c = add_three(reg)
    vid = referred_visit(reg, destination_id=b)
    referral = reg.get_visit(vid)["referral"]
    assert (referral["facility_id"], referral["destination"], referral["destination_by"]) == (b, "RSIA Sadewa", "bd")
    assert "rujukan.tujuan" in audit_actions(reg)
    new = reg.correct_visit(vid, case=case_for("pneumonia_berat"), actor="bd", reason="salah ketik")
    assert reg.get_visit(new)["referral"]["facility_id"] == b
    with pytest.raises(RegisterError, match="versi terbarunya"):
        reg.set_referral_destination(vid, a, actor="bd")
    reg.set_referral_destination(new, a, actor="bd")
    assert reg.get_visit(new)["referral"]["destination"] == "RSUD Wates"
    assert reg.get_visit(vid)["referral"]["destination"] == "RSIA Sadewa"  # the old version as it was
    reg.set_referral_destination(new, None, actor="bd")
    assert reg.get_visit(new)["referral"]["destination"] is None


def test_a_visit_not_referred_has_no_destination(reg: Register) -> None:
    a, _b, _c = add_three(reg)
    pid = reg.add_patient(name="Budi Santoso", sex="L", birth_date=BIRTH.isoformat(), actor="bd")
    vid = reg.save_visit(patient_id=pid, case=case_for("pneumonia"), actor="bd", destination_id=a)
    assert reg.get_visit(vid)["referral"] is None  # ignored: the standard visit gets nothing new
    before = audit_actions(reg)
    with pytest.raises(RegisterError, match="tidak dirujuk segera"):
        reg.set_referral_destination(vid, a, actor="bd")
    with pytest.raises(RegisterError, match="tidak ditemukan"):
        reg.set_referral_destination(99_999, a, actor="bd")
    assert audit_actions(reg) == before


def test_unknown_facility_saves_no_visit(reg: Register) -> None:
    pid = reg.add_patient(name="Citra Dewi", sex="P", birth_date=BIRTH.isoformat(), actor="bd")
    with pytest.raises(FieldError) as err:
        reg.save_visit(patient_id=pid, case=case_for("pneumonia_berat"), actor="bd", destination_id=42)
    assert err.value.field == "facility_id" and "tidak ada" in err.value.message
    assert reg.db.execute("SELECT count(*) FROM visits").fetchone()[0] == 0


def test_migration_from_v8_keeps_existing_referrals(tmp_path: Path) -> None:
    path = tmp_path / "lama.db"
    old = Register(dbmod.connect(path, create=True, target_version=8), path)
    old.set_facility(name="Puskesmas Lama", malaria_area="rendah", actor="admin")
    pid = old.add_patient(name="Aisyah Putri", sex="P", birth_date=BIRTH.isoformat(), actor="bd")
    vid = old.save_visit(patient_id=pid, case=case_for("pneumonia_berat"), actor="bd")
    old.mark_referral(vid, actor="bd", destination="RSUD Lama (ditulis tangan)", letter_printed=True)
    number = old.referral_letter_number(vid, actor="bd")
    old.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 8
    conn.close()

    reg = Register.open(path)
    try:
        assert reg.schema_version == dbmod.SCHEMA_VERSION >= 9
        referral = reg.get_visit(vid)["referral"]
        assert referral["destination"] == "RSUD Lama (ditulis tangan)" and referral["facility_id"] is None
        assert referral["letter_printed_at"] and reg.letter_number(reg.get_visit(vid)["visit_uid"]) == number
        assert reg.referral_facilities() == []
        a = reg.add_referral_facility(name="RSUD Baru", kind="rs", actor="kepala")
        reg.set_referral_destination(vid, a, actor="bd")
        assert reg.get_visit(vid)["referral"]["destination"] == "RSUD Baru"
        assert reg.referral_letter_number(vid, actor="bd") == number  # the number is kept
    finally:
        reg.close()


def test_a_correction_may_change_the_destination_in_its_own_transaction(reg: Register) -> None:
    a, b, _c = add_three(reg)
    vid = referred_visit(reg, destination_id=a)
    same = reg.correct_visit(vid, case=case_for("pneumonia_berat"), actor="bd", reason="ulang", destination_id=a)
    assert reg.get_visit(same)["referral"]["facility_id"] == a
    assert audit_actions(reg).count("rujukan.tujuan") == 1  # unchanged: no entry
    other = reg.correct_visit(same, case=case_for("pneumonia_berat"), actor="bd", reason="tujuan lain",
                              destination_id=b)
    assert reg.get_visit(other)["referral"]["destination"] == "RSIA Sadewa"
    hand = reg.correct_visit(other, case=case_for("pneumonia_berat"), actor="bd", reason="keluarga memilih",
                             destination_id=None)
    assert reg.get_visit(hand)["referral"]["facility_id"] is None
    assert audit_actions(reg).count("rujukan.tujuan") == 3


def test_the_register_export_has_the_destination_and_the_letter_number(tmp_path: Path) -> None:
    """CSV and XLSX (read back with openpyxl): 'Tujuan rujukan' and 'No. surat rujukan' after
    'Rujukan'; empty for a visit not referred; an old typed destination that looks like a formula
    is defused in the CSV."""
    import csv

    import openpyxl

    from mtbs_tui.documents.export import export_register, headers

    reg = Register.open(tmp_path / "r.db", create=True)
    try:
        reg.set_facility(name="Puskesmas Uji", malaria_area="rendah", actor="admin")
        a, _b, _c = add_three(reg)
        sent = referred_visit(reg, destination_id=a)
        number = reg.referral_letter_number(sent, actor="bd")
        typed = referred_visit(reg)
        reg.mark_referral(typed, actor="bd", destination="=RS lama")  # free text from before v9
        pid = reg.add_patient(name="Budi Santoso", sex="L", birth_date=BIRTH.isoformat(), actor="bd")
        reg.save_visit(patient_id=pid, case=case_for("pneumonia"), actor="bd")
        day = (TODAY, TODAY)
        export_register(reg, *day, "csv", tmp_path / "r.csv")
        export_register(reg, *day, "xlsx", tmp_path / "r.xlsx")
    finally:
        reg.close()
    col = {h: i for i, h in enumerate(headers())}
    assert col["Tujuan rujukan"] == col["Rujukan"] + 1 and col["No. surat rujukan"] == col["Rujukan"] + 2
    with open(tmp_path / "r.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))[1:]
    got = [(r[col["Rujukan"]], r[col["Tujuan rujukan"]], r[col["No. surat rujukan"]]) for r in rows]
    assert got == [("Rujuk segera", "RSUD Wates", number), ("Rujuk segera", "'=RS lama", ""),
                   ("Tidak", "", "")]
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True).active
    values = [r for r in sheet.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert [(r[col["Tujuan rujukan"]], r[col["No. surat rujukan"]]) for r in values] == [
        ("RSUD Wates", number), ("=RS lama", None), (None, None)]
