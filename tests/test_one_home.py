"""One home for the clinical basics (issue 16): a grep over the package fails when a module defines
again what lives in one place:

- completed months, the month arithmetic, the ``Age`` value and the pathway limits (60 days,
  60 months): ``mtbs_tui/rules/age.py``;
- the severity order of the colours and the "all clear" codes: ``mtbs_tui/rules/codes.py``.

Each detector is also run on a sample of the copies it must catch, so the test can fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mtbs_tui.rules.codes import ALL_CLEAR

PACKAGE = Path(__file__).resolve().parents[1] / "mtbs_tui"
AGE_HOME = "rules/age.py"
CODES_HOME = "rules/codes.py"
# The chart tables name their all-clear rows (that is where the codes are printed from).
CHART_TABLES = {"rules/balita.py", "rules/bayi_muda.py", CODES_HOME}

_AGE_DEFS = re.compile(
    r"^\s*(def\s+(_?completed_months|_?add_months|_?months_between)\b|class\s+Age\b)", re.M)
_AGE_WORD = r"(?:\w*days?\b|\w*months?\b|\w*_DAYS\b|\w*_MONTHS\b)"
_LIMITS = re.compile(
    rf"{_AGE_WORD}\)?\s*(?:<|<=|>|>=|==|!=)\s*(?:59|60)\b"  # days < 60, age.months >= 60
    rf"|\b(?:59|60)\s*(?:<|<=|>|>=)\s*{_AGE_WORD}"  # 60 <= days
    r"|\b\w*(?:DAYS|MONTHS)\w*\s*(?::\s*\w+\s*)?=\s*60\b"  # YOUNG_INFANT_DAYS = 60
    r"|BETWEEN\s+\d+\s+AND\s+59\b",  # SQL: age_days BETWEEN 8 AND 59
    re.I)
_SEVERITY = re.compile(
    r"[\"'](?:merah|kuning|hijau)[\"']\s*:\s*-?\d"  # {"merah": 0, ...}
    r"|\b(?:MERAH|KUNING|HIJAU)\s*:\s*-?\d"  # {MERAH: 2, ...}
    r"|WHEN\s+'(?:merah|kuning|hijau)'\s+THEN\s+\d"  # SQL CASE colour WHEN 'merah' THEN 0
    # ("merah", "kuning", "hijau")
    r"|\(\s*[\"']merah[\"']\s*,\s*[\"']kuning[\"']\s*,\s*[\"']hijau[\"']\s*\)")


def _sources() -> list[tuple[str, str]]:
    return [(p.relative_to(PACKAGE).as_posix(), p.read_text(encoding="utf-8"))
            for p in sorted(PACKAGE.rglob("*.py"))]


def _code_lines(text: str) -> list[tuple[int, str]]:
    """Lines without comments and docstring-only lines (prose may say "under 60 days")."""
    out, in_doc = [], False
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        quotes = stripped.count('"""') + stripped.count("'''")
        if in_doc or (quotes and stripped.startswith(('"""', "'''", 'r"""'))):
            if quotes % 2 == 1:
                in_doc = not in_doc
            continue
        comment_only = "#" in line and not re.search(r"[\"'][^\"']*#", line)
        out.append((n, line.split("#", 1)[0] if comment_only else line))
    return out


# Limits of 60 days that are not about age (the pathway limits live in rules/age.py).
NOT_AGE_LIMITS = re.compile(r"\bMAX_REFERRAL_REPLY_DAYS\s*=")


def age_copies(path: str, text: str) -> list[str]:
    if path == AGE_HOME:
        return []
    found = [f"{path}: {m.group(0).strip()}" for m in _AGE_DEFS.finditer(text)]
    found += [f"{path}:{n}: {line.strip()}" for n, line in _code_lines(text)
              if _LIMITS.search(line) and not NOT_AGE_LIMITS.search(line)]
    return found


def severity_copies(path: str, text: str) -> list[str]:
    if path == CODES_HOME:
        return []
    return [f"{path}:{n}: {line.strip()}" for n, line in _code_lines(text) if _SEVERITY.search(line)]


def all_clear_copies(path: str, text: str) -> list[str]:
    """A module that spells out two or more all-clear codes keeps its own list of them."""
    if path in CHART_TABLES:
        return []
    named = sorted(code for code in ALL_CLEAR if re.search(rf"[\"']{code}[\"']", text))
    return [f"{path}: {', '.join(named)}"] if len(named) >= 2 else []


