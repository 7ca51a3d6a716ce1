"""Cari pasien / Pasien baru / patient page, driven by key presses only; assertions on the database."""
from __future__ import annotations

import pytest
from conftest import SIZE, TODAY, keys_handled, make_app, type_keys
from form_app import screen_text
from textual.widgets import DataTable, Input, Static

from mtbs_tui.screens.patients import (
    NewPatientScreen,
    PatientScreen,
    PatientSearchScreen,
    form_choice,
    parse_birth_date,
)

pytestmark = pytest.mark.timeout(60)


def _help(app) -> str:
    return str(app.screen.query_one("#help", Static).render())


async def _open_new_patient(pilot) -> None:
    await type_keys(pilot, "f3")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PatientSearchScreen)
    await type_keys(pilot, "f2")
    await pilot.pause()
    assert isinstance(pilot.app.screen, NewPatientScreen)


async def _type(pilot, text: str) -> None:
    """Type `text` in one burst through the app's key gate (what typing it slowly gives:
    test_typing_ahead_never_lands_in_the_previous_field); test_register_a_patient_with_keys_only
    types its form key by key with Pilot."""
    await type_keys(pilot, *text)


def _patients(register) -> list[dict]:
    return [dict(r) for r in register.db.query("SELECT * FROM patients ORDER BY id")]


async def test_register_a_patient_with_keys_only(register) -> None:
    before = len(_patients(register))
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await _open_new_patient(pilot)
        await pilot.press(*"Siti Rahma")
        await pilot.press("enter")
        await pilot.press("p")  # one key: moves on by itself
        await pilot.press(*"05-03-2025")
        await pilot.press("enter")
        await pilot.press("enter")  # No. RM empty: made automatically
        await pilot.press(*"3201011503250001")
        await pilot.press("enter")
        await pilot.press(*"3201014101950002")
        await pilot.press("enter")
        await pilot.press(*"Ny. Rahma")
        await pilot.press("f10")
        await pilot.pause()
        # After saving from the search ("open" purpose) the patient's page opens.
        assert isinstance(app.screen, PatientScreen)
        info = str(app.screen.query_one("#patient-info", Static).render())
        assert "Siti Rahma" in info
        assert "formulir balita sakit" in info
        # Said on the page's own line, no toast over the page's lower rows.
        assert [n.message for n in app._notifications] == []
        line = str(app.screen.query_one("#patient-help", Static).render())
        assert "Pasien Siti Rahma tersimpan." in line and "F2 kunjungan baru" in line
        await pilot.press("down")
        await pilot.pause()
        assert "tersimpan" not in str(app.screen.query_one("#patient-help", Static).render())
    rows = _patients(register)
    assert len(rows) == before + 1
    new = rows[-1]
    assert (new["name"], new["sex"], new["birth_date"]) == ("Siti Rahma", "P", "2025-03-05")
    assert new["nik"] == "3201011503250001" and new["mother_nik"] == "3201014101950002"
    assert new["parent_name"] == "Ny. Rahma"
    assert new["mrn"]  # generated


_INVALID = [
    ("name", "", "Nama anak wajib diisi"),
    ("sex", "", "Jenis kelamin: tekan L"),
    ("birth_date", "31-12-2026", "tidak boleh sesudah hari ini"),
    ("birth_date", "31-02-2025", "Tanggal lahir: 31-02-2025 tidak ada di kalender (tulis HH-BB-TTTT)"),
    ("birth_date", "kemarin", "tulis HH-BB-TTTT"),
    ("birth_date", "01-01-2020", "5 tahun atau lebih"),
    ("nik", "12345", "harus 16 angka"),
    ("mother_nik", "320101150325000X", "harus 16 angka"),
    ("phone", "12ab", "Telepon: 8–15 angka"),
    ("mrn", "RM 01", "No. RM"),
]


