"""The register API on real SQLite files: patients, search, drafts, visits, corrections, lists."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from mtbs_tui.demo import BY_ID, ResultCache
from mtbs_tui.register import FieldError, Register, RegisterError
from mtbs_tui.rules import classify
from mtbs_tui.rules.age import age_on, completed_months

TODAY = dt.date.today()
BIRTH = TODAY - dt.timedelta(days=335)  # 11 months: pneumonia cut-off is 50/min


@pytest.fixture
def reg(tmp_path: Path) -> Register:
    r = Register.open(tmp_path / "register.db", create=True)
    r.set_facility(name="Puskesmas Uji", malaria_area="rendah", actor="admin")
    yield r
    r.close()


def case_for(scenario: str, birth: dt.date = BIRTH, visit: dt.date = TODAY, sex: str = "P") -> dict:
    return ResultCache(classify, "rendah").case(BY_ID[scenario], birth, visit, sex)


_MOTHERS = iter(range(1, 10_000))


def child(reg: Register, name: str = "Aisyah Putri", **kw) -> int:
    # Each child its own mother unless a test says otherwise: the same mother's NIK and birth date
    # would be the same child (or twins) to the duplicate check.
    fields = dict(name=name, sex="P", birth_date=BIRTH.isoformat(), mother_nik=f"530101701286{next(_MOTHERS):04d}",
                  parent_name="Wati Lestari", actor="bd")
    fields.update(kw)
    return reg.add_patient(**fields)


# --- facility and patients ---------------------------------------------------------------------

def test_facility_identity_round_trip(reg: Register) -> None:
    reg.set_facility(head_name="dr. Kepala", code="P530101", actor="admin")
    fac = reg.facility()
    assert fac["name"] == "Puskesmas Uji" and fac["head_name"] == "dr. Kepala" and fac["chart_default"] == "2022"
    with pytest.raises(FieldError) as err:
        reg.set_facility(malaria_area="sedang")
    assert err.value.field == "malaria_area" and "non_endemis" in err.value.message


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("nik", "123", "16 angka"),
        ("mother_nik", "53010159128600011", "16 angka"),
        ("sex", "X", "L (laki-laki)"),
        ("birth_date", (TODAY + dt.timedelta(days=2)).isoformat(), "sesudah hari ini"),  # +2: still future when the run crosses midnight
        ("birth_date", (TODAY - dt.timedelta(days=5 * 366)).isoformat(), "5 tahun"),
        ("birth_date", "2025-02-30", "tidak ada di kalender"),
        ("birth_date", "2025/03/17", "HH-BB-TTTT"),
        ("name", "  ", "wajib"),
        ("phone", "12ab", "8–15 angka"),
        ("phone", "1234567", "8–15 angka"),
        ("nik", "12345678901234567", "sekarang 17"),
        ("name", "A" * 101, "paling banyak 100"),
    ],
)
def test_add_patient_refuses_bad_input(reg: Register, field: str, value: str, words: str) -> None:
    with pytest.raises(FieldError) as err:
        child(reg, **{field: value})
    assert err.value.field == field
    assert words in err.value.message
    assert str(err.value).startswith(f"galat: {field}: ")
    assert reg.count_patients() == 0  # nothing written


def test_add_patient_generates_unique_mrn_and_refuses_a_duplicate(reg: Register) -> None:
    a = reg.get_patient(child(reg))
    b = reg.get_patient(child(reg, name="Budi Santoso", sex="L"))
    assert a["mrn"] == "RM000001" and b["mrn"] == "RM000002"
    with pytest.raises(FieldError) as err:
        child(reg, name="Citra", mrn="RM000002")
    assert err.value.field == "mrn"
    assert a["age_months"] == completed_months(BIRTH, TODAY) and a["age_text"]


def test_update_patient_keeps_the_previous_row(reg: Register) -> None:
    pid = child(reg)
    with pytest.raises(FieldError):
        reg.update_patient(pid, {"name": "Aisyah P."}, actor="bd", reason=" ")
    reg.update_patient(pid, {"name": "Aisyah Putri Lestari", "nik": "5301015001250001"}, actor="bd",
                       reason="ejaan di KK")
    assert reg.get_patient(pid)["name"] == "Aisyah Putri Lestari"
    versions = reg.patient_versions(pid)
    assert [v["row"]["name"] for v in versions] == ["Aisyah Putri"]
    assert versions[0]["changed_by"] == "bd" and versions[0]["reason"] == "ejaan di KK"
    # The search index follows the edit.
    assert [p["id"] for p in reg.search_patients("lestari")] == [pid]
    assert reg.search_patients("5301015001") and not reg.search_patients("aisyah p putri x")


# --- search ------------------------------------------------------------------------------------

def test_search_by_name_prefix_mrn_nik_and_mother(reg: Register) -> None:
    siti = child(reg, name="Siti Rahmawati", nik="5301014101250002", parent_name="Yuliana Manek")
    child(reg, name="Budi Santoso", sex="L", mother_nik="5301015912860003", parent_name="Maria Seran")
    child(reg, name="Sitompul Ananda", sex="L")
    ids = lambda text: [p["id"] for p in reg.search_patients(text)]  # noqa: E731
    assert set(ids("sit")) == {siti, 3}
    assert ids("siti ra") == [siti]
    assert ids("RAHMA") == [siti]                 # case-insensitive
    assert ids("yuliana") == [siti]               # mother's name
    assert ids("5301014101") == [siti]            # NIK prefix
    assert ids("5301015912860003") == [2]         # mother's NIK
    assert ids("RM000002") == [2]
    assert ids("2") == [2]                        # a number anywhere in the no. RM (RM000002)
    assert ids("rm2") == [2] and ids("0002") == [2]
    assert ids("siti 1") == [siti] and ids("budi 1") == []  # the name and the number both match
    assert ids("5301014101250002 1") == [siti]
    assert ids('"; DROP TABLE patients; --') == []  # the text is data, never SQL or FTS syntax
    assert ids("zzz") == []


def test_search_finds_a_number_in_the_middle_of_the_no_rm(reg: Register) -> None:
    for i in range(12):
        child(reg, name=f"Anak {i}", mrn=f"RM000{301 + i * 10}")
    found = [p["mrn"] for p in reg.search_patients("301")]
    assert found == ["RM000301"]
    assert [p["mrn"] for p in reg.search_patients("41")] == ["RM000411", "RM000341"]
    assert [p["mrn"] for p in reg.search_patients("1")][:3] == ["RM000411", "RM000401", "RM000391"]


def test_a_number_lists_its_own_no_rm_first(reg: Register) -> None:
    for i in range(1, 13):
        child(reg, name=f"Anak {i}")  # RM000001 .. RM000012
    assert [p["mrn"] for p in reg.search_patients("1")][:3] == ["RM000001", "RM000012", "RM000011"]
    assert [p["mrn"] for p in reg.search_patients("rm1", limit=2, offset=1)] == ["RM000012", "RM000011"]


def test_search_pages_and_empty_text_lists_recent(reg: Register) -> None:
    for i in range(25):
        child(reg, name=f"Nur Anak {i:02d}")
    first = reg.search_patients("nur", limit=10)
    second = reg.search_patients("nur", limit=10, offset=10)
    third = reg.search_patients("nur", limit=10, offset=20)
    assert len(first) == 10 and len(second) == 10 and len(third) == 5
    assert not {p["id"] for p in first} & {p["id"] for p in second}
    # "" = most recently seen first: a visit moves a child to the top.
    pid = first[-1]["id"]
    reg.save_visit(patient_id=pid, case=case_for("batuk_bukan_pneumonia"), actor="bd")
    assert reg.search_patients("")[0]["id"] == pid


# --- drafts, visits, corrections -----------------------------------------------------------------

def test_save_visit_stores_engine_output_as_rows(reg: Register) -> None:
    pid = child(reg)
    case = case_for("pneumonia")
    vid = reg.save_visit(patient_id=pid, case=case, actor="bd")
    visit = reg.get_visit(vid)
    expected = classify(dict(case))
    assert visit["status"] == "final" and visit["version"] == 1 and visit["is_current"] == 1
    assert visit["result"]["classifications"] == expected["classifications"]
    assert [c["code"] for c in visit["classifications"]] == [c["code"] for c in expected["classifications"]]
    assert "PNEUMONIA" in [c["code"] for c in visit["classifications"]]
    assert [t["code"] for t in visit["treatments"]] == [t["code"] for t in expected["treatments"]]
    assert visit["case"] == case and visit["findings"] == case["findings"]
    assert visit["chart"] == "2022" and visit["pathway"] == "balita" and visit["weight_kg"] == case["weight_kg"]
    assert visit["follow_up_days"] == expected["follow_up_days"]
    assert visit["follow_up_date"] == (TODAY + dt.timedelta(days=expected["follow_up_days"])).isoformat()
    assert visit["refer_urgently"] == 0 and visit["referral"] is None
    assert visit["patient"]["id"] == pid and visit["recorded_by"] == "bd"
    actions = [a["action"] for a in reg.audit_log(patient_id=pid)]
    assert actions[0] == "kunjungan.simpan" and "pasien.tambah" in actions


def test_urgent_referral_gets_a_referral_row(reg: Register) -> None:
    pid = child(reg)
    vid = reg.save_visit(patient_id=pid, case=case_for("pneumonia_berat"), actor="bd")
    visit = reg.get_visit(vid)
    assert visit["refer_urgently"] == 1
    assert "PNEUMONIA BERAT" in visit["referral"]["reason"]
    reg.mark_referral(vid, actor="bd", destination="RSUD Contoh", letter_printed=True)
    ref = reg.get_visit(vid)["referral"]
    assert ref["destination"] == "RSUD Contoh" and ref["letter_printed_at"]


def test_invalid_case_raises_field_error_and_writes_nothing(reg: Register) -> None:
    pid = child(reg)
    case = case_for("pneumonia")
    case["findings"]["napas_per_menit"] = 200
    with pytest.raises(FieldError) as err:
        reg.save_visit(patient_id=pid, case=case, actor="bd")
    assert err.value.field == "findings.napas_per_menit" and "5–150" in err.value.message
    bad_date = dict(case_for("pneumonia"), visit_date="2025-13-01")
    with pytest.raises(FieldError) as err:
        reg.save_visit(patient_id=pid, case=bad_date, actor="bd")
    assert err.value.field == "visit_date"
    future = case_for("pneumonia", visit=TODAY + dt.timedelta(days=1))
    with pytest.raises(FieldError, match="masa depan"):
        reg.save_visit(patient_id=pid, case=future, actor="bd")
    with pytest.raises(FieldError) as err:
        reg.save_visit(patient_id=pid + 99, case=case_for("pneumonia"), actor="bd")
    assert err.value.field == "patient_id"
    assert reg.counts()["kunjungan"] == 0


def test_draft_is_updated_in_place_then_becomes_the_final_visit(reg: Register) -> None:
    pid = child(reg)
    partial = {"visit_date": TODAY.isoformat(), "findings": {"batuk": True}}
    draft = reg.save_draft(patient_id=pid, case=partial, section="batuk", actor="bd")
    assert reg.save_draft(patient_id=pid, case=dict(partial, weight_kg=9.1), section="diare", actor="bd",
                          draft_id=draft) == draft
    drafts = reg.drafts()
    assert [(d["id"], d["section"], d["patient_name"]) for d in drafts] == [(draft, "diare", "Aisyah Putri")]
    assert reg.get_draft(draft)["weight_kg"] == 9.1
    uid = reg.get_visit(draft)["visit_uid"]
    vid = reg.save_visit(patient_id=pid, case=case_for("pneumonia"), actor="bd", draft_id=draft)
    assert vid == draft and reg.drafts() == []
    visit = reg.get_visit(vid)
    assert visit["status"] == "final" and visit["visit_uid"] == uid and visit["section"] is None
    with pytest.raises(RegisterError):  # a final visit is no longer a draft
        reg.save_draft(patient_id=pid, case=partial, section="x", actor="bd", draft_id=vid)


def test_discard_draft(reg: Register) -> None:
    pid = child(reg)
    draft = reg.save_draft(patient_id=pid, case={"findings": {}}, section=None, actor="bd")
    reg.discard_draft(draft, actor="bd")
    assert reg.drafts() == []
    with pytest.raises(RegisterError):
        reg.discard_draft(draft, actor="bd")
    assert reg.audit_log(patient_id=pid)[0]["action"] == "draf.buang"


def test_correction_is_a_new_version_and_the_old_one_stays_readable(reg: Register) -> None:
    pid = child(reg)
    vid = reg.save_visit(patient_id=pid, case=case_for("pneumonia"), actor="bd")
    with pytest.raises(FieldError):
        reg.correct_visit(vid, case=case_for("batuk_bukan_pneumonia"), actor="dr", reason="")
    new = reg.correct_visit(vid, case=case_for("batuk_bukan_pneumonia"), actor="dr", reason="napas salah hitung")
    old_v, new_v = reg.get_visit(vid), reg.get_visit(new)
    assert old_v["is_current"] == 0 and new_v["is_current"] == 1
    assert new_v["version"] == 2 and new_v["supersedes_id"] == vid and new_v["visit_uid"] == old_v["visit_uid"]
    assert new_v["correction_reason"] == "napas salah hitung" and new_v["recorded_by"] == "dr"
    assert "PNEUMONIA" in [c["code"] for c in old_v["classifications"]]  # old content unchanged
    assert "BATUK_BUKAN_PNEUMONIA" in [c["code"] for c in new_v["classifications"]]
    assert [v["id"] for v in reg.visit_versions(old_v["visit_uid"])] == [vid, new]
    # Lists show the current version only; the old one cannot be corrected again.
    assert [v["id"] for v in reg.visits_on(TODAY)] == [new]
    with pytest.raises(RegisterError, match="sudah dikoreksi"):
        reg.correct_visit(vid, case=case_for("pneumonia"), actor="dr", reason="lagi")
    # The database itself refuses a second current row for one visit.
    with pytest.raises(sqlite3.IntegrityError):
        reg.db.execute("UPDATE visits SET is_current = 1 WHERE id = ?", [vid])


def test_follow_up_visit_links_and_clears_the_due_list(reg: Register) -> None:
    pid = child(reg)
    day0 = TODAY - dt.timedelta(days=2)
    first = reg.save_visit(patient_id=pid, case=case_for("pneumonia", visit=day0), actor="bd")
    uid = reg.get_visit(first)["visit_uid"]
    due = reg.follow_ups_due(TODAY)
    assert [v["id"] for v in due["today"]] == [first]          # pneumonia: follow-up after 2 days
    assert reg.follow_ups_due(TODAY + dt.timedelta(days=3))["overdue"][0]["days_overdue"] == 3
    with pytest.raises(FieldError):
        reg.save_visit(patient_id=pid, case=case_for("batuk_bukan_pneumonia"), kind="ulang", actor="bd")
    other = child(reg, name="Budi")
    with pytest.raises(FieldError, match="pasien lain"):
        reg.save_visit(patient_id=other, case=case_for("batuk_bukan_pneumonia"), kind="ulang",
                       follow_up_of=uid, actor="bd")
    again = reg.save_visit(patient_id=pid, case=case_for("batuk_bukan_pneumonia"), kind="ulang",
                           follow_up_of=uid, actor="bd")
    assert reg.get_visit(again)["follow_up_of"] == uid
    assert reg.follow_ups_due(TODAY)["today"] == []


def test_visits_page_keyset_forward_and_back(reg: Register) -> None:
    pid = child(reg)
    ids = []
    for i in range(7):
        day = TODAY - dt.timedelta(days=i % 3)
        ids.append(reg.save_visit(patient_id=pid, case=case_for("diare_tanpa_dehidrasi", visit=day), actor="bd",
                                  visit_at=f"{day.isoformat()}T08:{i:02d}:00"))
    everything = reg.visits_page(TODAY - dt.timedelta(days=7), TODAY, limit=100)
    assert sorted(v["id"] for v in everything) == sorted(ids)
    assert [v["key"] for v in everything] == sorted(v["key"] for v in everything)
    p1 = reg.visits_page(TODAY - dt.timedelta(days=7), TODAY, limit=3)
    p2 = reg.visits_page(TODAY - dt.timedelta(days=7), TODAY, limit=3, after=p1[-1]["key"])
    p3 = reg.visits_page(TODAY - dt.timedelta(days=7), TODAY, limit=3, after=p2[-1]["key"])
    assert [v["id"] for v in p1 + p2 + p3] == [v["id"] for v in everything]
    back = reg.visits_page(TODAY - dt.timedelta(days=7), TODAY, limit=3, before=p3[0]["key"])
    assert [v["id"] for v in back] == [v["id"] for v in p2]
    row = p1[0]
    assert row["patient_name"] == "Aisyah Putri" and row["mrn"] == "RM000001" and row["sex"] == "P"
    assert row["classifications"] == "DIARE TANPA DEHIDRASI" and row["worst_colour"] == "hijau"
    assert row["age_text"] and row["follow_up_date"]
    only_today = reg.visits_page(TODAY, TODAY)
    assert {v["visit_date"] for v in only_today} == {TODAY.isoformat()}
    assert reg.count_visits(TODAY, TODAY) == len(only_today)


def test_visits_on_and_patient_visits_include_drafts(reg: Register) -> None:
    pid = child(reg)
    vid = reg.save_visit(patient_id=pid, case=case_for("pneumonia"), actor="bd")
    draft = reg.save_draft(patient_id=pid, case={"visit_date": TODAY.isoformat(), "findings": {}}, section="gizi",
                           actor="bd")
    today = reg.visits_on(TODAY)
    assert {(v["id"], v["status"]) for v in today} == {(vid, "final"), (draft, "draft")}
    assert "PNEUMONIA" in next(v for v in today if v["id"] == vid)["classifications"]
    assert [v["id"] for v in reg.patient_visits(pid)][0] in (vid, draft)
    assert reg.visits_on(TODAY - dt.timedelta(days=1)) == []


def test_audit_holds_no_clinical_content(reg: Register) -> None:
    pid = child(reg)
    reg.save_visit(patient_id=pid, case=case_for("pneumonia"), actor="bd")
    reg.audit("pasien.lihat", actor="bd", patient_id=pid)
    text = json.dumps(reg.audit_log())
    assert "PNEUMONIA" not in text and "napas" not in text and "Aisyah" not in text
    assert reg.audit_log()[0]["action"] == "pasien.lihat" and reg.audit_log()[0]["workstation"]


def test_completed_months_and_age_text() -> None:
    assert completed_months(dt.date(2024, 1, 31), dt.date(2024, 2, 29)) == 1
    assert completed_months(dt.date(2024, 6, 15), dt.date(2025, 6, 14)) == 11
    assert age_on("2026-01-01", "2026-01-24").text() == "23 hr"
    assert age_on("2025-01-10", "2026-04-11").text() == "1 th 3 bl"


def test_register_error_messages_are_one_indonesian_line(tmp_path: Path) -> None:
    with pytest.raises(RegisterError) as err:
        Register.open(tmp_path / "tidak-ada.db")
    assert "tidak ditemukan" in err.value.message and "\n" not in str(err.value)
    assert not (tmp_path / "tidak-ada.db").exists()


def test_confirmed_unusual_values_are_kept_with_the_draft_and_the_visit(tmp_path) -> None:
    """Schema v5: `confirmed_json` holds the unusual values the worker confirmed (issue 14)."""
    reg = Register.open(tmp_path / "r.db", create=True)
    reg.set_facility(name="Puskesmas Uji", malaria_area="non_endemis")
    birth = (dt.date.today() - dt.timedelta(days=340)).isoformat()
    pid = reg.add_patient(name="Citra", sex="P", birth_date=birth, actor="t")
    case = {"visit_date": dt.date.today().isoformat(), "weight_kg": 3.5, "findings": {"batuk": False}}
    draft = reg.save_draft(patient_id=pid, case=case, section="kunjungan", actor="t",
                           confirmed={"weight_kg": 3.5})
    assert reg.get_draft(draft)["confirmed"] == {"weight_kg": 3.5}
    reg.save_draft(patient_id=pid, case=case, section="kunjungan", actor="t", draft_id=draft)
    assert reg.get_draft(draft)["confirmed"] == {}  # written again without it: no longer confirmed
    visit = reg.save_visit(patient_id=pid, case=case, actor="t", draft_id=draft, confirmed={"weight_kg": 3.5})
    assert reg.get_visit(visit)["confirmed"] == {"weight_kg": 3.5}
    with pytest.raises(FieldError) as err:
        reg.save_draft(patient_id=pid, case=case, section=None, actor="t", confirmed=["weight_kg"])
    assert err.value.field == "confirmed"
    reg.close()


def test_reader_reads_on_its_own_read_only_connection_in_another_thread(reg: Register) -> None:
    """`Register.reader()` (the Mutu screen's worker): the same rows over another connection,
    usable from another thread; a write through it fails and the register stays writable."""
    import sqlite3
    import threading

    pid = child(reg)
    reader = reg.reader()
    found: list = []
    try:
        assert reader.db.conn is not reg.db.conn
        worker = threading.Thread(target=lambda: found.append(reader.get_patient(pid)["name"]))
        worker.start()
        worker.join()
        assert found == ["Aisyah Putri"]
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.db.execute("UPDATE patients SET name = 'x' WHERE id = ?", [pid])
    finally:
        reader.close()
    child(reg, "Budi Santoso")
    assert reg.get_patient(pid)["name"] == "Aisyah Putri"
