"""Issue 14 item 3: a visit is never saved without a value the nurse typed, an unconfirmed unusual
value, or a required answer. The summary names every such item, F10 refuses with one line naming
the first, and `p` goes back to it. Unusual values are asked once and the confirmation is kept
(draft and visit, `confirmed_json`). Keys only; the real chart engine."""
from __future__ import annotations

from pathlib import Path

from conftest import type_keys, until
from form_app import (
    GatedFormApp,
    months_ago,
    open_register,
    press_list,
    screen_text,
    standard_draft,
    standard_visit_keys,
)
from textual import events

from mtbs_tui.screens.summary import SummaryScreen
from mtbs_tui.screens.visit_form import VisitFormScreen
from mtbs_tui.widgets.fields import NumberField


def _statuses(reg) -> list[str]:
    return [r[0] for r in reg.db.execute("SELECT status FROM visits ORDER BY id")]


async def test_invalid_breathing_rate_refuses_f10_names_it_and_p_jumps_to_it(tmp_path: Path) -> None:
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Aisyah Putri", sex="P", birth_date=months_ago(11, 3), actor="t")
    # The standard visit but the breathing rate, resumed at the cough box (its first question).
    draft = standard_draft(reg, pid, without=("napas_per_menit",), section="batuk")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid, draft_id=draft))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.focused.key == "batuk"
        # 151 (a two-digit start like 30 would be full and move on); PgDn leaves it invalid; F9.
        await type_keys(pilot, "y", "1", "5", "1", "pagedown", "f9")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        text = screen_text(app)
        assert "Belum bisa disimpan (1)" in text
        assert "Batuk: Frekuensi napas, tidak valid (nilai 151 di luar rentang 5–150)" in text
        await type_keys(pilot, "f10")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "Belum disimpan: Frekuensi napas tidak valid" in screen_text(app)
        assert _statuses(reg) == ["draft"]
        await type_keys(pilot, "p")  # back to the form, on the breathing rate
        await pilot.pause()
        form = app.screen
        assert isinstance(form, VisitFormScreen)
        assert form.current.plan.id == "batuk" and form.focused.key == "napas_per_menit"
        await type_keys(pilot, "backspace", "backspace", "backspace", "5", "2", "enter", "f9")
        await pilot.pause()
        assert "Belum bisa disimpan" not in screen_text(app)
        await type_keys(pilot, "f10")
        await pilot.pause()
        await type_keys(pilot, "escape")  # the summary stays after saving (documents); Esc is done
        await pilot.pause()
    assert _statuses(reg) == ["final"]
    [visit_id] = app.dismissed
    assert reg.get_visit(visit_id)["case"]["findings"]["napas_per_menit"] == 52


async def test_danger_signs_not_assessed_are_listed_by_name(tmp_path: Path) -> None:
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Budi", sex="L", birth_date=months_ago(11, 3), actor="t")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.pause()
        await type_keys(pilot, *press_list("9 enter 74 enter 36,8 enter f9"))
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        problems = summary.request.problems
        assert all(p.why == "belum dinilai" for p in problems)
        # In form order: every danger sign, then the boxes. The MUAC not measured does not stop
        # the save (vocabulary.MAY_BE_UNMEASURED).
        assert "muac_cm" not in {p.key for p in problems}
        danger = [p for p in problems if p.section == "Bahaya"]
        assert problems[0] == danger[0]
        assert len(danger) >= 10 and danger[0].label.startswith("Tidak bisa minum")
        text = screen_text(app)
        assert f"Belum bisa disimpan ({len(problems)})" in text
        assert "Bahaya: " + danger[0].label in text
        await type_keys(pilot, "f10")
        await pilot.pause()
        assert _statuses(reg) == ["draft"]
        assert "Belum disimpan: Tidak bisa minum" in screen_text(app)
        await type_keys(pilot, "p")
        await pilot.pause()
        assert app.screen.focused.key == "tidak_bisa_minum"


