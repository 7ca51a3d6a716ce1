"""The hospital's reply to a referral (issue 17): versions, validation, open referrals, migration."""
from __future__ import annotations

import datetime as _dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from cli_login import (
    login_env,  # noqa: F401  (autouse: `mtbs` runs log in as kepala)
)
from test_export_support import make_register

from mtbs_tui import db as dbmod
from mtbs_tui.register import FieldError, Register, RegisterError

TODAY = _dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_register(tmp_path_factory.mktemp("balasan") / "r.db", patients=10, visits=40)


@pytest.fixture
def reg(source: Path, tmp_path: Path):  # noqa: ANN201
    path = tmp_path / "r.db"
    shutil.copy(source, path)
    register = Register.open(path)
    try:
        yield register
    finally:
        register.close()


def referred(reg: Register) -> list[int]:
    return [r[0] for r in reg.db.execute(
        "SELECT id FROM visits WHERE refer_urgently = 1 AND is_current = 1 AND status = 'final' ORDER BY visit_at")]


def not_referred(reg: Register) -> int:
    return int(reg.db.execute(
        "SELECT id FROM visits WHERE refer_urgently = 0 AND is_current = 1 ORDER BY id LIMIT 1").fetchone()[0])


def rows(reg: Register) -> tuple[int, int]:
    return (reg.db.execute("SELECT count(*) FROM referral_replies").fetchone()[0],
            reg.db.execute("SELECT count(*) FROM audit").fetchone()[0])


def test_a_reply_closes_the_referral_and_the_open_list_shrinks(reg: Register) -> None:
    ids = referred(reg)
    assert len(ids) >= 3
    before = reg.open_referrals(TODAY)
    assert [r["id"] for r in before] == ids  # oldest first
    assert all(r["reply"] is None for r in before)
    visit = reg.get_visit(ids[0])
    received = _dt.date.fromisoformat(visit["visit_date"]) + _dt.timedelta(days=2)
    reply_id = reg.record_referral_reply(
        ids[0], received_date=received.isoformat(), outcome="dirawat_inap", diagnosis="Pneumonia berat",
        treatment="Oksigen, ampisilin dan gentamisin IV", advice="Kontrol ke puskesmas 3 hari setelah pulang",
        examiner="dr. Rina, Sp.A", actor="bidan", today=TODAY)
    after = reg.open_referrals(TODAY)
    assert [r["id"] for r in after] == ids[1:]
    reply = reg.referral_reply(visit["visit_uid"])
    assert reply is not None and reply["id"] == reply_id and reply["version"] == 1
    assert reply["outcome_label"] == "Dirawat inap" and reply["recorded_by"] == "bidan"
    assert reply["diagnosis"] == "Pneumonia berat" and reply["examiner"] == "dr. Rina, Sp.A"
    listed = reg.referrals_between(_dt.date(2026, 1, 1), TODAY, today=TODAY)
    assert [r["id"] for r in listed] == ids
    done = reg.referrals_between(_dt.date(2026, 1, 1), TODAY, replied=True, today=TODAY)
    assert [r["id"] for r in done] == [ids[0]] and done[0]["reply"]["days_to_reply"] == 2
    assert [r["id"] for r in reg.referrals_between(_dt.date(2026, 1, 1), TODAY, replied=False)] == ids[1:]
    last = reg.audit_log(limit=1)[0]
    assert (last["action"], last["actor"], last["patient_id"]) == ("rujukan.balasan", "bidan", visit["patient_id"])
    # The audit names the visit, never the clinical content of the reply.
    assert "Pneumonia" not in (last["detail"] or "") and "inap" not in (last["detail"] or "")


