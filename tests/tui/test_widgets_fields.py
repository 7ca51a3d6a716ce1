"""The one-key answer fields, driven by key presses only."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.containers import Vertical

from mtbs_tui.form.plausible import fmt, implausible, unit_hint
from mtbs_tui.rules.vocabulary import FINDINGS, TOP_LEVEL, Finding
from mtbs_tui.widgets.fields import ChoiceField, FormField, NumberField, SetField, YesNoField, field_for
from mtbs_tui.widgets.messages import FieldChanged, FieldDone


class FieldsApp(App[None]):
    """Mounts some fields; records the messages they post."""

    def __init__(self, fields: list[FormField]) -> None:
        super().__init__()
        self.fields = fields
        self.changed: list[tuple[str, Any]] = []
        self.done: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield from self.fields

    def on_mount(self) -> None:
        self.set_focus(self.fields[0])

    def on_field_changed(self, message: FieldChanged) -> None:
        self.changed.append((message.field.key, message.field.to_model()))

    def on_field_done(self, message: FieldDone) -> None:
        self.done.append(message.field.key)


async def run_keys(fields: list[FormField], keys: list[str]) -> FieldsApp:
    app = FieldsApp(fields)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in keys:
            await pilot.press(key)
        await pilot.pause()
    return app


@pytest.mark.parametrize(("keys", "expected"), [
    (["y"], True), (["1"], True), (["t"], False), (["0"], False), (["y", "backspace"], None),
])
async def test_yes_no_one_key(keys: list[str], expected: bool | None) -> None:
    field = YesNoField(FINDINGS["batuk"])
    app = await run_keys([field], keys)
    assert field.to_model() is expected
    # The answer key itself moves on (no Tab needed); clearing does not.
    assert app.done == ["batuk"] * (1 if expected is not None else 1 if len(keys) == 2 else 0)


async def test_yes_no_ignores_other_letters() -> None:
    field = YesNoField(FINDINGS["batuk"])
    app = await run_keys([field], ["x", "5"])
    assert field.to_model() is None
    assert app.done == []


async def test_choice_digit_per_choice() -> None:
    field = ChoiceField(FINDINGS["cubitan_kulit_perut"])
    app = await run_keys([field], ["3"])
    assert field.to_model() == "sangat_lambat"
    assert app.done == ["cubitan_kulit_perut"]


async def test_choice_out_of_range_digit_keeps_value() -> None:
    field = ChoiceField(FINDINGS["cubitan_kulit_perut"])
    app = await run_keys([field], ["2", "7"])
    assert field.to_model() == "lambat"
    assert app.done == ["cubitan_kulit_perut"]


async def test_number_decimal_comma_and_enter_moves_on() -> None:
    field = NumberField(TOP_LEVEL["temperature_c"])
    app = await run_keys([field], ["3", "8", ",", "5", "enter"])
    assert field.to_model() == 38.5
    assert app.done == ["temperature_c"]
    # Validated as typed: every key announced a change, the classification can follow.
    assert app.changed[-1] == ("temperature_c", 38.5)


async def test_number_out_of_range_is_marked_with_the_range_and_kept() -> None:
    field = NumberField(FINDINGS["napas_per_menit"])
    app = await run_keys([field], ["2", "0", "0", "enter"])
    assert field.to_model() is None
    assert field.text == "200"  # what was typed stays, to be corrected
    assert field.error is not None and "5–150" in field.error
    assert app.done == []  # Enter does not move on from an invalid value


async def test_number_letter_is_refused_and_text_kept() -> None:
    field = NumberField(TOP_LEVEL["weight_kg"])
    await run_keys([field], ["8", "x"])
    assert field.text == "8"
    assert field.error is not None and "angka" in field.error


async def test_number_backspace_corrects() -> None:
    field = NumberField(FINDINGS["napas_per_menit"])
    await run_keys([field], ["2", "0", "0", "backspace", "enter"])
    assert field.to_model() == 20
    assert field.error is None


async def test_implausible_temperature_needs_a_second_enter() -> None:
    field = NumberField(TOP_LEVEL["temperature_c"])
    app = await run_keys([field], ["3", "3", "enter"])
    assert field.to_model() == 33  # possible, so it is kept ...
    assert field.notice is not None and "tidak lazim" in field.notice
    assert app.done == []  # ... but not passed over without a confirmation
    field2 = NumberField(TOP_LEVEL["temperature_c"])
    app2 = await run_keys([field2], ["3", "3", "enter", "enter"])
    assert app2.done == ["temperature_c"]
    assert field2.notice is None


async def test_muac_in_mm_is_rejected_with_a_hint() -> None:
    field = NumberField(TOP_LEVEL["muac_cm"])
    await run_keys([field], ["1", "1", "5", "enter"])
    assert field.to_model() is None
    assert field.error is not None
    assert "6,0–25,0" in field.error
    assert "mm" in field.error and "11,5 cm" in field.error


async def test_set_field_all_for_age_none_and_toggle() -> None:
    spec = FINDINGS["imunisasi_diterima"]
    field = SetField(spec, suggest=lambda: ["bcg", "hb0"])
    app = await run_keys([field], ["s"])
    assert field.to_model() == ["hb0", "bcg"]  # in the vocabulary's order
    assert app.done == ["imunisasi_diterima"]

    field = SetField(spec)
    await run_keys([field], ["k"])
    assert field.to_model() == []  # assessed: none received (not unknown)

    field = SetField(spec)
    await run_keys([field], ["right", "space", "right", "space", "left", "space"])
    assert field.to_model() == ["polio_1"]  # bcg toggled on then off


def test_field_for_every_vocabulary_kind() -> None:
    for spec in [*FINDINGS.values(), *TOP_LEVEL.values()]:
        if spec.kind in ("date", "text"):
            continue
        widget = field_for(spec)
        assert widget.key == spec.key
    with pytest.raises(ValueError):
        field_for(Finding(key="x", label="X", kind="date"))


def test_plausible_tiers() -> None:
    assert implausible("temperature_c", 33.9) is not None
    assert implausible("temperature_c", 41.6) is not None
    assert implausible("temperature_c", 37.0) is None
    assert implausible("napas_per_menit", 12) is not None
    assert unit_hint("weight_kg", "8900") == "mungkin dalam gram: 8900 g = 8,9 kg"
    assert fmt(37.5) == "37,5" and fmt(52) == "52"