async def test_head_circumference_and_muac_not_measured_do_not_stop_the_save(tmp_path: Path) -> None:
    """The tester's defect: Enter on an empty LK (and LiLA) refused F10 with "Lingkar kepala (LK),
    belum dinilai". The box stays incomplete in the classification; the visit is saved."""
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Eka", sex="L", birth_date=months_ago(11, 3), actor="t")
    # The standard visit with LiLA and LK left empty (Enter, Enter). Without LiLA a wasting sign
    # may be present (unknown is not no), so the gizi complications are asked: t t t.
    keys = press_list("9 enter 74 enter 36,8 enter enter enter " + "t " * 15
                      + "y 52 t t t 1 t t t 1 2 1 1 s y t f10")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_keys(pilot, *keys[:-1])
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        assert summary.request.problems == []
        assert "Belum bisa disimpan" not in screen_text(app)
        incomplete = {e["module"] for e in summary.request.result["incomplete"]}
        assert {"lingkar_kepala", "gizi"} <= incomplete
        await type_keys(pilot, "f10")
        await pilot.pause()
        await type_keys(pilot, "escape")
        await pilot.pause()
    assert _statuses(reg) == ["final"]
    [visit_id] = app.dismissed
    visit = reg.get_visit(visit_id)
    assert visit["head_circumference_cm"] is None and visit["muac_cm"] is None


async def test_weight_far_outside_the_who_range_is_asked_once_and_the_confirmation_kept(tmp_path: Path) -> None:
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Citra", sex="P", birth_date=months_ago(11, 3), actor="t")
    keys = standard_visit_keys(save=True)
    assert keys[:4] == ["9", "enter", "7", "4"]
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # 3,5 kg at 11 months: BB/U -6,5 SD (WHO flags below -6); within the vocabulary's range.
        await type_keys(pilot, *press_list("3,5 enter"))
        await pilot.pause()
        text = screen_text(app)
        assert "3,5 kg terlalu kecil untuk umur ini" in text and "Tekan Enter sekali lagi" in text
        field = app.screen.focused
        assert isinstance(field, NumberField) and field.key == "weight_kg"
        await type_keys(pilot, "enter")  # confirmed: on to the length
        await pilot.pause()
        assert app.screen.focused.key == "length_cm"
        await until(pilot, lambda: reg.drafts() and reg.get_draft(reg.drafts()[0]["id"])["confirmed"],
                    within=VisitFormScreen.AUTOSAVE_DELAY + 0.3, what="the confirmation is not in the draft")
        [draft_id] = [r[0] for r in reg.db.execute("SELECT id FROM visits")]
        assert reg.get_draft(draft_id)["confirmed"] == {"weight_kg": 3.5}
    # Resumed: not asked again, and the visit keeps the confirmation.
    app2 = GatedFormApp(reg, lambda: VisitFormScreen(pid, draft_id=draft_id))
    async with app2.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_keys(pilot, "shift+tab")  # back on the weight: no question
        await type_keys(pilot, "enter")
        await pilot.pause()
        assert app2.screen.focused.key == "length_cm"
        await type_keys(pilot, "6", "0", *keys[4:])  # 60 cm (BB/PB -5,6: the chart can classify it)
        await pilot.pause()
        await type_keys(pilot, "escape")  # a referred child: the summary stays for the letter; Esc done
        await pilot.pause()
    [visit_id] = app2.dismissed
    visit = reg.get_visit(visit_id)
    assert visit["status"] == "final" and visit["weight_kg"] == 3.5
    assert visit["confirmed"] == {"weight_kg": 3.5}


async def test_unconfirmed_weight_stops_the_save(tmp_path: Path) -> None:
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Dian", sex="P", birth_date=months_ago(11, 3), actor="t")
    keys = standard_visit_keys(save=True)
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_keys(pilot, *press_list("3,5 tab 60"), *keys[4:])  # Tab passes the question unanswered
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "Data: Berat badan (BB), 3,5 tidak lazim, belum dipastikan" in screen_text(app)
        assert _statuses(reg) == ["draft"]