def test_a_correction_is_a_new_version_with_a_reason(reg: Register) -> None:
    vid = referred(reg)[0]
    visit = reg.get_visit(vid)
    day = visit["visit_date"]
    first = reg.record_referral_reply(vid, received_date=day, outcome="rawat_jalan", actor="bidan", today=TODAY)
    before = rows(reg)
    with pytest.raises(FieldError) as err:
        reg.record_referral_reply(vid, received_date=day, outcome="dirawat_inap", actor="bidan", today=TODAY)
    assert err.value.field == "reason" and rows(reg) == before
    second = reg.record_referral_reply(vid, received_date=day, outcome="dirawat_inap", actor="kepala",
                                       reason="salah baca slip", today=TODAY)
    versions = reg.referral_reply_versions(visit["visit_uid"])
    assert [(v["id"], v["version"], v["is_current"], v["outcome"]) for v in versions] == [
        (first, 1, 0, "rawat_jalan"), (second, 2, 1, "dirawat_inap")]
    assert versions[1]["supersedes_id"] == first and versions[1]["correction_reason"] == "salah baca slip"
    assert reg.referral_reply(visit["visit_uid"])["id"] == second
    assert reg.audit_log(limit=1)[0]["action"] == "rujukan.balasan_koreksi"
    # The reply belongs to the referral, not to one version of the visit: a corrected visit keeps it.
    new_vid = reg.correct_visit(vid, case=visit["case"], actor="kepala", reason="berat badan")
    assert reg.referral_reply(reg.get_visit(new_vid)["visit_uid"])["id"] == second
    assert vid not in [r["id"] for r in reg.open_referrals(TODAY)]
    assert new_vid not in [r["id"] for r in reg.open_referrals(TODAY)]


@pytest.mark.parametrize(("case", "field"), [
    ("not_referred", None), ("before", "received_date"), ("future", "received_date"),
    ("outcome", "outcome"), ("format", "received_date"), ("missing", None), ("long", "diagnosis"),
])
def test_bad_input_writes_nothing(reg: Register, case: str, field: str | None) -> None:
    vid = referred(reg)[0]
    day = _dt.date.fromisoformat(reg.get_visit(vid)["visit_date"])
    args = dict(received_date=day.isoformat(), outcome="rawat_jalan", actor="bidan", today=TODAY)
    if case == "not_referred":
        vid = not_referred(reg)
    elif case == "before":
        args["received_date"] = (day - _dt.timedelta(days=1)).isoformat()
    elif case == "future":
        args["received_date"] = (TODAY + _dt.timedelta(days=1)).isoformat()
    elif case == "outcome":
        args["outcome"] = "sembuh"
    elif case == "format":
        args["received_date"] = "20-11-2026"
    elif case == "missing":
        vid = 10**9
    elif case == "long":
        args["diagnosis"] = "x" * 501
    before = rows(reg)
    with pytest.raises(RegisterError) as err:
        reg.record_referral_reply(vid, **args)
    assert rows(reg) == before
    message = str(err.value)
    assert len(message.splitlines()) == 1
    if field is not None:
        assert isinstance(err.value, FieldError) and err.value.field == field
    if case == "not_referred":
        assert "tidak dirujuk" in message
    if case == "before":
        assert "tidak boleh sebelum tanggal rujukan" in message and day.isoformat() in message
    if case == "outcome":
        assert "tidak_datang" in message  # the allowed values are named


def test_open_referrals_name_the_destination_and_its_phone(reg: Register) -> None:
    vid = referred(reg)[0]
    rs = reg.add_referral_facility(name="RSUD Sukamaju", kind="rs", phone="0274 555 123", actor="kepala")
    reg.set_referral_destination(vid, rs, actor="bidan")
    row = next(r for r in reg.open_referrals(TODAY) if r["id"] == vid)
    assert (row["destination"], row["destination_phone"]) == ("RSUD Sukamaju", "0274555123")
    assert row["treatments"]  # what the chart gave before the referral, for the referral log


def test_days_open_and_the_flag_follow_the_setting(reg: Register) -> None:
    first = reg.open_referrals(TODAY)[0]
    assert first["days_open"] == (TODAY - _dt.date.fromisoformat(first["visit_date"])).days
    assert reg.referral_reply_days() == 3
    day = _dt.date.fromisoformat(first["visit_date"])
    assert [r["overdue"] for r in reg.open_referrals(day + _dt.timedelta(days=2))][:1] == [False]
    assert [r["overdue"] for r in reg.open_referrals(day + _dt.timedelta(days=3))][:1] == [True]
    reg.set_setting("referral_reply_days", "7", actor="kepala")
    assert reg.referral_reply_days() == 7
    assert [r["overdue"] for r in reg.open_referrals(day + _dt.timedelta(days=6))][:1] == [False]
    reg.set_setting("referral_reply_days", "bukan angka", actor="kepala")
    assert reg.referral_reply_days() == 3
    assert reg.open_referrals(TODAY, since=TODAY) == []


