"""visits.rules_version (migration 5, issue 13): the register records which rules classified each
visit. Visits saved before contract version 2 keep their stored classification and are marked
'contract 1'; new visits and corrections store the engine's RULES_VERSION ('contract 2')."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from mtbs_tui import db as dbmod
from mtbs_tui.register import Register
from mtbs_tui.rules.engine import RULES_VERSION

BIRTH = (dt.date.today() - dt.timedelta(days=40)).isoformat()
VISIT = (dt.date.today() - dt.timedelta(days=20)).isoformat()
# A young infant who moves only when stimulated: contract 1 called this MUNGKIN BUKAN INFEKSI.
FINDINGS = {"keadaan_umum": "letargis_tidak_sadar", "diare": False}
V1_RESULT = {"chart": "2022", "pathway": "bayi_muda", "age": {"days": 20, "months": 0},
             "classifications": [{"module": "bm_infeksi", "code": "MUNGKIN_BUKAN_INFEKSI",
                                  "label": "MUNGKIN BUKAN INFEKSI", "colour": "hijau",
                                  "rule": "2022.bm_infeksi.MUNGKIN_BUKAN_INFEKSI", "because": []}],
             "incomplete": [], "refer_urgently": False, "follow_up_days": None, "treatments": []}


def make_v4(path: Path) -> None:
    """A register at schema 4 (before rules_version) with one final visit and one draft."""
    opened = dbmod.connect(path, create=True, target_version=4)
    db = opened.db
    with dbmod.write(db):
        db.execute("INSERT INTO facility(id, name) VALUES (1, 'Puskesmas Lama')")
        db.execute("INSERT INTO patients(id, mrn, name, sex, birth_date, created_at, updated_at) "
                   "VALUES (1, 'RM000001', 'By. Ny. Lama', 'P', ?, '2026-01-01T08:00:00', "
                   "'2026-01-01T08:00:00')", [BIRTH])
        for uid, status, result in (("a" * 32, "final", json.dumps(V1_RESULT)),
                                    ("b" * 32, "draft", None)):
            db.execute(
                "INSERT INTO visits(visit_uid, patient_id, visit_at, visit_date, pathway, kind, chart,"
                " age_days, age_months, case_json, findings_json, result_json, status, recorded_by,"
                " created_at, updated_at) VALUES (?, 1, ?, ?, 'bayi_muda', 'pertama', '2022', 20, 0,"
                " ?, ?, ?, ?, 'bd', ?, ?)",
                [uid, VISIT + "T09:00:00", VISIT, json.dumps({"visit_date": VISIT, "birth_date": BIRTH}),
                 json.dumps(FINDINGS), result, status, VISIT + "T09:00:00", VISIT + "T09:00:00"])
        db.execute("INSERT INTO visit_classifications(visit_id, position, module, code, label, colour,"
                   " rule) VALUES (1, 0, 'bm_infeksi', 'MUNGKIN_BUKAN_INFEKSI', 'MUNGKIN BUKAN INFEKSI',"
                   " 'hijau', '2022.bm_infeksi.MUNGKIN_BUKAN_INFEKSI')")
    dbmod.close(db)


def test_migration_marks_old_visits_and_keeps_their_classification(tmp_path: Path) -> None:
    path = tmp_path / "mtbs.db"
    make_v4(path)
    reg = Register.open(path)
    try:
        assert reg.migrated_from == 4 and reg.schema_version == dbmod.SCHEMA_VERSION >= 5
        old = reg.get_visit(1)
        assert old["rules_version"] == "contract 1"
        # The stored classification is kept: no silent reclassification with the new rules.
        assert [c["code"] for c in old["classifications"]] == ["MUNGKIN_BUKAN_INFEKSI"]
        assert old["result"] == V1_RESULT
        draft = reg.db.execute("SELECT rules_version FROM visits WHERE status = 'draft'").fetchone()
        assert draft[0] is None  # a draft was never classified

        # A correction reclassifies with the current rules and says so.
        new_id = reg.correct_visit(1, case={"visit_date": VISIT, "findings": FINDINGS},
                                   actor="bd", reason="tinjau ulang kontrak 2")
        new = reg.get_visit(new_id)
        assert new["rules_version"] == RULES_VERSION == "contract 2"
        assert new["classifications"][0]["code"] == "PENYAKIT_SANGAT_BERAT_ATAU_INFEKSI_BAKTERI_BERAT"
        assert new["refer_urgently"]
        assert reg.get_visit(1)["rules_version"] == "contract 1"  # the old version is unchanged

        # A new visit stores the current version.
        vid = reg.save_visit(patient_id=1, actor="bd", case={
            "visit_date": dt.date.today().isoformat(), "findings": {"keadaan_umum": "normal"}})
        assert reg.get_visit(vid)["rules_version"] == RULES_VERSION
    finally:
        reg.close()
    conn = sqlite3.connect(path)
    try:
        version = dbmod.SCHEMA_VERSION
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
            str(version),)
        assert conn.execute("SELECT value FROM meta WHERE key = 'migrated_v5_at'").fetchone()
    finally:
        conn.close()


def test_demo_register_stores_the_rules_version(tmp_path: Path) -> None:
    from mtbs_tui.demo import generate

    for bulk in (True, False):  # the bulk SQL writer and the per-row one
        reg = Register.open(tmp_path / f"demo-{bulk}.db", create=True)
        try:
            generate(reg, patients=15, visits=40, seed=3, bulk=bulk)
            versions = reg.db.execute(
                "SELECT status, rules_version, count(*) FROM visits GROUP BY 1, 2").fetchall()
        finally:
            reg.close()
        assert {(status, version) for status, version, _n in versions} <= {
            ("final", RULES_VERSION), ("draft", None)}, versions
        assert ("final", RULES_VERSION) in {(s, v) for s, v, _n in versions}
