"""The destination of a referred child (issue 17 item 2), on the summary of a merah visit.

`DestinationBox` shows where the child is sent: the head's default facility unless the worker
picked another (no key for the default: F10 saves it with the visit); `r` opens the list
(`screens.destination.DestinationPicker`). Texts come from `referral_facilities.describe`.
"""
from __future__ import annotations

from typing import Any

from textual.widgets import Static

from mtbs_tui.referral_facilities import describe

DESTINATION_KEY = "r"
NONE_TEXT = "belum ditentukan: ditulis tangan di surat rujukan"
NO_LIST_TEXT = ("Belum ada daftar fasilitas rujukan; tujuan ditulis tangan di surat. "
                "Kepala puskesmas mengisinya: F8 Akun, F6 Faskes rujukan.")


class DestinationBox(Static):
    """One box: the chosen facility (name, kind, address, phone) and the key that changes it."""

    DEFAULT_CSS = """
    DestinationBox { height: auto; border: solid $secondary; border-title-style: bold; padding: 0 1; }
    """

    def __init__(self, facilities: list[dict[str, Any]], chosen: int | None, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__("", id=id, markup=False)
        self.facilities = facilities
        self.chosen = chosen
        self.border_title = "Tujuan rujukan"

    def on_mount(self) -> None:
        self.show()

    def chosen_facility(self) -> dict[str, Any] | None:
        return next((f for f in self.facilities if f["id"] == self.chosen), None)

    def text(self) -> str:
        if not self.facilities:
            return NO_LIST_TEXT
        facility = self.chosen_facility()
        return NONE_TEXT.capitalize() if facility is None else describe(facility, mark_default=True)

    def show(self) -> None:
        self.update(self.text())
        # The key on the box's lower edge: the box stays three rows high at 80x24.
        self.border_subtitle = f"{DESTINATION_KEY} pilih lain ({len(self.facilities)})" if self.facilities else ""

    def choose(self, facility_id: int | None) -> None:
        self.chosen = facility_id
        self.show()


def destination_line(referral: dict[str, Any] | None) -> str:
    """A saved referral's destination for the visit view: the name it was sent with and the
    facility's phone now, or that it is written by hand on the letter."""
    referral = referral or {}
    name = (referral.get("destination") or "").strip()
    if not name:
        return f"Tujuan rujukan: {NONE_TEXT}"
    phone = (referral.get("facility") or {}).get("phone")
    return f"Tujuan rujukan: {name}" + (f" · telp. {phone}" if phone else "")