async def test_invalid_input_shows_the_message_and_keeps_everything(register) -> None:
    """Each invalid value in turn, in one app: the form is opened from the search (F2) holding what
    an earlier, interrupted form held (the form restores it), F10 is refused naming the field, and
    Esc goes back to the search. test_register_a_patient_with_keys_only types a whole form key by key."""
    before = len(_patients(register))
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f3")
        await pilot.pause()
        search = app.screen
        assert isinstance(search, PatientSearchScreen)
        for field, typed, message in _INVALID:
            case = f"{field}={typed!r}"
            valid = {"name": "Dewi Lestari", "sex": "P", "birth_date": "10-10-2025", "mrn": "",
                     "nik": "", "mother_nik": "", "phone": "", "parent_name": "Ny. Lestari"}
            valid[field] = typed
            app.new_patient_fields = {k: v for k, v in valid.items() if v}
            await type_keys(pilot, "f2")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, NewPatientScreen), case
            await type_keys(pilot, "f10")
            await pilot.pause()
            assert app.screen is screen, f"{case}: an invalid form must not be saved"
            assert message in _help(app), f"{case}: {_help(app)}"
            assert app.screen.focused is screen.query_one(f"#f-{field}", Input), case
            assert screen.query_one(f"#row-{field}").has_class("-invalid"), case
            # Nothing typed is lost, the wrong value included.
            for name, value in valid.items():
                expected = value.upper() if name == "sex" else value
                assert screen.query_one(f"#f-{name}", Input).value == expected, f"{case}: {name}"
            await type_keys(pilot, "escape")
            await pilot.pause()
            assert app.screen is search, case
            assert len(_patients(register)) == before, case
    assert len(_patients(register)) == before


