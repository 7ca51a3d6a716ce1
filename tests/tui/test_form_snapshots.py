"""Pictures of the visit form and the summary at 80x24 (pytest-textual-snapshot).

A fixed date and a fixed stand-in classifier keep the pictures stable; the behaviour is tested with
the real engine in test_form_visit.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import type_keys
from form_app import GatedFormApp, fixed_classify, open_register, press_list

from mtbs_tui.screens.visit_form import VisitFormScreen

TODAY = dt.date(2026, 11, 23)
SIZE = (80, 24)


def _typed(keys: list[str]):  # noqa: ANN202 - snap_compare's run_before
    """Type `keys` in one burst through the key gate (conftest.type_keys) before the picture, with
    every section mounted first, as after a pause in typing: the picture does not depend on when
    the form's background mounts ran."""
    async def run(pilot) -> None:  # noqa: ANN001
        form = pilot.app.screen
        for section in form.sections:
            await form._ensure_mounted(section)
        await type_keys(pilot, *keys)

    return run
DATA_AND_SAGA = "8,9 enter 76 enter 37,2 enter 14 enter 45 enter " + "t " * 15


def _app(tmp_path: Path, birth: str, name: str, sex: str = "P") -> GatedFormApp:
    reg = open_register(tmp_path, classifier=fixed_classify)
    pid = reg.add_patient(name=name, sex=sex, birth_date=birth, actor="t")
    app = GatedFormApp(reg, lambda: VisitFormScreen(pid), today=TODAY)
    app.title = "FormApp"  # the pictures' window title (taken with FormApp, the same app without the gate)
    return app


def test_snapshot_form_cough_section(tmp_path: Path, snap_compare) -> None:
    app = _app(tmp_path, "2025-12-20", "Aisyah Putri")
    # 52 is full: on to the next box; Shift+Tab comes back to it, Tab on to the optional items.
    keys = press_list(DATA_AND_SAGA + "y 52 shift+tab tab")
    assert snap_compare(app, run_before=_typed(keys), terminal_size=SIZE)


def test_snapshot_form_choice_and_invalid_number(tmp_path: Path, snap_compare) -> None:
    app = _app(tmp_path, "2025-12-20", "Aisyah Putri")
    # Diarrhoea section: a choice with its digits shown, after an invalid duration (366 days).
    keys = press_list(DATA_AND_SAGA + "y 52 y 366 enter tab t")
    assert snap_compare(app, run_before=_typed(keys), terminal_size=SIZE)


def test_snapshot_summary(tmp_path: Path, snap_compare) -> None:
    app = _app(tmp_path, "2025-12-20", "Aisyah Putri")
    keys = press_list(DATA_AND_SAGA + "y 52 enter f9")
    assert snap_compare(app, run_before=_typed(keys), terminal_size=SIZE)


def test_snapshot_bayi_muda_form(tmp_path: Path, snap_compare) -> None:
    app = _app(tmp_path, (TODAY - dt.timedelta(days=23)).isoformat(), "By. Ny. Wati", "L")
    assert snap_compare(app, run_before=_typed(press_list("3,4 enter")), terminal_size=SIZE)