def test_the_child_coming_back_without_a_reply(reg: Register) -> None:
    vid = referred(reg)[-1]
    visit = reg.get_visit(vid)
    open_one = reg.unanswered_referral(visit["patient_id"])
    assert open_one is not None and open_one["id"] == vid
    earlier = reg.unanswered_referral(visit["patient_id"], before=visit["visit_at"])
    assert earlier is None or earlier["visit_at"] < visit["visit_at"]
    for other in referred(reg):
        if reg.get_visit(other)["patient_id"] == visit["patient_id"]:
            reg.record_referral_reply(other, received_date=reg.get_visit(other)["visit_date"],
                                      outcome="tidak_datang", actor="bidan", today=TODAY)
    assert reg.unanswered_referral(visit["patient_id"]) is None


def test_migration_from_v8_keeps_the_referrals_open(tmp_path: Path) -> None:
    path = tmp_path / "lama.db"
    opened = dbmod.connect(path, create=True, target_version=8)
    db = opened.db
    with dbmod.write(db):
        db.execute("INSERT INTO patients(id, mrn, name, sex, birth_date, created_at, updated_at) VALUES "
                   "(1, 'RM000001', 'Anak Lama', 'L', '2025-01-01', '2026-01-01T08:00:00', '2026-01-01T08:00:00')")
        db.execute(
            "INSERT INTO visits(id, visit_uid, patient_id, visit_at, visit_date, pathway, kind, chart, case_json,"
            " findings_json, result_json, refer_urgently, status, recorded_by, created_at, updated_at)"
            " VALUES (1, 'uid1', 1, '2026-02-01T09:00:00', '2026-02-01', 'balita', 'pertama', '2022', '{}', '{}',"
            " '{}', 1, 'final', 'bd', '2026-02-01T09:00:00', '2026-02-01T09:00:00')")
        db.execute("INSERT INTO referrals(visit_id, reason, destination, referred_at) VALUES "
                   "(1, 'PNEUMONIA BERAT', 'RSUD Lama', '2026-02-01T09:00:00')")
    dbmod.close(db)
    reg = Register.open(path, backup_dir=tmp_path / "cadangan")
    try:
        assert reg.migrated_from == 8 and reg.schema_version == dbmod.SCHEMA_VERSION
        [row] = reg.open_referrals(_dt.date(2026, 2, 10))
        assert (row["id"], row["destination"], row["reason"], row["days_open"], row["overdue"]) == (
            1, "RSUD Lama", "PNEUMONIA BERAT", 9, True)
        reg.record_referral_reply(1, received_date="2026-02-03", outcome="meninggal", actor="bd",
                                  today=_dt.date(2026, 2, 10))
        assert reg.open_referrals(_dt.date(2026, 2, 10)) == []
        assert dbmod.row_errors(reg.db.conn) == []
    finally:
        reg.close()
    conn = sqlite3.connect(path)
    try:
        plan = " ".join(str(r) for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM visits WHERE is_current = 1 AND status = 'final' "
            "AND refer_urgently = 1 AND visit_at >= '' ORDER BY visit_at"))
    finally:
        conn.close()
    assert "visits_referred" in plan


