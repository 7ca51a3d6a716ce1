"""Scoring a trainee's answer against the chart (issue 19 item 3). Pure: no files, no UI.

The chart's answer is the engine's §7 output for the practice case. A trainee's ``Answer`` holds
her classifications (codes), her treatments with the dose she chose, her follow-up day and, when
she recorded the assessment on the visit form, the case she recorded. ``score`` compares them per
area:

* ``penilaian`` (assessment): the inputs that decide the chart's classifications (the union of
  their ``because``) recorded with the case's value, plus every other finding she recorded
  differently that changes the result on its own (each is tried with the engine);
* ``klasifikasi``: codes in both / codes in either;
* ``tindakan``: treatment codes in both / codes in either;
* ``dosis``: the doses she chose for the chart's dosed treatments she also chose;
* ``kunjungan_ulang``: her follow-up day against the chart's (both "none" is right).

The case score is the mean of the areas that apply. Each difference is one Indonesian line with the
rule and the inputs that decided it (the engine's ``because``), values as the case records them.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from mtbs_tui.rules import codes as rule_codes
from mtbs_tui.rules.age import add_months, age_on
from mtbs_tui.rules.errors import CaseError
from mtbs_tui.rules.vocabulary import FINDINGS, MODULE_BY_ID, TOP_LEVEL, format_number

AREAS: tuple[str, ...] = ("penilaian", "klasifikasi", "tindakan", "dosis", "kunjungan_ulang")
AREA_LABELS: dict[str, str] = {"penilaian": "Penilaian", "klasifikasi": "Klasifikasi", "tindakan": "Tindakan",
                               "dosis": "Dosis", "kunjungan_ulang": "Kunjungan ulang"}

# The top-level measurements a trainee records on the form (compared like findings).
MEASURED = ("weight_kg", "length_cm", "length_position", "muac_cm", "head_circumference_cm", "temperature_c")


@dataclass(frozen=True)
class Answer:
    classifications: tuple[str, ...]
    treatments: Mapping[str, str | None]  # code -> the dose she chose (None: no dose chosen)
    follow_up_days: int | None
    recorded: Mapping[str, Any] | None = None  # the case she recorded on the form (None: not asked)

    def to_json(self) -> dict[str, Any]:
        return {"classifications": list(self.classifications), "treatments": dict(self.treatments),
                "follow_up_days": self.follow_up_days,
                "recorded": dict(self.recorded) if self.recorded is not None else None}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Answer":
        return cls(tuple(data.get("classifications") or ()), dict(data.get("treatments") or {}),
                   data.get("follow_up_days"), data.get("recorded"))


@dataclass(frozen=True)
class Difference:
    area: str
    text: str  # one Indonesian line
    rule: str | None = None  # the chart row that decided it
    because: tuple[str, ...] = ()  # the inputs that made that row true
    code: str | None = None  # the classification or treatment concerned


@dataclass(frozen=True)
class AreaScore:
    area: str
    correct: int
    total: int

    @property
    def percent(self) -> float | None:
        return None if self.total == 0 else 100.0 * self.correct / self.total


@dataclass(frozen=True)
class Score:
    areas: tuple[AreaScore, ...]
    differences: tuple[Difference, ...]
    expected: Mapping[str, Any] = field(repr=False)

    @property
    def percent(self) -> float:
        values = [a.percent for a in self.areas if a.percent is not None]
        return sum(values) / len(values) if values else 100.0

    def area(self, name: str) -> AreaScore:
        return next(a for a in self.areas if a.area == name)

    @property
    def missed_rules(self) -> tuple[str, ...]:
        """The chart rows she missed (a classification of the chart she did not give)."""
        return tuple(d.rule for d in self.differences if d.area == "klasifikasi" and d.rule)

    def to_json(self) -> dict[str, Any]:
        return {"percent": round(self.percent, 1),
                "areas": {a.area: {"correct": a.correct, "total": a.total} for a in self.areas},
                "differences": [{"area": d.area, "text": d.text, "rule": d.rule, "because": list(d.because),
                                 "code": d.code} for d in self.differences]}


# ---------------------------------------------------------------------------------------------
# Texts

def _value_text(key: str, value: Any) -> str:
    spec = FINDINGS.get(key) or TOP_LEVEL.get(key)
    if value is None:
        return "tidak dicatat"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if spec is not None and spec.kind == "enum":
        return spec.choice_label(str(value)).lower()
    if spec is not None and spec.kind == "set":
        return ", ".join(spec.choice_label(v) for v in value) if value else "tidak ada"
    if isinstance(value, (int, float)):
        unit = f" {spec.unit}" if spec is not None and spec.unit else ""
        return f"{format_number(value)}{unit}"
    return str(value)


def value_of(case: Mapping[str, Any], key: str) -> Any:
    if key in TOP_LEVEL:
        return case.get(key)
    return (case.get("findings") or {}).get(key)


def label_of(key: str) -> str:
    spec = FINDINGS.get(key) or TOP_LEVEL.get(key)
    return spec.label if spec is not None else key


def because_text(case: Mapping[str, Any], because: Iterable[str]) -> str:
    """'Frekuensi napas 54 kali/menit; Tarikan dinding dada ...: tidak': the deciding inputs with
    the values the case records (a z-score is computed from the measurements)."""
    parts = []
    for key in because:
        if key.startswith("zskor_") and value_of(case, key) is None:
            parts.append(f"{label_of(key)} (dihitung dari ukuran)")
            continue
        parts.append(f"{label_of(key)}: {_value_text(key, value_of(case, key))}")
    return "; ".join(parts)


def _cls_label(pathway: str, code: str) -> str:
    info = rule_codes.CLASSIFICATIONS[pathway].get(code)
    return info.label if info is not None else code


def _tx_label(code: str) -> str:
    return rule_codes.TREATMENTS.get(code, code)


# ---------------------------------------------------------------------------------------------
# The chart's rows (for the rule behind a treatment or a follow-up)

def _rows(pathway: str, chart: str) -> dict[str, Any]:
    """rule id -> Row of the registered tables of the pathway and chart."""
    from mtbs_tui.rules.engine import _load_pathways
    from mtbs_tui.rules.settings import DEFAULT
    from mtbs_tui.rules.table import ModuleTable, registered

    _load_pathways(pathway)
    return {spec.rule_id(row): row for spec in registered(pathway, chart, DEFAULT)
            if isinstance(spec, ModuleTable) for table in spec.tables for row in table.rows}


def rule_text(pathway: str, chart: str, rule: str) -> str:
    """The condition of a chart row as the tables write it (docs/chart.md), e.g. 'napas cepat
    (≥ 50/menit umur 2–<12 bulan; ≥ 40/menit umur ≥ 12 bulan)'; "" for an unknown rule."""
    row = _rows(pathway, chart).get(rule)
    if row is None:
        return ""
    if row.when is None:
        return "selain baris di atasnya"
    # The tables name findings by key (tidak_bisa_minum); the trainee reads the form's labels.
    return _FINDING_KEY.sub(lambda m: _finding_label(m.group(0)), row.when.text)


