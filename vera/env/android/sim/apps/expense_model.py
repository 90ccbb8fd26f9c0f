"""Pro Expense (com.arduia.expense) state model: a ledger of expenses, no UI.

Amounts are integer cents, as the real app's ``expense`` table stores them; dates are the device's frozen
October 2023 clock (AndroidWorld sets the device to 2023-10-15 15:34 UTC). Row ids play the part of the
table's ``expense_id`` key, so success checks can tell which of two identical rows was deleted.
"""

from __future__ import annotations

import dataclasses
import difflib
import random
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

CATEGORIES: tuple[str, ...] = (
    "Others",
    "Income",
    "Food",
    "Housing",
    "Social",
    "Entertainment",
    "Transportation",
    "Clothes",
    "Health Care",
    "Education",
    "Donation",
)

EXPENSE_NAMES: dict[str, tuple[str, ...]] = {
    "Others": (
        "Pet Supplies",
        "Household Items",
        "Stationery",
        "Emergency Repairs",
        "Legal Fees",
        "Subscriptions",
        "Membership Fees",
        "Pet Care",
        "Miscellaneous Gifts",
    ),
    "Income": (
        "Salary",
        "Freelance Payment",
        "Bonus",
        "Dividends",
        "Rental Income",
        "Consulting Fees",
        "Side Business",
        "Reimbursements",
    ),
    "Food": (
        "Groceries",
        "Coffee",
        "Restaurant Meal",
        "Bakery Items",
        "Food Delivery",
        "Snacks",
        "Fast Food",
        "Fine Dining",
    ),
    "Housing": (
        "Rent Payment",
        "Utilities",
        "Home Repairs",
        "Home Insurance",
        "Cleaning Services",
        "Property Taxes",
        "Landscaping",
    ),
    "Social": (
        "Dinner Party",
        "Gift for Friend",
        "Wedding Gift",
        "Birthday Present",
        "Event Tickets",
        "Night Out",
        "Party Supplies",
    ),
    "Entertainment": (
        "Concert Tickets",
        "Movie Night",
        "Streaming Services",
        "Video Games",
        "Books",
        "Museum Tickets",
        "Theater Show",
    ),
    "Transportation": (
        "Taxi Fare",
        "Gas",
        "Parking Fees",
        "Car Maintenance",
        "Flight Tickets",
        "Ride-Sharing",
    ),
    "Clothes": ("New Jacket", "Shoes", "Jeans", "Sportswear", "Tailoring Services", "Dress", "Laundry"),
    "Health Care": (
        "Doctor Visits",
        "Medications",
        "Dental Care",
        "Gym Membership",
        "Therapy Sessions",
        "Eyecare",
        "Medical Tests",
    ),
    "Education": (
        "Tuition Fees",
        "Textbooks",
        "Online Courses",
        "Workshops",
        "Tutoring Services",
        "Seminars",
        "Library Fees",
    ),
    "Donation": ("Charity", "Fundraising Events", "Sponsorships", "Crowdfunding"),
}

NOTES: tuple[str, ...] = (
    "Monthly recurring",
    "Paid by card",
    "Remember to transfer funds",
    "Urgent",
    "Split with roommate",
    "I may repeat this",
    "Budget approved",
    "Need to reimburse",
    "Paid in cash",
    "Gift",
)

_OCTOBER_2023 = datetime(2023, 10, 1, tzinfo=UTC)
R = TypeVar("R")


@dataclass(frozen=True)
class Expense:
    """One expense as the user sees it: name, amount in cents, category name, note, entry time (ms)."""

    name: str
    amount_cents: int
    category: str
    note: str = ""
    created_ms: int = 0

    @property
    def amount_dollars(self) -> str:
        """The amount as the app and AndroidWorld goals print it: ``$12.34``."""
        return f"${self.amount_cents / 100:.2f}"

    def content(self) -> tuple[str, int, str, str]:
        """The user-visible fields that make two expenses exact duplicates."""
        return (self.name, self.amount_cents, self.category, self.note)


@dataclass
class ExpenseRow:
    """An expense stored in the ledger under its row id."""

    expense_id: int
    expense: Expense


@dataclass
class ExpenseLedger:
    """The app's expense table: ordered rows with auto-increment ids."""

    rows: list[ExpenseRow] = field(default_factory=list)
    next_id: int = 1

    def add(self, expense: Expense) -> int:
        """Store an expense; returns its new id."""
        row_id = self.next_id
        self.rows.append(ExpenseRow(row_id, expense))
        self.next_id += 1
        return row_id

    def delete(self, expense_id: int) -> bool:
        """Remove a row by id; False when no such row exists."""
        for i, row in enumerate(self.rows):
            if row.expense_id == expense_id:
                del self.rows[i]
                return True
        return False

    def replace(self, expense_id: int, expense: Expense) -> bool:
        """Overwrite a row's expense in place (an edit); False when no such row exists."""
        for row in self.rows:
            if row.expense_id == expense_id:
                row.expense = expense
                return True
        return False

    def get(self, expense_id: int) -> Expense | None:
        for row in self.rows:
            if row.expense_id == expense_id:
                return row.expense
        return None

    def ids(self) -> list[int]:
        return [row.expense_id for row in self.rows]

    def newest_first(self) -> list[ExpenseRow]:
        """Rows in the order the app lists them: newest entry time first, then newest id."""
        return sorted(self.rows, key=lambda r: (r.expense.created_ms, r.expense_id), reverse=True)

    def total_cents(self) -> int:
        """Expenses minus income, as the app's dashboard sums them."""
        return sum(
            -r.expense.amount_cents if r.expense.category == "Income" else r.expense.amount_cents
            for r in self.rows
        )

    def snapshot(self) -> dict[int, Expense]:
        """Id -> expense; compare two snapshots to see what a task changed."""
        return {row.expense_id: row.expense for row in self.rows}