async def test_sex_field_takes_only_l_or_p(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await _open_new_patient(pilot)
        await type_keys(pilot, "tab")
        sex = app.screen.query_one("#f-sex", Input)
        assert app.screen.focused is sex
        await type_keys(pilot, "x", "2")
        assert sex.value == ""
        assert app.screen.focused is sex
        await type_keys(pilot, "l")
        assert sex.value == "L"
        assert app.screen.focused is app.screen.query_one("#f-birth_date", Input)


async def test_enter_on_an_invalid_field_stays_there_with_the_range(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await _open_new_patient(pilot)
        await type_keys(pilot, "tab", "tab")
        await _type(pilot, "32-01-2025")
        await type_keys(pilot, "enter")
        birth = app.screen.query_one("#f-birth_date", Input)
        assert app.screen.focused is birth
        assert birth.value == "32-01-2025"
        assert "tidak ada di kalender" in _help(app)


async def test_duplicate_mrn_is_refused_by_the_register(register) -> None:
    taken = _patients(register)[0]["mrn"]
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await _open_new_patient(pilot)
        await _type(pilot, "Putra Wijaya")
        await type_keys(pilot, "tab", "l")
        await _type(pilot, "01-01-2026")
        await type_keys(pilot, "tab")
        await _type(pilot, taken)
        await type_keys(pilot, "f10")
        await pilot.pause()
        assert isinstance(app.screen, NewPatientScreen)
        assert "sudah dipakai" in _help(app)
        assert app.screen.focused is app.screen.query_one("#f-mrn", Input)
    assert not [p for p in _patients(register) if p["name"] == "Putra Wijaya"]


async def test_escape_keeps_what_was_typed(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await _open_new_patient(pilot)
        await _type(pilot, "Andi Saputra")
        await type_keys(pilot, "tab", "l")
        await _type(pilot, "0103")
        await type_keys(pilot, "escape")
        await pilot.pause()
        assert isinstance(app.screen, PatientSearchScreen)
        await type_keys(pilot, "f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NewPatientScreen)
        assert screen.query_one("#f-name", Input).value == "Andi Saputra"
        assert screen.query_one("#f-sex", Input).value == "L"
        assert screen.query_one("#f-birth_date", Input).value == "0103"
        assert screen.focused is screen.query_one("#f-mrn", Input)


async def test_search_filters_while_typing_and_enter_opens_the_history(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f3")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#search-results", DataTable)
        assert table.row_count == 5
        await _type(pilot, "ny wat")  # mother's name, two prefixes
        await pilot.pause()
        assert [r["name"] for r in screen.rows] == ["By. Ny. Wati"]
        for _ in range(6):
            await type_keys(pilot, "backspace")
        await _type(pilot, "RM000002")
        await pilot.pause()
        assert [r["name"] for r in screen.rows] == ["Budi Santoso"]
        await type_keys(pilot, "enter")
        await pilot.pause()
        page = app.screen
        assert isinstance(page, PatientScreen)
        history = page.query_one("#history", DataTable)
        assert history.row_count == 1
        await type_keys(pilot, "escape")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#search", Input).value == "RM000002"


async def test_typing_on_the_list_goes_on_in_the_search_box(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f3")
        await type_keys(pilot, "down")
        screen = app.screen
        assert screen.focused is screen.query_one("#search-results", DataTable)
        await _type(pilot, "bud")
        await pilot.pause()
        assert screen.query_one("#search", Input).value == "bud"
        assert [r["name"] for r in screen.rows] == ["Budi Santoso"]


async def test_search_pages_through_sql(register) -> None:
    for i in range(40):
        register.add_patient(name=f"Anak Paging {i:02d}", sex="L", birth_date="2025-01-01", actor="t")
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f3")
        await _type(pilot, "paging")
        await pilot.pause()
        screen = app.screen
        first = [r["id"] for r in screen.rows]
        assert len(first) == 17 and screen.has_next
        await type_keys(pilot, "pagedown")
        second = [r["id"] for r in screen.rows]
        assert len(second) == 17 and not set(first) & set(second)
        await type_keys(pilot, "pagedown")
        third = [r["id"] for r in screen.rows]
        assert len(third) == 6 and not screen.has_next
        await type_keys(pilot, "pageup", "pageup")
        assert [r["id"] for r in screen.rows] == first


async def test_no_match_then_f2_prefills_the_name(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f3")
        await _type(pilot, "Zaskia")
        await pilot.pause()
        assert "Tidak ada pasien" in str(app.screen.query_one("#search-status", Static).render())
        await type_keys(pilot, "enter")  # no match: Enter registers a new patient
        await pilot.pause()
        assert isinstance(app.screen, NewPatientScreen)
        assert app.screen.query_one("#f-name", Input).value == "Zaskia"


def test_form_choice_says_why() -> None:
    assert form_choice("2026-11-11", TODAY) == (
        "bayi_muda", "umur 12 hari (di bawah 60 hari): formulir bayi muda (MTBM)")
    assert form_choice("2026-09-25", TODAY)[0] == "bayi_muda"  # day 59
    assert form_choice("2026-09-24", TODAY)[0] == "balita"  # day 60
    assert form_choice("2021-11-23", TODAY)[0] is None  # 60 months
    assert form_choice("2021-11-24", TODAY)[0] == "balita"
    assert form_choice("2026-12-01", TODAY)[0] is None


def test_parse_birth_date_forms() -> None:
    assert parse_birth_date("5-3-2025").isoformat() == "2025-03-05"
    assert parse_birth_date("05032025").isoformat() == "2025-03-05"
    assert parse_birth_date("2025-03-05").isoformat() == "2025-03-05"
    with pytest.raises(ValueError):
        parse_birth_date("2025/13/40")


async def test_f2_baru_chooses_the_form_from_the_birth_date_and_says_why(register) -> None:
    app = make_app(register, offer_drafts=False)
    calls: list[tuple] = []
    app.start_visit = lambda patient_id, **kw: calls.append((patient_id, kw))  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f2")
        await pilot.pause()
        assert isinstance(app.screen, PatientSearchScreen) and app.screen.purpose == "visit"
        await _type(pilot, "wati")
        await type_keys(pilot, "enter")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        # The search is closed: leaving the form lands on the home screen.
        from mtbs_tui.screens.home import HomeScreen

        assert isinstance(app.screen, HomeScreen)
    assert calls == [(register.ids["wati"], {"notice": ""})]
    # The form says which form and why on its own first line: no toast over the form.
    assert messages == []


async def test_f2_baru_opens_the_real_visit_form(register) -> None:
    from mtbs_tui.screens.visit_form import VisitFormScreen

    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f2")
        await _type(pilot, "aisyah")
        await type_keys(pilot, "enter")
        await pilot.pause()
        assert isinstance(app.screen, VisitFormScreen)
        assert app.screen.patient_id == register.ids["aisyah"]
        assert [type(s).__name__ for s in app.screen_stack] == ["HomeScreen", "VisitFormScreen"]
        # Which form and why is the form's first line, not a toast over its panel and help line.
        assert "formulir balita sakit" in screen_text(app)
        assert list(app._notifications) == []


async def test_typing_ahead_never_lands_in_the_previous_field(register) -> None:
    """Keys sent in one burst (faster than the app handles them, as on a busy old PC): each key
    still lands in the field it was typed for."""
    from textual import events

    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await _open_new_patient(pilot)
        burst = [*"Putri Lola", "enter", "p", *"05-03-2025", "enter", "enter", *"3201011503250001"]
        for key in burst:
            char = key if len(key) == 1 else ("\r" if key == "enter" else None)
            app._driver.send_message(events.Key(key, char))
        await keys_handled(pilot)
        screen = app.screen
        values = {f: screen.query_one(f"#f-{f}", Input).value for f in ("name", "sex", "birth_date", "mrn", "nik")}
    assert values == {"name": "Putri Lola", "sex": "P", "birth_date": "05-03-2025", "mrn": "",
                      "nik": "3201011503250001"}


async def test_letters_typed_right_after_f3_reach_the_search(register) -> None:
    from textual import events

    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in ("f3", "b", "u", "d"):
            app._driver.send_message(events.Key(key, key if len(key) == 1 else None))
        await keys_handled(pilot)
        screen = app.screen
        assert isinstance(screen, PatientSearchScreen)
        assert screen.query_one("#search", Input).value == "bud"
        assert [r["name"] for r in screen.rows] == ["Budi Santoso"]


async def test_edit_a_patient_asks_the_reason_and_keeps_the_old_row(register) -> None:
    from mtbs_tui.screens.dialogs import ReasonDialog

    wati = register.ids["wati"]
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f3", *"wati", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PatientScreen)
        await type_keys(pilot, "f4")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewPatientScreen)
        assert form.query_one("#f-birth_date", Input).value == "11-11-2026"
        await type_keys(pilot, "tab", "p")  # sex L -> P, moves on to the birth date
        await type_keys(pilot, *["backspace"] * 10)
        await _type(pilot, "09-11-2026")
        await type_keys(pilot, "f10")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        await type_keys(pilot, *"salah ketik", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PatientScreen)
        assert "lahir 09-11-2026" in str(app.screen.query_one("#patient-info", Static).render())
    row = register.get_patient(wati)
    assert (row["sex"], row["birth_date"]) == ("P", "2026-11-09")
    versions = register.patient_versions(wati)
    assert len(versions) == 1 and versions[0]["reason"] == "salah ketik"
    assert (versions[0]["row"]["sex"], versions[0]["row"]["birth_date"]) == ("L", "2026-11-11")


async def test_edit_without_changes_saves_nothing(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f3", *"budi", "enter", "f4")
        await pilot.pause()
        await type_keys(pilot, "f10")
        await pilot.pause()
        assert isinstance(app.screen, PatientScreen)
    assert register.patient_versions(register.ids["budi"]) == []


# --- duplicates (issue 14 item 2) ------------------------------------------------------------------

_SAME_CHILD = {"name": "aisyah  PUTRI", "sex": "P", "birth_date": "11-08-2025", "parent_name": "ny rina"}


@pytest.mark.parametrize("choice", ["enter", "f9", "escape"])
async def test_a_child_registered_already_is_offered_instead(register, choice) -> None:
    from mtbs_tui.screens.patients import DuplicateDialog

    before = len(_patients(register))
    app = make_app(register, offer_drafts=False)
    app.new_patient_fields = dict(_SAME_CHILD)
    async with app.run_test(size=SIZE) as pilot:
        await _open_new_patient(pilot)
        form = app.screen
        await type_keys(pilot, "f10")
        await pilot.pause()
        assert isinstance(app.screen, DuplicateDialog)
        text = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "Nama, nama ibu dan tanggal lahir cocok" in text and "F9 tetap daftarkan baru" in text
        table = app.screen.query_one("#duplicates", DataTable)
        assert table.row_count == 1 and table.get_row_at(0)[0] == "RM000001"
        await type_keys(pilot, choice)
        await pilot.pause()
        rows = _patients(register)
        actions = [a["action"] for a in register.audit_log()]
        if choice == "enter":  # the existing record opens; nothing new
            assert isinstance(app.screen, PatientScreen) and app.screen.patient_id == register.ids["aisyah"]
            assert len(rows) == before and app.new_patient_fields == {}
        elif choice == "f9":  # registered anyway, and the audit trail says so
            assert isinstance(app.screen, PatientScreen) and app.screen.patient_id == rows[-1]["id"]
            assert len(rows) == before + 1 and "pasien.tambah_walau_mirip" in actions
        else:  # back to the form, every typed value kept
            assert app.screen is form and len(rows) == before
            assert form.query_one("#f-name", Input).value == "aisyah  PUTRI"
            assert "Belum disimpan" in _help(app)


async def test_a_17_digit_nik_is_refused_whole_not_cut(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await _open_new_patient(pilot)
        await type_keys(pilot, "tab", "tab", "tab", "tab")
        nik = app.screen.query_one("#f-nik", Input)
        assert app.screen.focused is nik
        await _type(pilot, "32010115032500011")
        await type_keys(pilot, "enter")
        await pilot.pause()
        assert nik.value == "32010115032500011"  # all 17 digits kept on screen
        assert app.screen.focused is nik
        assert "NIK anak harus 16 angka (sekarang 17 karakter)." in _help(app)


async def test_enter_on_the_last_field_does_not_save(register) -> None:
    before = len(_patients(register))
    app = make_app(register, offer_drafts=False)
    app.new_patient_fields = {"name": "Dewi Lestari", "sex": "P", "birth_date": "10-10-2025",
                              "parent_name": "Ny. Lestari"}
    async with app.run_test(size=SIZE) as pilot:
        await _open_new_patient(pilot)
        form = app.screen
        last = form.query(Input).last()
        form.set_focus(last)
        await pilot.pause()
        await type_keys(pilot, "enter")
        await pilot.pause()
        assert app.screen is form and len(_patients(register)) == before  # the footer says F10
        assert "F10 untuk menyimpan" in _help(app)
        await type_keys(pilot, "f10")
        await pilot.pause()
    assert len(_patients(register)) == before + 1


async def test_down_from_the_search_box_goes_to_the_first_match(register) -> None:
    """↓ then Enter opens the first match (help: "↓ masuk ke daftar"), never the second row."""
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f3")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#search-results", DataTable)
        assert table.row_count > 1
        first = int(screen.rows[0]["id"])
        await type_keys(pilot, "down")
        await pilot.pause()
        assert screen.focused is table and table.cursor_row == 0
        await type_keys(pilot, "enter")
        await pilot.pause()
        assert isinstance(app.screen, PatientScreen)
        assert app.screen.patient_id == first


async def test_while_typing_the_row_enter_opens_is_marked(register) -> None:
    app = make_app(register, offer_drafts=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_keys(pilot, "f3")
        await pilot.pause()
        table = app.screen.query_one("#search-results", DataTable)
        assert app.screen.focused is not table
        first, second = table.render_line(1), table.render_line(2)
        assert any(s.style and s.style.underline for s in first if s.text.strip())
        assert not any(s.style and s.style.underline for s in second)


async def test_a_nik_takes_digits_only_and_a_same_nik_says_nik(register) -> None:
    from mtbs_tui.screens.patients import DuplicateDialog

    register.add_patient(name="Anak Lama", sex="L", birth_date="2025-02-01", nik="3201011503250009",
                         actor="t")
    app = make_app(register, offer_drafts=False)
    app.new_patient_fields = {"name": "Bocah Baru", "sex": "P", "birth_date": "03-04-2024"}
    async with app.run_test(size=SIZE) as pilot:
        await _open_new_patient(pilot)
        nik = app.screen.query_one("#f-nik", Input)
        app.screen.set_focus(nik)
        await pilot.pause()
        await _type(pilot, "3201a0115-03250009O")  # a, a dash and a letter O are not taken
        assert nik.value == "3201011503250009"
        await type_keys(pilot, "f10")
        await pilot.pause()
        assert isinstance(app.screen, DuplicateDialog)
        reason = str(app.screen.query_one("#duplicate-reason", Static).render())
        assert reason.startswith("NIK sama"), reason