def test_cli_reply_and_open_list(source: Path, tmp_path: Path, mtbs_here) -> None:  # noqa: ANN001
    """`mtbs referral open/reply/setelan` in this process (`cli.main`, what the console script calls;
    test_referral_log_and_register_export_read_back runs the console script itself)."""
    db = tmp_path / "r.db"
    shutil.copy(source, db)
    reg = Register.open(db)
    try:
        ids = referred(reg)
        day = reg.get_visit(ids[0])["visit_date"]
        plain = not_referred(reg)
        pkm = reg.add_referral_facility(name="Puskesmas Rawat Inap Oesao", kind="puskesmas", phone="0380 123 456",
                                        actor="kepala")
        reg.set_referral_destination(ids[0], pkm, actor="bidan")
    finally:
        reg.close()
    listed = mtbs_here(db, "referral", "open")
    assert listed.returncode == 0, listed.stderr
    # the destination's phone, not called a hospital's ("telp RS") when the destination is a puskesmas
    assert "Puskesmas Rawat Inap Oesao (telp faskes 0380123456)" in listed.stdout and "telp RS" not in listed.stdout
    assert listed.stdout.splitlines()[0].startswith(f"{len(ids)} rujukan belum ada balasan")
    assert f"kunjungan {ids[0]} " in listed.stdout and "BELUM ADA BALASAN" in listed.stdout
    before = rows_in(db)
    for args, expected in (
        ([str(plain), "--tanggal", day, "--hasil", "rawat_jalan"], "tidak dirujuk"),
        ([str(ids[0]), "--tanggal", "2000-01-01", "--hasil", "rawat_jalan"], "galat: --tanggal: tanggal balasan"),
        ([str(ids[0]), "--tanggal", day, "--hasil", "sembuh"], "galat: --hasil: hasil 'sembuh' tidak dikenal"),
    ):
        done = mtbs_here(db, "referral", "reply", *args)
        assert done.returncode == 2 and done.stdout == "", done
        assert len(done.stderr.splitlines()) == 1 and expected in done.stderr, done.stderr
    assert rows_in(db) == before  # nothing written, not even an audit entry besides the logins
    done = mtbs_here(db, "referral", "reply", str(ids[0]), "--tanggal", day, "--hasil", "dirawat-inap",
                "--diagnosis", "Pneumonia berat", "--anjuran", "Kontrol 3 hari")
    assert done.returncode == 0, done.stderr
    assert "Balasan rujukan tersimpan (versi 1)" in done.stdout and "Dirawat inap" in done.stdout
    fixed = mtbs_here(db, "referral", "reply", str(ids[0]), "--tanggal", day, "--hasil", "meninggal", "--alasan", "x")
    assert fixed.returncode == 0 and "versi 2" in fixed.stdout
    after = mtbs_here(db, "referral", "open")
    assert after.stdout.splitlines()[0].startswith(f"{len(ids) - 1} rujukan") and f"kunjungan {ids[0]} " not in after.stdout
    # The head sets the days after which a referral is flagged (a setting of the register, audited).
    assert mtbs_here(db, "referral", "setelan", "--hari-balasan", "5").returncode == 0
    assert "(ditandai setelah 5 hari)" in mtbs_here(db, "referral", "open").stdout
    assert rows_in(db)[1][-1] == "rujukan.terbuka.lihat" and "pengaturan.ubah" in rows_in(db)[1]


def rows_in(db: Path) -> tuple[int, list[str]]:
    conn = sqlite3.connect(db)
    try:
        return (conn.execute("SELECT count(*) FROM referral_replies").fetchone()[0],
                [r[0] for r in conn.execute("SELECT action FROM audit WHERE action != 'login'")])
    finally:
        conn.close()


def test_the_demo_answers_most_referrals_and_leaves_some_open(tmp_path: Path) -> None:
    from mtbs_tui.demo import generate

    today = _dt.date(2026, 11, 20)
    reg = Register.open(tmp_path / "demo.db", create=True)
    try:
        stats = generate(reg, patients=80, visits=600, today=today, now=_dt.datetime(2026, 11, 20, 9, 0))
        every = reg.referrals_between(_dt.date(2020, 1, 1), today, today=today)
        replies = [r["reply"] for r in every if r["reply"]]
        assert stats.replies == len(replies) > 0
        # Never answered: old referrals without a reply; and the last days' are still open.
        assert any(r["reply"] is None and r["days_open"] > 10 for r in every)
        assert all(r["reply"] is None for r in every if r["days_open"] < 1)
        assert {r["outcome"] for r in replies} >= {"dirawat_inap", "tidak_datang"}
        for r in replies:
            assert r["days_to_reply"] >= 1 and r["received_date"] <= today.isoformat()
            assert (r["diagnosis"] is None) == (r["outcome"] == "tidak_datang")
        actions = [a["action"] for a in reg.audit_log(limit=10_000)]
        assert actions.count("rujukan.balasan") == len(replies)
    finally:
        reg.close()


