"""A key that answers nothing says so (seen in tmux at 80x24: '5' or 'x' on a y/t question did
nothing at all, without a word), and every question's help line fits the 80-column screen (the
pallor question's ran past it and lost its last words)."""
from __future__ import annotations

from pathlib import Path

from conftest import type_keys
from form_app import GatedFormApp, months_ago, open_register, press_list, screen_text

from mtbs_tui.rules.vocabulary import FINDINGS, TOP_LEVEL
from mtbs_tui.screens.visit_form import VisitFormScreen
from mtbs_tui.widgets.fields import HELP_WIDTH, field_for


def test_every_question_help_line_fits_80_columns() -> None:
    too_long = {}
    for key, spec in {**TOP_LEVEL, **FINDINGS}.items():
        if spec.kind not in ("bool", "enum", "int", "number", "set"):
            continue  # asked elsewhere (the visit date), not a form field
        field = field_for(spec)
        for line in (field.help_text, field.how_to_answer()):
            if len(line) > HELP_WIDTH:
                too_long[key] = line
    assert too_long == {}


async def to_first_danger_sign(pilot, form) -> None:  # noqa: ANN001
    """Weight, height, temperature, LiLA, head circumference: then the first danger sign (y/t)."""
    await type_keys(pilot, *press_list("12,5 enter 90 enter 37 enter 14 enter enter"))
    await pilot.pause()
    assert form.focused.key == "tidak_bisa_minum"


async def test_a_key_that_answers_nothing_says_how_to_answer(tmp_path: Path) -> None:
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Andi", sex="L", birth_date=months_ago(30), actor="t")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        await to_first_danger_sign(pilot, form)
        first = form.focused
        for key in ("5", "x", "k"):  # a bound answer key, a letter no binding reads, another
            await type_keys(pilot, key)
            await pilot.pause()
            help_line = screen_text(app).splitlines()[-2].rstrip()
            assert form.focused is first and first.value is None, key
            assert "awab y (ya) atau t (tidak)" in help_line, (key, help_line)
            assert len(help_line) <= 79
        await type_keys(pilot, "t")
        await pilot.pause()
        assert first.value is False and form.focused is not first
        help_line = screen_text(app).splitlines()[-2]
        assert "awab y" not in help_line


async def test_f5_where_it_does_nothing_says_why(empty_register) -> None:
    """F5 is hidden in the danger signs (each is looked at): pressed there in the real app it said
    nothing at all (tmux, a young infant's infection section); now the help line says why."""
    from conftest import make_app

    pid = empty_register.add_patient(name="Andi", sex="L", birth_date=months_ago(30), actor="t")
    app = make_app(empty_register, offer_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.push_screen(VisitFormScreen(pid))
        await pilot.pause()
        form = app.screen
        await to_first_danger_sign(pilot, form)
        await type_keys(pilot, "f5")
        await pilot.pause()
        help_line = screen_text(app).splitlines()[-2]
        assert "Tanda bahaya dinilai satu per satu" in help_line
        assert form.focused.key == "tidak_bisa_minum" and form.focused.value is None


async def test_an_unlikely_value_s_question_fits_the_help_line(tmp_path: Path) -> None:
    """25 kg at 2 years: the help line read '... (BB/U 6,0 SD; batas WHO' and stopped at the
    screen's edge; now a short line there, the whole text under the box."""
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Citra", sex="P", birth_date=months_ago(27), actor="t")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        await type_keys(pilot, *press_list("25 enter"))
        await pilot.pause()
        lines = screen_text(app).splitlines()
        help_line = lines[-2].rstrip()
        assert form.focused.key == "weight_kg"
        assert len(help_line) <= 79 and help_line.endswith("Enter lagi bila benar."), help_line
        assert "terlalu besar untuk umur ini" in help_line
        assert "memastikan." in "\n".join(lines[3:10])  # the whole question under the box
        await type_keys(pilot, "enter")
        await pilot.pause()
        assert form.focused.key != "weight_kg" and form.values.top.get("weight_kg") == 25
