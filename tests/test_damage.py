"""A damaged register is detected by `mtbs check` and at start-up, before anything writes to it.

Damage kinds: a bad header, a truncated file, random bytes over a b-tree page. Detection must
leave the file byte-for-byte unchanged. (Random bytes inside the *content* of a row cannot be
detected by SQLite, which keeps no page checksums; that needs a backup to restore from.)
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import sqlite3
from pathlib import Path

import pytest
from cli_login import mtbs_cli, mtbs_here

from mtbs_tui.demo import BY_ID, ResultCache
from mtbs_tui.register import Register, RegisterError
from mtbs_tui.rules import classify


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sehat") / "mtbs.db"
    reg = Register.open(path, create=True)
    reg.set_facility(name="Puskesmas Uji", malaria_area="rendah")
    cache = ResultCache(classify, "rendah")
    birth = dt.date.today() - dt.timedelta(days=500)
    for i in range(40):
        pid = reg.add_patient(name=f"Anak {i}", sex="L", birth_date=birth.isoformat(), actor="uji")
        reg.save_visit(patient_id=pid, case=cache.case(BY_ID["pneumonia"], birth, dt.date.today(), "L"), actor="uji")
    reg.close()
    return path


def _copy(healthy: Path, tmp_path: Path) -> Path:
    target = tmp_path / "mtbs.db"
    target.write_bytes(healthy.read_bytes())
    return target


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _root_pages(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {name: page for name, page in conn.execute(
            "SELECT name, rootpage FROM sqlite_master WHERE rootpage > 1 AND name IN "
            "('patients', 'visits', 'visit_classifications', 'audit', 'visits_final_at')")}
    finally:
        conn.close()


def _page_size(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[16:18], "big")


def bad_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[0:16] = b"Not a database!\x00"
    path.write_bytes(bytes(data))


def truncated_mid_page(path: Path) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(path.stat().st_size // 2 + 123)


def truncated_whole_pages(path: Path) -> None:
    size = _page_size(path)
    with open(path, "r+b") as fh:
        fh.truncate((path.stat().st_size // size // 2) * size)


def random_bytes_in(name: str):
    def damage(path: Path) -> None:
        page = _root_pages(path)[name]
        size = _page_size(path)
        rng = random.Random(page)
        with open(path, "r+b") as fh:
            fh.seek((page - 1) * size)
            fh.write(bytes(rng.getrandbits(8) for _ in range(size)))
    damage.__name__ = f"random_bytes_in_{name}"
    return damage


DAMAGE = [bad_header, truncated_mid_page, truncated_whole_pages, random_bytes_in("patients"),
          random_bytes_in("visits"), random_bytes_in("visit_classifications"), random_bytes_in("visits_final_at")]


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda d: d.__name__)
def test_damage_is_detected_by_check_and_at_start_up_without_writing(
    damage, healthy: Path, tmp_path: Path
) -> None:
    db = _copy(healthy, tmp_path)
    damage(db)
    digest = _digest(db)

    # The first damage through the real console script; the others in this process (cli_login.mtbs_here).
    if damage is DAMAGE[0]:
        result = mtbs_cli("--db", str(db), "check", timeout=60)
    else:
        result = mtbs_here(db, "check")
    assert result.returncode == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("galat: ") and "rusak" in lines[0], result.stderr
    assert "Traceback" not in result.stderr

    with pytest.raises(RegisterError) as err:
        Register.open(db)
    assert "rusak" in err.value.message
    with pytest.raises(RegisterError):
        Register.open(db, create=True)
    assert _digest(db) == digest  # nothing wrote to the damaged file
    assert not (tmp_path / "mtbs.db-wal").exists() or (tmp_path / "mtbs.db-wal").stat().st_size == 0


def test_the_healthy_copy_passes(healthy: Path, tmp_path: Path) -> None:
    """The damage test can fail: the same steps on an undamaged copy succeed."""
    db = _copy(healthy, tmp_path)
    result = mtbs_cli("--db", str(db), "check", timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Database sehat." in result.stdout and "Kunjungan: 40" in result.stdout
    Register.open(db).close()
    assert os.path.getsize(db) > 0


def test_background_check_holds_writes_until_it_passed(healthy: Path, tmp_path: Path) -> None:
    """check="background" (a fast start on a big register): reads at once, writes only when healthy."""
    db = _copy(healthy, tmp_path)
    random_bytes_in("visits")(db)
    digest = _digest(db)
    reg = Register.open(db, check="background")
    try:
        assert reg.health(wait=True, timeout=60) is not None and "rusak" in reg.health()
        with pytest.raises(RegisterError, match="rusak"):
            reg.add_patient(name="Baru", sex="P", birth_date=dt.date.today().isoformat(), actor="uji")
    finally:
        reg.close()
    assert _digest(db) == digest

    fine = tmp_path / "baik.db"
    fine.write_bytes(healthy.read_bytes())
    reg = Register.open(fine, check="background")
    try:
        reg.add_patient(name="Baru", sex="P", birth_date=dt.date.today().isoformat(), actor="uji")
        assert reg.health() == "ok" and reg.count_patients() == 41
    finally:
        reg.close()
