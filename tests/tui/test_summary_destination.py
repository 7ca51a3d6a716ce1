"""The destination of a referred child on the summary (issue 17 item 2), through Pilot at 80x24:
the default needs no key (F10 saves it with the visit), `r` and a digit pick another before or
after saving, 0 leaves it to be written by hand; a visit that is not referred gets no new key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import open_summary, type_keys
from form_app import GatedFormApp, fixed_classify, months_ago, open_register, press_list, screen_text

from mtbs_tui.screens.destination import DestinationPicker
from mtbs_tui.screens.summary import SaveRequest, SummaryScreen
from mtbs_tui.screens.visit_form import VisitFormScreen

# Data, then the ninth danger sign "ya" (fixed_classify: merah, refer urgently), then F9.
REFERRED = "11 enter 80 enter 37 enter 14 enter 46 enter t t t t t t t t y f9"


def referred_case(patient: dict, visit_date: str) -> dict:
    """The case REFERRED's keys record ("penurunan kesadaran" is answered by "tidak berinteraksi");
    test_the_default_needs_no_key_and_r_picks_another_before_and_after_saving types REFERRED and
    checks it gives this case."""
    signs = ("tidak_bisa_minum", "memuntahkan_semua", "riwayat_kejang", "sedang_kejang", "tidak_berinteraksi",
             "penurunan_kesadaran", "tidak_bersuara_atau_tangis_melengking", "rewel_tidak_dapat_ditenangkan",
             "tatapan_kosong")
    return {"birth_date": patient["birth_date"], "sex": patient["sex"], "visit_date": visit_date, "chart": "2022",
            "malaria_area": "non_endemis", "weight_kg": 11.0, "length_cm": 80.0, "length_position": "berdiri",
            "temperature_c": 37.0, "muac_cm": 14.0, "head_circumference_cm": 46.0,
            "findings": {**dict.fromkeys(signs, False), "tarikan_dinding_dada": True}}


def referred_draft(reg, pid: int) -> int:
    """A draft holding REFERRED's answers, written through the register as the form's autosave
    writes it; opened with ``VisitFormScreen(pid, draft_id=...)`` (the form's resume path), F9
    shows the summary REFERRED's keys reach."""
    case = referred_case(reg.get_patient(pid), dt.date.today().isoformat())
    return reg.save_draft(patient_id=pid, case=case, section="tanda_bahaya", actor="Bd. Uji",
                          opened_at=dt.datetime.now())


def with_facilities(tmp_path: Path) -> tuple[object, int, dict[str, int]]:
    reg = open_register(tmp_path, classifier=fixed_classify)
    ids = {
        "wates": reg.add_referral_facility(name="RSUD Wates", kind="rs", address="Jl. Tentara Pelajar 1",
                                           phone="0274773169", actor="kepala"),
        "sadewa": reg.add_referral_facility(name="RSIA Sadewa", kind="rsia", actor="kepala"),
        "galur": reg.add_referral_facility(name="Puskesmas Galur I", kind="pkm_ranap", actor="kepala"),
    }
    pid = reg.add_patient(name="Putra", sex="L", birth_date=months_ago(24), actor="t")
    return reg, pid, ids


def destination(reg: object) -> list[tuple]:
    return reg.db.execute("SELECT facility_id, destination, destination_by FROM referrals").fetchall()


async def test_the_default_needs_no_key_and_r_picks_another_before_and_after_saving(tmp_path: Path) -> None:
    reg, pid, ids = with_facilities(tmp_path)
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_keys(pilot, *press_list(REFERRED))
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        # What the other tests prepare (referred_draft) is what typing REFERRED gives.
        [(typed_draft,)] = reg.db.execute("SELECT id FROM visits WHERE status = 'draft'").fetchall()
        assert reg.get_draft(typed_draft)["case"] == referred_case(reg.get_patient(pid), dt.date.today().isoformat())
        lines = screen_text(app).splitlines()
        # Under the red banner, in view at 80x24: the default with its address; the key on the edge.
        assert "MERAH - RUJUK SEGERA" in lines[1]
        assert "Tujuan rujukan" in lines[2]
        assert "RSUD Wates (RS, bawaan) · Jl. Tentara Pelajar 1 · 0274773169" in lines[3]
        assert "r pilih lain (3)" in lines[4]
        assert "r Tujuan" in lines[-1] and all(len(line) <= 80 for line in lines)
        # r, then a digit: the list is in name order after the default (Galur, Sadewa).
        await type_keys(pilot, "r")
        await pilot.pause()
        assert isinstance(app.screen, DestinationPicker)
        text = screen_text(app)
        assert "1 RSUD Wates (RS, bawaan)" in text and "3 RSIA Sadewa (RSIA)" in text
        assert "0 Belum ditentukan: ditulis tangan di surat rujukan" in text
        await type_keys(pilot, "escape")  # nothing changes
        await pilot.pause()
        assert "RSUD Wates (RS, bawaan)" in screen_text(app)
        await type_keys(pilot, "r", "3")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "RSIA Sadewa (RSIA)" in screen_text(app).splitlines()[3]
        assert destination(reg) == []  # nothing is written before F10
        await type_keys(pilot, "f10")
        await pilot.pause()
        assert destination(reg) == [(ids["sadewa"], "RSIA Sadewa", "Bd. Uji")]
        # After saving, r still changes it (the hospital is full): at once, audited.
        await type_keys(pilot, "r", "2")
        await pilot.pause()
        assert "Tujuan rujukan tersimpan: Puskesmas Galur I." in screen_text(app)
        assert destination(reg) == [(ids["galur"], "Puskesmas Galur I", "Bd. Uji")]
        await type_keys(pilot, "r", "0")
        await pilot.pause()
        assert "Tujuan rujukan tersimpan: ditulis tangan." in screen_text(app)
        assert destination(reg) == [(None, None, "Bd. Uji")]
    actions = [r[0] for r in reg.db.execute("SELECT action FROM audit WHERE action LIKE 'rujukan.%' ORDER BY id")]
    assert actions == ["rujukan.tujuan"] * 3


async def test_f10_alone_saves_the_default(tmp_path: Path) -> None:
    reg, pid, ids = with_facilities(tmp_path)
    draft = referred_draft(reg, pid)
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid, draft_id=draft))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_summary(pilot)
        await type_keys(pilot, "f10")
        await pilot.pause()
        assert "Tersimpan" in screen_text(app)
    assert destination(reg) == [(ids["wates"], "RSUD Wates", "Bd. Uji")]


