"""Pro Expense (com.arduia.expense): an expense log with a total card, FAB add, edit and delete.

Screens follow the real app's flow: the home list shows every expense (newest first) with its
amount; the "+" button opens the entry form (name, amount, category picker, note, Save); tapping a
row opens it for editing with a Delete action in the toolbar; long-pressing a row starts selection
mode (tap more rows to add them) with a Delete action that asks for confirmation.
"""

from __future__ import annotations

from datetime import UTC, datetime

from vera.env.android.sim import layout as L
from vera.env.android.sim.app import AlertDialog, App, Screen
from vera.env.android.sim.apps.calendar_icons import IconButton
from vera.env.android.sim.apps.expense_model import CATEGORIES, Expense, ExpenseLedger, parse_amount
from vera.env.android.sim.apps.multi_select import MultiSelection
from vera.env.android.sim.toolkit.views import (
    Button,
    Column,
    EditText,
    FrameLayout,
    ImageButton,
    RadioButton,
    RecyclerView,
    Row,
    ScrollView,
    Spacer,
    TextView,
    Toolbar,
    View,
)

_ACCENT = (46, 125, 50)
_CARD = (232, 245, 233)
_MUTED = (96, 96, 104)


def _device_ms(now: datetime) -> int:
    """The phone's (naive, UTC) wall-clock time in epoch milliseconds, as the app stores entry times."""
    return int(now.replace(tzinfo=UTC).timestamp()) * 1000


def _date_label(created_ms: int) -> str:
    when = datetime.fromtimestamp(created_ms / 1000, UTC)
    return f"{when.strftime('%b')} {when.day}, {when.year}"


class ExpenseApp(App):
    """The app: its state is an `ExpenseLedger`."""

    name = "pro expense"
    label = "Pro Expense"
    package = "com.arduia.expense"
    pattern = r"pro expense|arduia pro expense|expense"
    glyph = "$"
    color = _ACCENT

    def create_state(self) -> ExpenseLedger:
        return ExpenseLedger()

    @property
    def ledger(self) -> ExpenseLedger:
        return self.state

    def main_screen(self) -> Screen:
        return ExpenseHomeScreen(self)


