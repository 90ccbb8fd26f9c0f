"""Pro Expense tasks (AndroidWorld's expense.py names, templates and complexity).

Params are JSON-friendly: expenses travel as dicts of `Expense` fields.
"""

from __future__ import annotations

import dataclasses
import posixpath
import random
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from vera.env.android.sim.apps.expense_model import (
    Expense,
    added_correctly,
    deduplicated,
    distinct_expenses,
    expense_matches,
    parse_amount,
    random_october_ms,
    removed_exactly,
)
from vera.env.android.sim.apps.files_shared import device_storage, now_ms
from vera.env.android.sim.apps.markor_model import MARKOR_ROOT
from vera.env.android.sim.oracle import UI, OracleError
from vera.env.android.sim.task import Task
from vera.env.android.sim.tasks.rows import (
    RowParams,
    field_text,
    parse_rows_text,
    rows_as_text,
    rows_on_screen,
    select_by_scanning,
    select_rows,
)
from vera.env.android.types import JSONAction

if TYPE_CHECKING:
    from vera.env.android.sim.device import SimDroid

APP_NAME = "pro expense"


def expense_to_dict(expense: Expense) -> dict[str, Any]:
    return dataclasses.asdict(expense)


def expense_from_dict(data: dict[str, Any]) -> Expense:
    return Expense(**data)


EXPENSE_KEYS = ("name", "amount_dollars", "category_name", "note")


def expense_text_row(expense: Expense) -> dict[str, str]:
    return {
        "name": expense.name,
        "amount_dollars": expense.amount_dollars,
        "category_name": expense.category,
        "note": expense.note,
    }


def expenses_as_text(expenses: list[Expense], text_format: str) -> str:
    """How AndroidWorld writes expenses into a goal or file: a CSV table or "Expense: ..." blocks."""
    return rows_as_text([expense_text_row(e) for e in expenses], EXPENSE_KEYS, text_format, "Expense")


def add_expenses(ui: UI, expenses: list[Expense]) -> Iterator[JSONAction]:
    """From Pro Expense's home: one entry form per expense (name, amount, category, note), Save."""
    for expense in expenses:
        yield ui.click(desc="Add expense")
        yield ui.type(expense.name, id="edt_name")
        yield ui.type(f"{expense.amount_cents / 100:.2f}", id="edt_amount")
        yield ui.click(id="spinner_category")
        yield ui.click(expense.category, cls="RadioButton")
        yield ui.type(expense.note, id="edt_note")
        yield from ui.scroll_to(id="btn_save")
        yield ui.click(id="btn_save")


EXPENSE_ROWS = RowParams(
    distinct=lambda rng, n, taken: distinct_expenses(rng, n, exclude_names=taken),
    key=lambda e: e.name,
    to_dict=expense_to_dict,
)


# --- tasks -----------------------------------------------------------------------------------------
class _ExpenseTask(Task):
    """Shared setup: a fresh ledger holding the task's rows (noise, then targets, in entry order)."""

    abstract = True
    app_names = (APP_NAME,)
    before: dict[int, Expense]

    def initialize(self, device: SimDroid) -> None:
        app = device.app(APP_NAME)
        app.reset()
        rows = [expense_from_dict(d) for d in self.params.get("noise", [])]
        rows += self._initial_targets()
        rng = random.Random(self.params.get("seed", 0))
        rng.shuffle(rows)
        for expense in rows:
            app.state.add(expense)
        self.before = app.state.snapshot()

    def _initial_targets(self) -> list[Expense]:
        return []

    def _before(self) -> dict[int, Expense]:
        """The ledger as `initialize` left it."""
        return self.before

    def _after(self, device: SimDroid) -> dict[int, Expense]:
        return device.app(APP_NAME).state.snapshot()


class _ExpenseAdd(_ExpenseTask):
    abstract = True
    n_targets = 1
    family = "expense_add"
    text_param = "expense"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        params = EXPENSE_ROWS.add(rng, cls.n_targets, n_noise=6)
        params[cls.text_param] = expenses_as_text(
            [expense_from_dict(d) for d in params["targets"]], params["text_format"]
        )
        return params

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        wanted = [expense_from_dict(d) for d in self.params["targets"]]
        return float(added_correctly(self._before(), self._after(device), wanted, expense_matches))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Pro Expense")
        yield from add_expenses(ui, [expense_from_dict(d) for d in self.params["targets"]])


