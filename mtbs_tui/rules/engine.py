"""The engine: validated case in, the §7 output object out (shared/spec/case-format.md).

It derives the values of §3 (age, respiratory rate used, fever, fast breathing, z-scores, danger
sign, malaria route), runs the registered module tables of the pathway (``table.py``) in dependency
order, then assembles the output: classifications in chart order, ``incomplete``, ``refer_urgently``
(§11.5), the earliest follow-up (§11.6) and the treatments (first use, merah-only plus
``RUJUK_SEGERA`` when referring). It has no side effects and reads no files.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any, Mapping, cast

from mtbs_tui.rules import codes, doses
from mtbs_tui.rules.age import length_position_for
from mtbs_tui.rules.case import Case, validate_case
from mtbs_tui.rules.errors import CaseError
from mtbs_tui.rules.settings import DEFAULT, ChartSettings
from mtbs_tui.rules.table import (
    HIJAU,
    KUNING,
    MERAH,
    Ctx,
    ModuleTable,
    Outcome,
    Q,
    evaluate_module,
    register_fact,
    register_quantity,
    registered,
)
from mtbs_tui.rules.vocabulary import FINDINGS, MODULES, SHOCK_SIGNS, doc_sorted, format_number, module_keys

# The contract this engine implements (shared/spec/case-format.md, version 2: the §11.15 safety
# amendments). The register stores RULES_VERSION with every visit it classifies, so a visit keeps
# the classification it was saved with and a reader can tell which rules made it.
CONTRACT_VERSION = 2
RULES_VERSION = f"contract {CONTRACT_VERSION}"

_MODULE_POS = {m.id: i for i, m in enumerate(MODULES)}
_PATHWAY_MODULES = {"balita": "mtbs_tui.rules.balita", "bayi_muda": "mtbs_tui.rules.bayi_muda"}
_loaded: set[str] = set()


def _load_pathways(*pathways: str) -> None:
    """Import the table modules of the pathways (all when none is named) once; each registers its
    tables. Only what a case needs is imported: start-up time counts on old clinic PCs."""
    for pathway in pathways or tuple(_PATHWAY_MODULES):
        if pathway in _loaded:
            continue
        name = _PATHWAY_MODULES[pathway]
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
        _loaded.add(pathway)


# --------------------------------------------------------------------------------------------
# Derived values (§3)

@register_quantity("napas")
def _respiratory_rate(ctx: Ctx) -> Q:
    """The recount replaces the first count when present."""
    for key in ("napas_per_menit_ulang", "napas_per_menit"):
        if ctx.has(key):
            return Q(ctx.value(key), (key,), ())
    return Q(None, (), ("napas_per_menit",))


@register_fact("demam_ada")
def _fever(ctx: Ctx) -> Outcome:
    """Fever: ``demam`` true or temperature >= 37.5; no fever: ``demam`` false and no such
    temperature; anything else unknown."""
    temp = ctx.value("temperature_c")
    hot = temp is not None and temp >= 37.5
    demam = ctx.value("demam")
    if demam is True or hot:
        because = tuple(k for k, ok in (("demam", demam is True), ("temperature_c", hot)) if ok)
        return Outcome(True, because)
    if demam is False:
        because = ("demam", "temperature_c") if temp is not None else ("demam",)
        return Outcome(False, because)
    return Outcome(None, missing=("demam",))


@register_fact("napas_cepat")
def _fast_breathing(ctx: Ctx) -> Outcome:
    q = ctx.quantity("napas")
    if q.value is None:
        return Outcome(None, missing=q.missing)
    threshold = 50 if ctx.age_months < 12 else 40
    return Outcome(q.value >= threshold, q.because)


@register_fact("tanda_bahaya_ada")
def _danger_sign(ctx: Ctx) -> Outcome:
    """§3 "danger sign present", read from the tanda_bahaya module's result."""
    res = ctx.results["tanda_bahaya"]
    for code in ("PENYAKIT_SANGAT_BERAT", "GAGAL_JANTUNG_PARU"):
        out = ctx.printed("tanda_bahaya", code)
        if out.value is True:
            return out
    stabil = ctx.printed("tanda_bahaya", "STABIL") if ctx.chart == "2022" else None
    if stabil is not None and stabil.value is True:
        return Outcome(False, stabil.because)
    if ctx.chart == "2015" and not res.incomplete:
        tr = res.tables[0]
        return Outcome(False, tr.outcomes[0].because)
    return Outcome(None, missing=res.missing)