_FINDING_KEY = re.compile(r"\b[A-Za-z][A-Za-z0-9_]*\b")


def _finding_label(key: str) -> str:
    """A finding's label (label_of); another key (a value such as sangat_lambat, a code) in words."""
    return label_of(key) if key in FINDINGS or key in TOP_LEVEL else key.replace("_", " ")


def _treatment_source(expected: Mapping[str, Any], code: str) -> tuple[str | None, tuple[str, ...]]:
    """The printed classification whose row gives ``code`` (its rule and because)."""
    rows = _rows(expected["pathway"], expected["chart"])
    for c in expected["classifications"]:
        row = rows.get(c["rule"])
        if row is None:
            continue
        if code in {tx.code for tx in row.treatments} \
                or (code == "RUJUK_SEGERA" and c["colour"] == "merah") \
                or (code == "NASIHAT_KEMBALI_SEGERA" and c["colour"] != "merah" and c["code"] != "STABIL"):
            return c["rule"], tuple(c["because"])
    if code.startswith("IMUNISASI_"):
        return None, ("imunisasi_diterima",)
    return None, ()


def treatment_choices(case: Mapping[str, Any], chosen: Sequence[str]) -> list[str]:
    """The treatment codes offered to a trainee: every treatment of every row of the modules the
    chart or she classified (so the right ones sit among their neighbours), the vaccines the child
    has not yet received, vitamin A, the advice and the referral; in the catalogue's order."""
    from mtbs_tui.rules.engine import classify

    result = classify(case)
    pathway = result["pathway"]
    modules = {c["module"] for c in result["classifications"]}
    for code in chosen:
        info = rule_codes.CLASSIFICATIONS[pathway].get(code)
        if info is not None:
            modules.add(info.module)
    out: list[str] = []
    for rule, row in _rows(pathway, result["chart"]).items():
        if rule.split(".")[1] in modules:
            out.extend(tx.code for tx in row.treatments)
    received = set((case.get("findings") or {}).get("imunisasi_diterima") or ())
    out.extend(f"IMUNISASI_{d.upper()}" for d in rule_codes.IMMUNISATION_DOSES
               if d not in received and d != "je" and (pathway == "balita" or d in ("hb0", "bcg", "polio_1")))
    if pathway == "balita":
        out.append("VITAMIN_A")
    else:
        out.append("VITAMIN_K1")
    out.extend(["NASIHAT_KEMBALI_SEGERA", "RUJUK_SEGERA"])
    out.extend(t["code"] for t in result["treatments"])  # never missing, wherever it came from
    # In the catalogue's order (codes.TREATMENTS), never the chart's answer order: the list must
    # not give the answer away by its first lines.
    order = {code: n for n, code in enumerate(rule_codes.TREATMENTS)}
    return sorted(dict.fromkeys(out), key=lambda code: order.get(code, len(order)))


