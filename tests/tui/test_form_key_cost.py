"""What one key costs in the visit form (bench/bench_form_key_cpu.py measures it): a nurse on an old
PC feels it on every answer, and every Pilot test pays it on every key.

* An answer repaints the two questions the focus moved between, the help line and the panel, never
  the whole 80x24 screen, and lays nothing out again unless a question changed its height.
* The focused question is drawn by the field itself (the marker and its answer box in reverse
  video), so no :focus style has to be recomputed on every answer.
* Opening the summary, or the form over the home screen, does not restyle the screens under it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from form_app import FormApp, months_ago, open_register, press_list
from rich.segment import Segment
from textual._compositor import Compositor
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen

from mtbs_tui.screens.summary import SummaryScreen
from mtbs_tui.screens.visit_form import VisitFormScreen
from mtbs_tui.widgets.fields import FormField


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """How often the screen is laid out, rendered whole, and how many widgets are restyled."""
    seen: Counter = Counter()
    layout, full, update_nodes = Screen._refresh_layout, Compositor.render_full_update, Stylesheet.update_nodes

    def counted_layout(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        seen["layout"] += 1
        return layout(self, *args, **kwargs)

    def counted_full(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        seen["full"] += 1
        return full(self, *args, **kwargs)

    def counted_update(self, nodes, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        nodes = list(nodes)
        seen["restyled"] += len(nodes)
        return update_nodes(self, nodes, *args, **kwargs)

    monkeypatch.setattr(Screen, "_refresh_layout", counted_layout)
    monkeypatch.setattr(Compositor, "render_full_update", counted_full)
    monkeypatch.setattr(Stylesheet, "update_nodes", counted_update)
    return seen


def _eleven_months(tmp_path: Path) -> FormApp:
    """The visit form of the standard visit's child (11 months) on a fresh register."""
    reg = open_register(tmp_path)
    pid = reg.add_patient(name="Aisyah Putri", sex="P", birth_date=months_ago(11, 3), actor="t")
    return FormApp(reg, lambda: VisitFormScreen(pid))


def _box_is_reverse(field: FormField) -> bool:
    """Whether the answer box ("[ ]", "[t]") of ``field`` is drawn in reverse video."""
    line = field.render_line(0)
    for segment in line:
        assert isinstance(segment, Segment)
        if segment.text.startswith("[") and segment.style is not None:
            return bool(segment.style.reverse)
    raise AssertionError(f"no answer box in {line.text!r}")


async def test_an_answer_repaints_only_what_changed(tmp_path: Path, counts: Counter) -> None:
    app = _eleven_months(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, VisitFormScreen)
        await pilot.press(*press_list("9 enter 74 enter 36,8 14 enter 45 enter t"))
        # The other sections are mounted in the background while the nurse pauses (a mount lays
        # the screen out): counted only once they all are.
        for _ in range(100):
            await pilot.pause(0.05)
            if all(section.is_mounted for section in form.sections):
                break
        await pilot.pause()
        assert form.current.plan.id == "tanda_bahaya"
        first = form.focused
        assert isinstance(first, FormField) and _box_is_reverse(first)
        counts.clear()
        await pilot.press("t", "t", "t")
        await pilot.pause()
        now = form.focused
        assert isinstance(now, FormField) and now is not first
        assert first.value is False and _box_is_reverse(now) and not _box_is_reverse(first)
        assert now.render_line(0).text.startswith("► ") and first.render_line(0).text.startswith("  ")
        # Three answers: no layout, no whole-screen render, no restyled widget.
        assert counts == Counter(), counts


async def test_the_summary_opens_without_restyling_the_form_under_it(tmp_path: Path, counts: Counter) -> None:
    app = _eleven_months(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, VisitFormScreen)
        widgets_under = len(list(form.walk_children(with_self=True)))
        counts.clear()
        await pilot.press("f9")
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        # Only the summary's own widgets are styled (Textual restyles the whole app for a screen's
        # CSS on its first push: the form's widgets as well).
        assert counts["restyled"] < widgets_under, (counts, widgets_under)
        assert summary.query_one("#sum-title").styles.height is not None
        assert summary.query_one("#sum-title").styles.text_style.bold



async def test_a_field_keeps_its_styles_between_keys_and_takes_a_new_theme() -> None:
    """The fields keep their component styles between renders (Textual forgets them on every
    refresh); a theme change still reaches them."""
    from textual.app import App, ComposeResult

    from mtbs_tui.rules.vocabulary import FINDINGS
    from mtbs_tui.widgets.fields import NumberField

    class OneField(App[None]):
        def compose(self) -> ComposeResult:
            yield NumberField(FINDINGS["napas_per_menit"])

    def invalid_colour(field: NumberField) -> object:
        for segment in field.render_line(0):
            if segment.text.startswith("[") and segment.style is not None:
                return segment.style.color
        raise AssertionError("no answer box")

    app = OneField()
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "textual-dark"
        await pilot.pause()
        field = app.query_one(NumberField)
        field.type_key("3")
        field.type_key("0")
        field.type_key("0")  # 300 a minute: out of range, the box in the error colour
        await pilot.pause()
        dark = invalid_colour(field)
        field.type_key("backspace")
        field.type_key("0")
        await pilot.pause()
        assert invalid_colour(field) == dark  # kept between keys
        app.theme = "textual-light"
        await pilot.pause()
        assert invalid_colour(field) != dark  # the new theme's error colour


async def test_a_digit_that_changes_no_answer_does_not_classify_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _eleven_months(tmp_path)
    reg = app.register
    calls: list[dict] = []
    classify = reg.classify

    def counted(case: dict, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(case)
        return classify(case, *args, **kwargs)

    monkeypatch.setattr(reg, "classify", counted)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, VisitFormScreen)
        await pilot.press(*press_list("9 enter"))
        before = len(calls)
        await pilot.press("7")  # 7 cm: not a length yet (the field says the range)
        assert form.focused is not None and getattr(form.focused, "error", None)
        assert len(calls) == before and "length_cm" not in form.values.top
        await pilot.press("4")  # 74 cm: an answer, classified
        assert len(calls) == before + 1 and calls[-1]["length_cm"] == 74
        assert "PB 74" in form.query_one("#form-title").text
