"""The assessor's report of a practice file (issue 19 item 4), as data: per participant, per case,
the scoring areas, the chart modules the group got wrong most and the chart rows missed most. The
PDF and XLSX are drawn from it by ``documents/latihan.py``. Only the last attempt of a participant
at a case counts (a case may be tried again)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from mtbs_tui.latihan import library
from mtbs_tui.latihan.scoring import AREA_LABELS, AREAS
from mtbs_tui.latihan.store import PracticeStore
from mtbs_tui.rules import codes as rule_codes
from mtbs_tui.rules.vocabulary import MODULE_BY_ID


@dataclass(frozen=True)
class ParticipantRow:
    name: str
    done: int
    percent: float | None
    areas: dict[str, float | None]


@dataclass(frozen=True)
class CaseRow:
    case_id: str
    title: str
    done: int
    percent: float | None
    missed: str  # the chart row missed most at this case ("" when none)


@dataclass(frozen=True)
class PracticeReport:
    title: str
    session_id: str | None
    cases_total: int
    participants: list[ParticipantRow]
    cases: list[CaseRow]
    areas: dict[str, float | None]
    modules_wrong: list[tuple[str, int]]  # chart module label, differences (most first)
    rules_missed: list[tuple[str, str, int]]  # rule id, label, times missed (most first)
    results: list[dict[str, Any]] = field(default_factory=list)  # every counted attempt, for the XLSX

    def matrix(self) -> list[tuple[str, list[float | None]]]:
        """Each participant's score at each case of the report (None: not done), case order."""
        got = {(a["participant"], a["case_id"]): a["percent"] for a in self.results}
        return [(p.name, [got.get((p.name, c.case_id)) for c in self.cases]) for p in self.participants]

    @property
    def percent(self) -> float | None:
        """The group's score: the mean of the participants' scores."""
        return _mean([p.percent for p in self.participants if p.percent is not None])


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _module_of(code: str | None) -> str | None:
    if not code:
        return None
    for pathway in ("balita", "bayi_muda"):
        info = rule_codes.CLASSIFICATIONS[pathway].get(code)
        if info is not None:
            return info.module
    return None


def area_percent(score: dict[str, Any], area: str) -> float | None:
    """One area's percent of a stored score (``Score.to_json``); None when the area did not apply."""
    entry = score.get("areas", {}).get(area) or {}
    total = entry.get("total") or 0
    return None if not total else 100.0 * entry.get("correct", 0) / total


def build(store: PracticeStore, participant: str | None = None) -> PracticeReport:
    """The report of the whole file, or of one participant (her session score, her areas, the
    chart rows she missed most: the trainee's own summary on the case list)."""
    cases = {c.id: c for c in library.load()}
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for attempt in store.attempts(participant):
        latest[(attempt["participant"], attempt["case_id"])] = attempt
    counted = sorted(latest.values(), key=lambda a: (a["participant"], a["case_id"]))
    names = [participant] if participant else store.participants() or sorted({a["participant"] for a in counted})
    case_ids = store.case_ids() or sorted({a["case_id"] for a in counted})

    people = []
    for name in names:
        mine = [a for a in counted if a["participant"] == name]
        people.append(ParticipantRow(
            name, len(mine), _mean([a["percent"] for a in mine]),
            {area: _mean([p for a in mine if (p := area_percent(a["score"], area)) is not None])
             for area in AREAS}))

    modules: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    rule_label: dict[str, str] = {}
    per_case_rules: dict[str, Counter[str]] = {}
    for a in counted:
        for d in a["score"].get("differences", []):
            module = _module_of(d.get("code")) if d.get("area") == "klasifikasi" else None
            if module:
                modules[MODULE_BY_ID[module].label] += 1
            if d.get("area") == "klasifikasi" and d.get("rule"):
                rules[d["rule"]] += 1
                per_case_rules.setdefault(a["case_id"], Counter())[d["rule"]] += 1
                info = rule_codes.CLASSIFICATIONS["bayi_muda" if ".bm_" in d["rule"] else "balita"].get(d.get("code"))
                rule_label[d["rule"]] = info.label if info else d["rule"]

    case_rows = []
    for case_id in case_ids:
        done = [a for a in counted if a["case_id"] == case_id]
        top = per_case_rules.get(case_id, Counter()).most_common(1)
        case = cases.get(case_id)
        case_rows.append(CaseRow(case_id, case.title if case else case_id, len(done),
                                 _mean([a["percent"] for a in done]),
                                 f"{rule_label[top[0][0]]} ({top[0][0]})" if top else ""))

    title = store.session_name or "Latihan mandiri"
    return PracticeReport(
        title=title, session_id=store.session_id, cases_total=len(case_ids), participants=people,
        cases=case_rows,
        areas={area: _mean([p for a in counted if (p := area_percent(a["score"], area)) is not None])
               for area in AREAS},
        modules_wrong=modules.most_common(),
        rules_missed=[(r, rule_label[r], n) for r, n in rules.most_common()],
        results=[{**a, "title": cases[a["case_id"]].title if a["case_id"] in cases else a["case_id"]}
                 for a in counted])


def percent_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} %"


AREA_TITLES = [AREA_LABELS[a] for a in AREAS]