def classification_choices(pathway: str, chart: str, module: str) -> list[str]:
    """The codes of one module under the chart, in chart order (one key each on the form)."""
    other = "2015" if chart == "2022" else "2022"
    excluded = rule_codes.BALITA_CHART_ONLY[other] if pathway == "balita" else set()
    return [c.code for c in rule_codes.CLASSIFICATIONS[pathway].values()
            if c.module == module and c.code not in excluded]


def multi_row_modules(pathway: str, chart: str) -> set[str]:
    """The modules that may print more than one classification (several tables: diarrhoea)."""
    from mtbs_tui.rules.engine import _load_pathways
    from mtbs_tui.rules.settings import DEFAULT
    from mtbs_tui.rules.table import ModuleTable, registered

    _load_pathways(pathway)
    return {spec.module for spec in registered(pathway, chart, DEFAULT)
            if isinstance(spec, ModuleTable) and len(spec.tables) > 1}


def follow_up_choices() -> list[int]:
    """The follow-up days the chart's rows use, of both pathways and charts (the trainee picks one,
    or none): the choice itself does not give the pathway's answer away."""
    days = {row.follow_up for pathway in ("balita", "bayi_muda") for chart in ("2015", "2022")
            for row in _rows(pathway, chart).values() if isinstance(row.follow_up, int)}
    return sorted(days)


_WEIGHTS = (2.0, 3.0, 4.0, 5.5, 7.0, 9.0, 11.0, 13.0, 15.0, 17.0, 19.5, 24.0)
_BALITA_MONTHS = (2, 4, 6, 9, 12, 18, 24, 36, 48)
_BAYI_DAYS = (1, 5, 20, 45)


