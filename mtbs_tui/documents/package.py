"""The monthly package for the district (`mtbs report kirim YYYY-MM -o FILE`) and the district merge
(`mtbs kabupaten gabung FILE... -o X.xlsx|pdf`), issue 18 items 2-3. Format: docs/paket-kabupaten.md.

A package is one JSON object: the puskesmas (name, code, district, province), the month, the
monthly report table (`documents.monthly.build_report`: counts by age group and sex) and the
quality indicators of the month (`quality.compute`: numerator, denominator, value). Aggregate
counts only: no child's name, NIK, address or visit, no worker's name. It is signed with the
register's audit chain head (count and hash before the package was made; the trail then records
`laporan.kirim` with the package's checksum) and a SHA-256 checksum over the canonical JSON of
everything else, so a damaged or edited file is refused by the merge.

The merge reads and checks every package first (format, version, checksum, shape), then refuses
duplicates (the same puskesmas twice) and packages of another month, one line per file; only a
clean set is merged: the district table (each puskesmas a row, totals), the indicators side by
side with the district median, and a ranking per indicator (best practice first).
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtbs_tui.quality import BY_ID, INDICATORS
from mtbs_tui.rules.age import month_end

FORMAT = "mtbs-paket-kabupaten"
VERSION = 1
MAX_BYTES = 2_000_000  # a package is about 20 KB; anything far larger is not one


class PackageError(ValueError):
    """One Indonesian line (without `galat:`), naming the file when it is about one."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def canonical(data: dict[str, Any]) -> bytes:
    """The bytes the checksum covers: the package without its `checksum`, keys sorted, compact."""
    body = {k: v for k, v in data.items() if k != "checksum"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def checksum(data: dict[str, Any]) -> str:
    return "sha256:" + hashlib.sha256(canonical(data)).hexdigest()


# --- building (at the puskesmas) ------------------------------------------------------------------

def build_package(register: Any, month: str, *, today: _dt.date | None = None,
                  now: _dt.datetime | None = None) -> dict[str, Any]:
    """The package of `month` (YYYY-MM) from an open register, with its checksum."""
    from mtbs_tui.audit import chain_head
    from mtbs_tui.documents.common import DocumentError, app_version, date_text
    from mtbs_tui.documents.monthly import build_report
    from mtbs_tui.quality import compute

    today = today or _dt.date.today()
    report = build_report(register, month, today=today)
    first = _dt.date.fromisoformat(report.month + "-01")
    last = month_end(first)
    if today <= last:
        # The district merges one package per puskesmas and month (a second is refused): a package
        # of the running month would stand for the whole month with part of it.
        raise DocumentError(f"galat: BULAN: {report.month} belum selesai (sampai {date_text(last)}); "
                            f"paketnya dibuat mulai {date_text(last + _dt.timedelta(days=1))}")
    quality = compute(register, first, last, today=today)
    fac = report.facility
    rows = []
    section = ""
    for row, values in zip(report.rows, report.values):
        if values is None:
            section = row.label
            rows.append({"section": section, "label": row.label, "heading": True, "measure": None,
                         "pathway": None, "values": None})
        else:
            rows.append({"section": section, "label": row.label, "heading": False, "measure": row.measure,
                         "pathway": row.pathway, "values": list(values)})
    indicators = {}
    for ind in INDICATORS:
        v = quality.total[ind.id]
        indicators[ind.id] = {"label": ind.label, "unit": ind.unit, "numerator": v.numerator, "denominator": v.denominator,
                              "value": None if v.value is None else round(v.value, 2)}
    count, head = chain_head(register.db.conn)
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "month": report.month,
        "made_at": (now or _dt.datetime.now()).replace(microsecond=0).isoformat(),
        "app": f"mtbs_tui {app_version()}",
        "facility": {"name": fac.get("name") or "", "code": fac.get("code") or None,
                     "district": fac.get("district") or None, "province": fac.get("province") or None},
        "report": {"columns": list(report.columns), "rows": rows},
        "indicators": indicators,
        "audit": {"count": count, "head": head},
    }
    data["checksum"] = checksum(data)
    return data