def test_referral_log_and_register_export_read_back(source: Path, tmp_path: Path, mtbs_here) -> None:  # noqa: ANN001
    """`mtbs export rujukan` (the buku register rujukan) and the register export's referral columns,
    opened with openpyxl / the csv module, agree with the register."""
    import csv

    import openpyxl

    from mtbs_tui.documents.export import export_register
    from mtbs_tui.documents.export import headers as register_headers
    from mtbs_tui.documents.referral_log import headers

    db = tmp_path / "r.db"
    shutil.copy(source, db)
    reg = Register.open(db)
    try:
        ids = referred(reg)
        first = reg.get_visit(ids[0])
        received = (_dt.date.fromisoformat(first["visit_date"]) + _dt.timedelta(days=4)).isoformat()
        reg.record_referral_reply(ids[0], received_date=received, outcome="dirujuk_lagi", diagnosis="=Sepsis",
                                  referred_to="RSUP Kupang", examiner="dr. Rina", actor="bidan", today=TODAY)
        export_register(reg, _dt.date(2026, 1, 1), TODAY, "xlsx", tmp_path / "register.xlsx", today=TODAY)
    finally:
        reg.close()
    for fmt in ("xlsx", "csv", "pdf"):
        done = mtbs_here(db, "export", "rujukan", "--from", "2026-01-01", "--to", TODAY.isoformat(), "--format", fmt,
                         "-o", str(tmp_path / f"rujukan.{fmt}"))
        assert done.returncode == 0, done.stderr
        assert f"{len(ids)} rujukan tersimpan" in done.stdout
    book = openpyxl.load_workbook(tmp_path / "rujukan.xlsx")
    from xlsx_print import assert_prints_on_a4

    assert_prints_on_a4(book)  # 24 columns: 70 % over pages, the frozen identity columns on each
    assert book.active.print_title_cols == "$A:$E"
    sheet = book.active
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(table) if r[0] == "No.")
    assert table[top] == headers()
    body = [dict(zip(headers(), r)) for r in table[top + 1:] if r[0] is not None]
    assert [r["No."] for r in body] == list(range(1, len(ids) + 1))
    replied = body[0]
    assert replied["Tanggal rujukan"].date().isoformat() == first["visit_date"]
    assert replied["Tanggal balasan"].date().isoformat() == received and replied["Hari sampai balasan"] == 4
    assert (replied["Hasil"], replied["Dirujuk lagi ke"], replied["Diagnosis rumah sakit"]) == (
        "Dirujuk lagi", "RSUP Kupang", "=Sepsis")
    assert replied["No. RM"] == first["patient"]["mrn"] and replied["Tindakan sebelum dirujuk"]
    assert all(r["Keterangan"].startswith("BELUM ADA BALASAN") for r in body[1:])
    with open(tmp_path / "rujukan.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == headers() and len(rows) == len(ids) + 1
    assert rows[1][headers().index("Diagnosis rumah sakit")] == "'=Sepsis"  # never a formula in Excel
    # ISO dates as in the register export's CSV (a date under every locale; "11-11-2026" is not one
    # for an English Excel, and "03-11-2026" becomes 11 March)
    assert (rows[1][headers().index("Tanggal rujukan")], rows[1][headers().index("Tanggal balasan")]) == (
        first["visit_date"], received)
    # PDF (A4 landscape): every referral, the reply, the dates whole (checked by eye at 60 dpi too).
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(str(tmp_path / "rujukan.pdf")).pages)
    assert "BUKU REGISTER RUJUKAN" in text and first["patient"]["name"] in text
    assert "Dirujuk lagi" in text and "Dirujuk lagi ke RSUP Kupang" in text and "(4 hari)" in text
    assert _dt.date.fromisoformat(first["visit_date"]).strftime("%d-%m-%Y") in text
    assert text.count("BELUM ADA") == len(ids) - 1
    # The register export: destination, letter number, outcome and days to reply beside "Rujukan".
    sheet = openpyxl.load_workbook(tmp_path / "register.xlsx").active
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(table) if r[0] == "No.")
    cols = register_headers()
    assert table[top] == cols
    referred_rows = [dict(zip(cols, r)) for r in table[top + 1:] if r[cols.index("Rujukan")] == "Rujuk segera"]
    assert len(referred_rows) == len(ids)
    outcomes = sorted(str(r["Balasan rujukan"]) for r in referred_rows)
    assert outcomes == sorted(["Dirujuk lagi"] + ["Belum ada balasan"] * (len(ids) - 1))
    assert [r["Hari sampai balasan"] for r in referred_rows if r["Balasan rujukan"] == "Dirujuk lagi"] == [4]
    assert all(r["Balasan rujukan"] is None for r in (dict(zip(cols, x)) for x in table[top + 1:] if x[0])
               if r["Rujukan"] != "Rujuk segera")


