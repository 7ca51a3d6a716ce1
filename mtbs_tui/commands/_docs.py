"""Shared by the document commands (referral, card, export, report, backup, restore): opening the
register and printing one `galat:` line."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable


def fail(message: str, code: int = 2) -> int:
    text = message if message.startswith("galat") else f"galat: {message}"
    print(text.splitlines()[0] if text else "galat", file=sys.stderr)
    return code


def open_register(path: Path) -> Any:
    """The register, or a RegisterError whose message the caller prints.

    With the start-up health check (header, a -wal that is its own, quick_check) before the first
    write, like every command (issue 20 item 4): these commands append an audit row, and a file
    known to be damaged must not be written. The login has just checked this same file in this
    process, so its quick_check is not repeated (1.8 s of a 100,000-visit register); a -wal with
    frames is still judged by `db.wal_guard` at every open.
    """
    from mtbs_tui import db as dbmod
    from mtbs_tui.register import Register

    return Register.open(path, check=not dbmod.checked_in_this_process(path))


def write_document(db_path: Path, make: Callable[[Any], str], *, overwrite: bool = False) -> int:
    """Open the register, run `make(register)` under the output policy (`outputs.policy`: an
    existing file is refused without --timpa, nothing beside the register) and print the line it
    returns: exit 0. A DocumentError/RegisterError is its one `galat:` line, exit 2. The register
    is closed in every case."""
    from mtbs_tui.documents.common import DocumentError
    from mtbs_tui.outputs import policy
    from mtbs_tui.register import RegisterError

    try:
        register = open_register(db_path)
    except RegisterError as exc:
        return fail(exc.message)
    try:
        with policy(register=db_path, overwrite=overwrite):
            line = make(register)
    except (DocumentError, RegisterError) as exc:
        return fail(exc.message)
    finally:
        register.close()
    print(line)
    return 0


def open_and_login(ctx: Any, action: str) -> tuple[Any, str]:
    """(register, username) for a command that works in the register as a logged-in user whose
    role may do `action` (`session.login_for`); the register is closed again when the login fails.
    RegisterError/SessionError carry the one line to print."""
    from mtbs_tui.paths import chosen_db_path
    from mtbs_tui.register import Register
    from mtbs_tui.session import login_for

    register = Register.open(chosen_db_path(ctx.obj))
    try:
        return register, login_for(register, ctx.obj, action).username
    except BaseException:
        register.close()
        raise
