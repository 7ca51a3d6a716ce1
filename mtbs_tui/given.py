"""What was actually given at a visit (issue 17 item 1), written once: the outcomes, the reasons
for not giving, which recommended treatments are confirmed, the time a treatment was given, and
the checks of one outcome.

The register (`Register.record_given`, `given_for`, `treatment_agreement`), the CLI (`mtbs
tindakan`), the summary and visit screens and the documents (referral letter, mother's card) all
use this module. Plain Python: no Textual, no SQLite.

Per visit the nurse confirms each recommended treatment (the chart's treatment rows of the
visit): given (with the time), not given (with a reason), or given otherwise (another drug or
dose, free text); and she may add a treatment the chart did not list (a deviation, free text).
A treatment without an outcome is "belum dicatat" (unknown), never "not given".
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any

from mtbs_tui.display import written_time_text

# outcome -> what the nurse reads
OUTCOMES: dict[str, str] = {
    "diberikan": "diberikan",
    "tidak_diberikan": "tidak diberikan",
    "diberikan_lain": "diberikan lain",
    "tambahan": "tambahan di luar bagan",
}
GIVEN, NOT_GIVEN, OTHERWISE, DEVIATION = "diberikan", "tidak_diberikan", "diberikan_lain", "tambahan"
# Outcomes of a recommended treatment (a deviation is its own kind of item).
RECOMMENDED_OUTCOMES = (GIVEN, NOT_GIVEN, OTHERWISE)

# reason -> what the nurse reads (issue 17: the short list of the paper form)
REASONS: dict[str, str] = {
    "stok_habis": "stok habis",
    "keluarga_menolak": "keluarga menolak",
    "tidak_mampu": "tidak mampu/tidak ada alat",
    "lainnya": "lainnya",
}
OTHER_REASON = "lainnya"

# Treatment codes that are not a thing given at the puskesmas: the referral itself is the
# referral record and the letter (issue 17 items 2-4), not an item to confirm.
NOT_AN_ITEM = frozenset({"RUJUK_SEGERA", "RUJUK"})

MAX_NOTE = 200
# A treatment given "now" may be recorded with the clock a little ahead of the register's.
FUTURE_SLACK = _dt.timedelta(minutes=5)


class GivenError(ValueError):
    """Bad input for one outcome: `field` names it, `message` is one Indonesian line with the
    allowed values."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Item:
    """One outcome. `code` is the chart treatment code (None for a deviation); `given_at` is a
    local ISO time (minutes) for given, given otherwise and a deviation; `reason` for not given;
    `note`: the reason's text (lainnya), the other drug or dose, or the deviation itself;
    `for_home`: a deviation the mother gives at home (printed on her card)."""

    code: str | None
    label: str
    outcome: str
    given_at: str | None = None
    reason: str | None = None
    note: str | None = None
    for_home: bool = False

    @property
    def is_given(self) -> bool:
        return self.outcome in (GIVEN, OTHERWISE, DEVIATION)

    def reason_text(self) -> str:
        """Why it was not given, as the nurse reads it ("stok habis", or her own words for
        lainnya); "" for an item that was given."""
        if self.outcome != NOT_GIVEN:
            return ""
        if self.reason == OTHER_REASON and self.note:
            return self.note
        return REASONS.get(self.reason or "", self.reason or "")

    def text(self) -> str:
        """One line: `diberikan 10.35`, `tidak diberikan: stok habis`, `diberikan lain: ...`."""
        if self.outcome == NOT_GIVEN:
            return f"tidak diberikan: {self.reason_text()}"
        hour = f" {written_time_text(self.given_at)}" if self.given_at else ""
        if self.outcome == OTHERWISE:
            return f"diberikan lain{hour}: {self.note or ''}"
        if self.outcome == DEVIATION:
            return f"tambahan{hour}" + (" (dibawa pulang)" if self.for_home else "")
        return f"diberikan{hour}"

    def as_row(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "outcome": self.outcome, "given_at": self.given_at,
                "reason": self.reason, "note": self.note, "for_home": self.for_home}