def test_age_is_defined_only_in_rules_age() -> None:
    assert [hit for path, text in _sources() for hit in age_copies(path, text)] == []


def test_severity_order_lives_only_with_the_codes() -> None:
    assert [hit for path, text in _sources() for hit in severity_copies(path, text)] == []


def test_all_clear_codes_are_listed_only_with_the_codes() -> None:
    assert [hit for path, text in _sources() for hit in all_clear_copies(path, text)] == []


def test_the_homes_hold_what_they_promise() -> None:
    age = (PACKAGE / AGE_HOME).read_text(encoding="utf-8")
    assert _AGE_DEFS.search(age) and _LIMITS.search(age)
    assert severity_copies("elsewhere.py", (PACKAGE / CODES_HOME).read_text(encoding="utf-8"))


@pytest.mark.parametrize("copy", [
    "def completed_months(birth, on):\n    return 0\n",
    "class Age:\n    days: int\n",
    "    if days < 60:\n",
    "    pathway = 'bayi_muda' if age.days < 60 else 'balita'\n",
    "    if months >= 60:\n",
    "    if (visit - birth).days <= 59:\n",
    "YOUNG_INFANT_DAYS = 60\n",
    "    q = \"v.age_days BETWEEN 8 AND 59\"\n",
    "    q = \"CASE WHEN v.age_days < 60 THEN 1 END\"\n",
])
def test_the_age_detector_catches_copies(copy: str) -> None:
    assert age_copies("screens/x.py", copy)


@pytest.mark.parametrize("fine", [
    "    if napas >= 60:\n",  # a breathing rate, not an age
    "    # under 60 days: bayi muda\n",
    '    """Age < 60 days: the young infant chart."""\n',
    "    if days < YOUNG_INFANT_DAYS:\n",
])
def test_the_age_detector_lets_other_sixties_be(fine: str) -> None:
    assert not age_copies("screens/x.py", fine)


@pytest.mark.parametrize("copy", [
    'rank = {"merah": 0, "kuning": 1, "hijau": 2}\n',
    "_SEVERITY = {HIJAU: 0, KUNING: 1, MERAH: 2}\n",
    "    for colour in (\"merah\", \"kuning\", \"hijau\"):\n",
    "q = \"ORDER BY CASE c.colour WHEN 'merah' THEN 0 ELSE 1 END\"\n",
])
def test_the_severity_detector_catches_copies(copy: str) -> None:
    assert severity_copies("app.py", copy)


def test_the_all_clear_detector_catches_a_list() -> None:
    assert all_clear_copies("app.py", 'dull = code in ("STABIL", "GIZI_BAIK")\n')
    assert not all_clear_copies("app.py", 'if code == "STABIL":\n')


# --- SQL lives with the register (issue 16: "All SQL goes through Register, or db for schema work") --

# The modules that own tables or file-level work on the SQLite file. Everything else (documents,
# commands, screens, widgets, the app) asks a Register method.
SQL_HOMES = {
    "register.py", "users.py", "audit.py",  # the tables and their queries
    "db.py", "dbfile.py",  # schema, migrations, connection settings, file checks
    "backup.py",  # page-level copies and their verification
    "demo.py",  # the bulk generator of demo registers (INSERT ... SELECT from a staging table)
    "commands/check.py",  # `mtbs periksa`: PRAGMA integrity checks on a file that may not open
    "latihan/store.py",  # the practice file's own tables (issue 19): a separate file, never the register
}
_SQL = re.compile(
    r"[\"'(]\s*(?:SELECT\s+[\w*(]|INSERT\s+(?:OR\s+\w+\s+)?INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b"
    r"|CREATE\s+(?:TABLE|INDEX|TRIGGER)\b|PRAGMA\s+\w)"
    r"|\.(?:execute|executemany|executescript)\(")


def sql_outside_homes(path: str, text: str) -> list[str]:
    if path in SQL_HOMES or path.startswith("rules/"):
        return []
    return [f"{path}:{n}: {line.strip()}" for n, line in _code_lines(text) if _SQL.search(line)]


def test_sql_lives_only_in_the_register_and_the_file_modules() -> None:
    found = [hit for path, text in _sources() for hit in sql_outside_homes(path, text)]
    assert not found, "SQL outside the register; add a Register method instead:\n" + "\n".join(found)


