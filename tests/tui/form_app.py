"""A tiny App for the visit-form tests: it only sets ``register`` and ``actor`` and pushes the
screen under test, so the form tests do not depend on the shell's start-up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.screen import Screen

from mtbs_tui.accounts import User
from mtbs_tui.keygate import KeyGate
from mtbs_tui.register import Register

APP_TCSS = Path(__file__).resolve().parents[2] / "mtbs_tui" / "app.tcss"
TODAY = dt.date.today()


def birth_for(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def months_ago(months: int, extra_days: int = 0) -> str:
    """A birth date exactly ``months`` completed months (plus some days) before today."""
    y, m = divmod(TODAY.month - 1 - months, 12)
    day = min(TODAY.day, 28)
    return (dt.date(TODAY.year + y, m + 1, day) - dt.timedelta(days=extra_days)).isoformat()


class FormApp(App[Any]):
    CSS_PATH = str(APP_TCSS) if APP_TCSS.exists() else None
    ENABLE_COMMAND_PALETTE = False  # as the real shell

    def __init__(self, register: Register, make_screen: Callable[[], Screen], actor: str = "Bd. Uji",
                 today: dt.date | None = None) -> None:
        super().__init__()
        self.fixed_today = today
        self.theme = "ansi-dark"  # as the real shell: 16 colours
        self.register = register
        self.actor = actor
        # Logged in as clinical staff: the screens' role gates (screens/base.py) let F10 save.
        self.user = User(0, "bd.uji", actor, "klinis", True)
        self.make_screen = make_screen
        self.dismissed: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(), self.dismissed.append)

    def today(self) -> dt.date:
        return self.fixed_today or dt.date.today()

    def now(self) -> dt.datetime:  # as MtbsApp.now: the visit form records when it was opened
        return dt.datetime.now()


class GatedFormApp(KeyGate, FormApp):
    """FormApp with the shell's key gate (mtbs_tui/keygate.py, as `MtbsApp.on_event`): keys typed
    in one burst (`conftest.type_keys`) are handled one at a time, in order, as if typed slowly."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            await self.gate_key(event, super().on_event)
            return
        await super().on_event(event)


def engine_classify() -> Any:
    """The chart engine (``mtbs_tui.rules.classify``)."""
    from mtbs_tui.rules import classify

    return classify


def open_register(tmp_path: Path, *, malaria_area: str = "non_endemis", chart: str = "2022",
                  classifier: Any = None) -> Register:
    reg = Register.open(tmp_path / "register.db", create=True,
                        classifier=classifier or engine_classify())
    reg.set_facility(name="Puskesmas Uji", malaria_area=malaria_area, chart_default=chart)
    return reg