def default_name(facility: dict[str, Any], month: str) -> str:
    return f"paket-mtbs-{facility.get('code') or 'puskesmas'}-{month}.json"


def write_package(register: Any, month: str, target: Path | str, *, actor: str | None,
                  today: _dt.date | None = None) -> dict[str, Any]:
    """Build the package of `month`, write it to `target` (atomically, under the caller's output
    policy) and record `laporan.kirim` with its checksum in the audit trail (after the file: the
    package carries the head before this entry). Returns the package."""
    from mtbs_tui.audit import record_audit
    from mtbs_tui.documents.common import atomic_output

    data = build_package(register, month, today=today)
    with atomic_output(Path(target)) as tmp:
        tmp.write_text(package_text(data), encoding="utf-8")
    record_audit(register, "laporan.kirim", detail=f"{data['month']}, {data['checksum'][:23]}", actor=actor)
    return data


def package_text(data: dict[str, Any]) -> str:
    """The file: the canonical body (what the checksum covers) with the checksum as its last member,
    so a reader checks it by hashing the bytes as they are (see `_checksum_ok`)."""
    body = canonical(data).decode("utf-8")
    return body[:-1] + ',"checksum":' + json.dumps(data["checksum"]) + "}\n"


_CHECKSUM_TAIL = b',"checksum":"'


def _checksum_ok(raw: bytes, data: dict[str, Any]) -> bool:
    """The file's checksum holds: hashed from the bytes when the file is as `package_text` wrote it
    (no re-serialising: the district merges hundreds), else from the parsed content (a file a
    tool re-indented without changing anything still passes)."""
    claimed = data.get("checksum")
    if not isinstance(claimed, str):
        return False
    text = raw.rstrip()
    cut = text.rfind(_CHECKSUM_TAIL)
    if cut > 0 and text[cut + len(_CHECKSUM_TAIL):] == claimed.encode("ascii", "replace") + b'"}':
        if "sha256:" + hashlib.sha256(text[:cut] + b"}").hexdigest() == claimed:
            return True
    return claimed == checksum(data)


# --- reading and checking (at the district) ---------------------------------------------------------

@dataclass
class Package:
    path: str
    data: dict[str, Any]

    @property
    def month(self) -> str:
        return str(self.data["month"])

    @property
    def name(self) -> str:
        return str(self.data["facility"]["name"])

    @property
    def code(self) -> str | None:
        code = self.data["facility"].get("code")
        return str(code) if code else None

    @property
    def identity(self) -> str:
        """What makes two packages the same puskesmas: its code, else its name."""
        return f"kode {self.code}" if self.code else f"nama {self.name.strip().lower()}"


def _shape_problem(data: Any) -> str | None:
    """Why `data` is not a package of this version (None when it is)."""
    if not isinstance(data, dict):
        return "bukan paket laporan MTBS"
    if not isinstance(data.get("month"), str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", data["month"]):
        return "bulan tidak sah"
    fac = data.get("facility")
    if not isinstance(fac, dict) or not isinstance(fac.get("name"), str) or not fac["name"].strip():
        return "nama puskesmas tidak ada"
    report = data.get("report")
    if not isinstance(report, dict) or not isinstance(report.get("columns"), list) or \
            not isinstance(report.get("rows"), list):
        return "tabel laporan tidak ada"
    width = len(report["columns"])
    for row in report["rows"]:
        if not isinstance(row, dict) or not isinstance(row.get("label"), str):
            return "baris tabel laporan tidak sah"
        values = row.get("values")
        if row.get("heading"):
            continue
        # type() is int: not a bool, a float or a string (and fast: hundreds of packages).
        if not isinstance(values, list) or len(values) != width or \
                not set(map(type, values)) <= {int} or (values and min(values) < 0):
            return f"angka baris {row['label'][:40]!r} tidak sah"
    inds = data.get("indicators")
    if not isinstance(inds, dict):
        return "indikator tidak ada"
    for key, ind in inds.items():
        if not isinstance(ind, dict):
            return f"indikator {key} tidak sah"
        for part in ("numerator", "denominator", "value"):
            v = ind.get(part)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0):
                return f"indikator {key}: {part} tidak sah"
    audit = data.get("audit")
    if not isinstance(audit, dict) or not isinstance(audit.get("head"), str):
        return "kepala rantai audit tidak ada"
    return None


