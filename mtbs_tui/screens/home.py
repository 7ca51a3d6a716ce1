"""Beranda: today's visits, follow-ups due today and overdue, unfinished drafts, one key per task.

The first screen the nurse sees. It reads three short lists from the register (each bounded by the
day, never the whole register) and imports no other screen: search, register and forms are imported
when their key is pressed.
"""
from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from mtbs_tui.display import (
    age_text,
    date_text,
    parse_iso_date,
    pathway_word,
    row_birth_date,
    row_patient_name,
    short_label,
    summary_text,
    time_text,
)
from mtbs_tui.screens.base import MtbsScreen
from mtbs_tui.widgets.chrome import KeyBar, TopBar

LEGEND = " Tanda: MERAH rujuk segera · KUNING obati di puskesmas · HIJAU rawat di rumah"

SECTION_NAMES = {
    # Where a draft stopped, as the nurse calls the sections.
    "tanda_bahaya": "Tanda bahaya", "batuk": "Batuk", "diare": "Diare", "demam": "Demam",
    "demam_malaria": "Demam", "telinga": "Telinga", "gizi": "Gizi", "anemia": "Anemia",
    "hiv": "HIV", "imunisasi": "Imunisasi", "pemberian_makan": "Makan",
    "identitas": "Identitas", "pengukuran": "Pengukuran", "ringkasan": "Ringkasan",
}


def _section_name(section: str | None) -> str:
    if not section:
        return "awal"
    return SECTION_NAMES.get(section, section.replace("bm_", "").replace("_", " ").capitalize())


