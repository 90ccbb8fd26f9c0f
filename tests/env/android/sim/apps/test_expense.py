"""UI flow tests for the Pro Expense app, driven through AndroidEnv like an agent."""

import pytest

from vera.env.android.env import AndroidEnv
from vera.env.android.sim.apps.expense import ExpenseApp
from vera.env.android.sim.apps.expense_model import Expense
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.oracle import UI


@pytest.fixture
def phone():
    device = SimDroid([ExpenseApp])
    env = AndroidEnv(device)
    return device, env, UI(env)


def test_open_app_aliases_resolve():
    device = SimDroid([ExpenseApp])
    for alias in ("pro expense", "Pro Expense", "arduia pro expense", "com.arduia.expense"):
        assert device.find_app(alias) is device.app("pro expense")


def test_add_expense_through_the_form(phone):
    device, env, ui = phone
    device.start_app("Pro Expense")
    env.execute_action(ui.click(desc="Add expense"))
    env.execute_action(ui.type("Groceries", id="edt_name"))
    env.execute_action(ui.type("12.50", id="edt_amount"))
    env.execute_action(ui.click(id="spinner_category"))
    assert ui.has("Category", id="alertTitle")
    env.execute_action(ui.click("Food", cls="RadioButton"))
    env.execute_action(ui.type("weekly shop", id="edt_note"))
    env.execute_action(ui.click(id="btn_save"))
    rows = device.app("pro expense").state.rows
    assert [(r.expense.name, r.expense.amount_cents, r.expense.category, r.expense.note) for r in rows] == [
        ("Groceries", 1250, "Food", "weekly shop")
    ]
    assert ui.has("Groceries", id="tv_name") and ui.has("-$12.50", id="tv_amount")
    assert any(k.endswith("ExpenseEntryScreen.save#insert") for k in device.coverage())


def test_bad_amount_is_refused_with_a_toast(phone):
    device, env, ui = phone
    device.start_app("Pro Expense")
    env.execute_action(ui.click(desc="Add expense"))
    env.execute_action(ui.type("Coffee", id="edt_name"))
    env.execute_action(ui.type("abc", id="edt_amount"))
    env.execute_action(ui.click(id="btn_save"))
    assert device.app("pro expense").state.rows == []
    assert ui.has("Please enter a valid amount")


def test_back_closes_category_dialog_then_form(phone):
    device, env, ui = phone
    device.start_app("Pro Expense")
    env.execute_action(ui.click(desc="Add expense"))
    env.execute_action(ui.click(id="spinner_category"))
    env.execute_action(ui.back())
    assert not ui.has("Category", id="alertTitle") and ui.has(id="edt_name")
    env.execute_action(ui.back())
    assert ui.has(desc="Add expense")


def test_multi_select_delete_and_cancel(phone):
    device, env, ui = phone
    ledger = device.app("pro expense").state
    for name in ("Gas", "Books", "Rent Payment"):
        ledger.add(Expense(name, 1000, "Others"))
    device.start_app("Pro Expense")
    env.execute_action(ui.long_press("Gas", id="tv_name"))
    env.execute_action(ui.click("Books", id="tv_name"))
    assert ui.has("2 selected")
    env.execute_action(ui.click(desc="Delete"))
    env.execute_action(ui.click("Cancel"))
    assert len(ledger.rows) == 3
    env.execute_action(ui.click(desc="Delete"))
    env.execute_action(ui.click("Delete", cls="Button"))
    assert [r.expense.name for r in ledger.rows] == ["Rent Payment"]
    assert ui.has(desc="Add expense")  # selection mode ended


def test_edit_then_delete_from_the_entry_screen(phone):
    device, env, ui = phone
    ledger = device.app("pro expense").state
    row_id = ledger.add(Expense("Taxi Fare", 2000, "Transportation", "airport"))
    device.start_app("Pro Expense")
    env.execute_action(ui.click("Taxi Fare", id="tv_name"))
    env.execute_action(ui.type("25", id="edt_amount"))
    env.execute_action(ui.click(id="btn_save"))
    assert ledger.get(row_id) == Expense("Taxi Fare", 2500, "Transportation", "airport", 0)
    env.execute_action(ui.click("Taxi Fare", id="tv_name"))
    env.execute_action(ui.click(desc="Delete"))
    env.execute_action(ui.click("Delete", cls="Button"))
    assert ledger.rows == []
