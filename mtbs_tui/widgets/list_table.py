"""A DataTable for lists of rows (search results, a child's visits): Home and End go to the first
and the last row. Textual's DataTable scrolls sideways on Home/End, which on a list that fits the
screen looks like nothing happened."""
from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable


class ListTable(DataTable):
    BINDINGS = [
        Binding("home", "first_row", "Baris pertama", key_display="Home", show=False),
        Binding("end", "last_row", "Baris terakhir", key_display="End", show=False),
    ]

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0)

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)
