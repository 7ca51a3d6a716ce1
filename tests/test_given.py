"""What was actually given at a visit (issue 17 item 1): the register's versioned record, its
checks, its audit entries, the agreement counts for supervision and the migration from v8."""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from mtbs_tui import db as dbmod
from mtbs_tui import given
from mtbs_tui.demo import BY_ID, ResultCache
from mtbs_tui.register import FieldError, Register, RegisterError
from mtbs_tui.rules import classify

TODAY = dt.date.today()
BIRTH = TODAY - dt.timedelta(days=335)  # 11 months


@pytest.fixture
def reg(tmp_path: Path) -> Register:
    r = Register.open(tmp_path / "register.db", create=True)
    r.set_facility(name="Puskesmas Uji", malaria_area="rendah", actor="admin")
    yield r
    r.close()


def case_for(scenario: str, visit: dt.date = TODAY) -> dict:
    return ResultCache(classify, "rendah").case(BY_ID[scenario], BIRTH, visit, "P")


def saved(reg: Register, scenario: str, *, visit_at: str | None = None, visit: dt.date = TODAY, **kw) -> int:
    pid = reg.add_patient(name=f"Anak {scenario}", sex="P", birth_date=BIRTH.isoformat(), actor="bd",
                          allow_duplicate=True)
    return reg.save_visit(patient_id=pid, case=case_for(scenario, visit), actor="bd", visit_at=visit_at, **kw)


def codes_of(reg: Register, vid: int) -> list[str]:
    return [t["code"] for t in given.recommended(reg.get_visit(vid)["treatments"])]


def at(hour: str, day: dt.date = TODAY) -> str:
    return f"{day.isoformat()}T{hour}"


# The migration that adds the two tables.
MIGRATION = next(v for v, fn in dbmod.MIGRATIONS.items() if fn.__name__ == "_v10_treatments_given")
NOW = dt.datetime.combine(TODAY, dt.time(11, 0))


def test_all_given_then_one_not_given_is_a_new_version_and_the_old_stays(reg: Register) -> None:
    vid = saved(reg, "pneumonia_berat", visit_at=at("09:00:00"))
    codes = codes_of(reg, vid)
    assert "AMOKSISILIN" in codes or "AMPISILIN_IM" in codes or codes, codes
    assert reg.get_visit(vid)["given"] is None  # nothing recorded: unknown, not "not given"
    v1 = reg.record_given(vid, [{"code": c, "outcome": "diberikan"} for c in codes], actor="bd",
                          now=dt.datetime.combine(TODAY, dt.time(9, 20)))
    assert v1 == 1
    record = reg.get_visit(vid)["given"]
    assert [i.code for i in record["items"]] == codes
    assert {i.given_at for i in record["items"]} == {at("09:20")}
    first = codes[0]
    v2 = reg.record_given(vid, [{"code": first, "outcome": "tidak_diberikan", "reason": "stok habis"}],
                          actor="bd", reason="salah catat", now=NOW)
    assert v2 == 2
    now_record = reg.get_visit(vid)["given"]
    item = now_record["items"][0]
    assert item.code == first and item.outcome == "tidak_diberikan" and item.reason == "stok_habis"
    assert item.text() == "tidak diberikan: stok habis"
    assert [i.outcome for i in now_record["items"][1:]] == ["diberikan"] * (len(codes) - 1)
    versions = reg.given_versions(reg.get_visit(vid)["visit_uid"])
    assert [v["version"] for v in versions] == [1, 2] and versions[0]["items"][0].outcome == "diberikan"
    assert [r[0] for r in reg.db.execute("SELECT is_current FROM given_records ORDER BY version")] == [0, 1]
    assert versions[1]["reason"] == "salah catat" and versions[1]["recorded_by"] == "bd"
    entries = [r["action"] for r in reg.audit_log(limit=5)]
    assert entries[:2] == ["tindakan.catat", "tindakan.catat"]
    assert reg.audit_log(limit=1)[0]["detail"] == f"kunjungan {vid} versi 2"