def recommended(treatments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The visit's treatments the nurse confirms, in chart order (each code once)."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for t in treatments or []:
        code = t.get("code")
        if not code or code in NOT_AN_ITEM or code in seen:
            continue
        seen.add(code)
        out.append(t)
    return out


def when_text(at: str | None, visit_day: str | None) -> str:
    """The time given as a document prints it: `10.35` on the visit's day, `07-12 08.00` on
    another day (a dose given the next morning before the child left)."""
    hour = written_time_text(at)
    if not hour or not at or not visit_day or at[:10] == visit_day[:10]:
        return hour
    return f"{at[8:10]}-{at[5:7]} {hour}"


_HOUR = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def parse_time(text: str | None, visit_at: str, *, now: _dt.datetime) -> str:
    """The time a treatment was given, as local ISO `TTTT-BB-HHTjj:mm`. Empty: now (or, for a visit
    on an earlier day, the visit's own time). `jj:mm`/`jj.mm`: on the visit's day. A whole date and
    time (`TTTT-BB-HH jj:mm`) is taken as is. Never before the visit, never in the future."""
    visit_day = visit_at[:10]
    if text is None or not str(text).strip():
        moment = now if now.date().isoformat() == visit_day else _dt.datetime.fromisoformat(visit_at)
        return moment.strftime("%Y-%m-%dT%H:%M")
    raw = str(text).strip()
    match = _HOUR.match(raw)
    try:
        if match:
            hour, minute = int(match.group(1)), int(match.group(2))
            moment = _dt.datetime.fromisoformat(visit_day).replace(hour=hour, minute=minute)
        else:
            moment = _dt.datetime.fromisoformat(raw.replace(" ", "T", 1))
    except ValueError:
        raise GivenError("jam", f"{raw!r} bukan jam; tulis jj:mm (00:00-23:59) atau TTTT-BB-HH jj:mm") from None
    moment = moment.replace(second=0, microsecond=0, tzinfo=None)
    at = moment.strftime("%Y-%m-%dT%H:%M")
    if at < visit_at[:16]:
        raise GivenError("jam", f"jam diberikan {written_time_text(at)} sebelum kunjungan "
                                f"({visit_day} {written_time_text(visit_at) or '00.00'}); paling awal jam kunjungan")
    if moment > now + FUTURE_SLACK:
        raise GivenError("jam", f"jam diberikan {at.replace('T', ' ')} belum terjadi; paling lambat sekarang")
    return at


def reason_key(text: str) -> str:
    """A reason as typed (`stok_habis`, `stok habis`, `1`..`4`) -> its key."""
    raw = str(text).strip().lower().replace(" ", "_").replace("-", "_")
    keys = list(REASONS)
    if raw.isdigit() and 1 <= int(raw) <= len(keys):
        return keys[int(raw) - 1]
    if raw in REASONS:
        return raw
    for key, label in REASONS.items():
        if raw == label.replace(" ", "_"):
            return key
    raise GivenError("alasan", f"{str(text).strip()[:40]!r} tidak dikenal; pilihan: "
                     + ", ".join(f"{i} {k}" for i, k in enumerate(keys, 1)))


def clean_note(text: str | None, field: str, *, required: bool) -> str | None:
    value = " ".join(str(text or "").split())
    if required and not value:
        raise GivenError(field, "wajib diisi (teks, paling banyak 200 huruf)")
    if len(value) > MAX_NOTE:
        raise GivenError(field, f"terlalu panjang ({len(value)} huruf); paling banyak {MAX_NOTE}")
    return value or None


def make_item(*, code: str | None, label: str, outcome: str, visit_at: str, now: _dt.datetime,
              time: str | None = None, reason: str | None = None, note: str | None = None,
              for_home: bool = False) -> Item:
    """One checked outcome (GivenError on bad input)."""
    if outcome not in OUTCOMES or (code is None) != (outcome == DEVIATION):
        allowed = DEVIATION if code is None else ", ".join(RECOMMENDED_OUTCOMES)
        raise GivenError("hasil", f"pilihan: {allowed}")
    if outcome == NOT_GIVEN:
        if reason is None:
            raise GivenError("alasan", "wajib untuk tidak diberikan; pilihan: " + ", ".join(REASONS))
        key = reason_key(reason)
        text = clean_note(note, "alasan lainnya", required=key == OTHER_REASON)
        return Item(code, label, outcome, None, key, text, False)
    at = parse_time(time, visit_at, now=now)
    if outcome == GIVEN:
        return Item(code, label, outcome, at)
    what = "obat/dosis lain" if outcome == OTHERWISE else "tindakan tambahan"
    text = clean_note(note, what, required=True)
    if outcome == DEVIATION:
        return Item(None, text or "", outcome, at, None, None, bool(for_home))
    return Item(code, label, outcome, at, None, text, False)


def item_from_row(row: dict[str, Any]) -> Item:
    return Item(row.get("code"), row.get("label") or "", row["outcome"], row.get("given_at"),
                row.get("reason"), row.get("note"), bool(row.get("for_home")))


def confirmation(treatments: list[dict[str, Any]], record: dict[str, Any] | None) -> list[tuple[dict[str, Any], Item | None]]:
    """Each recommended treatment with its recorded outcome (None: belum dicatat), then the
    recorded items of codes the visit no longer recommends (after a correction) and the
    deviations, each with its row as recorded."""
    items: list[Item] = list((record or {}).get("items") or [])
    by_code = {i.code: i for i in items if i.code}
    out: list[tuple[dict[str, Any], Item | None]] = []
    listed: set[str] = set()
    for t in recommended(treatments):
        out.append((t, by_code.get(t["code"])))
        listed.add(t["code"])
    for i in items:
        if i.code and i.code not in listed:
            out.append(({"code": i.code, "label": i.label, "dose": None}, i))
    for i in items:
        if i.code is None:
            out.append(({"code": None, "label": i.label, "dose": None}, i))
    return out


def summary_text(treatments: list[dict[str, Any]], record: dict[str, Any] | None) -> str:
    """`3 diberikan, 1 tidak diberikan, 1 belum dicatat`: the state in a few words."""
    counts: dict[str, int] = {}
    for _t, item in confirmation(treatments, record):
        key = "belum dicatat" if item is None else OUTCOMES[item.outcome]
        counts[key] = counts.get(key, 0) + 1
    order = ["diberikan", "diberikan lain", "tidak diberikan", "tambahan di luar bagan", "belum dicatat"]
    return ", ".join(f"{counts[k]} {k}" for k in order if counts.get(k)) or "tidak ada tindakan"


def rest_given(treatments: list[dict[str, Any]], record: dict[str, Any] | None,
               time: str | None = None, *, skip: set[str] | frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """The changes of "semua diberikan": every recommended treatment without an outcome yet (and
    not in `skip`) given at `time` (None: now). What the nurse already recorded stays."""
    return [{"code": t["code"], "outcome": GIVEN, "time": time}
            for t, item in confirmation(treatments, record)
            if item is None and t.get("code") and t["code"] not in skip]


def merge(treatments: list[dict[str, Any]], old: list[Item], changes: list[dict[str, Any]],
          remove_deviations: list[int] | None = None, *, visit_at: str, now: _dt.datetime,
          visit_id: int | None = None) -> list[Item]:
    """The items of the next version: the recorded ones (`old`) with `changes` applied (each
    {code (None for a deviation), outcome, time, reason, note, for_home}) and the deviations
    numbered in `remove_deviations` (1-based) taken out; recommended ones in chart order, then
    the deviations. The register writes it; the summary previews what F10 will write."""
    labels = {t["code"]: t.get("label") or t["code"] for t in recommended(treatments)}
    coded = {i.code: i for i in old if i.code}
    deviations = [i for i in old if i.code is None]
    for number in sorted(set(remove_deviations or []), reverse=True):
        if not 1 <= number <= len(deviations):
            raise GivenError("hapus_tambahan", f"tambahan nomor {number} tidak ada; pilihan: "
                             + (f"1-{len(deviations)}" if deviations else "belum ada tambahan"))
        del deviations[number - 1]
    if not changes and not remove_deviations:
        raise GivenError("tindakan", "tidak ada yang dicatat; sebutkan paling sedikit satu tindakan")
    for change in changes:
        code = change.get("code")
        if code is not None and code not in labels and code not in coded:
            allowed = ", ".join(labels) or "tidak ada tindakan yang dianjurkan"
            which = f" untuk kunjungan {visit_id}" if visit_id is not None else ""
            raise GivenError("kode", f"kode tindakan {code} tidak dianjurkan{which}; pilihan: {allowed}")
        label = (labels.get(code) or (coded[code].label if code in coded else "")) if code else ""
        item = make_item(code=code, label=label, outcome=str(change.get("outcome") or ""), visit_at=visit_at,
                         now=now, time=change.get("time"), reason=change.get("reason"), note=change.get("note"),
                         for_home=bool(change.get("for_home")))
        if code is None:
            deviations.append(item)
        else:
            coded[code] = item
    order = {code: n for n, code in enumerate(labels)}
    return sorted(coded.values(), key=lambda i: order.get(i.code or "", len(order))) + deviations
