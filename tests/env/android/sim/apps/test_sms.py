"""SMS Messenger's screens driven through the device: conversation order, send, new conversation, delete."""

from __future__ import annotations

import pytest

from vera.env.android.env import AndroidEnv
from vera.env.android.sim.apps.contacts import ContactsApp
from vera.env.android.sim.apps.files_shared import now_ms
from vera.env.android.sim.apps.sms import SmsApp
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.oracle import UI


@pytest.fixture
def phone() -> tuple[SimDroid, AndroidEnv, UI]:
    device = SimDroid([ContactsApp, SmsApp])
    device.app("contacts").state.add("Noa", "Mohammed", "+15550001111")
    store = device.app("simple sms messenger").state
    now = now_ms(device)
    store.receive("+15550001111", "See you at 5", now - 60_000)
    store.receive("+15559998888", "Older text", now - 3_600_000)
    env = AndroidEnv(device)
    device.start_app("simple sms messenger")
    return device, env, UI(env)


def test_conversations_show_contact_names_most_recent_first(phone) -> None:
    _, _, ui = phone
    rows = [e.text for e in ui.elements if (e.resource_id or "").endswith("conversation_address")]
    assert rows == ["Noa Mohammed", "+15559998888"]
    assert ui.has(text="See you at 5", id="conversation_body_short")


def test_reply_in_a_thread_sends_and_clears_the_field(phone) -> None:
    device, env, ui = phone
    env.execute_action(ui.click(text="+15559998888"))
    env.execute_action(ui.type("On my way", id="thread_type_message"))
    env.execute_action(ui.click(desc="Send"))
    sent = device.app("simple sms messenger").state.sent()
    assert [(m.address, m.body) for m in sent] == [("+15559998888", "On my way")]
    assert ui.element(id="thread_type_message").text in ("", None)
    assert ui.has(text="On my way", id="thread_message_body")
    env.execute_action(ui.click(desc="Send"))  # empty: nothing more is sent
    assert len(device.app("simple sms messenger").state.sent()) == 1


def test_new_conversation_by_number_and_by_contact_suggestion(phone) -> None:
    device, env, ui = phone
    env.execute_action(ui.click(desc="New conversation"))
    env.execute_action(ui.type("+16597910719", id="new_conversation_address"))  # Enter opens the thread
    assert ui.has(id="thread_type_message") and ui.has(text="+16597910719")
    env.execute_action(ui.click(desc="Navigate up"))
    env.execute_action(ui.click(desc="New conversation"))
    env.execute_action(ui.type("ab", id="new_conversation_address"))
    assert ui.has(text="No contacts found")
    env.execute_action(ui.type("noa", id="new_conversation_address"))  # not a number: suggestions stay
    assert not ui.has(id="thread_type_message")
    env.execute_action(ui.click(text="Noa Mohammed", id="item_contact_name"))
    assert ui.has(id="thread_type_message") and ui.has(text="See you at 5", id="thread_message_body")


def test_invalid_recipient_is_refused(phone) -> None:
    device, env, ui = phone
    env.execute_action(ui.click(desc="New conversation"))
    env.execute_action(ui.type("xy", id="new_conversation_address"))
    assert not ui.has(id="thread_type_message")
    assert any(h.endswith("NewConversationScreen.confirm#invalid") for h in device.coverage())


def test_long_press_selects_and_deletes_a_conversation(phone) -> None:
    device, env, ui = phone
    env.execute_action(ui.long_press(text="+15559998888"))
    assert ui.has(text="1 selected")
    env.execute_action(ui.click(desc="Delete"))
    env.execute_action(ui.click(text="Yes"))
    convs = device.app("simple sms messenger").state.conversations()
    assert [c.address for c in convs] == ["+15550001111"]