async def test_f10_in_the_form_saves_or_refuses_naming_the_first_problem(tmp_path: Path) -> None:
    """F10 in the form (not only on the summary) saves the visit; with a problem left, the summary
    opens with the one refusal line naming it. F10 is in the form's footer."""
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Fajar", sex="L", birth_date=months_ago(11, 3), actor="t")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "F10 Simpan" in screen_text(app)
        await type_keys(pilot, *press_list("9 enter 74 enter 36,8 enter f10"))
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "Belum disimpan: Tidak bisa minum" in screen_text(app)
        assert _statuses(reg) == ["draft"]
        await type_keys(pilot, "escape")  # back to the form, nothing lost
        await pilot.pause()
        assert isinstance(app.screen, VisitFormScreen)
    (tmp_path / "b").mkdir()
    reg2 = open_register(tmp_path / "b")
    pid2 = reg2.add_patient(name="Gita", sex="P", birth_date=months_ago(11, 3), actor="t")
    # Every answer but the last (pemberian makan), resumed at its box: the summary is not open.
    draft = standard_draft(reg2, pid2, without=("masalah_pemberian_makan",), section="pemberian_makan")
    app2 = GatedFormApp(reg2, lambda: VisitFormScreen(pid2, draft_id=draft))
    async with app2.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app2.screen, VisitFormScreen)
        assert app2.screen.focused.key == "masalah_pemberian_makan"
        await type_keys(pilot, "t")  # ...now the summary opens; back with Esc and save from the form
        await pilot.pause()
        assert isinstance(app2.screen, SummaryScreen)
        await pilot.pause()
        await type_keys(pilot, "escape")
        await pilot.pause()
        assert isinstance(app2.screen, VisitFormScreen)
        await type_keys(pilot, "f10")
        await pilot.pause()
        await pilot.pause()
        assert "Tersimpan (kunjungan" in screen_text(app2) or app2.dismissed
    assert _statuses(reg2) == ["final"]


async def test_refusal_puts_the_invalid_value_first_and_fits_80_columns(tmp_path: Path) -> None:
    """The tester's defect: with danger signs unassessed and breathing rate 300, the refusal named a
    danger sign, cut ("… / tidak sad…"), and the invalid value was item 11 of 12. Invalid values come
    first, then unconfirmed, then unassessed; the line names the field whole and counts the rest."""
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Hana", sex="P", birth_date=months_ago(11, 3), actor="t")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # Data, then straight to the cough box (Alt+a), yes, breathing rate 151, Tab.
        await type_keys(pilot, *press_list("9 enter 74 enter 36,8 enter alt+a y 1 5 1 tab f10"))
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        problems = summary.request.problems
        assert problems[0].key == "napas_per_menit" and len(problems) > 10
        assert all(p.why == "belum dinilai" for p in problems[1:])
        n = len(problems) - 1
        line = f"Belum disimpan: Frekuensi napas tidak valid (+{n} lainnya) · p perbaiki"
        assert line in screen_text(app)
        assert len(summary.query_one("#sum-status").render().plain) <= 80  # noqa: E501


def test_refusal_line_keeps_a_long_label_whole_or_shortened_at_a_word() -> None:
    from mtbs_tui.screens.summary import Problem, refusal_line

    long = "Tidak ada lubang anus atau tinja keluar dari lubang tidak normal"
    many = [Problem("tidak_ada_lubang_anus", long, "belum dinilai", "Infeksi")] * 13
    line = refusal_line(many)
    assert len(line) <= 78 and "…" not in line
    assert line == "Belum disimpan: Tidak ada lubang anus belum dinilai (+12 lainnya) · p perbaiki"
    sad = "Tidak berinteraksi dengan lingkungan / tidak sadar"
    line = refusal_line([Problem("x", sad, "belum dinilai", "Bahaya")])
    assert line == f"{sad} belum dinilai · p perbaiki"  # whole, without the prefix


async def test_enter_on_an_invalid_number_keeps_its_range_on_the_help_line(tmp_path: Path) -> None:
    """The tester's defect: after "300 Enter" the focus stayed on Frekuensi napas but the help line
    showed the next question's help. It must show the focused field's allowed range."""
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Indah", sex="P", birth_date=months_ago(11, 3), actor="t")
    # The standard visit but the breathing rate, resumed at the cough box (its first question).
    draft = standard_draft(reg, pid, without=("napas_per_menit",), section="batuk")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid, draft_id=draft))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.focused.key == "batuk"
        await type_keys(pilot, "y", "1", "5", "1", "enter")
        await pilot.pause()
        await pilot.pause()
        form = app.screen
        assert form.focused.key == "napas_per_menit"
        help_line = str(form.query_one("#help-line").render())
        assert "5–150" in help_line and "Batuk 14 hari" not in help_line
        # In the real terminal the focus event of the field Enter had moved on to ("Lama batuk")
        # reached the screen after the focus came back: a stale focus event leaves the help alone.
        later = next(f for f in form.current.fields if f.key == "batuk_hari")
        later.post_message(events.DescendantFocus(later))
        await pilot.pause()
        assert form.focused.key == "napas_per_menit"
        assert "5–150" in str(form.query_one("#help-line").render())