class HomeScreen(MtbsScreen[None]):
    """Beranda."""

    # Keys a role may not use (accounts.ACTIONS): hidden from it, refused with a line if pressed.
    ROLE_GATES = {"new_visit": "visit.create", "register": "visit.view", "drafts": "visit.create",
                  "discard_draft": "visit.create", "users": "user.manage", "quality": "quality.view",
                  "practice": "practice.use", "referrals": "referral.view"}

    BINDINGS = [
        # priority: the search screen is pushed while the app reads the keys, so letters typed
        # right after F2/F3 reach the search box instead of this screen.
        Binding("f2", "new_visit", "Baru", key_display="F2", id="baru", priority=True),
        Binding("f3", "search", "Cari", key_display="F3", id="cari", priority=True),
        Binding("f4", "register", "Register", key_display="F4", id="register"),
        Binding("f5", "follow_ups", "Kunj. ulang", key_display="F5", id="kunjungan_ulang"),
        Binding("f6", "drafts", "Draf", key_display="F6", id="draf"),
        Binding("delete", "discard_draft", "Hapus", key_display="Del", id="hapus_draf"),
        # Only the head (user.manage) sees this key: KeyBar hides it for the other roles.
        Binding("f8", "users", "Akun", key_display="F8", id="pengguna"),
        # Only kepala and peninjau (quality.view) see this key.
        Binding("f9", "quality", "Mutu", key_display="F9", id="mutu"),
        # Practice on fictitious cases (issue 19), in the practice file, never in this register.
        Binding("f7", "practice", "Latihan", key_display="F7", id="latihan"),
        # Referrals without a reply (issue 17): klinis, kepala and peninjau (referral.view). F2-F9
        # are taken; last in the footer, so at 80 columns it gives way first (the open-referrals
        # panel names F10, and F1 lists it).
        Binding("f10", "referrals", "Rujukan", key_display="F10", id="rujukan"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._today_rows: list[dict] = []
        self._due_today: list[dict] = []
        self._overdue: list[dict] = []
        self._drafts: list[dict] = []
        self._referrals: list[dict] = []
        self._summaries: dict = {}

    def compose(self) -> ComposeResult:
        yield TopBar()
        with Horizontal(id="home-top"):
            yield OptionList(id="today", classes="panel")
            yield OptionList(id="followups", classes="panel")
        yield OptionList(id="drafts", classes="panel")
        yield OptionList(id="open-referrals", classes="panel")
        yield Static(LEGEND, id="legend", classes="help-line", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#today", OptionList).focus()
        app = self.app
        if app.offer_drafts and self._drafts and app.can("visit.create"):
            app.offer_drafts = False
            self.call_after_refresh(self._offer_last_draft)

    def on_screen_resume(self) -> None:
        self.reload()

    def _replied(self, saved: str | None) -> None:
        """After the reply form: Beranda has no help line to hold it, so a notice says it."""
        self.reload()
        if saved:
            self.app.notify(saved)

    # --- data --------------------------------------------------------------------------------

    def reload(self) -> None:
        register = self.app.register
        today: date = self.app.today()
        self._today_rows = list(register.visits_on(today))
        due = register.follow_ups_due(today)
        self._due_today = list(due.get("today", []))
        self._overdue = list(due.get("overdue", []))
        self._drafts = list(register.drafts())
        # Classifications are clinical content: only roles that may view visits see them
        # (registration staff see who came and when).
        clinical = self.app.can("visit.view")
        self._summaries = register.visit_summaries(
            [r["id"] for r in self._today_rows + self._due_today + self._overdue]
        ) if clinical else {}
        self._fill_today(today)
        self._fill_followups(today)
        self._fill_drafts(today)
        self._fill_referrals(today)
        self.refresh_bindings()

    def _fill_today(self, today: date) -> None:
        panel = self.query_one("#today", OptionList)
        panel.border_title = f"Hari ini ({len(self._today_rows)})"
        highlighted = panel.highlighted
        panel.clear_options()
        options = []
        for row in self._today_rows:
            # Two lines per child: who, then the worst classification as word + colour + label,
            # so nothing is cut in a 38-column panel.
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(f"{time_text(row.get('visit_at'))} ")
            line.append(short_label(row_patient_name(row), 22).ljust(22))
            line.append(f" {age_text(row_birth_date(row), today):>6}\n")
            line.append("      ")
            line.append_text(summary_text(self._summaries.get(row["id"]), 31,
                                          draft=row.get("status") == "draft"))
            options.append(Option(line, id=f"visit-{row['id']}"))
        if not options:
            options.append(Option(Text("Belum ada kunjungan hari ini.", style="italic"), disabled=True))
        panel.add_options(options)
        self._restore_highlight(panel, highlighted)

    def _fill_followups(self, today: date) -> None:
        panel = self.query_one("#followups", OptionList)
        total = len(self._due_today) + len(self._overdue)
        panel.border_title = f"Kunjungan ulang ({total})"
        highlighted = panel.highlighted
        panel.clear_options()
        options: list[Option] = [
            Option(Text(f"Hari ini ({len(self._due_today)})", style="bold"), disabled=True)
        ]
        for row in self._due_today:
            options.append(self._follow_up_option(row, today, overdue=False))
        options.append(Option(Text(f"Terlambat ({len(self._overdue)})", style="bold"), disabled=True))
        for row in self._overdue:
            options.append(self._follow_up_option(row, today, overdue=True))
        panel.add_options(options)
        self._restore_highlight(panel, highlighted)

    def _follow_up_option(self, row: dict, today: date, *, overdue: bool) -> Option:
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(" " + short_label(row_patient_name(row), 20).ljust(20))
        line.append(f" {age_text(row_birth_date(row), today):>6}")
        due = parse_iso_date(row.get("follow_up_date"))
        if due is not None and overdue:
            line.append(f" +{(today - due).days} hr", style="bold")
        line.append("\n   ")
        line.append_text(summary_text(self._summaries.get(row["id"]), 24))
        seen = parse_iso_date(row.get("visit_date"))
        if seen is not None:
            line.append(f" {seen.strftime('%d-%m')}")
        return Option(line, id=f"due-{row['id']}")

    def _fill_drafts(self, today: date) -> None:
        panel = self.query_one("#drafts", OptionList)
        panel.border_title = f"Draf belum selesai ({len(self._drafts)})"
        highlighted = panel.highlighted
        panel.clear_options()
        options = []
        for row in self._drafts:
            pathway = pathway_word(row.get("pathway"))
            kind = " · kunjungan ulang" if row.get("kind") == "ulang" else ""
            line = Text(
                f"{short_label(row_patient_name(row), 22):<22} {age_text(row_birth_date(row), today):<6}"
                f" {pathway:<9} berhenti di: {_section_name(row.get('section'))}"
                f"  {time_text(row.get('updated_at') or row.get('created_at') or row.get('visit_at'))}{kind}"
            )
            options.append(Option(line, id=f"draft-{row['id']}"))
        if not options:
            options.append(Option(Text("Tidak ada draf.", style="italic"), disabled=True))
        panel.add_options(options)
        self._restore_highlight(panel, highlighted)

    def _fill_referrals(self, today: date) -> None:
        """Referrals without a reply of the last `referral_recent_days`, from the day after the
        referral (shown only when there are any and the role may see referrals); every one is on
        the Rujukan screen (F10)."""
        panel = self.query_one("#open-referrals", OptionList)
        register = self.app.register
        may = self.app.can("referral.view")
        recent_days = register.referral_recent_days()
        every = register.open_referrals(today) if may else []
        # The recent ones, from the day after: a referral of today is still on its way.
        self._referrals = [r for r in every if 1 <= r["days_open"] <= recent_days]
        panel.display = bool(self._referrals)
        if not self._referrals:
            return
        from mtbs_tui.screens.referrals import status_text

        flagged = sum(1 for r in self._referrals if r["overdue"])
        # The count says its window and the whole list's count (the Rujukan screen, F10, shows
        # every open referral), so 2 here and 11 there do not read as a contradiction.
        panel.border_title = (f"Rujukan belum dibalas, {recent_days} hari terakhir: {len(self._referrals)}"
                              f" ({flagged} lewat batas) · F10 semua {len(every)}")
        highlighted = panel.highlighted
        panel.clear_options()
        for row in self._referrals:
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(f"{date_text(row['visit_date'])[:5]} {short_label(row['patient_name'], 20):<20}"
                        f" {age_text(row['birth_date'], today):>6} {short_label(row['destination'] or '-', 18):<18}"
                        f" {row['days_open']:>3} hr ")
            line.append_text(status_text(row))
            panel.add_option(Option(line, id=f"ref-{row['id']}"))
        self._restore_highlight(panel, highlighted)

    @staticmethod
    def _restore_highlight(panel: OptionList, highlighted: int | None) -> None:
        count = panel.option_count
        if not count:
            return
        index = min(highlighted or 0, count - 1)
        # Skip the disabled header lines so Enter always acts on a real row.
        for candidate in list(range(index, count)) + list(range(0, index)):
            if not panel.get_option_at_index(candidate).disabled:
                panel.highlighted = candidate
                return

    def _row_for(self, option_id: str | None) -> tuple[str, dict] | None:
        if not option_id:
            return None
        kind, _, raw = option_id.partition("-")
        rows = {
            "visit": self._today_rows,
            "due": self._due_today + self._overdue,
            "draft": self._drafts,
            "ref": self._referrals,
        }.get(kind, [])
        for row in rows:
            if str(row.get("id")) == raw:
                return kind, row
        return None

    # --- actions -----------------------------------------------------------------------------

    def check_screen_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        on_drafts = self.focused is not None and self.focused.id == "drafts"
        if action == "discard_draft":
            return bool(self._drafts) and on_drafts
        # F8 Akun stays usable on the drafts panel: there "Del Hapus" comes first and the key bar
        # lets the last keys give way (F1 lists them); hiding it here also refused the key.
        if action == "drafts":
            # Already there: hiding F6 leaves room in 80 columns for "Del Hapus".
            return not on_drafts
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    @on(OptionList.OptionSelected)
    def _open_option(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        found = self._row_for(event.option.id)
        if found is None:
            return
        kind, row = found
        app = self.app
        if kind == "visit":
            app.open_visit(int(row["id"]))
        elif kind == "due":
            app.start_visit(
                int(row["patient_id"]), kind="ulang", follow_up_of=row.get("visit_uid")
            )
        elif kind == "draft":
            self._resume_draft(row)
        elif kind == "ref":
            from mtbs_tui.screens.referrals import open_reply

            if self.app.can("referral.reply"):
                open_reply(self, int(row["id"]), self._replied)
            else:
                self.action_referrals()

    def _resume_draft(self, row: dict) -> None:
        self.app.start_visit(
            int(row["patient_id"]), kind=row.get("kind") or "pertama",
            follow_up_of=row.get("follow_up_of"), draft_id=int(row["id"]),
        )

    def _offer_last_draft(self) -> None:
        from mtbs_tui.screens.dialogs import ConfirmDialog

        row = self._drafts[0]
        today = self.app.today()
        detail = (
            f"{row_patient_name(row)} · {age_text(row_birth_date(row), today)} · berhenti di: "
            f"{_section_name(row.get('section'))}"
        )
        if len(self._drafts) > 1:
            detail += f"\nAda {len(self._drafts)} draf; yang lain ada di daftar Draf (F6)."

        def answered(resume: bool | None) -> None:
            if resume:
                self._resume_draft(row)
            else:
                self.action_drafts()

        self.app.push_screen(
            ConfirmDialog("Ada kunjungan yang belum selesai. Lanjutkan sekarang?", detail=detail,
                          yes="Lanjutkan", no="Nanti"),
            answered,
        )

    def action_new_visit(self) -> None:
        from mtbs_tui.screens.patients import PatientSearchScreen

        self.app.push_screen(PatientSearchScreen(purpose="visit"))

    def action_search(self) -> None:
        from mtbs_tui.screens.patients import PatientSearchScreen

        self.app.push_screen(PatientSearchScreen(purpose="open"))

    def action_register(self) -> None:
        from mtbs_tui.screens.register_view import RegisterScreen

        self.app.push_screen(RegisterScreen())

    def action_quality(self) -> None:
        from mtbs_tui.screens.quality import QualityScreen

        self.app.push_screen(QualityScreen())

    def action_referrals(self) -> None:
        from mtbs_tui.screens.referrals import ReferralsScreen

        self.app.push_screen(ReferralsScreen())

    def action_users(self) -> None:
        self.app.open_users()

    def action_practice(self) -> None:
        self.app.open_practice()

    def action_follow_ups(self) -> None:
        self.query_one("#followups", OptionList).focus()

    def action_drafts(self) -> None:
        self.query_one("#drafts", OptionList).focus()

    def action_discard_draft(self) -> None:
        panel = self.query_one("#drafts", OptionList)
        if panel.highlighted is None:
            return
        found = self._row_for(panel.get_option_at_index(panel.highlighted).id)
        if found is None:
            return
        _, row = found
        from mtbs_tui.screens.dialogs import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.register.discard_draft(int(row["id"]), actor=self.app.actor)
                self.notify("Draf dihapus.")
                self.reload()

        self.app.push_screen(
            ConfirmDialog(f"Hapus draf {row_patient_name(row)}?",
                          detail="Isian draf ini akan hilang.", yes="Hapus", no="Simpan"),
            answered,
        )
