"""What the preview scripts share: their command line and the demo register they render from."""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MTBS = Path(sys.executable).parent / "mtbs"


def preview_main(description: str, render: Callable[[Path, Path], Any], pages: Callable[[Any], list[Path]],
                 to_docs: Callable[[Any], list[Path]], docs_help: str) -> int:
    """`--db FILE` (default: a new 1,200-visit demo register), `--out DIR`, `--docs`: render, print
    the PNGs, and with --docs refresh the PNGs kept in docs/."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--db", type=Path, help="register to use (default: a new 1,200-visit demo register)")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "preview")
    ap.add_argument("--docs", action="store_true", help=docs_help)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "demo.db"
            subprocess.run([str(MTBS), "--db", str(db), "demo"], check=True, capture_output=True)
        result = render(db, args.out)
    print("\n".join(str(p) for p in pages(result)))
    if args.docs:
        print("\n".join(str(p) for p in to_docs(result)))
    return 0
