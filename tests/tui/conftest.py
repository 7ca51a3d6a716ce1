"""Fixtures of the TUI tests: a real register file in tmp_path with a fixed clock and known rows.

The classifier is a small stand-in with fixed answers, so the screens' tests and snapshots do not
change when a chart row is tuned (the engine has its own tests). The app clock is fixed at
Monday 23-11-2026 08:12.
"""
from __future__ import annotations

import asyncio
import inspect
from datetime import date, datetime
from pathlib import Path

import pytest
from tmux_helpers import Tmux

FIXED_NOW = datetime(2026, 11, 23, 8, 12)
TODAY = FIXED_NOW.date()
SIZE = (80, 24)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests in a fresh event loop (no pytest-asyncio in the pinned test extras)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
        return True
    return None


def stub_classify(case: dict) -> dict:
    """Fixed answers from a few findings (enough to show every colour and a referral)."""
    f = case.get("findings") or {}
    items: list[dict] = [
        {"module": "tanda_bahaya", "code": "STABIL", "label": "STABIL", "colour": "hijau",
         "rule": "2022.tanda_bahaya.STABIL", "because": []}
    ]
    treatments: list[dict] = []
    follow: list[int] = []
    refer = False
    if f.get("tarikan_dinding_dada"):
        items = [{"module": "tanda_bahaya", "code": "PENYAKIT_SANGAT_BERAT",
                  "label": "PENYAKIT SANGAT BERAT", "colour": "merah",
                  "rule": "2022.tanda_bahaya.PENYAKIT_SANGAT_BERAT", "because": ["tarikan_dinding_dada"]},
                 {"module": "batuk", "code": "PNEUMONIA_BERAT", "label": "PNEUMONIA BERAT",
                  "colour": "merah", "rule": "2022.batuk.PNEUMONIA_BERAT",
                  "because": ["tarikan_dinding_dada"]}]
        treatments += [{"code": "AMOKSISILIN", "label": "Amoksisilin oral", "dose": "dosis pertama"},
                       {"code": "RUJUK_SEGERA", "label": "Rujuk segera", "dose": None}]
        refer = True
    elif f.get("batuk"):
        if (f.get("napas_per_menit") or 0) >= 50:
            items.append({"module": "batuk", "code": "PNEUMONIA", "label": "PNEUMONIA",
                          "colour": "kuning", "rule": "2022.batuk.PNEUMONIA", "because": ["napas_per_menit"]})
            treatments.append({"code": "AMOKSISILIN", "label": "Amoksisilin oral",
                               "dose": "¾ tablet 500 mg, 2 kali sehari selama 3 hari"})
            follow.append(2)
        else:
            items.append({"module": "batuk", "code": "BATUK_BUKAN_PNEUMONIA",
                          "label": "BATUK BUKAN PNEUMONIA", "colour": "hijau",
                          "rule": "2022.batuk.BATUK_BUKAN_PNEUMONIA", "because": ["napas_per_menit"]})
            follow.append(5)
    if f.get("diare"):
        items.append({"module": "diare", "code": "DIARE_TANPA_DEHIDRASI", "label": "DIARE TANPA DEHIDRASI",
                      "colour": "hijau", "rule": "2022.diare.DIARE_TANPA_DEHIDRASI", "because": ["mata_cekung"]})
        treatments.append({"code": "ZINK", "label": "Zinc", "dose": "1 tablet sehari selama 10 hari"})
        follow.append(2)
    if not refer and len(items) > 1:
        treatments.append({"code": "NASIHAT_KEMBALI_SEGERA", "label": "Nasihati kapan kembali segera",
                           "dose": None})
    born = date.fromisoformat(case["birth_date"])
    seen = date.fromisoformat(case["visit_date"])
    days = (seen - born).days
    from mtbs_tui.rules.age import completed_months

    return {
        "chart": case.get("chart") or "2022",
        "pathway": "bayi_muda" if days < 60 else "balita",
        "age": {"days": days, "months": completed_months(born, seen)},
        "classifications": items,
        "incomplete": [] if f else [{"module": "batuk", "missing": ["batuk"]}],
        "refer_urgently": refer,
        "follow_up_days": min(follow) if follow else None,
        "treatments": treatments,
    }