class ExpenseAddSingle(_ExpenseAdd):
    """Add one expense (name, amount, category, note) through the entry form."""

    template = "Add the following expenses into the arduia pro expense: {expense}"
    complexity = 1.2
    n_targets = 1
    difficulty = "easy"


class ExpenseAddMultiple(_ExpenseAdd):
    """Add three expenses, one form each."""

    template = "Add the following expenses into the arduia pro expense: {expenses}"
    complexity = 6.0
    n_targets = 3
    difficulty = "medium"
    text_param = "expenses"


class _ExpenseDelete(_ExpenseTask):
    abstract = True
    template = "Delete the following expenses from arduia pro expense: {expenses}."
    n_targets = 1
    n_noise = 6
    family = "expense_delete"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        params = EXPENSE_ROWS.delete(rng, cls.n_targets, cls.n_noise)
        params["expense"] = params["expenses"] = ", ".join(d["name"] for d in params["targets"])
        return params

    def _initial_targets(self) -> list[Expense]:
        return [expense_from_dict(d) for d in self.params["targets"]]

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        before = self._before()
        names = {d["name"] for d in self.params["targets"]}
        target_ids = {i for i, e in before.items() if e.name in names}
        return float(removed_exactly(before, self._after(device), target_ids))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Pro Expense")
        names = [d["name"] for d in self.params["targets"]]
        yield from select_rows(ui, names, "tv_name", within={"id": "rv_expense"})
        yield ui.click(desc="Delete")
        yield ui.click("Delete", cls="Button")


class ExpenseDeleteSingle(_ExpenseDelete):
    """Delete one named expense."""

    template = "Delete the following expenses from arduia pro expense: {expense}."
    complexity = 1.0
    n_targets = 1
    difficulty = "easy"


class ExpenseDeleteMultiple(_ExpenseDelete):
    """Delete three named expenses (multi-select)."""

    complexity = 2.0
    n_targets = 3
    n_noise = 5
    difficulty = "easy"


class ExpenseDeleteDuplicates(_ExpenseTask):
    """Delete all but one copy of an exactly duplicated expense."""

    template = (
        "Delete all but one of any expenses in arduia pro expense that are exact duplicates, ensuring "
        "at least one instance of each unique expense remains."
    )
    complexity = 1.2
    difficulty = "medium"
    family = "expense_dedup"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return EXPENSE_ROWS.duplicate(rng, n_noise=5)

    def _initial_targets(self) -> list[Expense]:
        return [expense_from_dict(d) for d in self.params["targets"]]

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(deduplicated(self._before(), self._after(device), Expense.content))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Pro Expense")
        rows = rows_on_screen(ui, "tv_name", ("tv_date", "tv_amount"))
        seen: set[tuple[str, str, str]] = set()
        duplicate = None
        for row in rows:
            key = (row["text"], field_text(row, "tv_date"), field_text(row, "tv_amount"))
            if key in seen:
                duplicate = row
                break
            seen.add(key)
        if duplicate is None:
            raise OracleError("no duplicate expense rows on screen")
        yield JSONAction(action_type="long_press", index=duplicate["index"])
        yield ui.click(desc="Delete")
        yield ui.click("Delete", cls="Button")


class ExpenseDeleteMultiple2(_ExpenseDelete):
    """Delete three named expenses hidden among fifty others (the list must be scrolled)."""

    complexity = 3.4
    n_targets = 3
    n_noise = 50
    difficulty = "hard"

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Pro Expense")
        yield from select_by_scanning(
            ui, [d["name"] for d in self.params["targets"]], "tv_name", "rv_expense"
        )
        yield ui.click(desc="Delete")
        yield ui.click("Delete", cls="Button")


