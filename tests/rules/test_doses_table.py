"""Every weight (or age) band edge of the dose tables of reference §5 that spec §9 codes use.

Independent reading of spec §9 (bands as each table writes them, §11.15 item 6: "a – < b" is
a <= BB < b, "> a – b" is a < BB <= b, a last band "a – b" includes b; age bands in completed months; `null` without weight or outside the table) and reference §5.
Asserts the facts a nurse needs (tablet fraction, mL, number of days), not the wording, except the
one exact dose text that spec §7 gives.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any, Callable

import pytest

from mtbs_tui.rules import classify

VISIT = "2025-06-15"
CHARTS = ("2015", "2022")


def born(months: int) -> str:
    y, m = 2025, 6 - months
    while m <= 0:
        m += 12
        y -= 1
    return f"{y:04d}-{m:02d}-05"


def make(months: int, f: dict, weight: float | None, **top: Any) -> dict:
    c: dict[str, Any] = {"visit_date": VISIT, "birth_date": born(months), "findings": dict(f)}
    if weight is not None:
        c["weight_kg"] = weight
    c.update(top)
    return c


def young_if_light(weight: float | None, months: int) -> int:
    # 2022 gizi: "weight < 4 kg" makes GIZI_BURUK_DENGAN_KOMPLIKASI from 6 months (ref §3.8), which
    # would turn the case into an urgent referral. Below 6 months that row does not exist.
    return 4 if weight is not None and weight < 4 else months


DS15 = dict.fromkeys(["tidak_bisa_minum", "memuntahkan_semua", "riwayat_kejang", "sedang_kejang",
                      "gelisah", "letargis_tidak_sadar", "stridor", "sianosis",
                      "ujung_tangan_kaki_pucat_dingin"], False)
DS22 = dict.fromkeys(["tidak_bisa_minum", "memuntahkan_semua", "riwayat_kejang", "sedang_kejang",
                      "tidak_berinteraksi", "rewel_tidak_dapat_ditenangkan", "tatapan_kosong",
                      "tidak_bersuara_atau_tangis_melengking", "tarikan_dinding_dada", "stridor",
                      "napas_cuping_hidung", "mencari_posisi_nyaman", "kulit_pucat", "sianosis",
                      "kutis_marmorata"], False)
DS = {"2015": DS15, "2022": DS22}
DIARE_QUIET = {"diare": True, "diare_hari": 3, "darah_dalam_tinja": False, "keadaan_umum": "normal",
               "mata_cekung": False, "kemampuan_minum": "normal", "cubitan_kulit_perut": "segera"}


# Triggers: (chart, weight, months) -> case that prints a row calling for the code, kuning/hijau
# unless the code is pre-referral.
def t_pneumonia(chart: str, wt: float | None, months: int = 18) -> dict:
    return make(young_if_light(wt, months), {"batuk": True, "tarikan_dinding_dada": False,
                                             "napas_per_menit": 60}, wt)


def t_ear(chart: str, wt: float | None, months: int = 18) -> dict:
    return make(young_if_light(wt, months), {
        "masalah_telinga": True, "nyeri_telinga": True, "rasa_penuh_telinga": False,
        "keluar_cairan_telinga": False, "bengkak_nyeri_belakang_telinga": False}, wt)


def t_dysentery(chart: str, wt: float | None, months: int = 18) -> dict:
    return make(young_if_light(wt, months), {**DIARE_QUIET, "darah_dalam_tinja": True}, wt)


def t_fever(chart: str, wt: float | None, months: int = 18) -> dict:
    return make(young_if_light(wt, months), {**DS[chart], "demam": True, "demam_hari": 1,
                                             "kaku_kuduk": False, "hasil_tes_malaria": "negatif",
                                             "penyebab_demam_lain": True},
                wt, malaria_area="tinggi", temperature_c=39.0)


def t_malaria(chart: str, wt: float | None, months: int = 18) -> dict:
    return make(young_if_light(wt, months), {**DS[chart], "demam": True, "demam_hari": 1,
                                             "kaku_kuduk": False, "hasil_tes_malaria": "positif",
                                             "penyebab_demam_lain": False},
                wt, malaria_area="tinggi")


def t_anemia(chart: str, wt: float | None, months: int = 18) -> dict:
    return make(months, {"kepucatan": "agak_pucat", "obat_cacing_6_bulan_terakhir": False}, wt)


def t_convulsing(chart: str, wt: float | None, months: int = 18) -> dict:
    return make(young_if_light(wt, months), {**DS[chart], "sedang_kejang": True}, wt)


def t_severe_pneumonia(chart: str, wt: float | None, months: int = 18) -> dict:
    return make(young_if_light(wt, months), {"batuk": True, "tarikan_dinding_dada": True,
                                             "napas_per_menit": 30}, wt)


def t_cholera(chart: str, wt: float | None, months: int = 30) -> dict:
    return make(months, {**DIARE_QUIET, "mata_cekung": True,
                         "kemampuan_minum": "malas_atau_tidak_bisa", "wabah_kolera": True}, wt)


def t_some_dehydration(chart: str, wt: float | None, months: int = 18) -> dict:
    return make(months, {**DIARE_QUIET, "mata_cekung": True, "keadaan_umum": "gelisah_rewel"}, wt)


def t_severe_dehydration(chart: str, wt: float | None, months: int = 18) -> dict:
    return make(months, {**DIARE_QUIET, "mata_cekung": True,
                         "kemampuan_minum": "malas_atau_tidak_bisa"}, wt)


def t_no_dehydration(chart: str, wt: float | None, months: int = 18) -> dict:
    return make(months, DIARE_QUIET, wt)


def t_vita(chart: str, wt: float | None, months: int = 18) -> dict:
    return make(months, {"vitamin_a_6_bulan_terakhir": False}, wt)


def t_measles(chart: str, wt: float | None, months: int = 18) -> dict:
    return make(months, {**DS[chart], "demam": True, "demam_hari": 1, "campak_3_bulan_terakhir": True,
                         "ruam_seluruh_tubuh": False, "batuk_pilek_mata_merah": False,
                         "mata_bernanah": "tidak", "kekeruhan_kornea": False, "luka_mulut": "tidak"}, wt)


# --------------------------------------------------------------------------------------------
# Text facts.
_FRAC = "½¼¾⅓⅔⅛"


def norm(text: str) -> str:
    t = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")
    t = re.sub(rf"(\d)\s+([{_FRAC}])", r"\1\2", t)          # "1 ¼" -> "1¼"
    t = re.sub(r"(\d),(\d)", r"\1.\2", t)                    # "0,5" -> "0.5"
    t = re.sub(r"(?<=\d)[. ](?=\d{3}(?!\d))", "", t)        # "100.000" / "1 400" -> "100000" / "1400"
    return t


def amount(qty: str, unit: str) -> str:
    """Regex: the quantity standing alone (not the tail of a bigger number) right before the unit."""
    return rf"(?<![\d{_FRAC}./]){re.escape(qty)}\s*{unit}"


def tab(qty: str) -> str:
    return amount(qty, r"tab")


def ml(qty: str) -> str:
    return amount(qty, r"m[lL]")


def mg(qty: str) -> str:
    return amount(qty, r"mg")


def dose_of(out: dict, code: str) -> tuple[bool, str | None]:
    hits = [t for t in out["treatments"] if t["code"] == code]
    assert len(hits) <= 1, f"{code} listed more than once: {hits}"
    return (bool(hits), hits[0]["dose"] if hits else None)


@dataclass
class Band:
    id: str
    chart: str
    trigger: Callable[..., dict]
    code: str
    weight: float | None
    months: int | None
    any_of: tuple[str, ...] | None   # None -> dose must be null; else one regex must match
    all_of: tuple[str, ...] = ()     # further regexes that must all match
    absent_ok: bool = False          # for "none" rows: the code may also be left out


BANDS: list[Band] = []


def table(code: str, trigger: Callable[..., dict], rows: list[tuple[float, tuple[str, ...] | None]],
          all_of: tuple[str, ...] = (), charts: tuple[str, ...] = CHARTS, months: int | None = None,
          absent_ok_below: float | None = None) -> None:
    for chart in charts:
        for wt, alts in rows:
            BANDS.append(Band(f"{chart}.{code} at {wt} kg", chart, trigger, code, wt, months, alts,
                              all_of if alts is not None else (),
                              absent_ok=absent_ok_below is not None and wt < absent_ok_below))
        BANDS.append(Band(f"{chart}.{code} without weight_kg -> dose null", chart, trigger, code, None,
                          months, None))


# ref §5.1a amoxicillin for PNEUMONIA, 2x/day for 3 days (HIV not entered)
table("AMOKSISILIN", t_pneumonia, [
    (3.9, None), (4.0, (tab("½"),)), (5.9, (tab("½"),)), (6.0, (tab("¾"),)), (9.9, (tab("¾"),)),
    (10.0, (tab("1¼"),)), (15.9, (tab("1¼"),)), (16.0, (tab("1½"),)), (18.9, (tab("1½"),)),
    (19.0, None)], all_of=("3 hari", "500 mg"))
# ref §5.3 paracetamol: tablet 500 mg / tablet 100 mg / syrup 120 mg per 5 mL, every 6 hours
table("PARASETAMOL", t_fever, [
    (3.9, None), (4.0, (tab("⅛"), amount("½", r"tab\w*\s*100"), ml("2.5"))),
    (6.9, (tab("⅛"), amount("½", r"tab\w*\s*100"), ml("2.5"))),
    (7.0, (tab("¼"), amount("1", r"tab\w*\s*100"), ml("5"))),
    (13.9, (tab("¼"), amount("1", r"tab\w*\s*100"), ml("5"))),
    (14.0, (amount("½", r"tab\w*\s*500"), amount("2", r"tab\w*\s*100"), ml("7.5"))),
    (18.9, (amount("½", r"tab\w*\s*500"), amount("2", r"tab\w*\s*100"), ml("7.5"))),
    (19.0, None)], all_of=("6 jam",))
# ref §5.4 cotrimoxazole for DISENTRI, child tablet 20/100, 2x/day for 5 days
table("KOTRIMOKSAZOL", t_dysentery, [
    (3.9, None), (4.0, (tab("1"),)), (5.9, (tab("1"),)), (6.0, (tab("2"),)), (9.9, (tab("2"),)),
    (10.0, (tab("2½"),)), (15.9, (tab("2½"),)), (16.0, (tab("3"),)), (18.9, (tab("3"),)),
    (19.0, None)], all_of=("5 hari",))
# ref §5.7 DHP once daily for 3 days, written "≤ 4", "> 4 – 6", "> 6 – 10", "> 10 – 17",
# "> 17 – 30": a < BB <= b (spec §9, §11.15 item 6), so exactly 6.0 / 10.0 / 17.0 kg take the row
# that ends there.
table("DHP", t_malaria, [
    (3.9, (tab("⅓"),)), (4.0, (tab("⅓"),)), (4.1, (tab("½"),)), (6.0, (tab("½"),)),
    (10.0, (tab("½"),)), (10.1, (tab("1"),)), (17.0, (tab("1"),)), (17.1, (tab("1½"),)),
    (30.0, (tab("1½"),)), (30.1, None)],
    all_of=("3 hari",))
# ref §5.7 primaquine 15 mg: none up to 6 kg ("≤ 4", "> 4 – 6" rows say none)
table("PRIMAKUIN", t_malaria, [
    (5.9, None), (6.0, None), (6.1, (tab("¼"),)), (10.0, (tab("¼"),)), (17.0, (tab("¼"),)),
    (17.1, (tab("½"),)), (30.0, (tab("½"),)), (30.1, None)], absent_ok_below=6.05)
# ref §5.8 iron once daily for 4 weeks, from 6 months; no row below 7 kg; the last row is written
# "10 – 19", so 19.0 kg is in it
table("ZAT_BESI", t_anemia, [
    (6.9, None), (7.0, (tab("¼"), ml("2.5"))), (9.9, (tab("¼"), ml("2.5"))),
    (10.0, (tab("½"), ml("5"))), (18.9, (tab("½"), ml("5"))), (19.0, (tab("½"), ml("5"))),
    (19.1, None)])
# ref §5.2 diazepam 10 mg/2 mL rectal
table("DIAZEPAM", t_convulsing, [
    (4.9, None), (5.0, (ml("0.5"),)), (6.9, (ml("0.5"),)), (7.0, (ml("1"),)), (9.9, (ml("1"),)),
    (10.0, (ml("1.5"),)), (13.9, (ml("1.5"),)), (14.0, (ml("2"),)), (18.9, (ml("2"),)), (19.0, None)])
# ref §5.1c pre-referral ampicillin / gentamicin (balita)
table("AMPISILIN_IM", t_severe_pneumonia, [
    (3.9, None), (4.0, (mg("250"), ml("1.25"))), (5.9, (mg("250"), ml("1.25"))),
    (6.0, (mg("350"), ml("1.75"))), (7.9, (mg("350"), ml("1.75"))), (8.0, (mg("450"), ml("2.25"))),
    (9.9, (mg("450"), ml("2.25"))), (10.0, (mg("600"), ml("3"))), (13.9, (mg("600"), ml("3"))),
    (14.0, (mg("750"), ml("3.75"))), (18.9, (mg("750"), ml("3.75"))), (19.0, None)])
table("GENTAMISIN_IM", t_severe_pneumonia, [
    (3.9, None), (4.0, (mg("40"),)), (5.9, (mg("40"),)), (6.0, (mg("50"),)), (7.9, (mg("50"),)),
    (8.0, (mg("70"),)), (9.9, (mg("70"),)), (10.0, (mg("100"),)), (13.9, (mg("100"),)),
    (14.0, (mg("120"),)), (18.9, (mg("120"),)), (19.0, None)])
# ref §5.5 cholera (> 2 years, outbreak, severe dehydration); the last row "10 – 19" includes 19
# cotrimoxazole adult tab ¼/½/1, child tab 1/2/3, syrup 2.5/5/10 mL; tetracycline none/½/1 capsule
_K1 = (tab("¼"), tab("1"), ml("2.5"))
_K2 = (tab("½"), tab("2"), ml("5"), amount("½", "kaps"))
_K3 = (tab("1"), tab("3"), ml("10"), amount("1", "kaps"))
table("ANTIBIOTIK_KOLERA", t_cholera, [
    (4.0, _K1), (5.9, _K1), (6.0, _K2), (9.9, _K2), (10.0, _K3), (19.0, _K3), (19.1, None)])
for wt, alts in [(3.9, None)]:
    BANDS.append(Band("2015.ANTIBIOTIK_KOLERA at 3.9 kg", "2015", t_cholera, "ANTIBIOTIK_KOLERA", wt,
                      None, alts))

# ref §5.1b amoxicillin for INFEKSI_TELINGA_AKUT: 7 days (2015) / 10 days (2022)
for chart, days in (("2015", "7 hari"), ("2022", "10 hari")):
    table("AMOKSISILIN", t_ear, [
        (3.9, None), (4.0, (tab("¼"),)), (5.9, (tab("¼"),)), (6.0, (tab("½"),)), (9.9, (tab("½"),)),
        (10.0, (tab("⅔"),)), (15.9, (tab("⅔"),)), (16.0, (tab("¾"),)), (18.9, (tab("¾"),)),
        (19.0, None)], all_of=(days,), charts=(chart,))
for b in BANDS:
    if b.trigger is t_ear:
        b.id = b.id.replace("AMOKSISILIN", "AMOKSISILIN (telinga)")


def _run(chart: str, c: dict) -> dict:
    return classify(copy.deepcopy(c), chart)


def _case(b: Band, weight: float | None = ..., months: int | None = ...) -> dict:
    wt = b.weight if weight is ... else weight
    mo = b.months if months is ... else months
    return b.trigger(b.chart, wt) if mo is None else b.trigger(b.chart, wt, mo)


@pytest.mark.parametrize("b", [pytest.param(b, id=b.id) for b in BANDS])
def test_band(b: Band) -> None:
    out = _run(b.chart, _case(b))
    present, dose = dose_of(out, b.code)
    if b.any_of is None:
        if b.absent_ok and not present:
            return
        assert present, f"{b.code} not given at all: {[t['code'] for t in out['treatments']]}"
        assert dose is None, f"{b.code} at {b.weight} kg must have no dose (outside the table): {dose!r}"
        return
    assert present and dose is not None, f"{b.code}: {out['treatments']}"
    text = norm(dose)
    assert any(re.search(p, text, re.I) for p in b.any_of), f"{b.code} at {b.weight} kg: {dose!r}"
    for p in b.all_of:
        assert re.search(p, text, re.I), f"{b.code} at {b.weight} kg: {dose!r} lacks {p!r}"


def _edges() -> list:
    """Adjacent rows of each table whose band changes: the dose text must differ across the edge."""
    out = []
    by_table: dict[tuple, list[Band]] = {}
    for b in BANDS:
        if b.weight is not None:
            by_table.setdefault((b.chart, b.code, b.trigger), []).append(b)
    for bs in by_table.values():
        bs = sorted(bs, key=lambda x: x.weight)
        for lo, hi in zip(bs, bs[1:]):
            # an edge: lo is just below a band bound, hi is exactly on it (x.9 -> (x+1).0)
            if round(hi.weight - lo.weight, 3) == 0.1 and lo.any_of != hi.any_of:
                out.append(pytest.param(lo, hi, id=f"{lo.id} | {hi.weight} kg"))
    return out


@pytest.mark.parametrize("lo, hi", _edges())
def test_dose_differs_across_edge(lo: Band, hi: Band) -> None:
    d_lo = dose_of(_run(lo.chart, _case(lo)), lo.code)[1]
    d_hi = dose_of(_run(hi.chart, _case(hi)), hi.code)[1]
    assert d_lo != d_hi, f"{lo.code}: same dose {d_lo!r} at {lo.weight} and {hi.weight} kg"


# --------------------------------------------------------------------------------------------
# Spec §7: the one exact dose text.
def test_spec_example_amoxicillin_text() -> None:
    out = _run("2022", make(11, {"batuk": True, "tarikan_dinding_dada": False, "napas_per_menit": 50}, 9.0))
    assert dose_of(out, "AMOKSISILIN") == (True, "¾ tablet 500 mg, 2 kali sehari selama 3 hari")


def test_amoxicillin_two_rows_joined_once() -> None:
    """Spec §9: PNEUMONIA and INFEKSI_TELINGA_AKUT -> AMOKSISILIN once, doses joined with "; "."""
    f = {"batuk": True, "tarikan_dinding_dada": False, "napas_per_menit": 50, "masalah_telinga": True,
         "nyeri_telinga": True, "rasa_penuh_telinga": False, "keluar_cairan_telinga": False,
         "bengkak_nyeri_belakang_telinga": False}
    out = _run("2015", make(11, f, 9.0))
    present, dose = dose_of(out, "AMOKSISILIN")
    assert present and dose is not None
    parts = dose.split("; ")
    assert len(parts) == 2, dose
    assert re.search(tab("¾"), norm(parts[0])) and "3 hari" in parts[0]   # pneumonia first (batuk)
    assert re.search(tab("½"), norm(parts[1])) and "7 hari" in parts[1]   # then the ear


# --------------------------------------------------------------------------------------------
# Age-banded tables (completed months): albendazole, zinc, Plan A, Plan C, vitamin A.
@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("months, qty", [(12, "½"), (23, "½"), (24, "1"), (59, "1")])
def test_albendazole_by_age(chart: str, months: int, qty: str) -> None:
    out = _run(chart, t_anemia(chart, 10.0, months))
    present, dose = dose_of(out, "OBAT_CACING")
    assert present and dose is not None, out["treatments"]
    text = norm(dose)
    assert re.search("albendazol", text, re.I), dose
    assert re.search(tab(qty), text, re.I), dose


@pytest.mark.parametrize("chart", CHARTS)
def test_albendazole_not_below_12_months(chart: str) -> None:
    """ref §5.9: albendazole "> 12 – 24" read as 12 <= months < 24: none at 11 months."""
    _, dose = dose_of(_run(chart, t_anemia(chart, 9.0, 11)), "OBAT_CACING")
    assert dose is None or not re.search("albendazol", dose, re.I), dose


@pytest.mark.parametrize("chart", CHARTS)
def test_albendazole_edges_differ(chart: str) -> None:
    d = {m: dose_of(_run(chart, t_anemia(chart, 10.0, m)), "OBAT_CACING")[1] for m in (11, 12, 23, 24)}
    assert d[11] != d[12] and d[23] != d[24], d


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("months, alts", [(5, (tab("½"), mg("10"))), (6, (tab("1"), mg("20")))])
def test_zinc_by_age(chart: str, months: int, alts: tuple[str, ...]) -> None:
    out = _run(chart, t_no_dehydration(chart, None, months))   # age band: no weight needed
    present, dose = dose_of(out, "ZINK")
    assert present and dose is not None, out["treatments"]
    text = norm(dose)
    assert any(re.search(p, text, re.I) for p in alts), dose
    assert "10 hari" in text, dose


@pytest.mark.parametrize("chart", CHARTS)
def test_zinc_edge_differs(chart: str) -> None:
    d5 = dose_of(_run(chart, t_no_dehydration(chart, 7.0, 5)), "ZINK")[1]
    d6 = dose_of(_run(chart, t_no_dehydration(chart, 7.0, 6)), "ZINK")[1]
    assert d5 != d6


@pytest.mark.parametrize("chart", CHARTS)
def test_plan_a_by_age(chart: str) -> None:
    d23 = dose_of(_run(chart, t_no_dehydration(chart, 10.0, 23)), "RENCANA_TERAPI_A")[1]
    d24 = dose_of(_run(chart, t_no_dehydration(chart, 12.0, 24)), "RENCANA_TERAPI_A")[1]
    assert d23 and d24 and d23 != d24
    n23, n24 = norm(d23), norm(d24)
    assert re.search(r"(?<!\d)50(?!\d)", n23) and re.search(r"(?<!\d)100(?!\d)", n23), d23
    assert re.search(r"(?<!\d)100(?!\d)", n24) and re.search(r"(?<!\d)200(?!\d)", n24), d24


PLAN_B = [(5.9, ("200", "400")), (6.0, ("400", "700")), (9.9, ("400", "700")), (10.0, ("700", "900")),
          (11.9, ("700", "900")), (12.0, ("900", "1400"))]


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("wt, rng", PLAN_B)
def test_plan_b_volumes(chart: str, wt: float, rng: tuple[str, str]) -> None:
    """ref §5.6: by the weight table, or 75 mL/kg (both are "the volumes")."""
    _, dose = dose_of(_run(chart, t_some_dehydration(chart, wt)), "RENCANA_TERAPI_B")
    assert dose is not None
    text = norm(dose)
    table_ok = all(re.search(rf"(?<!\d){v}(?!\d)", text) for v in rng)
    per_kg = 75 * wt
    per_kg_ok = any(s in text for s in {f"{per_kg:g}", str(int(per_kg)), str(round(per_kg))})
    assert table_ok or per_kg_ok, dose
    assert "mL" in text or "ml" in text


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("lo, hi", [(5.9, 6.0), (9.9, 10.0), (11.9, 12.0)])
def test_plan_b_edges_differ(chart: str, lo: float, hi: float) -> None:
    d = [dose_of(_run(chart, t_some_dehydration(chart, x)), "RENCANA_TERAPI_B")[1] for x in (lo, hi)]
    assert d[0] != d[1], d


@pytest.mark.parametrize("chart", CHARTS)
def test_plan_c_by_age(chart: str) -> None:
    """ref §5.6 Plan C: < 12 months 30 mL/kg in 1 h then 70 mL/kg in 5 h; >= 12 months 30 min, 2½ h."""
    d11 = dose_of(_run(chart, t_severe_dehydration(chart, 9.0, 11)), "RENCANA_TERAPI_C")[1]
    d12 = dose_of(_run(chart, t_severe_dehydration(chart, 9.0, 12)), "RENCANA_TERAPI_C")[1]
    assert d11 and d12 and d11 != d12
    assert "5 jam" in norm(d11), d11
    assert "30 menit" in norm(d12), d12


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("months, iu, not_iu", [(6, "100000", "200000"), (11, "100000", "200000"),
                                                (12, "200000", "100000"), (59, "200000", "100000")])
def test_vitamin_a_supplementation_by_age(chart: str, months: int, iu: str, not_iu: str) -> None:
    present, dose = dose_of(_run(chart, t_vita(chart, 10.0, months)), "VITAMIN_A")
    assert present and dose is not None
    assert iu in norm(dose) and not_iu not in norm(dose), dose


@pytest.mark.parametrize("chart", CHARTS)
def test_vitamin_a_measles_treatment_below_6_months(chart: str) -> None:
    present, dose = dose_of(_run(chart, t_measles(chart, 6.0, 5)), "VITAMIN_A")
    assert present and dose is not None
    assert "50000" in norm(dose) and "100000" not in norm(dose), dose


@pytest.mark.parametrize("chart", CHARTS)
def test_vitamin_a_treatment_replaces_supplementation(chart: str) -> None:
    """Spec §9: measles treatment dose and supplementation both due -> only the treatment dose, once."""
    c = t_measles(chart, 8.0, 8)
    c["findings"]["vitamin_a_6_bulan_terakhir"] = False
    present, dose = dose_of(_run(chart, c), "VITAMIN_A")
    assert present and dose is not None and "100000" in norm(dose)


@pytest.mark.parametrize("chart", CHARTS)
def test_cholera_antibiotic_needs_24_months(chart: str) -> None:
    out = _run(chart, t_cholera(chart, 10.0, 23))
    assert not dose_of(out, "ANTIBIOTIK_KOLERA")[0]
    out = _run(chart, t_cholera(chart, 10.0, 24))
    assert dose_of(out, "ANTIBIOTIK_KOLERA")[0]


@pytest.mark.parametrize("chart", CHARTS)
def test_cholera_antibiotic_needs_outbreak(chart: str) -> None:
    c = t_cholera(chart, 10.0, 30)
    c["findings"]["wabah_kolera"] = False
    assert not dose_of(_run(chart, c), "ANTIBIOTIK_KOLERA")[0]


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("months, qty", [(4, "½"), (8, "½"), (9, "¾"), (11, "¾")])
def test_pyrantel_by_age_below_12_months(chart: str, months: int, qty: str) -> None:
    """ref §5.9 pyrantel "> 4 – 9" ½, "> 9 – 12" ¾, read as 4 <= months < 9, 9 <= months < 12 (spec §9)."""
    present, dose = dose_of(_run(chart, t_anemia(chart, 8.0, months)), "OBAT_CACING")
    assert present and dose is not None
    text = norm(dose)
    assert re.search("pirantel", text, re.I) and re.search(tab(qty), text), dose


@pytest.mark.parametrize("chart", CHARTS)
def test_no_deworming_dose_below_4_months(chart: str) -> None:
    present, dose = dose_of(_run(chart, t_anemia(chart, 6.0, 3)), "OBAT_CACING")
    assert dose is None, dose


@pytest.mark.parametrize("chart", CHARTS)
def test_iron_not_below_6_months(chart: str) -> None:
    """ref §5.8: iron for 6 months - 5 years."""
    _, dose = dose_of(_run(chart, t_anemia(chart, 8.0, 5)), "ZAT_BESI")
    assert dose is None, dose


@pytest.mark.parametrize("chart", CHARTS)
def test_plan_b_without_weight_is_null(chart: str) -> None:
    present, dose = dose_of(_run(chart, t_some_dehydration(chart, None)), "RENCANA_TERAPI_B")
    assert present and dose is None, dose
