"""Registers for the document, export, report and backup tests (helpers, plus checks of the helpers).

The registers are real SQLite files written through the real register API (`Register.save_visit`).
The classifier passed to the register is a small stand-in for the chart engine that returns §7
results of the documented shape; the documents read only that shape, so they are tested apart from
the engine's clinical rules (which have their own tests).
"""
from __future__ import annotations

import datetime as _dt
import random
import sqlite3
from pathlib import Path

from cli_login import add_account

from mtbs_tui.register import Register

FACILITY = dict(
    name="Puskesmas Sukamaju", code="P3201010101", address="Jl. Raya Sukamaju No. 12",
    district="Kabupaten Bogor", province="Jawa Barat", malaria_area="rendah",
    head_name="dr. Ratna Sari", head_nip="197901012005012001", phone="0251-123456",
)

SEVERE_TREATMENTS = [
    {"code": "DIAZEPAM", "label": "Diazepam untuk menghentikan kejang", "dose": "5 mg (1 mL) per rektal"},
    {"code": "AMPISILIN_IM", "label": "Ampisilin intramuskular dosis pertama", "dose": "2 mL (200 mg) IM"},
    {"code": "GENTAMISIN_IM", "label": "Gentamisin intramuskular dosis pertama", "dose": "1,5 mL (30 mg) IM"},
    {"code": "CEGAH_GULA_DARAH_TURUN", "label": "Cegah gula darah turun", "dose": "ASI atau air gula 50 mL"},
    {"code": "JAGA_TETAP_HANGAT", "label": "Jaga anak tetap hangat", "dose": None},
    {"code": "RUJUK_SEGERA", "label": "Rujuk segera", "dose": None},
]


def _c(module: str, code: str, label: str, colour: str) -> dict:
    return {"module": module, "code": code, "label": label, "colour": colour,
            "rule": f"2022.{module}.{code}", "because": []}