class ExpenseDeleteDuplicates2(ExpenseDeleteDuplicates):
    """Deduplicate among forty rows, three of which share the duplicate's name but not its amount."""

    complexity = 1.8
    difficulty = "medium"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        params = EXPENSE_ROWS.duplicate(rng, n_noise=37)
        target = expense_from_dict(params["targets"][0])
        for extra in rng.sample(range(50, 1000), 3):
            variant = dataclasses.replace(
                target, amount_cents=target.amount_cents + extra, created_ms=random_october_ms(rng)
            )
            params["noise"].append(expense_to_dict(variant))
        return params

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Pro Expense")
        # Copies of one entry share its date, so the list shows them next to each other: compare the rows
        # of each screenful (rows seen on an earlier screen may be the same rows again after a scroll).
        for _ in range(40):
            seen: set[tuple[str, str, str]] = set()
            for row in rows_on_screen(ui, "tv_name", ("tv_date", "tv_amount")):
                if "tv_amount" not in row or "tv_date" not in row:
                    continue  # a row cut by the list's edge: read it after the next scroll
                key = (row["text"], field_text(row, "tv_date"), field_text(row, "tv_amount"))
                if key in seen:
                    yield JSONAction(action_type="long_press", index=row["index"])
                    yield ui.click(desc="Delete")
                    yield ui.click("Delete", cls="Button")
                    return
                seen.add(key)
            before = ui.texts()
            yield ui.scroll("down", id="rv_expense")
            if ui.texts() == before:
                break
        raise OracleError("no duplicate expense rows in the list")


REIMBURSABLE = "Reimbursable."


class ExpenseAddMultipleFromMarkor(_ExpenseAdd):
    """Multi-app: log the reimbursable transactions listed in a Markor note."""

    template = (
        "Go through the transactions in my_expenses.txt in Markor. Log the reimbursable transactions in "
        "the arduia pro expense."
    )
    complexity = 6.0
    difficulty = "hard"
    family = "expense_add_from_markor"
    app_names = (APP_NAME, "markor")
    n_targets = 2

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        params = EXPENSE_ROWS.add(rng, cls.n_targets, n_noise=6)
        others = distinct_expenses(
            rng, 12, exclude_names={d["name"] for d in params["targets"] + params["noise"]}
        )
        params["file_rows"] = [expense_to_dict(e) for e in others]
        params["file_order"] = rng.sample(range(len(others) + cls.n_targets), len(others) + cls.n_targets)
        return params

    def initialize(self, device: SimDroid) -> None:
        super().initialize(device)
        marked = [
            dataclasses.replace(expense_from_dict(d), note=f"{d['note']}. {REIMBURSABLE}")
            for d in self.params["targets"]
        ]
        pool = marked + [expense_from_dict(d) for d in self.params["file_rows"]]
        rows = [pool[i] for i in self.params["file_order"]]
        storage = device_storage(device)
        storage.mkdir(MARKOR_ROOT)
        storage.write(
            posixpath.join(MARKOR_ROOT, "my_expenses.txt"),
            expenses_as_text(rows, "csv"),
            mtime_ms=now_ms(device),
        )

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        wanted = [expense_from_dict(d) for d in self.params["targets"]]

        def matches(actual: Expense, target: Expense) -> bool:
            with_mark = dataclasses.replace(target, note=f"{target.note}. {REIMBURSABLE}")
            return expense_matches(actual, target) or expense_matches(actual, with_mark)

        return float(added_correctly(self.before, self._after(device), wanted, matches))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Markor")
        yield ui.click("my_expenses.txt", id="ui__filesystem_item__title")
        text = ui.element(id="document__fragment__edit__highlighting_editor").text or ""
        rows = [
            r
            for r in parse_rows_text(text, EXPENSE_KEYS, "Expense")
            if REIMBURSABLE.lower() in r["note"].lower()
        ]
        expenses = [
            Expense(
                r["name"],
                parse_amount(r["amount_dollars"]) or 0,
                r["category_name"],
                r["note"].replace(REIMBURSABLE, "").strip().rstrip("."),
            )
            for r in rows
        ]
        yield ui.open_app("Pro Expense")
        yield from add_expenses(ui, expenses)