def parse_amount(text: str) -> int | None:
    """Cents from what a user typed (``12.5``, ``$1,234.00``); None when it is not an amount."""
    cleaned = text.strip().replace("$", "").replace(",", "")
    if not re.fullmatch(r"\d+(\.\d{0,2})?", cleaned):
        return None
    whole, _, frac = cleaned.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def random_october_ms(rng: random.Random, first_day: int = 1, last_day: int = 15) -> int:
    """A random entry time in October 2023 up to the frozen device date, in milliseconds."""
    day = rng.randint(first_day, last_day)
    seconds = rng.randint(0, 86_399 if day < 15 else 15 * 3600)
    stamp = _OCTOBER_2023.replace(day=day).timestamp() + seconds
    return int(stamp) * 1000


def random_expense(rng: random.Random) -> Expense:
    """A realistic expense: a category, a name from it, $10.00-$500.00, a stock note."""
    category = rng.choice(CATEGORIES)
    return Expense(
        name=rng.choice(EXPENSE_NAMES[category]),
        amount_cents=rng.randint(1000, 50000),
        category=category,
        note=rng.choice(NOTES),
        created_ms=random_october_ms(rng),
    )


def distinct_expenses(rng: random.Random, count: int, exclude_names: set[str] | None = None) -> list[Expense]:
    """`count` random expenses whose names differ from each other and from `exclude_names`."""
    taken = set(exclude_names or ())
    out: list[Expense] = []
    while len(out) < count:
        candidate = random_expense(rng)
        if candidate.name not in taken:
            taken.add(candidate.name)
            out.append(candidate)
    return out


def normalize_text(text: str) -> str:
    """Lower case, single spaces, no trailing punctuation: how free-form fields are compared."""
    return re.sub(r"\s+", " ", text).strip().rstrip(".!").strip().lower()


def fuzzy_equal(a: str, b: str, threshold: float = 0.9) -> bool:
    """True when two free-form texts match after normalisation (typo-tolerant, as AndroidWorld's fuzzy
    match of free-form fields)."""
    na, nb = normalize_text(a), normalize_text(b)
    return na == nb or difflib.SequenceMatcher(None, na, nb).ratio() >= threshold


def expense_matches(actual: Expense, wanted: Expense) -> bool:
    """Same amount and category exactly, same name and note up to fuzzy matching."""
    return (
        actual.amount_cents == wanted.amount_cents
        and actual.category == wanted.category
        and fuzzy_equal(actual.name, wanted.name)
        and fuzzy_equal(actual.note, wanted.note)
    )


def added_correctly(
    before: Mapping[int, R], after: Mapping[int, R], wanted: Sequence[R], matches: Callable[[R, R], bool]
) -> bool:
    """Every old row kept unchanged, and each wanted row matched by a distinct new row (nothing more)."""
    if any(after.get(i) != row for i, row in before.items()):
        return False
    new_rows = [row for i, row in after.items() if i not in before]
    if len(new_rows) != len(wanted):
        return False
    remaining = list(new_rows)
    for target in wanted:
        match = next((row for row in remaining if matches(row, target)), None)
        if match is None:
            return False
        remaining.remove(match)
    return True


def removed_exactly(before: Mapping[int, R], after: Mapping[int, R], removed_ids: set[int]) -> bool:
    """The rows `removed_ids` are gone and every other row is still there, unchanged, with nothing new."""
    expected = {i: row for i, row in before.items() if i not in removed_ids}
    return dict(after) == expected


def duplicate_groups(rows: Mapping[int, R], key: Callable[[R], Hashable]) -> list[list[int]]:
    """Ids of rows that share the same content `key`, in groups of two or more."""
    groups: dict[Hashable, list[int]] = {}
    for row_id, row in rows.items():
        groups.setdefault(key(row), []).append(row_id)
    return [sorted(ids) for ids in groups.values() if len(ids) > 1]


def deduplicated(before: Mapping[int, R], after: Mapping[int, R], key: Callable[[R], Hashable]) -> bool:
    """Exactly one copy of each duplicate group kept; nothing else removed, changed or added."""
    groups = duplicate_groups(before, key)
    if not groups:
        return False
    if any(i not in before or after[i] != before[i] for i in after):
        return False
    gone = set(before) - set(after)
    if not gone <= {i for g in groups for i in g}:
        return False
    return all(sum(1 for i in g if i in after) == 1 for g in groups)


def with_duplicate(expense: Expense) -> list[Expense]:
    """Two identical copies of one expense (same entry time too): an exact duplicate pair."""
    return [expense, dataclasses.replace(expense)]
