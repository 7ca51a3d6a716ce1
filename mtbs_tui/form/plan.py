"""Which questions a visit form asks, in which section: generated from the rules vocabulary.

Pure Python (no Textual), so the plan is tested without a screen. The questions, their wording,
types and ranges all come from ``mtbs_tui.rules.vocabulary`` (``modules_for`` + ``FINDINGS``);
this module only decides the grouping (the chart's boxes) and when a block is not asked.

Grouping follows the paper chart's boxes and the 80x24 sketch (shared/design/screens.md): the fever
box holds malaria, measles and dengue; the nutrition box holds the 2022 growth and head checks;
immunisation and vitamin A share one box. Every other module is its own section, so a module added
to the vocabulary later still gets a section without touching this file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from mtbs_tui.display import needs_module_name
from mtbs_tui.rules import vocabulary as voc
from mtbs_tui.rules.age import Age

HEADER_ID = "kunjungan"

# Sections that hold more than one module: first module id -> the others.
GROUPS: dict[str, tuple[str, ...]] = {
    "demam_malaria": ("campak", "dengue"),
    "gizi": ("pertumbuhan", "lingkar_kepala"),
    "imunisasi": ("vitamin_a",),
}

# The word shown in the module strip (row 2 of the form).
SHORT: dict[str, str] = {
    HEADER_ID: "Data",
    "tanda_bahaya": "Bahaya",
    "batuk": "Batuk",
    "diare": "Diare",
    "demam_malaria": "Demam",
    "telinga": "Telinga",
    "gizi": "Gizi",
    "anemia": "Anemia",
    "hiv": "HIV",
    "imunisasi": "Imun",
    "pemberian_makan": "Makan",
    "vitamin_a": "Vit A",
    "campak": "Campak",
    "dengue": "Dengue",
    "pertumbuhan": "Pertumbuhan",
    "lingkar_kepala": "LK",
    "bm_infeksi": "Infeksi",
    "bm_ikterus": "Ikterus",
    "bm_diare": "Diare",
    "bm_hiv": "HIV",
    "bm_berat_badan_asi": "BB/ASI",
    "bm_imunisasi": "Imun",
    "bm_vitamin_k1": "VitK1",
}


def module_name(module_id: str) -> str:
    """A module's short name as the form's strip and the panel say it (``SHORT``), else its label."""
    if module_id in SHORT:
        return SHORT[module_id]
    m = voc.MODULE_BY_ID.get(module_id)
    return m.label if m else module_id


def classification_label(item: dict[str, Any]) -> str:
    """A classification as a list shows it: its label, with its module's name when the label says
    nothing alone ("NORMAL (Pertumbuhan)", display.needs_module_name)."""
    label = str(item.get("label") or item.get("code") or "")
    return f"{label} ({module_name(str(item.get('module') or ''))})" if needs_module_name(label) else label

SECTION_TITLES: dict[str, str] = {
    HEADER_ID: "Data kunjungan dan pengukuran",
    "demam_malaria": "Demam (malaria, campak, dengue)",
    "gizi": "Status gizi, pertumbuhan, lingkar kepala",
    "imunisasi": "Imunisasi dan vitamin A",
}

# Chart 2015 asks chest indrawing in the cough box; 2022 asks it on the SAGA "usaha napas" side.
PLACEMENT: dict[tuple[str, str], str] = {("2015", "tarikan_dinding_dada"): "batuk"}

# Questions a box asks only when the chart needs them for this child: shown while the engine lists
# them as missing for that module (its three-valued rows cannot decide without them), or once
# answered. The gizi complications decide only between the gizi buruk rows, so they are asked when
# a wasting sign is present or still unknown (mtbs-chart.md §3.8 row 4; below 6 months the 2022
# first row reads them itself, and the engine says so); "still breastfed" decides only the
# TERPAJAN rows of a child of an HIV-positive (or not yet known) mother (§3.10, §4.4).
ASKED_WHEN_NEEDED: dict[str, frozenset[str]] = {
    "gizi": frozenset({"anoreksia", "penurunan_kesadaran", "komplikasi_medis_lain",
                       "masalah_menyusu"}),
    "hiv": frozenset({"masih_menyusu_atau_baru_berhenti"}),
    "bm_hiv": frozenset({"masih_menyusu_atau_baru_berhenti"}),
}

# Questions the form treats as optional in a box although the vocabulary does not mark them so:
# no row of that box reads them (case-format.md §5.7: no balita rule reads oral thrush), so they
# are offered after the chart's questions and passed over going forward, like the opt items.
FORM_OPTIONAL: dict[str, frozenset[str]] = {"hiv": frozenset({"bercak_putih_mulut"})}

# Questions of one feeding path only (bm_berat_badan_asi): not asked once ``menyusu`` chose the
# other path (the rows read only the items of the infant's path).
FEEDING_PATH_ONLY: dict[bool, frozenset[str]] = {
    True: frozenset(voc.MINUM_PATH_KEYS) - frozenset(voc.ASI_PATH_KEYS),  # breastfed
    False: frozenset(voc.ASI_PATH_KEYS) - frozenset(voc.MINUM_PATH_KEYS),  # replacement feeding
}

# Boxes whose optional items join the questions asked in turn once one of the box's signs is
# present, or the child has fever: a child with a danger sign, or febrile (shock on the first day
# of fever, before the dengue box asks it), is also looked at for shock (§11.15 item 3).
OPTIONAL_ASKED_WHEN_SIGN = frozenset({"tanda_bahaya", "bm_infeksi"})


@dataclass(frozen=True)
class Block:
    """A run of questions from one module inside a section (a sub-heading when grouped)."""

    module: str
    title: str | None
    keys: tuple[str, ...]
    opening_key: str | None
    # Optional items ("if available", treatment-only, FORM_OPTIONAL): at the end of the block,
    # offered but passed over when an answer moves on (Tab, arrows and Shift+Tab reach them).
    optional: tuple[str, ...] = ()


@dataclass(frozen=True)
class SectionPlan:
    id: str
    title: str
    short: str
    modules: tuple[str, ...]
    blocks: tuple[Block, ...]
    echoes: tuple[str, ...] = ()  # keys asked in an earlier section that this box also reads

    @cached_property
    def keys(self) -> tuple[str, ...]:
        # Cached: the form asks for it on every key (a frozen plan never changes).
        return tuple(k for b in self.blocks for k in b.keys)


def header_keys(pathway: str, chart: str, age: Age) -> tuple[str, ...]:
    """The visit data asked first (anthropometry, temperature, area, chart)."""
    keys = ["weight_kg", "length_cm", "length_position", "temperature_c"]
    if pathway == "balita":
        if age.months >= 6:
            keys.append("muac_cm")  # read only from 6 months (§5.6)
        if chart == "2022":
            keys.append("head_circumference_cm")
        keys.append("malaria_area")
    keys.append("chart")
    return tuple(keys)


# Questions the chart asks only in an age band (their labels say so).
UNDER_6_MONTHS = frozenset({"masalah_menyusu", "terlalu_lemah_menyusu", "berat_badan_tidak_naik"})


def build_plan(pathway: str, chart: str, age: Age) -> list[SectionPlan]:
    """The sections of the form: the visit header, then the chart's boxes in chart order."""
    modules = voc.modules_for(pathway, chart)
    by_id = {m.id: m for m in modules}
    placed: dict[str, str] = {}
    # Each key is asked once: in the first module (chart order) that reads it, unless the chart
    # version asks it elsewhere (PLACEMENT).
    for m in modules:
        for key in voc.module_keys(m.id, chart):
            placed.setdefault(key, PLACEMENT.get((chart, key), m.id))
    grouped = {other for others in GROUPS.values() for other in others}
    emitted: set[str] = set()
    sections = [SectionPlan(HEADER_ID, SECTION_TITLES[HEADER_ID], SHORT[HEADER_ID], (),
                            (Block(HEADER_ID, None, header_keys(pathway, chart, age), None),))]
    for m in modules:
        if m.id in grouped and any(m.id in GROUPS.get(first, ()) and first in by_id
                                   for first in GROUPS):
            continue
        members = [m] + [by_id[o] for o in GROUPS.get(m.id, ()) if o in by_id]
        blocks = []
        echoes: list[str] = []
        for member in members:
            keys = []
            for key in voc.module_keys(member.id, chart):
                if key in voc.TOP_LEVEL:
                    continue
                if key in UNDER_6_MONTHS and age.months >= 6:
                    continue
                if placed[key] == member.id:
                    keys.append(key)
                elif key not in echoes and placed[key] in emitted:
                    # Asked in an earlier box that this one also reads: asked again here, in the
                    # chart's place (same answer, kept in step), because the earlier block may be
                    # folded (dengue) or far away.
                    echoes.append(key)
                    keys.append(key)
            if keys:
                # Optional items ("if available": SpO2, recount, z-scores; the shock signs in the
                # danger-sign boxes, §11.15 item 3) go to the end of their block, so PgDn skips
                # them all once the chart's questions are answered.
                extra = FORM_OPTIONAL.get(member.id, frozenset())
                optional = {k for k in keys if k != member.opening_key
                            and (member.is_optional(k) or k in extra)}
                keys.sort(key=lambda k: k in optional)
                title = member.label if len(members) > 1 else None
                blocks.append(Block(member.id, title, tuple(keys), member.opening_key,
                                    tuple(k for k in keys if k in optional)))
        emitted.update(x.id for x in members)
        if not blocks:
            continue
        sections.append(SectionPlan(
            id=m.id, title=SECTION_TITLES.get(m.id, m.label),
            short=SHORT.get(m.id, m.label.split()[0]),
            modules=tuple(x.id for x in members), blocks=tuple(blocks), echoes=tuple(echoes)))
    return sections