@pytest.mark.parametrize("copy", [
    'row = self.register.db.execute("SELECT value FROM meta").fetchone()',
    "    rows = db.query('SELECT id FROM visits WHERE x = ?', [1])",
    'conn.executemany(sql, rows)',
    '"INSERT INTO referrals(visit_id) VALUES (?)"',
    '"UPDATE visits SET status = ?"',
    "(\"DELETE FROM drafts WHERE id = ?\")",
])
def test_the_sql_detector_catches_queries(copy: str) -> None:
    assert sql_outside_homes("screens/x.py", copy)


@pytest.mark.parametrize("fine", [
    'self.query_one("#visit-text", Static).update(text)',
    'Static("Pilih (SELECT) satu baris")',
    "rows = register.visits_on(day)",
])
def test_the_sql_detector_lets_other_text_be(fine: str) -> None:
    assert not sql_outside_homes("screens/x.py", fine)


# --- the calendar words (month and day names) live in display.py ----------------------------------

DISPLAY_HOME = "display.py"
_CALENDAR_WORDS = re.compile(r"[\"'](?:Januari|Februari|Senin|Selasa)[\"']\s*,")


def calendar_word_copies(path: str, text: str) -> list[str]:
    if path == DISPLAY_HOME:
        return []
    return [f"{path}:{n}: {line.strip()}" for n, line in _code_lines(text) if _CALENDAR_WORDS.search(line)]


def test_month_and_day_names_live_only_in_display() -> None:
    found = [hit for path, text in _sources() for hit in calendar_word_copies(path, text)]
    assert not found, "import MONTH_NAMES / DAY_NAMES from mtbs_tui.display:\n" + "\n".join(found)
    assert calendar_word_copies("x.py", (PACKAGE / DISPLAY_HOME).read_text(encoding="utf-8"))


@pytest.mark.parametrize("copy", [
    'WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")',
    "MONTHS = ('Januari', 'Februari', 'Maret')",
])
def test_the_calendar_detector_catches_copies(copy: str) -> None:
    assert calendar_word_copies("documents/x.py", copy)


# The written time `10.35` (display.written_time_text): three modules each had their own, with
# different answers for an unknown time.
_TIME_FORMAT = re.compile(
    r"def\s+(?!datetime_text|visit_time_text)\w*time_text\b"  # def time_text(...)
    r"|:02d\}\.\{[^}]*:02d\}"  # f"{moment.hour:02d}.{moment.minute:02d}"
    r"|\[11:13\]\}\.\{"  # f"{at[11:13]}.{at[14:16]}"
    r"|%H\.%M(?!\.%S)")  # a listing with seconds (backup --list) is another format


def time_format_copies(path: str, text: str) -> list[str]:
    if path == DISPLAY_HOME:
        return []
    return [f"{path}:{n}: {line.strip()}" for n, line in _code_lines(text)
            if _TIME_FORMAT.search(line)]


def test_times_are_written_only_by_display() -> None:
    found = [hit for path, text in _sources() for hit in time_format_copies(path, text)]
    assert not found, "use mtbs_tui.display.time_text / written_time_text:\n" + "\n".join(found)
    assert time_format_copies("x.py", (PACKAGE / DISPLAY_HOME).read_text(encoding="utf-8"))


@pytest.mark.parametrize("copy", [
    "def time_text(at):",
    'return f"{moment.hour:02d}.{moment.minute:02d}"',
    'return f"{at[11:13]}.{at[14:16]}"',
    "stamp = now.strftime('%H.%M')",
])
def test_the_time_detector_catches_copies(copy: str) -> None:
    assert time_format_copies("documents/x.py", copy)


# The CSV dialect of the exports and reports (documents.common.csv_file): four writers each opened
# their own file with the separator, the BOM and the line ends.
CSV_HOME = "documents/common.py"
_CSV_DIALECT = re.compile(r"\bcsv\.(?:writer|DictWriter)\(|\bopen\(.*[\"']utf-8-sig[\"']")


def csv_dialect_copies(path: str, text: str) -> list[str]:
    if path == CSV_HOME:
        return []
    return [f"{path}:{n}: {line.strip()}" for n, line in _code_lines(text) if _CSV_DIALECT.search(line)]


def test_csv_files_are_opened_only_by_the_documents_home() -> None:
    found = [hit for path, text in _sources() for hit in csv_dialect_copies(path, text)]
    assert not found, "write CSV through mtbs_tui.documents.common.csv_file:\n" + "\n".join(found)
    assert csv_dialect_copies("x.py", (PACKAGE / CSV_HOME).read_text(encoding="utf-8"))