async def test_without_a_list_the_letter_is_written_by_hand(tmp_path: Path) -> None:
    reg = open_register(tmp_path, classifier=fixed_classify)
    pid = reg.add_patient(name="Putra", sex="L", birth_date=months_ago(24), actor="t")
    draft = referred_draft(reg, pid)
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid, draft_id=draft))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_summary(pilot)
        await pilot.pause()
        text = screen_text(app)
        assert "Belum ada daftar fasilitas rujukan; tujuan ditulis tangan di surat." in " ".join(text.split())
        assert "r Tujuan" not in text  # nothing to pick from
        await type_keys(pilot, "r")  # ignored
        await type_keys(pilot, "f10")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen) and "Tersimpan" in screen_text(app)
    assert destination(reg) == [(None, None, None)]


async def test_a_visit_not_referred_has_no_destination_box_and_no_new_key(tmp_path: Path) -> None:
    reg, pid, _ids = with_facilities(tmp_path)
    patient = reg.get_patient(pid)
    result = {"classifications": [{"module": "batuk", "code": "PNEUMONIA", "label": "PNEUMONIA",
                                   "colour": "kuning"}], "treatments": [], "refer_urgently": False}
    request = SaveRequest(patient_id=pid, patient=patient, case={"visit_date": "2026-11-23"}, result=result)
    app = GatedFormApp(reg, lambda: SummaryScreen(request))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Tujuan" not in text and not app.screen.query("#sum-tujuan")
        await type_keys(pilot, "r")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)


