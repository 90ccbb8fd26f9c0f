"""Contacts' screens through the device: create, label chooser, discard prompt, search, Text, delete."""

from __future__ import annotations

import pytest

from vera.env.android.env import AndroidEnv
from vera.env.android.sim.apps.contacts import ContactsApp
from vera.env.android.sim.apps.sms import SmsApp, ThreadScreen
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.oracle import UI


@pytest.fixture
def phone() -> tuple[SimDroid, AndroidEnv, UI]:
    device = SimDroid([ContactsApp, SmsApp])
    book = device.app("contacts").state
    book.add("Zara", "Haddad", "+15550001111")
    book.add("Amara", "Lee", "+15550002222")
    env = AndroidEnv(device)
    device.start_app("Contacts")
    return device, env, UI(env)


def test_list_is_sorted_and_searchable(phone) -> None:
    _, env, ui = phone
    names = [e.text for e in ui.elements if (e.resource_id or "").endswith("cliv_name_textview")]
    assert names == ["Amara Lee", "Zara Haddad"]
    env.execute_action(ui.type("zar", id="open_search_bar_text_view"))
    assert ui.has(text="Zara Haddad") and not ui.has(text="Amara Lee")


def test_create_contact_with_label_then_detail_card(phone) -> None:
    device, env, ui = phone
    env.execute_action(ui.click(desc="Create contact"))
    env.execute_action(ui.type("Hugo", id="first_name"))
    env.execute_action(ui.type("Pereira", id="last_name"))
    env.execute_action(ui.type("+13920741751", id="phone"))
    env.execute_action(ui.click(id="phone_type"))
    env.execute_action(ui.click(text="Work", id="label_option"))
    assert ui.element(id="phone_type").content_description == "Work Phone"
    env.execute_action(ui.click(text="Save"))
    contact = device.app("contacts").state.by_name("Hugo Pereira")[0]
    assert (contact.phone, contact.phone_label) == ("+13920741751", "Work")
    assert ui.has(text="Hugo Pereira", id="large_title")


def test_back_with_typed_details_asks_before_discarding(phone) -> None:
    device, env, ui = phone
    env.execute_action(ui.click(desc="Create contact"))
    env.execute_action(ui.type("Temp", id="first_name"))  # Enter also hides the keyboard
    env.execute_action(ui.back())
    assert ui.has(text="Discard changes?")
    env.execute_action(ui.click(text="Cancel"))
    assert ui.element(id="first_name").text == "Temp"
    env.execute_action(ui.back())
    env.execute_action(ui.click(text="Discard"))
    assert len(device.app("contacts").state.contacts) == 2
    assert ui.has(desc="Create contact")


def test_text_button_opens_the_conversation_in_sms_messenger(phone) -> None:
    device, env, ui = phone
    env.execute_action(ui.click(text="Zara Haddad"))
    env.execute_action(ui.click(text="Text"))
    assert device.foreground() == "com.simplemobiletools.smsmessenger"
    assert isinstance(device.screen(), ThreadScreen) and ui.has(text="Zara Haddad")


def test_delete_from_the_menu_after_confirming(phone) -> None:
    device, env, ui = phone
    env.execute_action(ui.click(text="Amara Lee"))
    env.execute_action(ui.click(desc="More options"))
    env.execute_action(ui.click(text="Delete"))
    env.execute_action(ui.click(text="Delete"))
    assert [c.display_name for c in device.app("contacts").state.contacts] == ["Zara Haddad"]
    assert ui.has(desc="Create contact")