@pytest.mark.parametrize("copy", [
    'w = csv.writer(fh, delimiter=";", lineterminator="\\r\\n")',
    'with open(path, "w", encoding="utf-8-sig", newline="") as fh:',
])
def test_the_csv_detector_catches_copies(copy: str) -> None:
    assert csv_dialect_copies("documents/x.py", copy)


# How a document names the puskesmas (documents.common.puskesmas_name, facility_lines): the monthly
# and quality reports and the letterhead each added "Puskesmas" in their own way.
_PUSKESMAS_PREFIX = re.compile(r"""startswith\(\s*[\"']puskesmas[\"']""", re.I)


def puskesmas_name_copies(path: str, text: str) -> list[str]:
    if path == CSV_HOME:  # documents/common.py
        return []
    return [f"{path}:{n}: {line.strip()}" for n, line in _code_lines(text) if _PUSKESMAS_PREFIX.search(line)]


def test_the_puskesmas_is_named_only_by_the_documents_home() -> None:
    from mtbs_tui.documents.common import facility_lines, puskesmas_name

    found = [hit for path, text in _sources() for hit in puskesmas_name_copies(path, text)]
    assert not found, "use mtbs_tui.documents.common.puskesmas_name / facility_lines:\n" + "\n".join(found)
    assert puskesmas_name_copies("documents/x.py", 'if not name.lower().startswith("puskesmas"):')
    assert puskesmas_name("Sukamaju") == puskesmas_name("Puskesmas Sukamaju") == "Puskesmas Sukamaju"
    assert facility_lines({"name": "Sukamaju", "code": "P1", "district": "Kab. X", "province": "NTT"}) == [
        "Puskesmas Sukamaju (kode P1)", "Kabupaten/kota, provinsi: Kab. X, NTT"]
    assert facility_lines(None) == ["Puskesmas -"]


# --- the CLI's help restates option lists (cli.py imports only typer): it must name every key -----

def _cli_option_helps() -> dict[str, list[str]]:
    from typer.main import get_command

    from mtbs_tui.cli import app

    found: dict[str, list[str]] = {}

    def walk(command: object) -> None:
        for sub in getattr(command, "commands", {}).values():
            walk(sub)
        for param in getattr(command, "params", []):
            for opt in getattr(param, "opts", []):
                found.setdefault(opt, []).append(getattr(param, "help", None) or "")

    walk(get_command(app))
    return found


def test_the_cli_help_names_every_choice_of_its_home() -> None:
    from mtbs_tui import given, referral_facilities
    from mtbs_tui.register import MALARIA_AREAS, REPLY_OUTCOMES

    helps = _cli_option_helps()
    homes = {"--hasil": tuple(REPLY_OUTCOMES), "--tidak": tuple(given.REASONS),
             "--jenis": referral_facilities.KIND_KEYS, "--daerah-malaria": MALARIA_AREAS}
    for option, keys in homes.items():
        assert helps.get(option), option
        for text in helps[option]:
            words = set(re.findall(r"\w+", text))
            assert set(keys) <= words, f"{option}: {text!r} misses {sorted(set(keys) - words)}"


def test_the_cli_format_option_offers_what_its_writer_writes() -> None:
    """`--format` of each command names exactly the formats its document writer accepts (FORMATS in
    the writer's module) and, as the default, the first of them."""
    from typer.main import get_command

    from mtbs_tui.cli import app
    from mtbs_tui.documents import export, monthly, quality, referral_log

    homes = {("export", "register"): export.FORMATS, ("export", "rujukan"): referral_log.FORMATS,
             ("report", "monthly"): monthly.FORMATS, ("report", "mutu"): quality.FORMATS}
    root = get_command(app)
    for (group, name), formats in homes.items():
        command = root.commands[group].commands[name]  # type: ignore[attr-defined]
        (option,) = [p for p in command.params if "--format" in getattr(p, "opts", [])]
        offered, default = re.fullmatch(r"(.*?)\. Bawaan: .* tanpa -o: (\w+)\.", option.help or "").groups()
        assert sorted(set(re.findall(r"\w+", offered)) - {"atau"}) == sorted(formats), (group, name, option.help)
        # Not given: the -o ending, else the writer's first format (documents.common.chosen_format).
        assert option.default is None and default == formats[0], (group, name, option.help)