def _case(birth: str, visit_day: date, findings: dict) -> dict:
    return {"visit_date": visit_day.isoformat(), "birth_date": birth, "weight_kg": 9.0,
            "findings": findings}


def build_register(path: Path, *, populated: bool = True):
    """A register file with a facility, five patients, today's visits, follow-ups due and a draft."""
    from mtbs_tui.register import Register

    register = Register.open(path, create=True, classifier=stub_classify)
    register.set_facility(name="Puskesmas Sukamaju", code="P001", malaria_area="non_endemis")
    if not populated:
        return register
    ids = {}
    people = [
        ("aisyah", "Aisyah Putri", "P", "2025-08-10", "Ny. Rina"),
        ("budi", "Budi Santoso", "L", "2023-10-02", "Ny. Maya"),
        ("wati", "By. Ny. Wati", "L", "2026-11-11", "Ny. Wati"),
        ("rizky", "Rizky Ananda", "L", "2026-03-20", "Ny. Dewi"),
        ("nur", "Nur Halimah", "P", "2025-06-01", "Ny. Sri"),
    ]
    for key, name, sex, birth, mother in people:
        ids[key] = register.add_patient(name=name, sex=sex, birth_date=birth, parent_name=mother,
                                        village="Sukamaju", actor="bidan.sari")
    births = {key: birth for key, _, _, birth, _ in people}

    def visit(key: str, day: date, at: str, findings: dict) -> int:
        return register.save_visit(patient_id=ids[key], case=_case(births[key], day, findings),
                                   actor="bidan.sari", visit_at=f"{day.isoformat()}T{at}:00")

    # Earlier visits whose follow-up is due today (2 days) and overdue (Nur: 5 days ago + 2).
    visit("rizky", date(2026, 11, 21), "09:30", {"batuk": True, "napas_per_menit": 55})
    visit("nur", date(2026, 11, 18), "10:05", {"batuk": True, "napas_per_menit": 52})
    # Today's visits.
    visit("aisyah", TODAY, "07:41", {"batuk": True, "napas_per_menit": 54})
    visit("budi", TODAY, "07:55", {"diare": True})
    visit("wati", TODAY, "08:02", {"tarikan_dinding_dada": True})
    draft = register.save_draft(patient_id=ids["nur"], case=_case(births["nur"], TODAY, {"diare": True}),
                                section="diare", actor="bidan.sari")
    # Record times come from the real clock; pin them so the snapshots are stable.
    register.db.execute("UPDATE visits SET updated_at = ?, visit_at = ? WHERE id = ?",
                        ["2026-11-23T08:10:00", "2026-11-23T08:10:00", draft])
    register.db.execute("UPDATE visits SET created_at = visit_at, updated_at = visit_at")
    register.db.conn.commit()
    register.ids = ids  # type: ignore[attr-defined]
    return register


@pytest.fixture
def register(tmp_path: Path):
    reg = build_register(tmp_path / "mtbs.db")
    yield reg
    reg.close()


@pytest.fixture
def empty_register(tmp_path: Path):
    reg = build_register(tmp_path / "kosong.db", populated=False)
    yield reg
    reg.close()


# --- accounts -------------------------------------------------------------------------------------

# Demo-style accounts of the tests: username -> (full name, role); password is `<username>-demo`.
ACCOUNTS = {
    "bidan.sari": ("Sari Wulandari", "klinis"),
    "kepala": ("dr. Hadi Prasetyo", "kepala"),
    "bidan": ("Bidan Rina", "klinis"),
    "daftar": ("Dewi Pendaftaran", "pendaftaran"),
    "tinjau": ("Tono Peninjau", "peninjau"),
}
_HASHES: dict[str, str] = {}


def password_of(username: str) -> str:
    return f"{username}-demo"


def add_account(register, username: str, role: str | None = None, *, active: bool = True):
    """Insert an account straight into the register (an argon2 hash costs ~0.25 s: each password
    is hashed once per test process). Returns the accounts.User."""
    from mtbs_tui import accounts
    from mtbs_tui.users import get_user

    existing = get_user(register, username)
    if existing is not None:
        return existing
    full_name, default_role = ACCOUNTS.get(username, (username.title(), "klinis"))
    role = role or default_role
    password = password_of(username)
    if password not in _HASHES:
        _HASHES[password] = accounts.hash_password(password)
    stamp = FIXED_NOW.isoformat(timespec="seconds")
    register.db.execute(
        "INSERT INTO users(username, full_name, role, password_hash, active, failed_count, created_at, "
        "created_by, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, 'tes', ?)",
        [username, full_name, role, _HASHES[password], int(active), stamp, stamp],
    )
    register.db.conn.commit()
    return get_user(register, username)


