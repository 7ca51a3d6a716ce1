"""Issue 14 items 6-8 in the visit form, keys only: Ctrl+U clears a number, `t` on a numbered
question says how to answer, the header keeps the chart version at 80 columns, F5 answers "tidak"
to the empty yes/no questions of a section after one confirming key (never in the danger signs),
Alt + a section's letter jumps there, and cough answers "batuk, pilek atau mata merah"."""
from __future__ import annotations

from pathlib import Path

from conftest import keys_handled, type_keys
from form_app import GatedFormApp, months_ago, open_register, press_list, screen_text

from mtbs_tui.screens.dialogs import ConfirmDialog
from mtbs_tui.screens.visit_form import VisitFormScreen


async def test_ctrl_u_clears_a_number_and_t_on_a_numbered_question_says_how(tmp_path: Path) -> None:
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Andi", sex="L", birth_date=months_ago(11, 3), actor="t")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        await type_keys(pilot, *press_list("12,5"), "ctrl+u")
        await pilot.pause()
        assert form.focused.text == "" and form.values.top.get("weight_kg") is None
        # "Cara mengukur" is numbered (filled in from the age once a length is typed, and passed
        # over: Shift+Tab comes back to it); Backspace clears it.
        await type_keys(pilot, *press_list("9 enter 74 enter"), "shift+tab", "backspace", "t")
        await pilot.pause()
        assert form.focused.key == "length_position" and form.focused.value is None
        help_line = screen_text(app).splitlines()[-2].rstrip()
        # Whole on one line of 80 columns: the choices, not cut mid-list.
        assert help_line == " Jawab dengan angka 1–2: 1 Berbaring (PB), 2 Berdiri (TB)"
        await type_keys(pilot, "tab", "tab", "tab", "tab")  # Daerah malaria: long choices
        await pilot.pause()
        assert form.focused.key == "malaria_area"
        await type_keys(pilot, "y")
        await pilot.pause()
        help_line = screen_text(app).splitlines()[-2].rstrip()
        assert "awab dengan angka 1–" in help_line and len(help_line) <= 79


async def test_header_keeps_the_chart_version_with_a_long_name(tmp_path: Path) -> None:
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Muhammad Rizky Ananda Pratama Saputra", sex="L",
                          birth_date=months_ago(11, 3), actor="t")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_keys(pilot, *press_list("9,5 enter 74,5 enter 36,8 enter"))
        await pilot.pause()
        title = screen_text(app).splitlines()[0]
        assert "Bagan 2022" in title and "BB 9,5" in title and "Muhammad" in title and "36,8°C" in title
        assert len(title.rstrip()) <= 79


async def test_f5_answers_the_empty_yes_no_questions_after_one_key(tmp_path: Path) -> None:
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Budi", sex="L", birth_date=months_ago(11, 3), actor="t")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        await type_keys(pilot, "pagedown", "f5")  # the danger signs: not offered, each is looked at
        await pilot.pause()
        assert form.current.plan.id == "tanda_bahaya" and not isinstance(app.screen, ConfirmDialog)
        assert "F5" not in screen_text(app).splitlines()[-1]
        assert all(f.value is None for f in form.current.focusable_fields())
        gizi = [s.plan.short for s in form.sections].index("Gizi")
        await type_keys(pilot, f"alt+{form.section_letters()[gizi]}")  # Alt + letter: to the Gizi box
        await pilot.pause()
        assert form.current.plan.short == "Gizi"
        await type_keys(pilot, "1", "f5")  # edema: tidak ada; F5 lists what it will answer
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        listed = form.rest_no_fields()
        assert listed and all(f.label in screen_text(app) for f in listed[:3])
        await type_keys(pilot, "y")
        await pilot.pause()
        assert form.current.plan.short == "Anemia"  # done: on to the next box
        assert [form.values.merged().get(f.key) for f in listed] == [False] * len(listed)


async def test_cough_answers_the_measles_sign_and_it_is_passed_over(tmp_path: Path) -> None:
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Citra", sex="P", birth_date=months_ago(11, 3), actor="t")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        letters = form.section_letters()
        batuk = [s.plan.short for s in form.sections].index("Batuk")
        await type_keys(pilot, f"alt+{letters[batuk]}", "y")
        await pilot.pause()
        assert form.values.merged().get("batuk_pilek_mata_merah") is True
        await type_keys(pilot, f"alt+{letters[batuk]}", "t")  # cough taken back: so is the implied answer
        await pilot.pause()
        assert form.values.merged().get("batuk_pilek_mata_merah") is None


async def test_alt_letter_as_a_terminal_sends_it_jumps_and_types_nothing(tmp_path: Path) -> None:
    """A terminal sends Alt+a as ESC a: Textual reads the key alt+a WITH the character "a". The
    jump must win over the focused number field, which would take the "a" (seen in tmux)."""
    from textual import events

    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Andi", sex="L", birth_date=months_ago(11, 3), actor="t")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        assert form.focused.key == "weight_kg"
        letters = form.section_letters()
        for short in ("Batuk", "Demam", "Bahaya"):
            index = [s.plan.short for s in form.sections].index(short)
            app.post_message(events.Key(f"alt+{letters[index]}", letters[index]))
            await keys_handled(pilot)
            assert form.current.plan.short == short
        # Alt+B is sent as ESC b, which Textual reads as ctrl+left (Alt+F: ctrl+right).
        assert letters[[s.plan.short for s in form.sections].index("Bahaya")] == "b"
        await type_keys(pilot, "alt+a", "ctrl+left")
        await pilot.pause()
        assert form.current.plan.short == "Bahaya"
        assert form.values.top.get("weight_kg") is None
        assert "hanya angka" not in screen_text(app)