def load_package(path: Path | str) -> Package:
    """Read and check one package file; PackageError with one line naming the file."""
    from mtbs_tui.inputs import InputTooLarge, read_capped

    name = str(path)
    try:
        raw = read_capped(path, MAX_BYTES)
    except InputTooLarge:
        raise PackageError(f"{name}: terlalu besar untuk paket laporan (lebih dari 2 MB)") from None
    except IsADirectoryError:
        raise PackageError(f"{name}: folder, bukan berkas paket") from None
    except FileNotFoundError:
        raise PackageError(f"{name}: berkas tidak ditemukan") from None
    except OSError as exc:
        raise PackageError(f"{name}: tidak dapat dibaca ({exc.strerror or exc})") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PackageError(f"{name}: rusak (bukan JSON yang utuh)") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PackageError(f"{name}: bukan paket laporan MTBS (format {FORMAT})")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise PackageError(f"{name}: versi paket tidak sah")
    if version > VERSION:
        raise PackageError(f"{name}: paket versi {version} lebih baru dari aplikasi ini (versi {VERSION}); "
                           "perbarui aplikasi")
    if not _checksum_ok(raw, data):
        raise PackageError(f"{name}: checksum tidak cocok: berkas rusak atau diubah setelah dibuat")
    problem = _shape_problem(data)
    if problem:
        raise PackageError(f"{name}: {problem}")
    return Package(name, data)


def check_set(packages: list[Package], month: str | None) -> tuple[str, list[str]]:
    """The month of the merge and one line per refused package (another month, a duplicate)."""
    problems: list[str] = []
    month = month or (packages[0].month if packages else "")
    seen: dict[str, Package] = {}
    sums: dict[str, Package] = {}
    for p in packages:
        if p.month != month:
            problems.append(f"{p.path}: paket bulan {p.month}, bukan {month}")
            continue
        twin = sums.get(p.data["checksum"]) or seen.get(p.identity)
        if twin is not None:
            problems.append(f"{p.path}: puskesmas {p.name} ({p.identity}) sudah ada di {twin.path}")
            continue
        seen[p.identity] = p
        sums[p.data["checksum"]] = p
    return month, problems


# --- the merge ------------------------------------------------------------------------------------

@dataclass
class District:
    month: str
    facilities: list[dict[str, Any]]  # name, code, district, file, audit head, made_at
    columns: list[tuple[str, str, str | None, str | None]]  # (section, label, measure, pathway) per count row
    counts: list[list[int]]  # per facility: the total ("Jumlah") of each count row
    totals: list[int]
    indicators: dict[str, list[float | None]]  # indicator id -> value per facility
    fractions: dict[str, list[tuple[int | None, int | None]]]  # numerator/denominator per facility
    district_value: dict[str, float | None] = field(default_factory=dict)  # pooled numerator/denominator
    median: dict[str, float | None] = field(default_factory=dict)  # median of the puskesmas values
    ranking: dict[str, list[int]] = field(default_factory=dict)  # facility indexes, best first

    @property
    def title(self) -> str:
        from mtbs_tui.display import MONTH_NAMES

        return f"Laporan Kabupaten MTBS/MTBM - {MONTH_NAMES[int(self.month[5:]) - 1]} {self.month[:4]}"

    def best_and_worst(self, indicator_id: str, most: int) -> tuple[list[int], list[int]]:
        """Best practice: up to `most` puskesmas, best first, at least as good as the district
        median; needing support: up to `most`, worst first, strictly worse than the median (none
        when every puskesmas has the same value)."""
        order = self.ranking.get(indicator_id, [])
        mid = self.median.get(indicator_id)
        if mid is None:
            return [], []
        vals = self.indicators[indicator_id]
        high = BY_ID[indicator_id].better == "tinggi"

        def as_good(k: int) -> bool:
            v = vals[k] or 0.0
            return v >= mid if high else v <= mid

        best = [k for k in order if as_good(k)][:most]
        worst = [k for k in order[::-1] if not as_good(k)][:most]
        return best, worst

    def measure_columns(self) -> list[int]:
        """The count rows with a named measure (visits, referrals, follow-ups): the short table."""
        return [i for i, c in enumerate(self.columns) if c[2]]