class ExpenseHomeScreen(MultiSelection, Screen):
    """Total card, the expense list, the add button; long press starts multi-selection."""

    app: ExpenseApp

    def __init__(self, app: ExpenseApp) -> None:
        super().__init__(app)
        self.selected: list[int] = []

    # --- handlers ----------------------------------------------------------------------------------
    def open_add(self) -> None:
        self.push(ExpenseEntryScreen(self.app, None))

    def open_row(self, expense_id: int) -> None:
        if self.tap_selects(expense_id):
            return
        self.branch("edit")
        self.push(ExpenseEntryScreen(self.app, expense_id))

    def start_selection(self, expense_id: int) -> None:
        self.select(expense_id)

    def ask_delete_selected(self) -> None:
        count = len(self.selected)
        noun = "expense" if count == 1 else "expenses"
        self.confirm_delete_selected("Delete", f"Are you sure you want to delete {count} {noun}?")

    def delete_item(self, expense_id: int) -> None:
        self.app.ledger.delete(expense_id)

    def on_selection_deleted(self) -> None:
        self.toast("Deleted successfully")

    def on_back(self) -> bool:
        return self.drop_selection()

    # --- view --------------------------------------------------------------------------------------
    def build(self) -> View:
        ledger = self.app.ledger
        if self.selected:
            toolbar = Toolbar(
                f"{len(self.selected)} selected",
                on_back=self.clear_selection,
                actions=[
                    IconButton("trash", id="action_delete", desc="Delete", on_click=self.ask_delete_selected)
                ],
            )
        else:
            toolbar = Toolbar(
                "Pro Expense", actions=[ImageButton("⋮", id="action_more", desc="More options")]
            )
        total = ledger.total_cents()
        card = Column(
            TextView("This month", id="tv_month_label", size=L.SMALL_TEXT_SIZE, color=_MUTED),
            TextView(f"${abs(total) / 100:,.2f}", id="tv_total", size=L.TITLE_SIZE + 12, bold=True),
            TextView(f"{len(ledger.rows)} expenses", id="tv_count", size=L.SMALL_TEXT_SIZE, color=_MUTED),
            id="cv_total",
            padding=L.PADDING,
            background=_CARD,
        )
        rows: list[View] = [self._row(r.expense_id, r.expense) for r in ledger.newest_first()]
        if not rows:
            rows.append(TextView("No expenses yet", id="tv_empty", align="center", color=_MUTED, padding=60))
        content = Column(
            toolbar,
            card,
            TextView("Recent", id="tv_recent", bold=True, padding=L.PADDING // 2, height=100),
            RecyclerView(*rows, id="rv_expense"),
        )
        fab = ImageButton(
            "+",
            id="fb_main_add",
            desc="Add expense",
            on_click=self.open_add,
            width=170,
            height=170,
            gravity="bottom|end",
        )
        return FrameLayout(children=[content, None if self.selected else fab], id="content")

    def _row(self, expense_id: int, expense: Expense) -> View:
        sign = "+" if expense.category == "Income" else "-"
        body = Column(
            TextView(expense.name, id="tv_name", max_lines=1),
            TextView(
                f"{expense.category} · {_date_label(expense.created_ms)}",
                id="tv_date",
                size=L.SMALL_TEXT_SIZE,
                color=_MUTED,
                max_lines=1,
            ),
        )
        amount = TextView(
            f"{sign}{expense.amount_dollars}", id="tv_amount", width=300, align="end", bold=True
        )
        return Row(
            body,
            amount,
            id="expense_item",
            padding=L.PADDING // 2,
            height=L.ROW_HEIGHT,
            selected=expense_id in self.selected,
            on_click=lambda: self.open_row(expense_id),
            on_long_click=lambda: self.start_selection(expense_id),
        )


class ExpenseEntryScreen(Screen):
    """Add or edit one expense: name, amount, category (radio dialog), note; Save; Delete when editing."""

    app: ExpenseApp

    def __init__(self, app: ExpenseApp, expense_id: int | None) -> None:
        super().__init__(app)
        self.expense_id = expense_id
        existing = app.ledger.get(expense_id) if expense_id is not None else None
        self.category = existing.category if existing else "Others"
        if existing is not None:
            self.form.update(
                {
                    "edt_name": existing.name,
                    "edt_amount": f"{existing.amount_cents / 100:.2f}",
                    "edt_note": existing.note,
                }
            )

    # --- handlers ----------------------------------------------------------------------------------
    def pick_category(self) -> None:
        self.show_dialog(self._category_dialog())

    def choose_category(self, category: str) -> None:
        self.category = category
        self.dismiss_dialog()

    def save(self) -> None:
        name = self.form.get("edt_name", "").strip()
        amount = parse_amount(self.form.get("edt_amount", ""))
        if not name:
            self.branch("missing-name")
            self.toast("Please enter a name")
            return
        if amount is None:
            self.branch("bad-amount")
            self.toast("Please enter a valid amount")
            return
        note = self.form.get("edt_note", "").strip()
        ledger = self.app.ledger
        if self.expense_id is None:
            self.branch("insert")
            ledger.add(Expense(name, amount, self.category, note, _device_ms(self.device.now)))
        else:
            self.branch("update")
            old = ledger.get(self.expense_id)
            created = old.created_ms if old else _device_ms(self.device.now)
            ledger.replace(self.expense_id, Expense(name, amount, self.category, note, created))
        self.finish()

    def ask_delete(self) -> None:
        self.show_dialog(
            AlertDialog(
                "Delete",
                "Are you sure you want to delete this expense?",
                buttons=(("Cancel", None), ("Delete", self.delete)),
            )
        )

    def delete(self) -> None:
        if self.expense_id is not None:
            self.app.ledger.delete(self.expense_id)
        self.toast("Deleted successfully")
        self.finish()

    # --- view --------------------------------------------------------------------------------------
    def _category_dialog(self) -> AlertDialog:
        options = [
            RadioButton(
                c,
                id="rb_category",
                checked=c == self.category,
                on_change=lambda _checked, c=c: self.choose_category(c),
                height=124,
            )
            for c in CATEGORIES
        ]
        return AlertDialog("Category", content=options, buttons=(("Cancel", None),))

    def build(self) -> View:
        editing = self.expense_id is not None
        actions: list[View] = []
        if editing:
            actions.append(IconButton("trash", id="action_delete", desc="Delete", on_click=self.ask_delete))
        toolbar = Toolbar("Edit Expense" if editing else "New Expense", on_back=self.finish, actions=actions)
        form = Column(
            _label("Name"),
            EditText(id="edt_name", hint="Name"),
            _label("Amount"),
            EditText(id="edt_amount", hint="0.00"),
            _label("Category"),
            Button(
                self.category,
                id="spinner_category",
                style="outlined",
                desc="Category",
                on_click=self.pick_category,
                align="start",
                padding=36,
            ),
            _label("Note"),
            EditText(id="edt_note", hint="Note", multiline=True),
            Spacer(height=40),
            Button("Save" if not editing else "Update", id="btn_save", on_click=self.save),
            padding=L.PADDING,
            spacing=10,
        )
        return Column(toolbar, ScrollView(form, id="sv_entry"))


def _label(text: str) -> View:
    return TextView(text, size=L.SMALL_TEXT_SIZE, color=_MUTED, padding=4)
