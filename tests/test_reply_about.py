"""The reply form names the whole reason for the referral (tmux 80x24: 'PENYAKIT SANGAT BERAT
ATAU INFEKSI BAKT…' was cut at 40 characters with the dialog's second line half empty)."""
from __future__ import annotations

from mtbs_tui.screens.referrals import reply_about


def test_the_reason_is_whole() -> None:
    visit = {"visit_date": "2026-12-07", "referral": {
        "destination": "RSUD Kabupaten Contoh", "reason": "PENYAKIT SANGAT BERAT ATAU INFEKSI BAKTERI BERAT"}}
    assert reply_about(visit) == ("Dirujuk 07-12-2026 ke RSUD Kabupaten Contoh · "
                                  "PENYAKIT SANGAT BERAT ATAU INFEKSI BAKTERI BERAT")
    visit["referral"] = {"reason": "X" * 300}
    assert len(reply_about(visit)) < 140 and reply_about(visit).endswith("…")
