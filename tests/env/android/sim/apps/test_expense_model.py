"""Unit tests for the Pro Expense ledger model and its change checks."""

import dataclasses
import random

from hypothesis import given
from hypothesis import strategies as st

from vera.env.android.sim.apps.expense_model import (
    Expense,
    ExpenseLedger,
    added_correctly,
    deduplicated,
    distinct_expenses,
    expense_matches,
    parse_amount,
    random_expense,
    removed_exactly,
)


def _ledger(rng: random.Random, n: int) -> ExpenseLedger:
    ledger = ExpenseLedger()
    for e in distinct_expenses(rng, n):
        ledger.add(e)
    return ledger


def test_add_delete_ids_are_stable():
    ledger = ExpenseLedger()
    a = ledger.add(Expense("Coffee", 450, "Food"))
    b = ledger.add(Expense("Gas", 3000, "Transportation"))
    assert (a, b) == (1, 2)
    assert ledger.delete(a) and not ledger.delete(a)
    assert ledger.ids() == [2]
    assert ledger.add(Expense("Books", 1200, "Entertainment")) == 3


def test_amount_text_and_parse():
    assert Expense("x", 30701, "Food").amount_dollars == "$307.01"
    assert parse_amount("307.01") == 30701
    assert parse_amount("$1,234.5") == 123450
    assert parse_amount("12") == 1200
    assert parse_amount("abc") is None and parse_amount("1.234") is None


@given(st.integers(min_value=0, max_value=10**8))
def test_parse_amount_round_trips(cents):
    assert parse_amount(f"{cents / 100:.2f}") == cents


def test_distinct_expenses_have_unique_names():
    names = [e.name for e in distinct_expenses(random.Random(3), 12)]
    assert len(set(names)) == 12


def test_added_correctly_accepts_fuzzy_note_and_rejects_wrong_amount():
    rng = random.Random(0)
    ledger = _ledger(rng, 4)
    before = ledger.snapshot()
    wanted = random_expense(rng)
    ledger.add(dataclasses.replace(wanted, note=wanted.note.lower() + "."))
    assert added_correctly(before, ledger.snapshot(), [wanted], expense_matches)
    wrong = dataclasses.replace(wanted, amount_cents=wanted.amount_cents + 1)
    assert not added_correctly(before, ledger.snapshot(), [wrong], expense_matches)


def test_added_correctly_rejects_deleting_an_old_row():
    rng = random.Random(1)
    ledger = _ledger(rng, 3)
    before = ledger.snapshot()
    wanted = random_expense(rng)
    ledger.add(wanted)
    ledger.delete(1)
    assert not added_correctly(before, ledger.snapshot(), [wanted], expense_matches)


def test_removed_exactly():
    ledger = _ledger(random.Random(2), 5)
    before = ledger.snapshot()
    ledger.delete(2)
    ledger.delete(4)
    assert removed_exactly(before, ledger.snapshot(), {2, 4})
    assert not removed_exactly(before, ledger.snapshot(), {2})


def test_deduplicated_keeps_exactly_one_copy():
    rng = random.Random(5)
    ledger = _ledger(rng, 3)
    dup = random_expense(rng)
    first, second = ledger.add(dup), ledger.add(dup)
    before = ledger.snapshot()
    assert not deduplicated(before, before, Expense.content)
    ledger.delete(second)
    assert deduplicated(before, ledger.snapshot(), Expense.content)
    ledger.delete(first)
    assert not deduplicated(before, ledger.snapshot(), Expense.content)


def test_deduplicated_rejects_collateral_deletion():
    rng = random.Random(6)
    ledger = _ledger(rng, 3)
    dup = random_expense(rng)
    ledger.add(dup)
    second = ledger.add(dup)
    before = ledger.snapshot()
    ledger.delete(second)
    ledger.delete(1)
    assert not deduplicated(before, ledger.snapshot(), Expense.content)


def test_newest_first_orders_by_entry_time():
    ledger = ExpenseLedger()
    ledger.add(Expense("Old", 100, "Food", created_ms=1))
    ledger.add(Expense("New", 100, "Food", created_ms=5))
    assert [r.expense.name for r in ledger.newest_first()] == ["New", "Old"]
