"""Quality indicators (issue 18) on a hand-made register whose values are known: each indicator
hit and missed, per month and for the period; the report in its three formats read back; roles."""
from __future__ import annotations

import csv
import datetime as dt
import subprocess
from pathlib import Path

import openpyxl
import pytest
from cli_login import add_account, login_env, mtbs_here  # noqa: F401  (autouse: `mtbs` runs log in as kepala)
from xlsx_print import assert_prints_on_a4

from mtbs_tui import quality
from mtbs_tui import register as register_module
from mtbs_tui.documents.quality import write_report
from mtbs_tui.register import Register

TODAY = dt.date(2026, 10, 31)
FACILITY = dict(name="Puskesmas Uji Mutu", code="P9999", district="Kabupaten Uji", province="Jawa Barat",
                malaria_area="rendah")


def classifier(case: dict) -> dict:
    """A §7 result driven by the test's findings: `uji_belum` lists the incomplete modules; a
    cough gives a 2-day follow-up."""
    f = case.get("findings") or {}
    birth = dt.date.fromisoformat(case["birth_date"])
    visit = dt.date.fromisoformat(case["visit_date"])
    days = (visit - birth).days
    refer = bool(f.get("uji_rujuk"))
    return {"chart": "2022", "pathway": "balita", "age": {"days": days, "months": days // 31},
            "classifications": [{"module": "tanda_bahaya", "code": "PENYAKIT_SANGAT_BERAT",
                                 "label": "PENYAKIT SANGAT BERAT", "colour": "merah",
                                 "rule": "2022.tanda_bahaya.PENYAKIT_SANGAT_BERAT", "because": []}] if refer else [],
            "refer_urgently": refer,
            "incomplete": [{"module": m, "missing": ["x"]} for m in f.get("uji_belum", [])],
            "follow_up_days": 2 if f.get("batuk") else None,
            "treatments": [{"code": c, "label": c.title(), "dose": None} for c in f.get("uji_obat", [])]}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[dt.datetime]:
    """The register's clock (`register._now`), set by the test."""
    now = [dt.datetime(2026, 9, 1, 8, 0)]
    monkeypatch.setattr(register_module, "_now", lambda: now[0])
    return now


def make_register(path: Path, clock: list[dt.datetime]) -> Register:
    reg = Register.open(path, create=True, classifier=classifier)
    reg.set_facility(actor="uji", **FACILITY)
    birth = "2024-01-15"
    ids = [reg.add_patient(name=f"Anak Mutu {i}", sex="LP"[i % 2], birth_date=birth, actor="uji", today=TODAY)
           for i in range(8)]

    def case(day: str, findings: dict, **measures: float) -> dict:
        return {"visit_date": day, "birth_date": birth, "findings": findings, **measures}

    def visit(pid: int, day: str, findings: dict, *, draft_at: str | None = None, saved_at: str,
              worker: str = "bidan", **measures: float) -> int:
        c = case(day, findings, **measures)
        draft = None
        if draft_at:
            clock[0] = dt.datetime.fromisoformat(f"{day}T{draft_at}")
            draft = reg.save_draft(patient_id=pid, case=c, section="batuk", actor=worker)
        clock[0] = dt.datetime.fromisoformat(f"{day}T{saved_at}")
        return reg.save_visit(patient_id=pid, case=c, actor=worker, draft_id=draft, today=TODAY)

    full = dict(weight_kg=11.0, temperature_c=36.8)
    # September: five visits.
    v1 = visit(ids[0], "2026-09-10", {"batuk": True, "napas_per_menit": 44, "uji_obat": ["AMOKSISILIN", "PARASETAMOL"]},
               draft_at="09:00:00", saved_at="09:10:00", **full)               # 10 min
    visit(ids[1], "2026-09-10", {"batuk": True, "uji_belum": ["batuk"], "uji_obat": ["PARASETAMOL"]},
          draft_at="09:30:00", saved_at="09:50:00", temperature_c=37.0)         # 20 min, no weight
    v3 = visit(ids[2], "2026-09-11", {"uji_belum": ["imunisasi"], "uji_obat": ["PELEGA_TENGGOROKAN"]},
               saved_at="10:00:00", weight_kg=10.5)
    v4 = visit(ids[3], "2026-09-11", {}, draft_at="10:00:00", saved_at="14:00:00", worker="ns",
               **full)                                                          # 240 min: left out
    v5 = visit(ids[0], "2026-09-13", {"uji_obat": ["PELEGA_TENGGOROKAN"]}, saved_at="08:30:00",
               **full)                                                          # v1's follow-up, kept
    # What was given (issue 17): v1 as the chart says but one item out of stock; v3 an antibiotic
    # for a child whose chart gives none; v5 something else, not an antibiotic; v2 not recorded.
    later = dt.datetime(2026, 9, 30, 12, 0)
    reg.record_given(v1, [{"code": "AMOKSISILIN", "outcome": "diberikan"},
                          {"code": "PARASETAMOL", "outcome": "tidak_diberikan", "reason": "stok habis"}],
                     actor="bidan", now=later)
    reg.record_given(v3, [{"code": "PELEGA_TENGGOROKAN", "outcome": "diberikan"},
                          {"code": None, "outcome": "tambahan", "note": "Amoxicillin sirup 3x1 cth"}],
                     actor="bidan", now=later)
    reg.record_given(v5, [{"code": "PELEGA_TENGGOROKAN", "outcome": "diberikan_lain",
                           "note": "madu dan air hangat"}], actor="bidan", now=later)
    clock[0] = dt.datetime(2026, 9, 20, 8, 0)
    reg.correct_visit(v4, case=case("2026-09-11", {}, **full), actor="ns", reason="salah ketik")
    # October: one complete visit (without a draft).
    visit(ids[4], "2026-10-05", {}, saved_at="09:00:00", **full)
    # Urgent referrals (Oct): one answered, one unanswered for weeks, one made yesterday (not judged yet).
    answered = visit(ids[5], "2026-10-06", {"uji_rujuk": True}, saved_at="10:00:00", **full)
    visit(ids[6], "2026-10-07", {"uji_rujuk": True}, saved_at="10:00:00", **full)
    visit(ids[7], "2026-10-30", {"uji_rujuk": True}, saved_at="10:00:00", **full)
    reg.record_referral_reply(answered, received_date="2026-10-09", outcome="dirawat_inap", actor="bidan",
                              today=TODAY)
    # Drafts: discarded (Sept), left open since Sept, open but recent (Oct).
    clock[0] = dt.datetime(2026, 9, 5, 9, 0)
    gone = reg.save_draft(patient_id=ids[5], case=case("2026-09-05", {}), section="batuk", actor="bidan")
    reg.discard_draft(gone, actor="bidan")
    clock[0] = dt.datetime(2026, 9, 6, 9, 0)
    reg.save_draft(patient_id=ids[6], case=case("2026-09-06", {}), section="batuk", actor="bidan")
    clock[0] = dt.datetime(2026, 10, 30, 9, 0)
    reg.save_draft(patient_id=ids[7], case=case("2026-10-30", {}), section="batuk", actor="bidan")
    assert v1
    return reg


@pytest.fixture
def known(tmp_path: Path, clock: list[dt.datetime]) -> Path:
    path = tmp_path / "mutu.db"
    make_register(path, clock).close()
    return path


def values(report: quality.QualityReport, ind: str) -> list[tuple[int | None, int | None]]:
    return [(v.numerator, v.denominator) for v in [*report.monthly[ind], report.total[ind]]]


def test_each_indicator_hit_and_missed_per_month(known: Path) -> None:
    reg = Register.open(known)
    try:
        report = quality.compute(reg, dt.date(2026, 9, 1), dt.date(2026, 10, 31), today=TODAY)
    finally:
        reg.close()
    assert report.months == ["2026-09", "2026-10"]
    # Sept: 5 visits; the second has batuk incomplete (imunisasi of the third is not a main module).
    assert values(report, "penilaian_lengkap") == [(4, 5), (4, 4), (8, 9)]
    assert values(report, "ditimbang") == [(4, 5), (4, 4), (8, 9)]
    assert values(report, "suhu_diukur") == [(4, 5), (4, 4), (8, 9)]
    assert values(report, "napas_dihitung") == [(1, 2), (0, 0), (1, 2)]
    assert report.monthly["napas_dihitung"][1].value is None  # no coughing child in October: no value
    assert values(report, "kunjungan_dikoreksi") == [(1, 5), (0, 4), (1, 9)]
    # Two follow-ups due in Sept (both coughs, 09-12): one kept on 09-13, one never came.
    assert values(report, "kunjungan_ulang_tepat") == [(1, 2), (0, 0), (1, 2)]
    assert report.total["kunjungan_ulang_tepat"].value == 50.0
    # Minutes: 10 and 20 (240 is a draft finished hours later); visits without a draft have none.
    assert report.total["menit_konsultasi"] == quality.Value(2, 9, 15.0)
    assert report.workers == [("bidan", 2, 15.0)]
    # Drafts started: Sept 3 saved + discarded + left open = 5, abandoned 2; Oct: one still fresh.
    assert values(report, "draf_ditinggalkan") == [(2, 5), (0, 1), (2, 6)]
    # Given as recommended: AMOKSISILIN of v1 and PELEGA of v3, of the 4 recorded items (v2 unrecorded).
    assert values(report, "kesesuaian_pengobatan") == [(2, 4), (0, 0), (2, 4)]
    assert report.treatments["PARASETAMOL"] == {"recommended": 2, "given": 0, "otherwise": 0, "not_given": 1,
                                                "unrecorded": 1}
    # Antibiotics: v3 (deviation "Amoxicillin") of v3 and v5 (v1's chart gives amoxicillin itself).
    assert values(report, "antibiotik_tanpa_indikasi") == [(1, 2), (0, 0), (1, 2)]
    # Referrals: one answered, one without a reply for 24 days; yesterday's is not judged yet.
    assert values(report, "rujukan_berbalas") == [(0, 0), (1, 2), (1, 2)]


def test_a_follow_up_inside_its_grace_days_is_not_judged(known: Path) -> None:
    reg = Register.open(known)
    try:
        early = quality.compute(reg, dt.date(2026, 9, 1), dt.date(2026, 9, 30), today=dt.date(2026, 9, 13))
    finally:
        reg.close()
    # On 09-13 the child who did not come is still within due + 3 days: only the kept one counts.
    assert values(early, "kunjungan_ulang_tepat") == [(1, 1), (1, 1)]


def test_docs_hold_the_generated_definitions() -> None:
    text = (Path(__file__).resolve().parents[1] / "docs" / "quality.md").read_text(encoding="utf-8")
    assert quality.definitions_markdown() in text
    assert len({i.id for i in quality.INDICATORS}) == len(quality.INDICATORS)
    assert all(len(i.label) <= 34 for i in quality.INDICATORS)


def test_period_and_sparkline() -> None:
    assert quality.parse_period("2026-01", "2026-03", today=TODAY) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    # A period reaching past today ends today, as the Mutu screen's does (the report's title said
    # "01-10-2026 - 30-11-2026" on 31 October, a month not yet lived).
    assert quality.parse_period("2026-10", "2026-11", today=dt.date(2026, 10, 7)) == \
        (dt.date(2026, 10, 1), dt.date(2026, 10, 7))
    for args, word in ((("2026-13", "2026-12"), "--from"), (("2026-05", "2026-04-30"), "--to"),
                       (("2027-01", "2027-02"), "--from"), (("2020-01", "2026-01"), "--to")):
        with pytest.raises(quality.PeriodError) as err:
            quality.parse_period(*args, today=TODAY)
        assert err.value.message.startswith(word)
    assert quality.sparkline([0.0, 50.0, None, 100.0], top=100) == "▁▅·█"


def test_report_formats_read_back(known: Path, tmp_path: Path) -> None:
    add_account(known)
    reg = Register.open(known)
    try:
        for fmt in ("csv", "xlsx"):
            write_report(reg, dt.date(2026, 9, 1), dt.date(2026, 10, 31), fmt, tmp_path / f"m.{fmt}", actor="kepala",
                         today=TODAY)
        # A period without a visit saved from a draft: the Petugas sheet says why it is empty.
        write_report(reg, dt.date(2025, 1, 1), dt.date(2025, 1, 31), "xlsx", tmp_path / "kosong.xlsx",
                     actor="kepala", today=TODAY)
    finally:
        reg.close()
    empty = openpyxl.load_workbook(tmp_path / "kosong.xlsx")["Petugas"]
    assert empty.cell(row=2, column=1).value == "Belum ada kunjungan yang disimpan dari draf dalam periode ini."
    done = mtbs_here(known, "report", "mutu", "--from", "2026-09", "--to", "2026-10", "-o", str(tmp_path / "m.pdf"))
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader((tmp_path / "m.csv").read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    got = {(r[0], r[2]): r[3:6] for r in rows if len(r) > 5}
    assert got[("penilaian_lengkap", "2026-09")] == ["4", "5", "80,0"]
    assert got[("menit_konsultasi", "periode")] == ["2", "9", "15,0"]
    assert got[("rujukan_berbalas", "periode")] == ["1", "2", "50,0"]
    wb = openpyxl.load_workbook(tmp_path / "m.xlsx")
    sheet = wb["Indikator"]
    table = {r[0]: r[1:4] for r in sheet.iter_rows(values_only=True) if r[0]}
    assert table["Kunjungan ulang tepat waktu"] == (1, 2, 50.0)
    assert table["Antibiotik tanpa indikasi"] == (1, 2, 50.0)
    assert table["Rujukan dengan balasan"] == (1, 2, 50.0)
    # The same denominator text means the same count (the median's "Penyebut" is every final
    # visit, as its definition now says; it said "kunjungan yang disimpan dari draf" over 9 visits
    # of which 2 were timed).
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r[0] and r[7]}
    by_text: dict[str, set[int]] = {}
    for _label, _num, den, *_rest, den_text in rows.values():
        by_text.setdefault(den_text, set()).add(den)
    assert all(len(dens) == 1 for dens in by_text.values()), by_text
    assert rows["Median menit per konsultasi"][7] == rows["Penilaian lengkap"][7]
    given = {r[0]: r[2:] for r in wb["Pengobatan"].iter_rows(min_row=2, values_only=True)}
    assert given["AMOKSISILIN"] == (1, 1, 0, 0, 0, 100.0)
    assert given["PARASETAMOL"] == (2, 0, 0, 1, 1, 0.0)
    assert [r for r in wb["Petugas"].iter_rows(min_row=2, values_only=True)] == [("bidan", 2, 15.0)]
    head = next(i for i, r in enumerate(sheet.iter_rows(values_only=True), 1) if r[0] == "Indikator")
    assert_prints_on_a4(wb, {"Indikator": head})
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "m.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "INDIKATOR MUTU MTBS" in text and "Puskesmas Uji Mutu" in text
    assert "Penilaian lengkap" in text and "8/9" in text and "88,9%" in text
    assert "Median menit per konsultasi" in text and "15,0 mnt" in text
    assert "Pengobatan menurut bagan" in text and "Antibiotik tanpa indikasi" in text
    bad = mtbs_here(known, "report", "mutu", "--from", "2026-10", "--to", "2026-09")
    assert bad.returncode == 2 and bad.stderr.strip() == "galat: --to: 2026-09-30 sebelum --from 2026-10-01"


def test_consultation_minutes_start_when_the_form_was_opened(tmp_path: Path, clock: list[dt.datetime]) -> None:
    """`visits.opened_at` (v13): the form's opening time, stored with the first draft, is where
    the minutes start; a visit without it (older registers) counts from its first draft; an
    opening time after now (a clock changed) is not kept."""
    reg = Register.open(tmp_path / "menit.db", create=True, classifier=classifier)
    try:
        reg.set_facility(actor="uji", **FACILITY)
        pid = reg.add_patient(name="Anak Menit", sex="P", birth_date="2024-01-15", actor="uji", today=TODAY)
        case = {"visit_date": "2026-09-10", "birth_date": "2024-01-15", "findings": {}, "weight_kg": 11.0}

        def visit(draft_at: str, saved_at: str, opened_at: str | None) -> int:
            clock[0] = dt.datetime.fromisoformat(f"2026-09-10T{draft_at}")
            opened = dt.datetime.fromisoformat(f"2026-09-10T{opened_at}") if opened_at else None
            draft = reg.save_draft(patient_id=pid, case=case, section="batuk", actor="bidan", opened_at=opened)
            clock[0] = dt.datetime.fromisoformat(f"2026-09-10T{saved_at}")
            return reg.save_visit(patient_id=pid, case=case, actor="bidan", draft_id=draft, today=TODAY)

        first = visit("09:04:00", "09:10:00", "09:00:00")     # 10 min from opening (6 from the draft)
        visit("10:00:00", "10:20:00", None)                   # 20 min from the draft
        late = visit("11:00:00", "11:30:00", "11:45:00")      # opened "after" the draft: not kept, 30
        opened = {r[0]: r[1] for r in reg.db.execute("SELECT id, opened_at FROM visits")}
        assert opened[first] == "2026-09-10T09:00:00" and opened[late] is None
        minutes = sorted(r[-1] for r in reg.quality_visits(dt.date(2026, 9, 1), dt.date(2026, 9, 30),
                                                           main_modules=quality.MAIN_MODULES))
        assert [round(m) for m in minutes] == [10, 20, 30]
    finally:
        reg.close()