def fake_classify(case: dict) -> dict:
    """A deterministic stand-in for the engine: §7 output driven by a few findings."""
    f = case.get("findings") or {}
    birth = _dt.date.fromisoformat(case["birth_date"])
    visit = _dt.date.fromisoformat(case["visit_date"])
    days = (visit - birth).days
    months = (visit.year - birth.year) * 12 + visit.month - birth.month - (visit.day < birth.day)
    pathway = "bayi_muda" if days < 60 else "balita"
    cls: list[dict] = []
    tr: list[dict] = []
    follow: list[int] = []
    refer = False
    if pathway == "bayi_muda":
        if f.get("sedang_kejang"):
            cls.append(_c("bm_infeksi", "PENYAKIT_SANGAT_BERAT_ATAU_INFEKSI_BAKTERI_BERAT",
                          "PENYAKIT SANGAT BERAT ATAU INFEKSI BAKTERI BERAT", "merah"))
            refer = True
        elif f.get("pusar_kemerahan"):
            cls.append(_c("bm_infeksi", "INFEKSI_BAKTERI_LOKAL", "INFEKSI BAKTERI LOKAL", "kuning"))
            tr.append({"code": "AMOKSISILIN", "label": "Amoksisilin oral",
                       "dose": "1/4 tablet 500 mg, 2 kali sehari selama 5 hari"})
            follow.append(2)
        else:
            cls.append(_c("bm_infeksi", "MUNGKIN_BUKAN_INFEKSI", "MUNGKIN BUKAN INFEKSI", "hijau"))
        if f.get("tampak_kuning"):
            cls.append(_c("bm_ikterus", "IKTERUS", "IKTERUS", "kuning"))
            follow.append(1)
    else:
        if f.get("sedang_kejang"):
            cls.append(_c("tanda_bahaya", "PENYAKIT_SANGAT_BERAT", "PENYAKIT SANGAT BERAT", "merah"))
            refer = True
        else:
            cls.append(_c("tanda_bahaya", "STABIL", "STABIL", "hijau"))
        if f.get("batuk"):
            if f.get("tarikan_dinding_dada"):
                cls.append(_c("batuk", "PNEUMONIA_BERAT", "PNEUMONIA BERAT", "merah"))
                refer = True
            elif (f.get("napas_per_menit") or 0) >= (50 if months < 12 else 40):
                cls.append(_c("batuk", "PNEUMONIA", "PNEUMONIA", "kuning"))
                tr.append({"code": "AMOKSISILIN", "label": "Amoksisilin oral",
                           "dose": "¾ tablet 500 mg, 2 kali sehari selama 3 hari"})
                follow.append(2)
            else:
                cls.append(_c("batuk", "BATUK_BUKAN_PNEUMONIA", "BATUK BUKAN PNEUMONIA", "hijau"))
                follow.append(5)
        if f.get("diare"):
            cls.append(_c("diare", "DIARE_TANPA_DEHIDRASI", "DIARE TANPA DEHIDRASI", "hijau"))
            tr.append({"code": "ZINK", "label": "Tablet zink selama 10 hari",
                       "dose": "1 tablet 20 mg, 1 kali sehari selama 10 hari"})
            tr.append({"code": "RENCANA_TERAPI_A", "label": "Rencana Terapi A: penanganan diare di rumah",
                       "dose": "oralit 100 mL setiap kali berak"})
            follow.append(2)
        if f.get("demam"):
            cls.append(_c("demam_malaria", "DEMAM_BUKAN_MALARIA", "DEMAM BUKAN MALARIA", "hijau"))
            if (case.get("temperature_c") or 0) >= 38:
                tr.append({"code": "PARASETAMOL", "label": "Parasetamol",
                           "dose": "1/2 tablet 500 mg, setiap 6 jam sampai demam hilang"})
            follow.append(2)
        if f.get("kepucatan"):
            cls.append(_c("anemia", "ANEMIA", "ANEMIA", "kuning"))
            tr.append({"code": "ZAT_BESI", "label": "Zat besi", "dose": "1 sendok takar (5 mL), 1 kali sehari selama 4 minggu"})
            follow.append(7)
    if refer:
        # §7: pre-referral treatments of the merah rows, then RUJUK_SEGERA; home treatments left out.
        tr = [dict(t) for t in SEVERE_TREATMENTS]
    elif cls and any(c["colour"] != "merah" for c in cls):
        tr.append({"code": "NASIHAT_KEMBALI_SEGERA", "label": "Nasihati kapan kembali segera", "dose": None})
    return {
        "chart": case.get("chart") or "2022", "pathway": pathway, "age": {"days": days, "months": max(months, 0)},
        "classifications": cls, "incomplete": [], "refer_urgently": refer,
        "follow_up_days": min(follow) if follow else None, "treatments": tr,
    }


FIRST_NAMES = ["Budi", "Siti", "Agus", "Dewi", "Rizki", "Putri", "Andi", "Nur", "Fajar", "Ayu", "Dimas", "Rina"]
LAST_NAMES = ["Santoso", "Wijaya", "Hidayat", "Lestari", "Saputra", "Kusuma", "Pratama", "Rahayu"]
VILLAGES = ["Sukamaju", "Cibeureum", "Mekarsari", "Tanjungsari"]


