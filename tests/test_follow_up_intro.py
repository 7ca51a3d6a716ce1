"""The follow-up form's first box names the module of a bare "NORMAL" (tmux 80x24: a follow-up
of a cough visit listed 'HIJAU NORMAL' twice, growth and head size, saying nothing)."""
from __future__ import annotations

from mtbs_tui.display import needs_module_name
from mtbs_tui.screens import follow_up as fu


def test_bare_normal_rows_name_their_module() -> None:
    visit = {"visit_date": "2026-12-02", "classifications": [
        {"module": "batuk", "code": "BATUK_BUKAN_PNEUMONIA", "label": "BATUK BUKAN PNEUMONIA", "colour": "hijau"},
        {"module": "pertumbuhan", "code": "PERTUMBUHAN_NORMAL", "label": "NORMAL", "colour": "hijau"},
        {"module": "lingkar_kepala", "code": "LINGKAR_KEPALA_NORMAL", "label": "NORMAL", "colour": "hijau"}]}
    lines = fu.intro_lines(visit)
    normal = [line for line in lines if "NORMAL" in line and "BATUK" not in line]
    assert len(normal) == 2 and len(set(normal)) == 2, normal
    assert all(line.startswith("  HIJAU NORMAL (") for line in normal), normal
    assert "  HIJAU BATUK BUKAN PNEUMONIA" in lines
    assert all(len(line) <= 46 for line in lines)
    assert needs_module_name(" normal ") and not needs_module_name("GIZI BAIK")


def test_the_visit_view_names_the_module_of_a_bare_normal(tmp_path) -> None:
    """The register's visit view (Enter on a row) listed 'HIJAU NORMAL' for growth (tmux)."""
    from mtbs_tui.demo import generate
    from mtbs_tui.register import Register
    from mtbs_tui.screens.register_view import visit_text

    reg = Register.open(tmp_path / "r.db", create=True)
    generate(reg, patients=20, visits=40, seed=3, bulk=True)
    vid = next(r[0] for r in reg.db.execute(
        "SELECT id FROM visits WHERE status = 'final' AND result_json LIKE '%PERTUMBUHAN_NORMAL%'"))
    visit = reg.get_visit(vid)
    text = visit_text(visit, [visit]).plain
    assert "NORMAL (Pertumbuhan)" in text
    assert not any(line.strip().endswith(" NORMAL") for line in text.splitlines()), text
    reg.close()