@register_fact("syok_tercatat")
def _shock_recorded(ctx: Ctx) -> Outcome:
    """§11.15 item 3: a shock sign recorded true is a danger sign wherever it is recorded. The keys
    are optional here (absent never makes a danger-sign box incomplete), so this is never unknown;
    the dengue box still reads them as required keys."""
    if not ctx.settings.tanda_syok_tanda_bahaya:
        return Outcome(False)
    present = tuple(k for k in SHOCK_SIGNS if ctx.value(k) is True)
    if present:
        return Outcome(True, present)
    return Outcome(False, tuple(k for k in SHOCK_SIGNS if ctx.value(k) is False))


@register_fact("rute_endemis")
def _endemic(ctx: Ctx) -> Outcome:
    area, travel = ctx.value("malaria_area"), ctx.value("bepergian_daerah_malaria")
    because = []
    if area in ("tinggi", "rendah"):
        because.append("malaria_area")
    if travel in ("rendah", "tinggi"):
        because.append("bepergian_daerah_malaria")
    if because:
        return Outcome(True, tuple(because))
    if area == "non_endemis" and travel == "tidak":
        return Outcome(False, ("malaria_area", "bepergian_daerah_malaria"))
    missing = tuple(k for k in ("malaria_area", "bepergian_daerah_malaria") if not ctx.has(k))
    return Outcome(None, missing=missing)


_ZSCORES = {
    # key: (the charts that read it, the pathway that reads it)
    "zskor_bb_pb": (("2015", "2022"), "balita"),
    "zskor_pb_u": (("2022",), "balita"),
    "zskor_lk_u": (("2022",), "balita"),
    "zskor_bb_u": (("2015", "2022"), "bayi_muda"),
}
_Z_LABEL = {"zskor_bb_pb": "BB/PB atau BB/TB", "zskor_pb_u": "PB/U atau TB/U",
            "zskor_lk_u": "LK/U", "zskor_bb_u": "BB/U"}


def _z_inputs(key: str, ctx: Ctx) -> tuple[str, ...]:
    if key == "zskor_bb_pb":
        return ("sex", "weight_kg", "length_cm")
    if key == "zskor_pb_u":
        return ("sex", "length_cm")
    if key == "zskor_lk_u":
        return ("sex", "head_circumference_cm")
    return ("sex", "weight_kg")


def converted_length(ctx: Ctx) -> float | None:
    """§3: standing below 24 completed months +0.7 cm; lying from 24 months -0.7 cm."""
    length: float | None = ctx.value("length_cm")
    if length is None:
        return None
    expected = length_position_for(ctx.age_months)
    position = ctx.value("length_position") or expected
    if expected == "berbaring" and position == "berdiri":
        return round(length + 0.7, 6)
    if expected == "berdiri" and position == "berbaring":
        return round(length - 0.7, 6)
    return length


def _compute_z(key: str, ctx: Ctx) -> float | None:
    from mtbs_tui.rules import growth  # its WHO tables are loaded only when a z-score is needed

    sex = ctx.value("sex")
    if key == "zskor_bb_pb":
        # The length is present: _prepare_zscores checked the inputs first.
        length = cast(float, converted_length(ctx))
        if length_position_for(ctx.age_months) == "berbaring":  # WFL below 24 months, WFH from 24
            return growth.weight_for_length(sex, length, ctx.value("weight_kg"))
        return growth.weight_for_height(sex, length, ctx.value("weight_kg"))
    if key == "zskor_pb_u":
        return growth.length_height_for_age(sex, ctx.age_days, cast(float, converted_length(ctx)))
    if key == "zskor_lk_u":
        return growth.head_circumference_for_age(sex, ctx.age_days,
                                                 ctx.value("head_circumference_cm"))
    return growth.weight_for_age(sex, ctx.age_days, ctx.value("weight_kg"))


def _prepare_zscores(ctx: Ctx) -> None:
    """Compute, once, every z-score the chart and pathway read and that the case does not pin."""
    zs: dict[str, Q] = {}
    for key, (charts, pathway) in _ZSCORES.items():
        if ctx.chart not in charts or ctx.pathway != pathway:
            continue
        if ctx.has(key):
            zs[key] = Q(ctx.value(key), (key,), ())
            continue
        inputs = _z_inputs(key, ctx)
        absent = tuple(k for k in inputs if not ctx.has(k))
        if absent:
            zs[key] = Q(None, (), absent)
            continue
        z = _compute_z(key, ctx)
        measured = tuple(k for k in inputs if k != "sex")
        if z is None:
            # Outside WHO's table: unknown; name the measurement the
            # worker can check, never the zskor_* key (§6).
            zs[key] = Q(None, (), measured)
            continue
        if not (-6.0 <= z <= 6.0):
            raise CaseError(measured[0], f"skor-z {_Z_LABEL[key]} {format_number(round(z, 2))} di luar rentang −6 … +6; "
                                         f"periksa {' dan '.join(measured)}")
        zs[key] = Q(z, (key,), ())
    ctx._cache["zscores"] = zs