def screen_text(app: App[Any]) -> str:
    """The screen as plain text (what a nurse sees, without colours), for assertions."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def press_list(spec: str) -> list[str]:
    """Keys from a compact spec: space-separated key names; a token of digits, ``,`` or ``.`` is
    typed one character at a time (``"9,0 enter y"`` -> 9 , 0 enter y)."""
    keys: list[str] = []
    for token in spec.split():
        if all(ch.isdigit() or ch in ",." for ch in token):
            keys.extend(token)
        else:
            keys.append(token)
    return keys


# An 11-month-old with cough and fast breathing, every other module answered (design/screens.md
# "Measuring the promise"). One line per section; the count is pinned in test_form_visit.py.
# What the form does for the nurse: the way of measuring (berbaring under 24 months), the malaria
# area and the chart version are filled in and passed over; after the last question of a box the
# next box opens (optional items at the end are passed over); the gizi complications and "still
# breastfed" are asked only when the chart needs them (a wasting sign; an HIV-positive mother); a
# number that cannot get longer moves on without Enter (36,8 °C; 52/min: 520 is out of range).
# The summary's key that records every treatment as given now (issue 17): the treatment loop, not
# the assessment; bench_visit_keys counts it apart from the clinical form.
GIVEN_LINE = "d"
STANDARD_VISIT = [
    "9 enter 74 enter 36,8 14 enter 45 enter",  # data: BB PB suhu (full) LiLA LK
    "t t t t t t t t t t t t t t t",  # tanda bahaya / SAGA: 15 signs, each answered
    "y 52",  # batuk: ya, napas 52, full (indrawing already answered)
    "t",  # diare: tidak (the section folds; on to the next)
    "t",  # demam: tidak (malaria, campak, dengue fold)
    "t",  # telinga: tidak
    "1",  # gizi: edema tidak (no wasting sign: the complications are not asked)
    "1",  # anemia: tidak pucat
    "2 1 1",  # HIV: ibu negatif, virologi belum, serologi belum
    "s y",  # imunisasi: all due for the age; vitamin A received
    "t",  # pemberian makan: no problem -> the summary opens
    GIVEN_LINE,  # summary: semua diberikan sekarang (issue 17: what was given, saved with the visit)
    "f10",  # save
]


def standard_visit_keys(*, save: bool = True) -> list[str]:
    """The keys of STANDARD_VISIT (an 11-month-old's complete visit), with or without the
    summary's keys (``d`` all given, F10)."""
    keys = [k for line in STANDARD_VISIT for k in press_list(line)]
    return keys if save else keys[:-2]


# The answers STANDARD_VISIT's keys record up to the summary, besides the vaccines (`s`: every dose
# due for the age) and what the form fills in (length position, malaria area, chart).
# test_standard_visit_key_count types the keys and checks they give `standard_case` exactly.
STANDARD_FINDINGS: dict[str, Any] = {
    **dict.fromkeys((
        "tidak_bisa_minum", "memuntahkan_semua", "riwayat_kejang", "sedang_kejang", "penurunan_kesadaran",
        "tidak_berinteraksi", "tidak_bersuara_atau_tangis_melengking", "rewel_tidak_dapat_ditenangkan",
        "tatapan_kosong", "mencari_posisi_nyaman", "sianosis", "napas_cuping_hidung", "tarikan_dinding_dada",
        "stridor", "kulit_pucat", "kutis_marmorata", "diare", "demam", "masalah_telinga",
        "masalah_pemberian_makan"), False),
    "batuk": True, "napas_per_menit": 52, "edema": "tidak", "kepucatan": "tidak", "tes_hiv_ibu": "negatif",
    "tes_virologi_anak": "belum", "tes_serologi_anak": "belum", "vitamin_a_6_bulan_terakhir": True,
}


def standard_case(patient: dict[str, Any], visit_date: str) -> dict[str, Any]:
    """The case STANDARD_VISIT's keys (without the summary's) record for `patient` on `visit_date`."""
    from mtbs_tui.form.plan import vaccines_for_age
    from mtbs_tui.rules.age import age_on

    age = age_on(patient["birth_date"], visit_date)
    return {"birth_date": patient["birth_date"], "sex": patient["sex"], "visit_date": visit_date,
            "chart": "2022", "malaria_area": "non_endemis", "weight_kg": 9.0, "length_cm": 74.0,
            "length_position": "berbaring", "temperature_c": 36.8, "muac_cm": 14.0,
            "head_circumference_cm": 45.0,
            "findings": {**STANDARD_FINDINGS, "imunisasi_diterima": vaccines_for_age(age)}}


def standard_draft(reg: Register, patient_id: int, *, without: tuple[str, ...] = (),
                   section: str = "pemberian_makan", typed: dict[str, str] | None = None) -> int:
    """A draft holding STANDARD_VISIT's answers, written through the register as the form's autosave
    writes it: for a test whose point is the summary or one later answer, which opens
    ``VisitFormScreen(patient_id, draft_id=...)`` (the form's own resume path, at `section`) and
    presses F9 or types only that answer, instead of typing 44 keys. `without`: answers (top-level
    or findings keys) left out; `typed`: invalid texts kept with the draft, as the form keeps them.
    Returns the draft's id."""
    case = standard_case(reg.get_patient(patient_id), TODAY.isoformat())
    for key in without:
        assert key in case or key in case["findings"], key
        case.pop(key, None)
        case["findings"].pop(key, None)
    return reg.save_draft(patient_id=patient_id, case=case, section=section, actor="Bd. Uji",
                          typed=typed, opened_at=dt.datetime.now())


def fixed_classify(case: dict, chart: str | None = None) -> dict:
    """Fixed answers for the snapshot tests, so a tuned chart row does not change the pictures
    (the engine has its own tests; the behaviour tests use the real engine)."""
    from mtbs_tui.rules.age import age_on as age_at

    f = case.get("findings") or {}
    age = age_at(case["birth_date"], case["visit_date"])
    items: list[dict] = []
    treatments: list[dict] = []
    incomplete: list[dict] = []
    follow: list[int] = []
    refer = False
    if f.get("tidak_bisa_minum") is False:
        items.append({"module": "tanda_bahaya", "code": "STABIL", "label": "STABIL", "colour": "hijau",
                      "rule": "2022.tanda_bahaya.STABIL", "because": ["tidak_bisa_minum"]})
    if f.get("tarikan_dinding_dada"):
        items.append({"module": "batuk", "code": "PNEUMONIA_BERAT", "label": "PNEUMONIA BERAT",
                      "colour": "merah", "rule": "2022.batuk.PNEUMONIA_BERAT",
                      "because": ["tarikan_dinding_dada"]})
        treatments += [{"code": "AMPISILIN_IM", "label": "Ampisilin IM (dosis pertama)", "dose": "2 ml"},
                       {"code": "RUJUK_SEGERA", "label": "Rujuk segera", "dose": None}]
        refer = True
    elif f.get("batuk") and f.get("napas_per_menit") is not None:
        fast = f["napas_per_menit"] >= (50 if age.months < 12 else 40)
        code, label, colour = (("PNEUMONIA", "PNEUMONIA", "kuning") if fast else
                               ("BATUK_BUKAN_PNEUMONIA", "BATUK BUKAN PNEUMONIA", "hijau"))
        items.append({"module": "batuk", "code": code, "label": label, "colour": colour,
                      "rule": f"2022.batuk.{code}", "because": ["napas_per_menit"]})
        if fast:
            treatments.append({"code": "AMOKSISILIN", "label": "Amoksisilin oral",
                               "dose": "¾ tablet 500 mg, 2 kali sehari selama 3 hari"})
        follow.append(2 if fast else 5)
    elif "batuk" not in f:
        incomplete.append({"module": "batuk", "missing": ["batuk"]})
    openers = ({"bm_infeksi": "sedang_kejang", "bm_ikterus": "tampak_kuning", "bm_diare": "diare",
                "bm_hiv": "tes_hiv_ibu"} if age.pathway == "bayi_muda" else
               {"diare": "diare", "demam_malaria": "demam", "telinga": "masalah_telinga",
                "gizi": "edema", "anemia": "kepucatan", "hiv": "tes_hiv_ibu"})
    incomplete += [{"module": m, "missing": [k]} for m, k in openers.items() if k not in f]
    if age.pathway == "bayi_muda":
        incomplete = [e for e in incomplete if e["module"] != "batuk"]
    if items and not refer:
        treatments.append({"code": "NASIHAT_KEMBALI_SEGERA", "label": "Nasihati kapan kembali segera",
                           "dose": None})
    return {"chart": case.get("chart") or "2022", "pathway": age.pathway,
            "age": {"days": age.days, "months": age.months}, "classifications": items,
            "incomplete": incomplete, "refer_urgently": refer,
            "follow_up_days": min(follow) if follow else None, "treatments": treatments}
