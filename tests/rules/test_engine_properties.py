"""Property tests (hypothesis) of the balita engine over random, valid, partly assessed cases."""
from __future__ import annotations

import json
import random

from casebuild import SAGA_22, TBU_15, born, vaccine_allowed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtbs_tui.rules import classify
from mtbs_tui.rules.codes import BALITA_CHART_ONLY, CLASSIFICATIONS, TREATMENTS
from mtbs_tui.rules.table import severity
from mtbs_tui.rules.vocabulary import DOC_ORDER, FINDINGS, SHOCK_SIGNS, TOP_LEVEL, modules_for

BALITA_MODULES = {m.id for m in modules_for("balita", "2022")} | {
    m.id for m in modules_for("balita", "2015")}
KEYS = {chart: [k for k, f in FINDINGS.items()
                if chart in f.charts and set(f.modules) & BALITA_MODULES
                and not k.startswith("zskor_")]
        for chart in ("2015", "2022")}
Z_KEYS = {"2015": ["zskor_bb_pb"], "2022": ["zskor_bb_pb", "zskor_pb_u", "zskor_lk_u"]}
PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _value_strategy(key: str) -> st.SearchStrategy:
    f = FINDINGS[key]
    if f.kind == "bool":
        return st.booleans()
    if f.kind == "enum":
        return st.sampled_from(f.choice_values())
    if f.kind == "set":
        return st.lists(st.sampled_from(f.choice_values()), unique=True, max_size=6)
    if f.kind == "int":
        lo, hi = int(f.minimum), int(f.maximum)
        if key.endswith("_hari"):
            hi = 20
        if key.startswith("napas"):
            lo, hi = 20, 70
        return st.integers(lo, hi)
    return st.floats(f.minimum, f.maximum).map(lambda x: round(x, 1))


# Built once: building a strategy per key per example was a third of the generation time.
VALUES = {key: _value_strategy(key) for keys in KEYS.values() for key in keys}
ASSESSED = st.integers(0, 9)


@st.composite
def cases(draw, chart: str | None = None):
    chart = chart or draw(st.sampled_from(["2015", "2022"]))
    months = draw(st.integers(2, 59))
    findings = {}
    for key in KEYS[chart]:
        if draw(ASSESSED) < 8:  # most items assessed, some left unknown
            findings[key] = draw(VALUES[key])
    for key in Z_KEYS[chart]:
        if draw(st.booleans()):
            findings[key] = round(draw(st.floats(-4.5, 4.5)), 2)
    case = {"chart": chart, "visit_date": "2025-06-15", "birth_date": born(months),
            "findings": findings}
    if draw(st.booleans()):
        case["weight_kg"] = round(draw(st.floats(4.0, 20.0)), 1)
    if draw(st.booleans()):
        case["muac_cm"] = round(draw(st.floats(10.0, 16.0)), 1)
    if draw(st.booleans()):
        case["temperature_c"] = round(draw(st.floats(35.5, 40.5)), 1)
    if draw(st.integers(0, 4)):
        case["malaria_area"] = draw(st.sampled_from(["tinggi", "rendah", "non_endemis"]))
    return case


def _max_colour(out: dict) -> int:
    return max((severity(c["colour"]) for c in out["classifications"]), default=-1)


@PROPS
@given(cases(), st.data())
def test_adding_a_danger_sign_never_lowers_the_most_severe_colour(case, data) -> None:
    before = classify(case)
    signs = TBU_15 if case["chart"] == "2015" else SAGA_22
    sign = data.draw(st.sampled_from(signs))
    case2 = json.loads(json.dumps(case))
    case2["findings"][sign] = True
    after = classify(case2)
    assert _max_colour(after) >= _max_colour(before)
    assert _max_colour(after) == severity("merah")
    assert after["refer_urgently"] is True
    assert after["treatments"][-1]["code"] == "RUJUK_SEGERA"


@PROPS
@given(cases(), st.sampled_from(SHOCK_SIGNS))
def test_a_shock_sign_is_always_merah_and_referred(case, sign) -> None:
    """§11.15 item 3: whatever else was recorded (fever of any duration or none)."""
    case2 = json.loads(json.dumps(case))
    case2["findings"][sign] = True
    out = classify(case2)
    assert _max_colour(out) == severity("merah")
    assert out["refer_urgently"] is True and out["treatments"][-1]["code"] == "RUJUK_SEGERA"
    danger = [c for c in out["classifications"] if c["module"] == "tanda_bahaya"]
    assert danger and danger[0]["code"] in ("PENYAKIT_SANGAT_BERAT", "GAGAL_JANTUNG_PARU")


@PROPS
@given(cases())
def test_any_case_output_is_in_the_contract_deterministic_and_within_vaccine_ages(case) -> None:
    """Three properties of one output, checked on the same examples (generating a case costs ~50
    times more than classifying it): each is a function below."""
    out = classify(case)
    deterministic_and_independent_of_key_order(case, out)
    every_output_item_is_in_the_contract(case, out)
    no_vaccine_is_listed_past_its_upper_age_limit(out)


