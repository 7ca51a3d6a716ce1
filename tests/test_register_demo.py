"""The demo register: real engine output, the usual mix, and content for the home screen."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from mtbs_tui.demo import SCENARIOS, generate
from mtbs_tui.register import Register
from mtbs_tui.rules import classify

TODAY = dt.date.today()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Register:
    reg = Register.open(tmp_path_factory.mktemp("demo") / "demo.db", create=True)
    stats = generate(reg, patients=120, visits=900, seed=11, bulk=True)
    assert stats.visits == 900
    yield reg
    reg.close()


def test_stored_results_are_what_the_engine_says_for_the_stored_case(demo: Register) -> None:
    # Every visit, not a sample: results are reused per (scenario, age bucket), and a bucket that
    # spans one of the chart's age limits (e.g. jaundice after day 14) shows up in a few visits only.
    ids = [r[0] for r in demo.db.execute("SELECT id FROM visits WHERE status = 'final'")]
    for vid in ids:
        visit = demo.get_visit(vid)
        fresh = classify(visit["case"])
        assert visit["result"] == fresh, (vid, visit["case"]["findings"])
        assert [c["code"] for c in visit["classifications"]] == [c["code"] for c in fresh["classifications"]]
        assert visit["age_days"] == fresh["age"]["days"] and visit["pathway"] == fresh["pathway"]


def test_the_usual_mix(demo: Register) -> None:
    codes = dict(demo.db.execute(
        "SELECT c.code, count(*) FROM visit_classifications c JOIN visits v ON v.id = c.visit_id "
        "WHERE v.is_current = 1 GROUP BY c.code").fetchall())
    for code in ("BATUK_BUKAN_PNEUMONIA", "PNEUMONIA", "DIARE_TANPA_DEHIDRASI", "DEMAM_MUNGKIN_BUKAN_MALARIA",
                 "GIZI_KURANG", "INFEKSI_BAKTERI_LOKAL"):
        assert codes.get(code, 0) > 0, code
    assert codes["BATUK_BUKAN_PNEUMONIA"] > codes["PNEUMONIA"] > codes.get("PNEUMONIA_BERAT", 0)
    colours = dict(demo.db.execute(
        "SELECT colour, count(*) FROM visit_classifications GROUP BY colour").fetchall())
    assert colours["hijau"] > colours["kuning"] > colours["merah"] > 0
    pathways = dict(demo.db.execute("SELECT pathway, count(*) FROM visits GROUP BY pathway").fetchall())
    assert pathways["balita"] > pathways["bayi_muda"] > 0
    ages = [r[0] for r in demo.db.execute("SELECT age_months FROM visits")]
    assert min(ages) == 0 and max(ages) >= 48
    # Every case is complete enough to classify without an "incomplete" module, except HIV tests
    # not done and a few deliberately partial scenarios.
    complete = demo.db.execute(
        "SELECT count(*) FROM visits WHERE status='final' AND json_array_length(result_json, '$.incomplete') = 0"
    ).fetchone()[0]
    assert complete > 0.9 * demo.count_visits()


def test_follow_ups_drafts_corrections_and_today(demo: Register) -> None:
    kinds = dict(demo.db.execute("SELECT kind, count(*) FROM visits WHERE is_current = 1 GROUP BY kind").fetchall())
    assert kinds["ulang"] >= 100
    bad_links = demo.db.execute(
        "SELECT count(*) FROM visits v WHERE v.kind = 'ulang' AND NOT EXISTS (SELECT 1 FROM visits w "
        "WHERE w.visit_uid = v.follow_up_of AND w.patient_id = v.patient_id AND w.visit_at < v.visit_at)"
    ).fetchone()[0]
    assert bad_links == 0
    assert demo.counts()["koreksi"] >= 1
    corrected = demo.db.execute("SELECT visit_uid FROM visits WHERE version = 2 LIMIT 1").fetchone()[0]
    versions = demo.visit_versions(corrected)
    assert [v["is_current"] for v in versions] == [0, 1] and versions[1]["correction_reason"]
    assert len(demo.drafts()) == 3
    today = demo.visits_on(TODAY)
    assert any(v["status"] == "final" for v in today) and any(v["status"] == "draft" for v in today)
    due = demo.follow_ups_due(TODAY)
    assert due["overdue"] or due["today"]
    assert demo.integrity_errors() == []


def test_demo_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    rows = []
    for n in range(2):
        reg = Register.open(tmp_path / f"d{n}.db", create=True)
        generate(reg, patients=15, visits=40, seed=5, now=dt.datetime.combine(TODAY, dt.time(10, 30)))
        rows.append(reg.db.execute("SELECT visit_uid, findings_json FROM visits WHERE status='final' ORDER BY id"
                                   ).fetchall())
        reg.close()
    assert rows[0] == rows[1]


def test_scenarios_use_only_known_finding_keys() -> None:
    from mtbs_tui.rules.vocabulary import FINDINGS

    known = {f.key for f in FINDINGS} if not isinstance(FINDINGS, dict) else set(FINDINGS)
    for scenario in SCENARIOS:
        for months, days in ((0, 20), (1, 50), (11, 340), (30, 920)):
            unknown = set(scenario.case_findings(months, days)) - known
            assert not unknown, (scenario.id, unknown)
    assert len(SCENARIOS) >= 50


def test_row_tables_and_dates_agree_with_the_stored_result(demo: Register) -> None:
    """The bulk writer builds rows and JSON inside SQLite; they must say what result_json says."""
    from mtbs_tui.register import result_rows

    rows = demo.db.execute(
        "SELECT v.id, v.visit_at, v.visit_date, v.follow_up_days, v.follow_up_date, v.refer_urgently, v.case_json,"
        " v.result_json, v.age_days, v.age_months, p.birth_date, p.sex FROM visits v JOIN patients p"
        " ON p.id = v.patient_id WHERE v.status = 'final'").fetchall()
    assert len(rows) >= 900
    for vid, at, day, fu_days, fu_date, refer, case_json, result_json, days, months, birth, sex in rows:
        case, result = json.loads(case_json), json.loads(result_json)
        assert (case["birth_date"], case["sex"], case["visit_date"]) == (birth, sex, day)
        assert result["age"] == {"days": days, "months": months}
        assert result["follow_up_days"] == fu_days and bool(result["refer_urgently"]) == bool(refer)
        expected_fu = (dt.date.fromisoformat(day) + dt.timedelta(days=fu_days)).isoformat() if fu_days else None
        assert fu_date == expected_fu
        cls, trs, referral = result_rows(vid, result, at)
        assert demo.db.execute("SELECT * FROM visit_classifications WHERE visit_id = ? ORDER BY position",
                               [vid]).fetchall() == cls
        assert demo.db.execute("SELECT * FROM visit_treatments WHERE visit_id = ? ORDER BY position",
                               [vid]).fetchall() == trs
        stored = demo.db.execute("SELECT visit_id, reason, referred_at FROM referrals WHERE visit_id = ?",
                                 [vid]).fetchall()
        assert stored == ([referral] if referral else [])
    assert demo.db.execute("SELECT count(*) FROM patients p WHERE p.last_seen_at < (SELECT MAX(visit_at)"
                           " FROM visits v WHERE v.patient_id = p.id AND v.status = 'final')").fetchone()[0] == 0


def test_a_failure_mid_generation_stops_the_writer_and_reaches_the_caller(tmp_path: Path) -> None:
    from mtbs_tui.rules import classify as real

    calls = []

    def failing(case: dict) -> dict:
        calls.append(1)
        if len(calls) > 25:
            raise RuntimeError("engine broke")
        return real(case)

    reg = Register.open(tmp_path / "broken.db", create=True)
    with pytest.raises(RuntimeError, match="engine broke"):
        generate(reg, patients=40, visits=300, seed=2, classifier=failing, bulk=True)
    # No visit was written for a half-planned register, the writer thread is gone, the file is sound.
    import threading

    assert not [t for t in threading.enumerate() if t.name == "mtbs-demo-writer"]
    assert reg.db.execute("SELECT count(*) FROM visits").fetchone()[0] == 0
    assert reg.integrity_errors() == []
    reg.close()


def test_a_write_failure_in_the_writer_thread_reaches_the_caller_and_rolls_back(tmp_path: Path) -> None:
    import sqlite3
    import threading

    reg = Register.open(tmp_path / "full.db", create=True)
    reg.db.conn.execute("CREATE TEMP TRIGGER full BEFORE INSERT ON main.visit_treatments WHEN NEW.visit_id > 50 "
                        "BEGIN SELECT RAISE(ABORT, 'disk penuh'); END")
    with pytest.raises(sqlite3.DatabaseError, match="disk penuh"):
        generate(reg, patients=40, visits=300, seed=2, bulk=True)
    assert not [t for t in threading.enumerate() if t.name == "mtbs-demo-writer"]
    # The failed batch left nothing behind: no visit without its treatments.
    assert reg.db.execute("SELECT count(*) FROM visits").fetchone()[0] == 0
    assert reg.integrity_errors() == []
    reg.close()


def test_one_head_of_the_puskesmas_signs_and_logs_in(demo: Register) -> None:
    """The monthly report's "Mengetahui" (facility head) and the `kepala` account (who makes the
    report as "Pelapor" in a demo) are the same person with the same NIP."""
    facility = demo.facility()
    head = demo.worker("kepala")
    assert head is not None and head["full_name"] == facility["head_name"]
    assert head["nip"] == facility["head_nip"]
    assert "(" not in facility["head_name"]


def test_referral_facilities_and_destinations(demo: Register) -> None:
    """3-4 facilities (RSUD the default, an RSIA, a puskesmas rawat inap); nearly every urgent
    referral has one, the same for every version of a visit, chosen by whoever recorded it."""
    from mtbs_tui.demo import DEMO_REFERRAL_FACILITIES

    facilities = demo.referral_facilities()
    assert 3 <= len(facilities) <= 4 and len(facilities) == len(DEMO_REFERRAL_FACILITIES)
    assert facilities[0]["is_default"] and facilities[0]["kind"] == "rs"
    assert {"rs", "rsia", "pkm_ranap"} <= {f["kind"] for f in facilities}
    rows = demo.db.execute(
        "SELECT v.visit_uid, r.facility_id, r.destination, r.destination_by = v.recorded_by FROM referrals r "
        "JOIN visits v ON v.id = r.visit_id").fetchall()
    assert len(rows) >= 20
    with_facility = [r for r in rows if r[1] is not None]
    assert len(with_facility) >= 0.9 * len(rows)
    assert all(by for *_, by in with_facility)
    names = {f["id"]: f["name"] for f in facilities}
    assert all(names[fid] == name for _, fid, name, _ in with_facility)
    per_visit: dict[str, set] = {}
    for uid, fid, _name, _by in rows:
        per_visit.setdefault(uid, set()).add(fid)
    assert all(len(ids) == 1 for ids in per_visit.values())
    assert len({fid for _, fid, _, _ in with_facility}) >= 3  # not all to the default


def test_every_day_of_an_age_bucket_gets_the_buckets_answer() -> None:
    """The demo classifies once per (scenario, age bucket): the first and the last day of age of each
    balita bucket must get the same classifications and treatments, whatever today's date makes of
    the children's ages (a bucket that straddled the rotavirus limit of 8 months once did not)."""
    from mtbs_tui.demo import ResultCache, bucket_key
    from mtbs_tui.rules.age import YOUNG_INFANT_DAYS, age_on

    visit = dt.date(2026, 12, 7)
    cache = ResultCache(classify, "rendah")
    for scenario in [s for s in SCENARIOS if s.pathway == "balita"]:
        spans: dict[tuple, list[int]] = {}
        for days in range(YOUNG_INFANT_DAYS, 5 * 365):
            age = age_on(visit - dt.timedelta(days=days), visit)
            if age.months < max(scenario.min_months, 2) or age.months >= 60:
                continue
            spans.setdefault(bucket_key(age.days, age.months), []).append(days)

        def codes(days: int, scenario: Any = scenario) -> tuple:
            result = classify(cache.case(scenario, visit - dt.timedelta(days=days), visit, "P"))
            return ([c["code"] for c in result["classifications"]],
                    [t["code"] for t in result["treatments"]])

        for key, days in spans.items():
            assert codes(days[0]) == codes(days[-1]), (scenario.id, key, days[0], days[-1])