def _z_quantity(key: str) -> None:
    @register_quantity(key)
    def _q(ctx: Ctx) -> Q:
        zs = ctx._cache.get("zscores", {})
        if key in zs:
            return cast(Q, zs[key])
        if ctx.has(key):
            return Q(ctx.value(key), (key,), ())
        return Q(None, (), ())


for _key in _ZSCORES:
    _z_quantity(_key)


# --------------------------------------------------------------------------------------------
# Classification

def classify(case: Mapping[str, Any], chart: str | None = None,
             settings: ChartSettings = DEFAULT) -> dict[str, Any]:
    """Classify one visit. ``chart`` (``--chart``) overrides the case's ``chart``. Raises
    ``CaseError`` on invalid input; returns the §7 object."""
    c = validate_case(case, chart)
    _load_pathways(c.pathway)
    return run(c, settings)


def zscores(case: Mapping[str, Any], chart: str | None = None,
            settings: ChartSettings = DEFAULT) -> dict[str, float | None]:
    """The z-scores the chart and pathway read, as ``classify`` uses them (given or computed, §3);
    None when unknown. Lets a caller vary a weight or an age while keeping the growth rows as they
    were (the practice mode's dose choices)."""
    c = validate_case(case, chart)
    ctx = Ctx(c.values, c.chart, c.pathway, c.age_days, c.age_months, settings)
    _prepare_zscores(ctx)
    return {key: q.value for key, q in ctx._cache["zscores"].items()}


_PLANS: dict[tuple[str, str, ChartSettings, int], tuple[list[Any], list[Any]]] = {}


def _plan(pathway: str, chart: str, settings: ChartSettings) -> tuple[list[Any], list[Any]]:
    """The modules in evaluation order and in chart (output) order, computed once per pathway,
    chart and settings (the registry only grows, so its size is part of the key)."""
    from mtbs_tui.rules.table import REGISTRY, VARIANTS

    size = sum(len(m) for p in REGISTRY.values() for m in p.values()) + len(VARIANTS)
    key = (pathway, chart, settings, size)
    plan = _PLANS.get(key)
    if plan is None:
        specs = registered(pathway, chart, settings)
        ordered = sorted(specs, key=lambda s: _MODULE_POS.get(s.module, 999))
        plan = _PLANS[key] = (specs, ordered)
    return plan


# §11.15 item 8: balita danger-sign keys that have a young-infant meaning, and that meaning.
YOUNG_INFANT_MAPPING: dict[str, tuple[str, Any]] = {
    "tidak_bisa_minum": ("menyusu_lemah", True),
    "memuntahkan_semua": ("muntah_semua_atau_hijau", True),
    "letargis_tidak_sadar": ("keadaan_umum", "letargis_tidak_sadar"),
}


def _balita_only_danger_keys() -> tuple[str, ...]:
    """The danger-sign keys (2015 and SAGA) that no young-infant module reads."""
    read = {k for m in MODULES if m.pathway == "bayi_muda" for k in m.keys}
    danger = module_keys("tanda_bahaya", "2015") + module_keys("tanda_bahaya", "2022")
    return tuple(k for k in dict.fromkeys(danger) if k not in read and k in FINDINGS)


BALITA_ONLY_DANGER_KEYS = _balita_only_danger_keys()


def young_infant_values(values: Mapping[str, Any]) -> tuple[dict[str, Any], list[str], dict[str, str]]:
    """§11.15 item 8 for a case routed to bayi muda: the values with the balita danger signs that
    have a young-infant meaning mapped onto it (unless the case gives that key itself), the true
    balita-only danger-sign keys (``unread_findings``, in document order) and, for ``because``
    lists, which young-infant key stands for which recorded key."""
    unread = doc_sorted(k for k in BALITA_ONLY_DANGER_KEYS if values.get(k) is True)
    mapped = dict(values)
    cited: dict[str, str] = {}
    for key in unread:
        if key in YOUNG_INFANT_MAPPING:
            target, value = YOUNG_INFANT_MAPPING[key]
            if values.get(target) is None:
                mapped[target] = value
                cited[target] = key
    return mapped, unread, cited


