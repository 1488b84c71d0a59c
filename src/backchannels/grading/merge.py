"""Merge the workers' gradebooks into one."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path


def _merge(master: Path, workers: list[Path], out: Path) -> None:
    """Merge the workers' gradebooks into ``out``; rows are keyed by nbgrader's unique ids."""
    shutil.copy2(master, out)
    con = sqlite3.connect(out)
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name != 'alembic_version'")]
    before = {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    expected = dict(before)
    for i, db in enumerate(workers):
        con.execute(f"ATTACH DATABASE ? AS w{i}", (str(db),))
        for t in tables:
            added = con.execute(f'SELECT COUNT(*) FROM w{i}."{t}"').fetchone()[0] - before[t]
            expected[t] += added
            con.execute(f'INSERT OR IGNORE INTO "{t}" SELECT * FROM w{i}."{t}"')
        con.commit()
        con.execute(f"DETACH DATABASE w{i}")
    after = {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    con.close()
    if after != expected:
        raise RuntimeError(f"gradebook merge lost or doubled rows: {after} != {expected}")


