"""The live panel names the module when a chart label alone ("NORMAL") would not say what is normal."""
from __future__ import annotations

from mtbs_tui.widgets.panel import panel_lines


def text_of(lines: list[list[tuple[str, str]]]) -> str:
    return "\n".join("".join(piece for piece, _ in line) for line in lines)


def test_bare_normal_labels_carry_their_module() -> None:
    result = {
        "classifications": [
            {"module": "pertumbuhan", "code": "PERTUMBUHAN_NORMAL", "label": "NORMAL", "colour": "hijau",
             "because": []},
            {"module": "batuk", "code": "PNEUMONIA", "label": "PNEUMONIA", "colour": "kuning", "because": []},
        ],
        "incomplete": [],
        "treatments": [],
    }
    names = {"pertumbuhan": "Pertumbuhan", "batuk": "Batuk"}
    text = text_of(panel_lines(result, width=30, values={}, label_of=str, module_name=names.get))
    assert "HIJAU  Pertumbuhan: NORMAL" in text
    assert "PNEUMONIA" in text and "Batuk: PNEUMONIA" not in text