def run(c: Case, settings: ChartSettings = DEFAULT) -> dict[str, Any]:
    values: Mapping[str, Any] = c.values
    unread: list[str] = []
    cited: dict[str, str] = {}
    if c.pathway == "bayi_muda":
        values, unread, cited = young_infant_values(c.values)
    ctx = Ctx(values, c.chart, c.pathway, c.age_days, c.age_months, settings)
    _prepare_zscores(ctx)
    specs, ordered = _plan(c.pathway, c.chart, settings)
    for spec in specs:
        if isinstance(spec, ModuleTable):
            ctx.add_result(evaluate_module(spec, ctx))

    classifications: list[dict[str, Any]] = []
    printed: list[tuple[ModuleTable, Any, Outcome]] = []
    for spec in ordered:
        if not isinstance(spec, ModuleTable):
            continue
        res = ctx.results[spec.module]
        for tr in res.tables:
            if tr.printed is None:
                continue
            row = tr.table.rows[tr.printed]
            out = tr.outcomes[tr.printed]
            printed.append((spec, row, out))
            info = codes.classification(c.pathway, row.code)
            because = list(dict.fromkeys(cited.get(k, k) for k in out.because))
            classifications.append({
                "module": spec.module, "code": row.code, "label": info.label,
                "colour": row.colour, "rule": spec.rule_id(row), "because": because})

    merah = [row.code for _, row, _ in printed if row.colour == MERAH]
    refer = bool(merah) and merah != ["DIARE_DEHIDRASI_BERAT"]
    ctx.printed_codes = tuple(row.code for _, row, _ in printed)
    ctx.refer_urgently = refer

    follow_ups = [d for _, row, out in printed if (d := row.follow_up_days(ctx, out)) is not None]

    treatments = _Treatments()
    incomplete: list[dict[str, Any]] = []
    for spec in ordered:
        if isinstance(spec, ModuleTable):
            res = ctx.results[spec.module]
            for tr in res.tables:
                if tr.printed is None:
                    continue
                row = tr.table.rows[tr.printed]
                if refer and row.colour != MERAH:
                    continue
                for tx in row.treatments:
                    if tx.when is None or tx.when(ctx):
                        treatments.add(tx.code, tx.label, tx.dose(ctx) if tx.dose else None)
                if row.colour in (KUNING, HIJAU) and row.code != "STABIL":
                    treatments.add("NASIHAT_KEMBALI_SEGERA", None, None)
            if spec.extra is not None and not refer:
                for item in spec.extra(ctx, res):
                    treatments.add(item.code, item.label, item.dose)
            if res.incomplete:
                incomplete.append({"module": spec.module, "missing": list(res.missing)})
        else:
            items, missing = spec.run(ctx)
            if not refer:
                for item in items:
                    treatments.add(item.code, item.label, item.dose)
            if missing:
                incomplete.append({"module": spec.module, "missing": list(missing)})
    if refer:
        treatments.add("RUJUK_SEGERA", None, None)

    result = {
        "chart": c.chart,
        "pathway": c.pathway,
        "age": {"days": c.age_days, "months": c.age_months},
        "classifications": classifications,
        "incomplete": incomplete,
        "refer_urgently": refer,
        "follow_up_days": min(follow_ups) if follow_ups else None,
        "treatments": treatments.items(),
    }
    if unread:
        result["unread_findings"] = unread  # §11.15 item 8: never silently dropped
    return result


class _Treatments:
    """First-use order; one entry per code (per reason for RUJUK), distinct doses joined by "; "
    (``doses.joined`` keeps each dose's parts for the documents), except a code given at one rate
    (oxygen, ``codes.ONE_RATE_TREATMENTS``): the first row's dose only."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], dict[str, Any]] = {}
        self._doses: dict[tuple[str, str], list[str]] = {}

    def add(self, code: str, label: str | None, dose: str | None) -> None:
        label = label or codes.treatment_label(code)
        key = (code, label if code == "RUJUK" else "")
        if key not in self._items:
            self._items[key] = {"code": code, "label": label, "dose": None}
            self._doses[key] = []
        if code in codes.ONE_RATE_TREATMENTS and self._doses[key]:
            return  # one rate: the first row's in chart order (codes.ONE_RATE_TREATMENTS)
        if dose and dose not in self._doses[key]:
            self._doses[key].append(dose)
            self._items[key]["dose"] = doses.joined(self._doses[key])

    def items(self) -> list[dict[str, Any]]:
        return [dict(item) for item in self._items.values()]
