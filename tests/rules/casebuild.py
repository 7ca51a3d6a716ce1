"""Case builders for the engine tests: a fully assessed, normal balita visit to vary from."""
from __future__ import annotations

import datetime as dt
from typing import Any

from mtbs_tui.rules.age import add_months

VISIT = "2025-06-15"

SAGA_22 = ["tidak_bisa_minum", "memuntahkan_semua", "riwayat_kejang", "sedang_kejang",
           "tidak_berinteraksi", "rewel_tidak_dapat_ditenangkan", "tatapan_kosong",
           "tidak_bersuara_atau_tangis_melengking", "tarikan_dinding_dada", "stridor",
           "napas_cuping_hidung", "mencari_posisi_nyaman", "kulit_pucat", "sianosis",
           "kutis_marmorata"]
TBU_15 = ["tidak_bisa_minum", "memuntahkan_semua", "riwayat_kejang", "sedang_kejang", "gelisah",
          "letargis_tidak_sadar", "stridor", "sianosis", "ujung_tangan_kaki_pucat_dingin"]

ALL_DOSES = ["hb0", "bcg", "polio_1", "polio_2", "polio_3", "polio_4", "dpt_hb_hib_1",
             "dpt_hb_hib_2", "dpt_hb_hib_3", "ipv_1", "ipv_2", "pcv_1", "pcv_2", "pcv_3",
             "rotavirus_1", "rotavirus_2", "rotavirus_3", "campak_rubela_1", "je",
             "dpt_hb_hib_lanjutan", "campak_rubela_lanjutan"]


def born(months: int, visit: str = VISIT) -> str:
    """A birth date giving exactly ``months`` completed months at ``visit`` (a few days more)."""
    v = dt.date.fromisoformat(visit)
    total = v.year * 12 + v.month - 1 - months
    d = dt.date(total // 12, total % 12 + 1, 10)
    assert add_months(d, months) <= v
    return d.isoformat()


def normal(chart: str = "2022", months: int = 18, **findings: Any) -> dict[str, Any]:
    """Every module assessed and normal; ``findings`` override (None deletes a key)."""
    f: dict[str, Any] = {k: False for k in (SAGA_22 if chart == "2022" else TBU_15)}
    f["tarikan_dinding_dada"] = False
    f.update(batuk=False, diare=False, demam=False, masalah_telinga=False, edema="tidak",
             zskor_bb_pb=0.0, kepucatan="tidak", tes_hiv_ibu="negatif",
             tes_virologi_anak="negatif", tes_serologi_anak="belum",
             masih_menyusu_atau_baru_berhenti=False, imunisasi_diterima=list(ALL_DOSES),
             vitamin_a_6_bulan_terakhir=True, masalah_pemberian_makan=False)
    if chart == "2022":
        f.update(zskor_pb_u=0.0, zskor_lk_u=0.0, anoreksia=False, penurunan_kesadaran=False,
                 komplikasi_medis_lain=False, terlalu_lemah_menyusu=False,
                 berat_badan_tidak_naik=False)
    else:
        f.update(tampak_sangat_kurus=False, masalah_menyusu=False, keluarga_hiv=False)
    for key, value in findings.items():
        if value is None:
            f.pop(key, None)
        else:
            f[key] = value
    return {"chart": chart, "visit_date": VISIT, "birth_date": born(months), "sex": "L",
            "weight_kg": 11.0, "muac_cm": 14.5, "malaria_area": "non_endemis",
            "findings": f}


def top(case: dict[str, Any], **fields: Any) -> dict[str, Any]:
    out = dict(case)
    for key, value in fields.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def codes(result: dict[str, Any], module: str | None = None) -> list[str]:
    return [c["code"] for c in result["classifications"] if module is None or c["module"] == module]


def tx_codes(result: dict[str, Any]) -> list[str]:
    return [t["code"] for t in result["treatments"]]


def incomplete(result: dict[str, Any], module: str) -> list[str] | None:
    for entry in result["incomplete"]:
        if entry["module"] == module:
            return entry["missing"]
    return None


def vaccine_allowed(dose: str, days: int, months: int) -> bool:
    """Contract §11.15 item 5, written from its text (not from the engine's table): may ``dose``
    still be listed as due at this age? HB0 and JE have their own rules (§9)."""
    if dose == "bcg":
        return months < 12
    if dose == "rotavirus_1":
        return days < 105  # 15 weeks
    if dose.startswith("rotavirus_"):
        return months < 8
    if dose in ("hb0", "je"):
        return True
    return months < 60


def bayi_muda_rows() -> Any:
    """The young-infant row tests (test_bayi_muda_rows.py: the contract tables and the complete,
    normal young-infant case builder), loaded by path once (works whatever pytest's import mode)."""
    import importlib.util
    import sys
    from pathlib import Path

    name = "_bayi_muda_rows_contract"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, Path(__file__).with_name("test_bayi_muda_rows.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