async def test_form_footer_one_meaning_per_word_and_whole_keys(tmp_path: Path) -> None:
    """Esc closes the form ("Tutup"), Ctrl+Q quits ("Keluar"): no word names two keys; where the
    line is full (F5 shown) the last keys give way whole, never cut in a word."""
    import re

    from textual.binding import Binding

    class ShellKeys(GatedFormApp):
        BINDINGS = [Binding("ctrl+q", "quit", "Keluar", key_display="^Q", priority=True)]  # as MtbsApp

    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Andi", sex="L", birth_date=months_ago(11, 3), actor="t")
    app = ShellKeys(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "Esc Tutup" in footer and "^Q Keluar" in footer, footer
        words = re.findall(r"(?:^|\s)(?:PgDn|Tab|F\d+|Esc|\^Q) (\S+)", footer)
        assert len(words) == len(set(words)), footer
        await type_keys(pilot, "alt+a")  # the cough box: F5 Sisa tidak is offered too
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "F5 Sisa tidak" in footer and "Esc Tutup" in footer, footer
        assert "…" not in footer and len(footer.rstrip()) <= 80
        assert footer.rstrip().endswith(("Tutup", "Keluar")), footer


async def test_consciousness_is_asked_once_in_a_visit(tmp_path: Path) -> None:
    """2022: the SAGA 'tidak berinteraksi / tidak sadar' answers the dengue and nutrition boxes'
    'penurunan kesadaran' (and a 'ya' the diarrhoea box's 'keadaan umum: letargis'); the later
    box shows it answered, Tab passes it over, and it can still be changed there."""
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Citra", sex="P", birth_date=months_ago(11, 3), actor="t")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        await type_keys(pilot, "pagedown")  # the danger signs
        await pilot.pause()
        keys = [f.key for f in form.current.focusable_fields()]
        at = keys.index("tidak_berinteraksi")
        await type_keys(pilot, *["t"] * at, "y")
        await pilot.pause()
        merged = form.values.merged()
        assert merged["penurunan_kesadaran"] is True and merged["keadaan_umum"] == "letargis_tidak_sadar"
        await type_keys(pilot, "shift+tab", "t")  # changed to tidak: the 'ya' answers are taken back
        await pilot.pause()
        merged = form.values.merged()
        assert merged["penurunan_kesadaran"] is False  # tidak answers tidak (the named setting)
        assert merged.get("keadaan_umum") is None  # normal or restless: still asked in the diarrhoea box
        # The nutrition box shows it answered, and Tab passes it over.
        gizi = [s.plan.short for s in form.sections].index("Gizi")
        await type_keys(pilot, f"alt+{form.section_letters()[gizi]}")
        await pilot.pause()
        fields = form.current.focusable_fields()
        field = next(f for f in fields if f.key == "penurunan_kesadaran")
        assert field.value is False
        before = fields[fields.index(field) - 1]
        form.set_focus(before)
        await type_keys(pilot, "tab")
        await pilot.pause()
        assert form.focused is not field
        # Changed there by hand: the nurse's answer stands (the danger sign is not touched).
        form.set_focus(field)
        await type_keys(pilot, "y")
        await pilot.pause()
        assert form.values.merged()["penurunan_kesadaran"] is True
        assert form.values.merged()["tidak_berinteraksi"] is False


async def test_danger_signs_answer_the_diarrhoea_box_once(tmp_path: Path) -> None:
    """'Tidak bisa minum' answers the diarrhoea box's 'diberi minum: malas atau tidak bisa'; a
    restless child (SAGA 'rewel, tidak dapat ditenangkan') its 'keadaan umum: gelisah, rewel'. The
    diarrhoea box then asks only what the danger signs did not."""
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Dewi", sex="P", birth_date=months_ago(20, 3), actor="t")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        await type_keys(pilot, "pagedown")
        await pilot.pause()
        keys = [f.key for f in form.current.focusable_fields()]
        answers = ["y" if k in ("tidak_bisa_minum", "rewel_tidak_dapat_ditenangkan") else "t"
                   for k in keys[:keys.index("rewel_tidak_dapat_ditenangkan") + 1]]
        await type_keys(pilot, *answers)
        await pilot.pause()
        merged = form.values.merged()
        assert merged["kemampuan_minum"] == "malas_atau_tidak_bisa"
        assert merged["keadaan_umum"] == "gelisah_rewel"
        assert merged["penurunan_kesadaran"] is False  # not unconscious: tidak (named setting)
        diare = [s.plan.short for s in form.sections].index("Diare")
        await type_keys(pilot, f"alt+{form.section_letters()[diare]}", "y")  # diarrhoea: ya
        await pilot.pause()
        shown = {f.key: f.value for f in form.current.focusable_fields()}
        assert shown["keadaan_umum"] == "gelisah_rewel" and shown["kemampuan_minum"] == "malas_atau_tidak_bisa"