def test_reply_draft_kept_replaced_and_removed_by_the_saved_reply(reg: Register) -> None:
    """The reply form's draft (schema v14): one row per referral, replaced as she types, an empty
    form removes it, the saved reply removes it in its own transaction, a discard removes it."""
    first, second = referred(reg)[:2]
    uid = reg.get_visit(first)["visit_uid"]
    other = reg.get_visit(second)["visit_uid"]
    assert reg.reply_draft(uid) is None
    reg.save_reply_draft(uid, {"outcome": "2", "diagnosis": "Bronko", "advice": " "}, actor="bidan")
    reg.save_reply_draft(uid, {"outcome": "2", "diagnosis": "Bronkopneumonia"}, actor="bidan")
    reg.save_reply_draft(other, {"outcome": "4"}, actor="bidan")
    assert reg.reply_draft(uid) == {"diagnosis": "Bronkopneumonia", "outcome": "2"}
    with pytest.raises(FieldError):
        reg.save_reply_draft(uid, {"diagnosis": "x" * 201}, actor="bidan")
    assert reg.reply_draft(uid) == {"diagnosis": "Bronkopneumonia", "outcome": "2"}
    reg.record_referral_reply(first, received_date=TODAY, outcome="rawat_jalan", diagnosis="Bronkopneumonia",
                              actor="bidan", today=TODAY)
    assert reg.reply_draft(uid) is None and reg.reply_draft(other) == {"outcome": "4"}
    reg.save_reply_draft(other, {"outcome": ""}, actor="bidan")
    assert reg.reply_draft(other) is None
    reg.save_reply_draft(other, {"outcome": "4"}, actor="bidan")
    reg.discard_reply_draft(other)
    assert reg.db.execute("SELECT count(*) FROM referral_reply_drafts").fetchone()[0] == 0


def test_summary_pending_kept_with_the_draft_and_cleared_by_the_final_save(reg: Register) -> None:
    pid = reg.db.execute("SELECT id FROM patients LIMIT 1").fetchone()[0]
    draft = reg.save_draft(patient_id=pid, case={"findings": {}}, section="data", actor="bidan")
    given = [{"code": "PARASETAMOL", "outcome": "diberikan", "given_at": "2026-11-20T09:00:00"}]
    reg.save_draft_pending(draft, given=given, destination=None, actor="bidan")
    assert reg.get_draft(draft)["pending"] == {"given": given, "destination": None}
    with pytest.raises(FieldError):
        reg.save_draft_pending(draft, given=given, destination="rs", actor="bidan")
    reg.save_draft_pending(draft, given=[], destination="auto", actor="bidan")
    assert reg.get_draft(draft)["pending"] == {}
    final = next(v for v in referred(reg))
    with pytest.raises(RegisterError):
        reg.save_draft_pending(final, given=given, destination="auto", actor="bidan")