def _variant_cases(case: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The case with other weights, then at other ages (the child's own among them, in order, so
    the right dose sits in its place), the growth rows kept as they were."""
    from mtbs_tui.rules.engine import zscores

    try:
        pinned = {k: v for k, v in zscores(case).items() if v is not None}
    except CaseError:
        pinned = {}
    base = dict(case)
    base["findings"] = {**(case.get("findings") or {}), **pinned}
    weights = sorted({*_WEIGHTS, *((float(case["weight_kg"]),) if case.get("weight_kg") else ())})
    out = [{**base, "weight_kg": w} for w in weights]
    visit = dt.date.fromisoformat(str(case["visit_date"]))
    own = dt.date.fromisoformat(str(case["birth_date"]))
    births: set[dt.date] = {own}
    if age_on(own, visit).young_infant:
        births |= {visit - dt.timedelta(days=d) for d in _BAYI_DAYS}
    else:
        for m in _BALITA_MONTHS:
            total = visit.year * 12 + visit.month - 1 - m
            b = dt.date(total // 12, total % 12 + 1, 1)
            if add_months(b, m) <= visit:
                births.add(b)
    out.extend({**base, "birth_date": b.isoformat()} for b in sorted(births, reverse=True))
    return out


def dose_choices(case: Mapping[str, Any], code: str, limit: int = 5) -> list[str]:
    """The dose texts offered for one treatment: the chart's dose for this child and the doses the
    same table gives for other weights and ages (the engine computes each), nearest first."""
    from mtbs_tui.rules.engine import classify

    def dose_in(result: Mapping[str, Any]) -> str | None:
        return next((t["dose"] for t in result["treatments"] if t["code"] == code and t["dose"]), None)

    right = dose_in(classify(case))
    seen: list[str] = []  # in weight order, then age order
    for variant in _variant_cases(case):
        try:
            dose = dose_in(classify(variant))
        except CaseError:
            continue
        if dose and dose not in seen:
            seen.append(dose)
    if right is None:
        return seen[:limit]
    if right not in seen:
        seen.append(right)
    # The right dose among its neighbours in table order, at a place that varies from case to case
    # (fixed for a case and a code), so the place never gives the answer away.
    at = seen.index(right)
    first, last = max(0, at - limit + 1), min(at, max(len(seen) - limit, 0))
    lo = random.Random(f"{case.get('birth_date')}|{case.get('weight_kg')}|{code}").randint(first, max(first, last))
    return seen[lo:lo + limit]


# ---------------------------------------------------------------------------------------------
# Scoring

def _classify(case: Mapping[str, Any]) -> dict[str, Any] | None:
    from mtbs_tui.rules.engine import classify

    try:
        return classify(case)
    except CaseError:
        return None


def _codes(result: Mapping[str, Any]) -> set[str]:
    return {c["code"] for c in result["classifications"]}


def _assessment(case: Mapping[str, Any], expected: Mapping[str, Any], recorded: Mapping[str, Any],
                diffs: list[Difference]) -> AreaScore:
    deciding = {k for c in expected["classifications"] for k in c["because"]
                if (k in FINDINGS and not k.startswith("zskor_")) or k in MEASURED}
    keys = list(dict.fromkeys([*MEASURED, *(case.get("findings") or {}), *(recorded.get("findings") or {})]))
    wrong: list[str] = []
    right: set[str] = set()
    right_codes = _codes(expected)
    for key in keys:
        mine, chart = value_of(recorded, key), value_of(case, key)
        if isinstance(mine, list) and isinstance(chart, list):
            same = set(mine) == set(chart)
        else:
            same = mine == chart
        if same:
            if key in deciding:
                right.add(key)
            continue
        if key not in deciding:
            # Does her value alone change the chart's answer?
            trial = {**case, "findings": dict(case.get("findings") or {})}
            target = trial if key in TOP_LEVEL else trial["findings"]
            if mine is None:
                target.pop(key, None)
            else:
                target[key] = mine
            result = _classify(trial)
            if result is not None and _codes(result) == right_codes and not result["incomplete"]:
                continue
        wrong.append(key)
        rules = [c["rule"] for c in expected["classifications"] if key in c["because"]]
        said = "tidak mencatat" if mine is None else f"mencatat {_value_text(key, mine)}"
        diffs.append(Difference(
            "penilaian", f"Penilaian {label_of(key)}: Anda {said}, kasus: {_value_text(key, chart)}",
            rules[0] if rules else None, (key,)))
    return AreaScore("penilaian", len(right), len(right) + len(wrong))


def score(case: Mapping[str, Any], answer: Answer, expected: Mapping[str, Any] | None = None) -> Score:
    """Compare ``answer`` with the chart's answer for ``case`` (computed unless given)."""
    from mtbs_tui.rules.engine import classify

    expected = expected if expected is not None else classify(case)
    pathway = expected["pathway"]
    diffs: list[Difference] = []
    areas: list[AreaScore] = []

    # Assessment
    if answer.recorded is not None:
        areas.append(_assessment(case, expected, answer.recorded, diffs))
    else:
        areas.append(AreaScore("penilaian", 0, 0))

    # Classification, paired per module
    exp_by_module: dict[str, list[dict[str, Any]]] = {}
    for c in expected["classifications"]:
        exp_by_module.setdefault(c["module"], []).append(c)
    mine = list(dict.fromkeys(answer.classifications))
    mine_by_module: dict[str, list[str]] = {}
    for code in mine:
        info = rule_codes.CLASSIFICATIONS[pathway].get(code)
        mine_by_module.setdefault(info.module if info else "?", []).append(code)
    exp_codes = {c["code"] for c in expected["classifications"]}
    right = exp_codes & set(mine)
    for module in dict.fromkeys([*exp_by_module, *mine_by_module]):
        missed = [c for c in exp_by_module.get(module, []) if c["code"] not in right]
        extra = [c for c in mine_by_module.get(module, []) if c not in right]
        label = MODULE_BY_ID[module].label if module in MODULE_BY_ID else module
        if len(missed) == 1 and len(extra) == 1:
            c = missed[0]
            diffs.append(Difference(
                "klasifikasi", f"{label}: Anda {_cls_label(pathway, extra[0])}, bagan {c['label']} "
                               f"({c['rule']}; karena {because_text(case, c['because'])})",
                c["rule"], tuple(c["because"]), c["code"]))
            continue
        for c in missed:
            diffs.append(Difference(
                "klasifikasi", f"{label}: terlewat {c['label']} ({c['rule']}; karena "
                               f"{because_text(case, c['because'])})", c["rule"], tuple(c["because"]), c["code"]))
        for code in extra:
            opening = MODULE_BY_ID[module].opening_key if module in MODULE_BY_ID else None
            why = f"; {because_text(case, [opening])}" if opening else ""
            diffs.append(Difference(
                "klasifikasi", f"{label}: {_cls_label(pathway, code)} tidak diberikan bagan{why}",
                None, (opening,) if opening else (), code))
    areas.append(AreaScore("klasifikasi", len(right), len(exp_codes | set(mine))))

    # Treatments and doses
    exp_tx: dict[str, str | None] = {}
    for t in expected["treatments"]:
        exp_tx.setdefault(t["code"], t["dose"])  # RUJUK once per reason: one choice
    mine_tx = dict(answer.treatments)
    both = set(exp_tx) & set(mine_tx)
    for code in exp_tx:
        if code not in mine_tx:
            rule, because = _treatment_source(expected, code)
            why = f" ({rule}; karena {because_text(case, because)})" if rule else (
                f" (karena {because_text(case, because)})" if because else "")
            diffs.append(Difference("tindakan", f"Tindakan terlewat: {_tx_label(code)}{why}", rule, because, code))
    for code in mine_tx:
        if code not in exp_tx:
            reason = " (anak dirujuk segera: hanya tindakan pra-rujukan)" if expected["refer_urgently"] else ""
            diffs.append(Difference("tindakan", f"Tindakan tidak sesuai bagan: {_tx_label(code)}{reason}",
                                    None, (), code))
    areas.append(AreaScore("tindakan", len(both), len(set(exp_tx) | set(mine_tx))))
    dosed = [code for code in exp_tx if code in both and exp_tx[code]]
    dose_right = 0
    for code in dosed:
        if mine_tx[code] == exp_tx[code]:
            dose_right += 1
            continue
        rule, _ = _treatment_source(expected, code)
        because = tuple(k for k in ("weight_kg",) if case.get(k) is not None) or ("birth_date",)
        diffs.append(Difference(
            "dosis", f"Dosis {_tx_label(code)}: Anda {mine_tx[code] or 'tidak memilih dosis'}; bagan "
                     f"{exp_tx[code]} (karena {because_text(case, because)}{'; ' + rule if rule else ''})",
            rule, because, code))
    areas.append(AreaScore("dosis", dose_right, len(dosed)))

    # Follow-up
    exp_fu = expected["follow_up_days"]
    if answer.follow_up_days == exp_fu:
        areas.append(AreaScore("kunjungan_ulang", 1, 1))
    else:
        rows = _rows(pathway, expected["chart"])
        source = next((c for c in expected["classifications"]
                       if getattr(rows.get(c["rule"]), "follow_up", None) == exp_fu), None)
        fu_text = "tidak ada" if exp_fu is None else f"{exp_fu} hari"
        mine_text = "tidak ada" if answer.follow_up_days is None else f"{answer.follow_up_days} hari"
        why = f" ({source['label']}, {source['rule']})" if source else ""
        diffs.append(Difference("kunjungan_ulang", f"Kunjungan ulang: Anda {mine_text}, bagan {fu_text}{why}",
                                source["rule"] if source else None,
                                tuple(source["because"]) if source else ()))
        areas.append(AreaScore("kunjungan_ulang", 0, 1))
    return Score(tuple(areas), tuple(diffs), expected)


def correct_answer(case: Mapping[str, Any]) -> Answer:
    """The chart's answer as an Answer (a trainee who gets everything right; tests and demos)."""
    from mtbs_tui.rules.engine import classify

    result = classify(case)
    tx: dict[str, str | None] = {}
    for t in result["treatments"]:
        tx.setdefault(t["code"], t["dose"])
    return Answer(tuple(c["code"] for c in result["classifications"]), tx, result["follow_up_days"], case)