def has_fever(values: dict[str, Any]) -> bool | None:
    """case-format.md §3 "fever": True, False or None (unknown)."""
    temp = values.get("temperature_c")
    if values.get("demam") is True or (temp is not None and temp >= 37.5):
        return True
    if values.get("demam") is False and (temp is None or temp < 37.5):
        return False
    return None


def block_state(block: Block, values: dict[str, Any]) -> str | None:
    """Why a block is folded to one line, or None when its questions are asked.

    The opening question stays visible so ``y`` opens the block again in place.
    """
    if block.opening_key and values.get(block.opening_key) is False:
        return "tidak ada"
    if block.module == "campak":
        if has_fever(values) is False:
            return "tidak dinilai: tidak demam"
    if block.module == "dengue":
        fever = has_fever(values)
        days = values.get("demam_hari")
        if fever is False:
            return "tidak dinilai: tidak demam"
        if days is not None and not 2 <= days <= 7:
            return "tidak dinilai: demam tidak 2–7 hari"
    return None


def campak_details_asked(values: dict[str, Any]) -> bool:
    """The measles complications are asked when there is measles now or in the last 3 months."""
    if values.get("campak_3_bulan_terakhir") is True:
        return True
    if values.get("ruam_seluruh_tubuh") is True and values.get("batuk_pilek_mata_merah") is True:
        return True
    return not (values.get("campak_3_bulan_terakhir") is False and (
        values.get("ruam_seluruh_tubuh") is False or values.get("batuk_pilek_mata_merah") is False))