def merge(packages: list[Package], month: str) -> District:
    """Merge a checked set (see check_set): rows matched by (section, label, measure, pathway), in
    the order of first appearance; a row a package lacks counts 0 there."""
    keys: dict[tuple[str, str, str | None, str | None], int] = {}
    per: list[dict[int, int]] = []
    for p in packages:
        mine: dict[int, int] = {}
        for row in p.data["report"]["rows"]:
            if row.get("heading"):
                continue
            key = (str(row.get("section") or ""), row["label"], row.get("measure"), row.get("pathway"))
            col = keys.setdefault(key, len(keys))
            mine[col] = int(row["values"][-1])
        per.append(mine)
    counts = [[mine.get(i, 0) for i in range(len(keys))] for mine in per]
    totals = [sum(c[i] for c in counts) for i in range(len(keys))]
    indicators: dict[str, list[float | None]] = {}
    fractions: dict[str, list[tuple[int | None, int | None]]] = {}
    district_value: dict[str, float | None] = {}
    median: dict[str, float | None] = {}
    ranking: dict[str, list[int]] = {}
    for ind in INDICATORS:
        vals: list[float | None] = []
        fr: list[tuple[int | None, int | None]] = []
        for p in packages:
            # An indicator a package lacks (made by another version) has no value there.
            got = p.data["indicators"].get(ind.id) or {}
            vals.append(float(got["value"]) if got.get("value") is not None else None)
            fr.append((got.get("numerator"), got.get("denominator")))
        indicators[ind.id] = vals
        fractions[ind.id] = fr
        known = [v for v in vals if v is not None]
        median[ind.id] = round(statistics.median(known), 1) if known else None
        if ind.unit == "%":
            num = sum(n or 0 for (n, d), v in zip(fr, vals) if v is not None)
            den = sum(d or 0 for (n, d), v in zip(fr, vals) if v is not None)
            district_value[ind.id] = round(100.0 * num / den, 1) if den else None
        else:
            district_value[ind.id] = median[ind.id]
        if ind.better and known:
            order = [i for i, v in enumerate(vals) if v is not None]
            sign = -1.0 if ind.better == "tinggi" else 1.0
            order.sort(key=lambda i: (sign * (vals[i] or 0.0), packages[i].name.lower()))
            ranking[ind.id] = order
    facilities = [{"name": p.name, "code": p.code, "district": p.data["facility"].get("district"),
                   "file": p.path, "head": p.data["audit"]["head"], "made_at": p.data.get("made_at")}
                  for p in packages]
    return District(month=month, facilities=facilities, columns=list(keys), counts=counts, totals=totals,
                    indicators=indicators, fractions=fractions, district_value=district_value, median=median,
                    ranking=ranking)


def merge_files(paths: list[Path | str], month: str | None = None) -> District:
    """Read, check and merge; PackageError listing one line per refused file (nothing merged)."""
    if month is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise PackageError(f"--bulan: {month!r} tidak sah (format TTTT-BB)")
    packages: list[Package] = []
    problems: list[str] = []
    for path in paths:
        try:
            packages.append(load_package(path))
        except PackageError as exc:
            problems.append(exc.message)
    month, refused = check_set(packages, month)
    problems += refused
    if problems:
        raise PackageError("\n".join(problems))
    if not packages:
        raise PackageError("BERKAS: beri paling sedikit satu paket laporan")
    return merge(packages, month)


def better_word(indicator_id: str) -> str:
    return {"tinggi": "tertinggi terbaik", "rendah": "terendah terbaik"}.get(BY_ID[indicator_id].better or "",
                                                                             "tidak diperingkat")