def make_register(path: Path, *, patients: int = 12, visits: int = 40, seed: int = 7,
                  start: _dt.date = _dt.date(2026, 9, 1), days: int = 75) -> Path:
    """A register with a facility, `patients` children and `visits` final visits (some referred,
    some follow-ups) spread over `days` days from `start`."""
    rng = random.Random(seed)
    reg = Register.open(path, create=True, classifier=fake_classify)
    try:
        reg.set_facility(actor="uji", **FACILITY)
        ids = []
        for i in range(patients):
            # Ages from 3 days to 4 years at `start`, so every report age group is present.
            age_days = [3, 20, 40, 100, 200, 400, 800, 1400][i % 8] + rng.randint(0, 5)
            birth = start - _dt.timedelta(days=age_days)
            ids.append((reg.add_patient(
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", sex="LP"[i % 2],
                birth_date=birth.isoformat(), nik=f"3201{rng.randint(10**11, 10**12 - 1)}" if i % 3 else None,
                mother_nik=f"3201{rng.randint(10**11, 10**12 - 1)}", parent_name=f"Ibu {rng.choice(LAST_NAMES)}",
                address=f"Jl. Melati No. {i + 1}, RT 0{i % 9 + 1}/RW 02", village=rng.choice(VILLAGES),
                phone="08123456789", actor="uji", today=start), birth))
        last: dict[int, tuple[str, _dt.date]] = {}
        for n in range(visits):
            pid, birth = ids[n % patients]
            day = start + _dt.timedelta(days=min(days - 1, n * days // max(visits, 1)))
            if (day - birth).days >= 5 * 365:
                continue
            findings: dict = {}
            kind = rng.random()
            if kind < 0.12:
                findings.update(sedang_kejang=True, batuk=True, tarikan_dinding_dada=True, napas_per_menit=62)
            elif kind < 0.45:
                findings.update(batuk=True, napas_per_menit=rng.choice([36, 44, 52, 58]), sedang_kejang=False)
            elif kind < 0.65:
                findings.update(diare=True, diare_hari=2, sedang_kejang=False)
            else:
                findings.update(demam=True, demam_hari=2, kepucatan=rng.random() < 0.3, sedang_kejang=False)
            if (day - birth).days < 60 and rng.random() < 0.4:
                findings["tampak_kuning"] = True
            case = {"visit_date": day.isoformat(), "birth_date": birth.isoformat(),
                    "weight_kg": round(3 + (day - birth).days / 120, 1), "temperature_c": 38.4,
                    "length_cm": 70.5, "findings": findings}
            follow_of = None
            if n % 5 == 4:
                # Every fifth visit is the follow-up of the visit two before it (another child).
                pid, birth = ids[(n - 2) % patients]
                if pid in last and last[pid][1] < day:
                    follow_of = last[pid][0]
                case["birth_date"] = birth.isoformat()
                if (day - birth).days >= 5 * 365:
                    continue
            vid = reg.save_visit(patient_id=pid, case=case, kind="ulang" if follow_of else "pertama",
                                 follow_up_of=follow_of, actor=rng.choice(["bidan Ani", "perawat Joko"]),
                                 visit_at=f"{day.isoformat()}T{8 + n % 8:02d}:{(n * 7) % 60:02d}:00",
                                 today=start + _dt.timedelta(days=days))
            uid = reg.db.execute("SELECT visit_uid FROM visits WHERE id = ?", [vid]).fetchone()[0]
            last[pid] = (uid, day)
    finally:
        reg.close()
    # Every register command of the CLI logs in: the head's account (kepala / kepala-demo).
    return add_account(path)


def first_referred_visit(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT id FROM visits WHERE refer_urgently = 1 AND is_current = 1 ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        conn.close()


def test_make_register_has_referrals_follow_ups_and_all_age_groups(tmp_path: Path) -> None:
    db = make_register(tmp_path / "r.db", patients=16, visits=60)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM visits WHERE status='final'").fetchone()[0] >= 50
    assert conn.execute("SELECT count(*) FROM visits WHERE refer_urgently=1").fetchone()[0] >= 1
    assert conn.execute("SELECT count(*) FROM visits WHERE kind='ulang'").fetchone()[0] >= 1
    assert conn.execute("SELECT count(*) FROM visits WHERE pathway='bayi_muda'").fetchone()[0] >= 1
    assert conn.execute("SELECT count(*) FROM visits WHERE age_months >= 12").fetchone()[0] >= 1