CAMPAK_ENTRY = ("campak_3_bulan_terakhir", "ruam_seluruh_tubuh", "batuk_pilek_mata_merah")


def visibility(plan: SectionPlan, values: dict[str, Any],
               needed: dict[str, set[str]] | None = None) -> dict[str, bool]:
    """Which questions of a section are asked now (False: folded away). Pure, so the form can
    tell what the case holds for sections that are not on screen (or not even mounted).

    ``needed`` (module -> the keys the engine lists as missing) hides an unanswered question of
    ``ASKED_WHEN_NEEDED`` that its box does not need; None (no classification) asks them all."""
    shown: dict[str, bool] = {}
    for block in plan.blocks:
        reason = block_state(block, values)
        conditional = ASKED_WHEN_NEEDED.get(block.module, frozenset())
        for key in block.keys:
            if reason is not None:
                shown[key] = key == block.opening_key
            elif block.module == "campak" and key not in CAMPAK_ENTRY:
                shown[key] = campak_details_asked(values)
            elif (block.module == "bm_berat_badan_asi" and values.get("menyusu") is not None
                  and key in FEEDING_PATH_ONLY[bool(values["menyusu"])]):
                shown[key] = False
            elif (needed is not None and key in conditional and values.get(key) is None
                  and key not in needed.get(block.module, ())):
                shown[key] = False
            else:
                shown[key] = True
    return shown