def test_otherwise_deviation_and_removal(reg: Register) -> None:
    vid = saved(reg, "pneumonia", visit_at=at("08:00:00"))
    code = codes_of(reg, vid)[0]
    reg.record_given(vid, [
        {"code": code, "outcome": "diberikan_lain", "note": "Kotrimoksazol sirup 2x5 mL", "time": "08:15"},
        {"code": None, "outcome": "tambahan", "note": "Deksametason injeksi", "time": "08:20"},
        {"code": None, "outcome": "tambahan", "note": "Ambroksol sirup 3x1", "for_home": True},
    ], actor="bd", now=NOW)
    items = reg.get_visit(vid)["given"]["items"]
    assert items[0].outcome == "diberikan_lain" and items[0].note == "Kotrimoksazol sirup 2x5 mL"
    assert items[0].given_at == at("08:15")
    assert [(i.label, i.for_home) for i in items[1:]] == [("Deksametason injeksi", False),
                                                          ("Ambroksol sirup 3x1", True)]
    assert items[2].given_at == at("11:00")  # default: now
    reg.record_given(vid, [], remove_deviations=[1], actor="bd", now=NOW)
    assert [i.label for i in reg.get_visit(vid)["given"]["items"][1:]] == ["Ambroksol sirup 3x1"]
    rows = given.confirmation(reg.get_visit(vid)["treatments"], reg.get_visit(vid)["given"])
    assert rows[-1][1] is not None and rows[-1][1].outcome == "tambahan"


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"code": "TIDAK_ADA", "outcome": "diberikan"}, "kode", "tidak dianjurkan"),
    ({"outcome": "diberikan", "time": "07:59"}, "jam", "sebelum kunjungan"),
    ({"outcome": "diberikan", "time": "25:00"}, "jam", "00:00-23:59"),
    ({"outcome": "diberikan", "time": "12:30"}, "jam", "belum terjadi"),
    ({"outcome": "tidak_diberikan"}, "alasan", "stok_habis"),
    ({"outcome": "tidak_diberikan", "reason": "lupa"}, "alasan", "1 stok_habis"),
    ({"outcome": "tidak_diberikan", "reason": "lainnya"}, "alasan lainnya", "wajib"),
    ({"outcome": "diberikan_lain"}, "obat/dosis lain", "wajib"),
    ({"outcome": "hilang"}, "hasil", "diberikan, tidak_diberikan, diberikan_lain"),
    ({"code": None, "outcome": "tambahan", "note": "x" * 201}, "tindakan tambahan", "paling banyak 200"),
])
def test_bad_input_names_the_field_and_writes_nothing(reg: Register, change: dict, field: str, words: str) -> None:
    vid = saved(reg, "pneumonia", visit_at=at("08:00:00"))
    change = dict(change)
    change.setdefault("code", codes_of(reg, vid)[0])
    before = reg.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    with pytest.raises(FieldError) as err:
        reg.record_given(vid, [change], actor="bd", now=NOW)
    assert err.value.field == field and words in err.value.message, err.value.message
    assert reg.db.execute("SELECT count(*) FROM given_records").fetchone()[0] == 0
    assert reg.db.execute("SELECT count(*) FROM audit").fetchone()[0] == before


def test_unknown_visit_and_draft_are_refused(reg: Register) -> None:
    with pytest.raises(RegisterError) as err:
        reg.record_given(999, [{"code": "X", "outcome": "diberikan"}], actor="bd")
    assert err.value.kind == "tidak_ada"
    pid = reg.add_patient(name="Draf", sex="P", birth_date=BIRTH.isoformat(), actor="bd")
    draft = reg.save_draft(patient_id=pid, case=case_for("pneumonia"), section="batuk", actor="bd")
    with pytest.raises(RegisterError) as err:
        reg.record_given(draft, [{"code": "X", "outcome": "diberikan"}], actor="bd")
    assert "draf" in err.value.message


def test_given_with_the_save_is_one_transaction_and_survives_a_correction(reg: Register) -> None:
    pid = reg.add_patient(name="Sekali Simpan", sex="P", birth_date=BIRTH.isoformat(), actor="bd")
    case = case_for("pneumonia")
    codes = [t["code"] for t in given.recommended(reg.classify(reg.prepare_case(reg.get_patient(pid), case))["treatments"])]
    vid = reg.save_visit(patient_id=pid, case=case, actor="bd",
                         given_changes=[{"code": c, "outcome": "diberikan"} for c in codes])
    visit = reg.get_visit(vid)
    assert [i.code for i in visit["given"]["items"]] == codes
    assert all(i.given_at >= visit["visit_at"][:16] for i in visit["given"]["items"])
    new_id = reg.correct_visit(vid, case=visit["case"], actor="bd", reason="uji")
    assert reg.get_visit(new_id)["given"]["version"] == 1  # the record belongs to the visit, not a version
    # A bad time with the save refuses the whole save: no visit, no record.
    with pytest.raises(FieldError):
        reg.save_visit(patient_id=pid, case=case, actor="bd",
                       given_changes=[{"code": codes[0], "outcome": "diberikan", "time": "00:00"}],
                       visit_at=at("10:00:00"))
    assert reg.db.execute("SELECT count(*) FROM visits").fetchone()[0] == 2


def test_a_visit_entered_for_an_earlier_day_defaults_to_its_own_time(reg: Register) -> None:
    day = TODAY - dt.timedelta(days=2)
    vid = saved(reg, "pneumonia", visit=day)
    reg.record_given(vid, [{"code": codes_of(reg, vid)[0], "outcome": "diberikan"}], actor="bd")
    assert reg.get_visit(vid)["given"]["items"][0].given_at == f"{day.isoformat()}T00:00"


