"""Table-row tasks shared by the list apps (Pro Expense, Broccoli, Simple Calendar Pro, Tasks).

What AndroidWorld's row tasks have in common: params that draw target and noise rows with distinct
keys (`RowParams`), the two text forms rows take in goals and files (`rows_as_text`,
`parse_rows_text`), and oracle helpers that read a list from the screen and multi-select its rows.
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from vera.env.android.sim.oracle import UI, OracleError
from vera.env.android.types import JSONAction

Row = TypeVar("Row")


@dataclass(frozen=True)
class RowParams(Generic[Row]):
    """Param builders for one kind of row.

    `distinct(rng, n, taken)` draws `n` random rows whose keys differ from each other and from `taken`;
    `key` is a row's identifying text (what a goal names it by); `to_dict` makes a row JSON-friendly.
    """

    distinct: Callable[[random.Random, int, set[str]], list[Row]]
    key: Callable[[Row], str]
    to_dict: Callable[[Row], dict[str, Any]]

    def add(self, rng: random.Random, n_targets: int, n_noise: int) -> dict[str, Any]:
        """Targets to add (distinct keys) and pre-existing noise rows with other keys."""
        targets = self.distinct(rng, n_targets, set())
        noise = self.distinct(rng, n_noise, {self.key(row) for row in targets})
        return {
            "targets": [self.to_dict(row) for row in targets],
            "noise": [self.to_dict(row) for row in noise],
            "text_format": rng.choice(["csv", "text_block"]),
        }

    def delete(self, rng: random.Random, n_targets: int, n_noise: int) -> dict[str, Any]:
        """Rows to delete plus other rows; all keys distinct so the goal's names are unambiguous."""
        rows = self.distinct(rng, n_targets + n_noise, set())
        return {
            "targets": [self.to_dict(row) for row in rows[:n_targets]],
            "noise": [self.to_dict(row) for row in rows[n_targets:]],
        }

    def duplicate(self, rng: random.Random, n_noise: int) -> dict[str, Any]:
        """One row stored twice, exactly, among `n_noise` distinct others."""
        rows = self.distinct(rng, n_noise + 1, set())
        target = rows.pop()
        return {"targets": [self.to_dict(target)] * 2, "noise": [self.to_dict(row) for row in rows]}


def rows_as_text(
    rows: list[dict[str, str]], keys: tuple[str, ...], text_format: str, label: str, separator: str = "  "
) -> str:
    """How AndroidWorld writes table rows into goals and files: a CSV table (header line, fields quoted
    when they hold commas) or "Label: v  key: v ..." blocks separated by `separator` (two spaces in a
    goal, a line break in a file)."""
    if text_format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(keys)
        writer.writerows([[row[k] for k in keys] for row in rows])
        return out.getvalue().rstrip("\n")
    return separator.join(
        f"{label}: {row[keys[0]]}  " + "  ".join(f"{k}: {row[k]}" for k in keys[1:]) for row in rows
    )


def parse_rows_text(text: str, keys: tuple[str, ...], label: str) -> list[dict[str, str]]:
    """Read back `rows_as_text` output in either format (what an oracle does with a goal or a file)."""
    text = text.strip()
    if text.startswith(",".join(keys)) or text.startswith(keys[0] + ","):
        return [dict(row) for row in csv.DictReader(io.StringIO(text))]
    names = (label, *keys[1:])
    pattern = (
        r"\s*" + r"\s+".join(rf"{re.escape(n)}: (.*?)" for n in names) + rf"(?=\s+{re.escape(label)}: |\s*$)"
    )
    return [
        dict(zip(keys, (v.strip() for v in m.groups()), strict=True))
        for m in re.finditer(pattern, text, re.S)
    ]


# --- reading and selecting list rows on the screen (the oracles') ------------------------------------
def rows_on_screen(ui: UI, key_id: str, field_ids: tuple[str, ...]) -> list[dict[str, Any]]:
    """Group a list's elements by row, from the screen alone.

    One dict per `key_id` element: ``"index"`` its element index, ``"text"`` its text, and for each of
    `field_ids` the `UIElement` with that id in the same row (its centre below the key's top edge and
    above the next key's), when there is one.
    """
    elements = ui.elements
    keys = ui.matches(id=key_id)
    rows: list[dict[str, Any]] = [{"index": i, "text": elements[i].text or ""} for i in keys]
    tops = [elements[i].bbox_pixels.y_min if elements[i].bbox_pixels else 0.0 for i in keys]
    for field_id in field_ids:
        for i in ui.matches(id=field_id):
            box = elements[i].bbox_pixels
            if box is None:
                continue
            center = (box.y_min + box.y_max) / 2
            above = [k for k, top in enumerate(tops) if top - 10 <= center]
            if above:
                owner = max(above, key=lambda k: tops[k])
                rows[owner].setdefault(field_id, elements[i])
    return rows


def field_text(row: dict[str, Any], field_id: str) -> str:
    """The text of a row's field (empty when the row has none)."""
    element = row.get(field_id)
    return (element.text or "") if element is not None else ""


def select_rows(
    ui: UI, titles: list[str], row_id: str, within: dict[str, Any] | None = None
) -> Iterator[JSONAction]:
    """Select rows the way the apps' `MultiSelection` lists expect: long-press the first, tap the others.

    With `within` (the list's query, e.g. ``{"id": "rv_expense"}``) each row is scrolled into view first.
    """
    for k, title in enumerate(titles):
        if within is not None:
            yield from ui.scroll_to(title, id=row_id, within=within)
        yield ui.long_press(title, id=row_id) if k == 0 else ui.click(title, id=row_id)


def select_by_scanning(
    ui: UI, names: list[str], key_id: str, list_id: str, limit: int = 40
) -> Iterator[JSONAction]:
    """Walk a long list top to bottom, long-pressing the first wanted row and tapping the others."""
    pending = list(names)
    selecting = False
    for _ in range(limit):
        for name in list(pending):
            if ui.has(name, id=key_id):
                yield ui.click(name, id=key_id) if selecting else ui.long_press(name, id=key_id)
                selecting = True
                pending.remove(name)
        if not pending:
            return
        before = ui.texts()
        yield ui.scroll("down", id=list_id)
        if ui.texts() == before:
            break
    raise OracleError(f"reached the end of the list without finding {pending}")