def has_conditional(plan: SectionPlan) -> bool:
    """Whether the section holds a question of ``ASKED_WHEN_NEEDED`` (shown or hidden with
    every classification, not only when a folding answer changes)."""
    return any(set(b.keys) & ASKED_WHEN_NEEDED.get(b.module, frozenset()) for b in plan.blocks)


def optional_asked(block: Block, values: dict[str, Any]) -> bool:
    """Whether the optional items of ``block`` are asked in turn now (OPTIONAL_ASKED_WHEN_SIGN:
    once one of the block's signs is present, or with fever); otherwise they are passed over
    going forward."""
    if block.module not in OPTIONAL_ASKED_WHEN_SIGN:
        return False
    return has_fever(values) is True or any(values.get(k) is True for k in block.keys)


def missing_by_module(result: dict[str, Any] | None) -> dict[str, set[str]] | None:
    """The engine's ``incomplete`` as module -> missing keys (None without a classification)."""
    if result is None:
        return None
    out: dict[str, set[str]] = {}
    for entry in result.get("incomplete") or []:
        out.setdefault(entry.get("module", ""), set()).update(entry.get("missing") or [])
    return out


def excluded_keys(plans: list[SectionPlan], values: dict[str, Any]) -> set[str]:
    """Keys that are folded away everywhere they are asked: left out of the case (kept in the
    form, so "y" on the opening question brings them back)."""
    present: set[str] = set()
    visible: set[str] = set()
    for plan in plans:
        for key, show in visibility(plan, values).items():
            present.add(key)
            if show:
                visible.add(key)
    return present - visible

def vaccines_for_age(age: Age) -> list[str]:
    """Doses a child of this age should have had, for the ``s`` key of the vaccine list ("all doses
    due for this age received", a typing shortcut). Read from the engine's schedule, so the form and
    the chart never disagree (case-format.md §9, IMUNISASI_<DOSE>)."""
    from mtbs_tui.rules.balita import SCHEDULE
    from mtbs_tui.rules.settings import DEFAULT

    due = ["hb0"]  # HB0 is given at birth; a child seen later has had it or missed it for good
    due += [dose for dose, months, _earlier in SCHEDULE
            if age.months >= months and (dose != "je" or DEFAULT.imunisasi_je)]
    return due


@dataclass
class FormValues:
    """The answers of one form, kept as the case-format object's parts."""

    top: dict[str, Any] = field(default_factory=dict)
    findings: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        return self.top.get(key) if key in voc.TOP_LEVEL else self.findings.get(key)

    def set(self, key: str, value: Any) -> None:
        target = self.top if key in voc.TOP_LEVEL else self.findings
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value

    def merged(self) -> dict[str, Any]:
        return {**self.findings, **self.top}