def test_treatment_agreement_counts(reg: Register) -> None:
    a = saved(reg, "pneumonia", visit_at=at("08:00:00"))
    b = saved(reg, "pneumonia", visit_at=at("08:30:00"))
    saved(reg, "pneumonia", visit_at=at("09:00:00"))  # nothing recorded
    code = codes_of(reg, a)[0]
    reg.record_given(a, [{"code": code, "outcome": "diberikan"}], actor="bd", now=NOW)
    reg.record_given(b, [{"code": code, "outcome": "tidak_diberikan", "reason": "2"},
                         {"code": None, "outcome": "tambahan", "note": "Antibiotik lain"}], actor="bd", now=NOW)
    counts = reg.treatment_agreement(TODAY, TODAY)[code]
    assert counts == {"recommended": 3, "given": 1, "otherwise": 0, "not_given": 1, "unrecorded": 1}
    assert "RUJUK_SEGERA" not in reg.treatment_agreement(TODAY, TODAY)
    assert reg.given_deviations(TODAY, TODAY) == 1
    assert reg.treatment_agreement(TODAY - dt.timedelta(days=3), TODAY - dt.timedelta(days=1)) == {}


def test_migration_from_the_schema_before_keeps_referrals_and_adds_the_tables(tmp_path: Path) -> None:
    """A register as the release before this migration wrote it, with a referred visit: the
    upgrade keeps the referral and the visit, and the record can be written at once."""
    path = tmp_path / "lama.db"
    before = MIGRATION - 1
    opened = dbmod.connect(path, create=True, target_version=before)
    db = opened.db
    with dbmod.write(db):
        db.execute("INSERT INTO facility(id, name, malaria_area) VALUES (1, 'Puskesmas Lama', 'rendah')")
        db.execute("INSERT INTO patients(id, mrn, name, sex, birth_date, created_at, updated_at) VALUES "
                   "(1, 'RM000001', 'Anak Lama', 'P', ?, '2026-01-01T08:00:00', '2026-01-01T08:00:00')",
                   [BIRTH.isoformat()])
        db.execute("INSERT INTO visits(id, visit_uid, patient_id, visit_at, visit_date, pathway, chart, case_json, "
                   "findings_json, result_json, refer_urgently, status, recorded_by, created_at, updated_at) VALUES "
                   "(1, 'uid1', 1, ?, ?, 'balita', '2022', '{}', '{}', '{}', 1, 'final', 'bd', ?, ?)",
                   [at("08:00:00"), TODAY.isoformat(), at("08:00:00"), at("08:00:00")])
        db.execute("INSERT INTO visit_treatments(visit_id, position, code, label, dose) VALUES "
                   "(1, 0, 'AMOKSISILIN', 'Amoksisilin oral', '1 tablet'), (1, 1, 'RUJUK_SEGERA', 'Rujuk segera', NULL)")
        db.execute("INSERT INTO referrals(visit_id, destination, reason, referred_at) VALUES "
                   "(1, 'RSUD Lama', 'PNEUMONIA BERAT', ?)", [at("08:00:00")])
    dbmod.close(db)
    reg = Register.open(path)
    try:
        assert reg.schema_version == dbmod.SCHEMA_VERSION
        visit = reg.get_visit(1)
        assert visit["referral"]["destination"] == "RSUD Lama" and visit["given"] is None
        assert codes_of(reg, 1) == ["AMOKSISILIN"]
        reg.record_given(1, [{"code": "AMOKSISILIN", "outcome": "diberikan", "time": "08:10"}], actor="bd", now=NOW)
        assert reg.get_visit(1)["given"]["version"] == 1
        assert dbmod.row_errors(reg.db.conn) == []
    finally:
        reg.close()
    assert list((tmp_path / "cadangan").glob(f"lama-sebelum-migrasi-v{before}-*.db"))


def test_database_refuses_an_inconsistent_item(reg: Register) -> None:
    vid = saved(reg, "pneumonia", visit_at=at("08:00:00"))
    reg.record_given(vid, [{"code": codes_of(reg, vid)[0], "outcome": "diberikan"}], actor="bd", now=NOW)
    rid = reg.db.execute("SELECT id FROM given_records").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError):
        with reg._write():  # not given without a reason
            reg.db.execute("INSERT INTO given_items(record_id, position, code, label, outcome) "
                           "VALUES (?, 9, 'X', 'x', 'tidak_diberikan')", [rid])


def test_when_text_names_another_day() -> None:
    assert given.when_text("2026-12-06T10:35", "2026-12-06") == "10.35"
    assert given.when_text("2026-12-07T08:00", "2026-12-06") == "07-12 08.00"
    assert given.when_text(None, "2026-12-06") == ""