async def test_a_saved_referral_shows_its_destination_and_r_changes_it(tmp_path: Path) -> None:
    from mtbs_tui.screens.register_view import VisitScreen

    reg, pid, ids = with_facilities(tmp_path)
    case = {"visit_date": dt.date.today().isoformat(), "findings": {"tarikan_dinding_dada": True}}
    vid = reg.save_visit(patient_id=pid, case=case, actor="Bd. Uji", destination_id=ids["galur"])
    assert reg.get_visit(vid)["refer_urgently"]
    from conftest import make_app

    app = make_app(reg, user="bidan.sari", offer_drafts=False)  # the real shell (top bar, gate)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(VisitScreen(vid))
        await pilot.pause()
        text = screen_text(app)
        assert "Tujuan rujukan: Puskesmas Galur I" in text and "r ganti tujuan rujukan" in text
        await type_keys(pilot, "r")
        await pilot.pause()
        assert isinstance(app.screen, DestinationPicker)
        await type_keys(pilot, "1")
        await pilot.pause()
        text = screen_text(app)
        assert "Tujuan rujukan: RSUD Wates · telp. 0274773169" in text and "(tersimpan)" in text
    assert destination(reg) == [(ids["wates"], "RSUD Wates", "bidan.sari")]


async def test_a_correction_starts_from_where_the_child_was_sent(tmp_path: Path) -> None:
    reg, pid, ids = with_facilities(tmp_path)
    today = dt.date.today().isoformat()
    referred = reg.save_visit(patient_id=pid, case={"visit_date": today, "findings": {"tarikan_dinding_dada": True}},
                              actor="Bd. Uji", destination_id=ids["sadewa"])
    plain = reg.save_visit(patient_id=pid, case={"visit_date": today, "findings": {"tidak_bisa_minum": False}},
                           actor="Bd. Uji")
    result = reg.get_visit(referred)["result"]
    patient = reg.get_patient(pid)
    for visit_id, shown in ((referred, "RSIA Sadewa (RSIA)"), (plain, "RSUD Wates (RS, bawaan)")):
        request = SaveRequest(patient_id=pid, patient=patient, case={"visit_date": today}, result=result,
                              correct_visit_id=visit_id)
        app = GatedFormApp(reg, lambda request=request: SummaryScreen(request))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert shown in screen_text(app).splitlines()[3], visit_id


async def test_the_pick_survives_going_back_to_the_form(tmp_path: Path) -> None:
    reg, pid, ids = with_facilities(tmp_path)
    draft = referred_draft(reg, pid)
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid, draft_id=draft))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_summary(pilot)
        await type_keys(pilot, "r", "3", "escape")
        await pilot.pause()
        assert isinstance(app.screen, VisitFormScreen)
        await open_summary(pilot)
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "RSIA Sadewa (RSIA)" in screen_text(app).splitlines()[3]
        await type_keys(pilot, "f10")
        await pilot.pause()
    assert destination(reg) == [(ids["sadewa"], "RSIA Sadewa", "Bd. Uji")]


async def test_a_destination_picked_before_f10_survives_a_crash(tmp_path: Path) -> None:
    """Issue 14's promise: `r 3` before F10 goes into the visit's draft at once; after the app went
    away without F10 (a crash) the resumed draft's summary shows the same pick and F10 saves it."""
    reg, pid, ids = with_facilities(tmp_path)
    draft = referred_draft(reg, pid)
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid, draft_id=draft))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_summary(pilot)
        await pilot.pause()
        await type_keys(pilot, "r", "3")
        await pilot.pause()
        assert "RSIA Sadewa (RSIA)" in screen_text(app).splitlines()[3]
    [(draft_id,)] = reg.db.execute("SELECT id FROM visits WHERE status = 'draft'").fetchall()
    assert reg.get_draft(draft_id)["pending"]["destination"] == ids["sadewa"]
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid, draft_id=draft_id))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_summary(pilot)
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "RSIA Sadewa (RSIA)" in screen_text(app).splitlines()[3]
        await type_keys(pilot, "f10")
        await pilot.pause()
    assert destination(reg) == [(ids["sadewa"], "RSIA Sadewa", "Bd. Uji")]