def no_vaccine_is_listed_past_its_upper_age_limit(out: dict) -> None:
    """§11.15 item 5, against the contract's numbers (casebuild.vaccine_allowed)."""
    for t in out["treatments"]:
        if t["code"].startswith("IMUNISASI_"):
            dose = t["code"].removeprefix("IMUNISASI_").lower()
            assert vaccine_allowed(dose, out["age"]["days"], out["age"]["months"]), t


@PROPS
@given(cases(), st.data())
def test_removing_a_finding_never_produces_a_classification_that_needed_it(case, data) -> None:
    if not case["findings"]:
        return
    key = data.draw(st.sampled_from(sorted(case["findings"])))
    before = classify(case)
    case2 = json.loads(json.dumps(case))
    del case2["findings"][key]
    after = classify(case2)
    old = {(c["module"], c["code"]) for c in before["classifications"]}
    incomplete = {e["module"] for e in after["incomplete"]}
    for c in after["classifications"]:
        assert key not in c["because"], (key, c)
        if FINDINGS[key].optional or key in SHOCK_SIGNS:
            # An absent optional test cannot fire: a milder row may then print (§1). The shock
            # signs are optional danger signs (§11.15 item 3), read by every box that reads
            # "danger sign present".
            continue
        if (c["module"], c["code"]) not in old:
            # Only a merah row printed past a now-unknown merah row may be new (§6).
            assert c["colour"] == "merah" and c["module"] in incomplete, (key, c)


def deterministic_and_independent_of_key_order(case: dict, out: dict) -> None:
    first = json.dumps(out, ensure_ascii=False)
    items = list(case["findings"].items())
    random.Random(0).shuffle(items)
    shuffled = dict(case, findings=dict(items))
    assert json.dumps(classify(shuffled), ensure_ascii=False) == first
    assert json.dumps(classify(case), ensure_ascii=False) == first


def every_output_item_is_in_the_contract(case: dict, out: dict) -> None:
    chart = case["chart"]
    other = "2015" if chart == "2022" else "2022"
    modules = [m.id for m in modules_for("balita", chart)]
    assert out["chart"] == chart and out["pathway"] == "balita"
    positions = []
    for c in out["classifications"]:
        info = CLASSIFICATIONS["balita"][c["code"]]
        assert c["code"] not in BALITA_CHART_ONLY[other]
        assert (info.module, info.colour, info.label) == (c["module"], c["colour"], c["label"])
        assert c["rule"].startswith(f"{chart}.{c['module']}.{c['code']}")
        assert all(name in DOC_ORDER for name in c["because"])
        positions.append(modules.index(c["module"]))
    assert positions == sorted(positions)
    seen = []
    for e in out["incomplete"]:
        assert e["module"] in modules and e["module"] not in seen
        seen.append(e["module"])
        assert e["missing"] == sorted(set(e["missing"]), key=DOC_ORDER.__getitem__)
        for name in e["missing"]:
            assert name in TOP_LEVEL or not FINDINGS[name].optional
    merah = [c["code"] for c in out["classifications"] if c["colour"] == "merah"]
    assert out["refer_urgently"] == (bool(merah) and merah != ["DIARE_DEHIDRASI_BERAT"])
    tx = [t["code"] for t in out["treatments"]]
    assert all(code in TREATMENTS for code in tx)
    assert ("RUJUK_SEGERA" in tx) == out["refer_urgently"]
    if out["refer_urgently"]:
        assert tx[-1] == "RUJUK_SEGERA"
        assert not any(code.startswith("IMUNISASI_") for code in tx)
        assert "NASIHAT_KEMBALI_SEGERA" not in tx
    non_rujuk = [code for code in tx if code != "RUJUK"]
    assert len(non_rujuk) == len(set(non_rujuk))
    for t in out["treatments"]:
        assert t["dose"] is None or (isinstance(t["dose"], str) and t["dose"])
    if out["follow_up_days"] is not None:
        assert out["follow_up_days"] in (1, 2, 3, 5, 7, 14, 30)
    else:
        assert not any(c["colour"] == "kuning" and c["code"] in (
            "PNEUMONIA", "MALARIA", "MASALAH_PEMBERIAN_MAKAN") for c in out["classifications"])


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6)


@PROPS
@given(cases(), st.data())
def test_bad_input_is_always_a_case_error_never_a_crash(case, data) -> None:
    from mtbs_tui.rules import CaseError

    bad = json.loads(json.dumps(case))
    where = data.draw(st.sampled_from(["finding", "top", "new_key"]))
    value = data.draw(JSONISH)
    if where == "finding" and bad["findings"]:
        bad["findings"][data.draw(st.sampled_from(sorted(bad["findings"])))] = value
    elif where == "top":
        bad[data.draw(st.sampled_from(["visit_date", "birth_date", "findings", "sex", "weight_kg",
                                       "chart", "malaria_area", "length_position"]))] = value
    else:
        bad["findings"][data.draw(st.text(min_size=1, max_size=10))] = value
    try:
        out = classify(bad)
    except CaseError as err:
        assert str(err).startswith(f"galat: {err.field}: ") and "\n" not in str(err)
    else:
        assert out["pathway"] in ("balita", "bayi_muda")