def make_app(register, *, user: str | None = "bidan.sari", role: str | None = None, **kwargs):
    """The real app, logged in as `user` (an account in the register; role from ACCOUNTS unless
    given). `user=None` starts at the login screen like `mtbs tui`."""
    from mtbs_tui.app import MtbsApp

    kwargs.setdefault("clock", lambda: FIXED_NOW)
    if user is not None:
        kwargs["user"] = add_account(register, user, role)
    return MtbsApp(register, **kwargs)


async def log_in(pilot, username: str, password: str | None = None) -> None:
    """Type a login on the login screen, as a person would."""
    await pilot.press(*username, "enter", *(password if password is not None else password_of(username)),
                      "enter")
    await pilot.pause()


async def keys_handled(pilot, timeout: float = 20.0, *, idle: bool = True) -> None:
    """Wait until every key posted so far has been handled: the app hands keys over one at a time
    (keygate.py), so a burst takes as long as its keys take, not a fixed pause. `idle=False`: not
    then Pilot's wait for an idle process, which lasts its whole second while a worker thread
    computes (test_quality_screen's endless query)."""
    import time

    app = pilot.app
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        await pilot.pause(0.02)
        if not app._key_in_flight and not app._held_keys and app._message_queue.empty():
            break
    if idle:
        await pilot.pause()


async def until(pilot, condition, *, within: float, what: str) -> None:
    """Wait until `condition()` holds (looked at every 20 ms), failing with `what` after `within`
    seconds: for what the app does after a delay of its own (a draft's autosave) instead of a fixed
    pause of the whole delay; the delay itself stays the product's."""
    import time

    end = time.monotonic() + within
    while not condition():
        assert time.monotonic() < end, f"after {within} s: {what}"
        await pilot.pause(0.02)


async def open_summary(pilot) -> None:
    """F9 in the visit form, then wait for the summary: on a busy machine opening it may take longer
    than the key gate holds a key typed after it (keygate.KEY_HOLD_LIMIT), so the summary's keys
    are typed once it is there."""
    from mtbs_tui.screens.summary import SummaryScreen

    await type_keys(pilot, "f9")
    await until(pilot, lambda: isinstance(pilot.app.screen, SummaryScreen), within=30,
                what="the summary did not open")


CHARACTERS = {"enter": "\r", "tab": "\t", "escape": "\x1b", "space": " "}


def key_event(key: str):  # noqa: ANN201 - textual.events.Key
    """The Key event a terminal sends for `key` (a character or a Textual key name)."""
    import unicodedata

    from textual import events
    from textual.app import REPLACED_KEYS
    from textual.keys import _character_to_key, _get_unicode_name_from_key

    if len(key) == 1:  # as the terminal's parser names it: "-" is `minus`, "," is `comma`, " " `space`
        return events.Key(_character_to_key(key), key)
    if key in CHARACTERS:
        return events.Key(key, CHARACTERS[key])
    try:  # a named printable key carries its character, as with Pilot: `left_square_bracket` is "["
        character: str | None = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        character = None
    return events.Key(key, character)


async def type_keys(pilot, *keys: str, idle: bool = True) -> None:
    """Type `keys` in one burst (every key posted before the first is handled) and wait until all
    are handled. The app's key gate (keygate.py) hands them over one at a time, so the result is
    what `pilot.press` gives key by key (test_type_ahead proves it for a whole visit), without
    Pilot's two idle waits per key: for tests that type a visit only to reach a later screen."""
    from mtbs_tui.keygate import KeyGate

    assert isinstance(pilot.app, KeyGate), "a burst needs the key gate (MtbsApp or GatedFormApp)"
    for key in keys:
        pilot.app._driver.send_message(key_event(key))
    await keys_handled(pilot, idle=idle)


class FakeClock:
    """A monotonic clock the test moves by hand (the idle lock)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def tmux(tmp_path: Path):
    """A private tmux server at 80x24 for one test (tmux_helpers.Tmux), killed afterwards."""
    server = Tmux(tmp_path)
    yield server
    server.kill()
