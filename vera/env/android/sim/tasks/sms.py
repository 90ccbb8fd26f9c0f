"""SMS Messenger tasks (AndroidWorld's SimpleSms* names, templates and budgets) with UI-only oracles.

AndroidWorld's success rule for all of them: a sent message to the number whose body fuzzy-matches,
dated within the last five minutes of device time, and SMS Messenger in the foreground at the end.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from vera.env.android.sim.apps.contacts_model import ContactsBook, random_number
from vera.env.android.sim.apps.files_shared import now_ms
from vera.env.android.sim.apps.sms_model import RESEND_REQUEST, SENTENCES, SmsStore, fuzzy_match
from vera.env.android.sim.task import Task
from vera.env.android.sim.tasks import sms_rules as rules
from vera.env.android.types import JSONAction

if TYPE_CHECKING:
    from vera.env.android.sim.device import SimDroid
    from vera.env.android.sim.oracle import UI

APP = "Simple SMS Messenger"
BODY = "thread_message_body"


def store(device: SimDroid) -> SmsStore:
    return device.app("simple sms messenger").state


def contacts(device: SimDroid) -> ContactsBook:
    return device.app("contacts").state


def receive_noise(device: SimDroid, rng: random.Random, count: int, start_minutes_ago: int = 300) -> None:
    """``count`` texts from random numbers, spaced a few minutes apart, ending well before now."""
    now = now_ms(device)
    for i in range(count):
        store(device).receive(
            random_number(rng), rng.choice(SENTENCES), now - (start_minutes_ago - 7 * i) * 60_000
        )


def open_thread_with(ui: UI, number_or_name: str) -> Iterator[JSONAction]:
    """From the conversation list: New conversation, type the number (Enter opens the thread)."""
    yield ui.click(desc="New conversation")
    yield ui.type(number_or_name, id="new_conversation_address")
    if not ui.has(id="thread_type_message"):
        yield ui.click(id="item_contact_name", text=number_or_name)


def send_in_thread(ui: UI, message: str) -> Iterator[JSONAction]:
    yield ui.type(message, id="thread_type_message")
    yield ui.click(desc="Send")


def bubbles(ui: UI, sent: bool) -> list[str]:
    """Message texts of the open thread, sent ones (right-aligned) or received ones (left-aligned)."""
    out = []
    for e in ui.elements:
        if (e.resource_id or "").endswith(BODY) and e.bbox_pixels is not None:
            right = e.bbox_pixels.x_min > 200
            if right == sent:
                out.append(e.text or "")
    return out


class SmsTask(Task):
    abstract = True
    app_names = ("simple sms messenger",)
    complexity = 1.2

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.send_params(rng)

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(rules.sent_ok(store(device), self.params, now_ms(device), device.foreground()))


class SimpleSmsSend(SmsTask):
    template = "Send a text message using Simple SMS Messenger to {number} with message: {message}"
    difficulty = "medium"
    family = "sms_send"

    def initialize(self, device: SimDroid) -> None:
        rng = rules.init_rng(self.params)
        receive_noise(device, rng, rng.randint(0, 4))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app(APP)
        yield from open_thread_with(ui, self.params["number"])
        yield from send_in_thread(ui, self.params["message"])


class SimpleSmsReply(SmsTask):
    template = "Reply to {number} with message: {message} in Simple SMS Messenger"
    difficulty = "easy"
    family = "sms_reply"

    def initialize(self, device: SimDroid) -> None:
        rng = rules.init_rng(self.params)
        count = rng.randint(1, 5)
        receive_noise(device, rng, count)
        slot = rng.randint(0, count)
        store(device).receive(
            self.params["number"], rng.choice(SENTENCES), now_ms(device) - (300 - 7 * slot) * 60_000 - 30_000
        )

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app(APP)
        yield from ui.scroll_to(text=self.params["number"], id="conversation_address")
        yield ui.click(text=self.params["number"], id="conversation_address")
        yield from send_in_thread(ui, self.params["message"])


class SimpleSmsReplyMostRecent(SmsTask):
    template = "Reply to the most recent text message using Simple SMS Messenger with message: {message}"
    difficulty = "medium"
    family = "sms_reply"

    def initialize(self, device: SimDroid) -> None:
        rng = rules.init_rng(self.params)
        receive_noise(device, rng, rng.randint(0, 5))
        other = rng.choice([s for s in SENTENCES if s != self.params["message"]])
        store(device).receive(self.params["number"], other, now_ms(device) - 60_000)

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app(APP)
        yield ui.click(id="conversation_address")  # the list is most recent first
        yield from send_in_thread(ui, self.params["message"])


class SimpleSmsResend(SmsTask):
    template = "Resend the message I just sent to {name} in Simple SMS Messenger"
    difficulty = "medium"
    family = "sms_resend"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.resend_params(rng)

    def initialize(self, device: SimDroid) -> None:
        rng = rules.init_rng(self.params)
        receive_noise(device, rng, rng.randint(0, 3))
        contacts(device).add_full_name(self.params["name"], self.params["number"])
        now = now_ms(device)
        store(device).send(self.params["number"], self.params["message"], now - 3 * 60_000)
        store(device).receive(self.params["number"], RESEND_REQUEST, now - 2 * 60_000)
        self.sent_before = len(store(device).sent())

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        in_app = device.foreground() == rules.SMS_PACKAGE
        return float(in_app and rules.resend_ok(store(device), self.params, self.sent_before))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app(APP)
        yield ui.click(text=self.params["name"], id="conversation_address")
        last_sent = bubbles(ui, sent=True)[-1]
        yield from send_in_thread(ui, last_sent)


class SimpleSmsSendReceivedAddress(SmsTask):
    template = "Text the address of the event to {name1} that {name2} just sent me in Simple SMS Messenger"
    complexity = 1.8
    difficulty = "medium"
    family = "sms_forward"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.received_address_params(rng)

    def initialize(self, device: SimDroid) -> None:
        rng = rules.init_rng(self.params)
        receive_noise(device, rng, rng.randint(0, 3))
        book = contacts(device)
        book.add_full_name(self.params["name1"], self.params["number"])
        name2_number = random_number(rng)
        book.add_full_name(self.params["name2"], name2_number)
        store(device).receive(name2_number, self.params["message"], now_ms(device) - 60_000)

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app(APP)
        yield ui.click(text=self.params["name2"], id="conversation_address")
        address = bubbles(ui, sent=False)[-1]
        yield ui.click(desc="Navigate up")
        yield from open_thread_with(ui, self.params["name1"])
        yield from send_in_thread(ui, address)


class SimpleSmsLastMessageFrom(SmsTask):
    """vera: an information-retrieval question about a conversation."""

    template = (
        "What was the last text message {name} sent me in Simple SMS Messenger? Answer with the message "
        "text only."
    )
    complexity = 1.0
    difficulty = "easy"
    family = "sms_read"
    tags = ("information_retrieval",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        params = rules.resend_params(rng)
        params["earlier"] = rules.other_sentence(rng, params["message"])
        return params

    def initialize(self, device: SimDroid) -> None:
        rng = rules.init_rng(self.params)
        receive_noise(device, rng, rng.randint(1, 4), start_minutes_ago=200)
        contacts(device).add_full_name(self.params["name"], self.params["number"])
        now = now_ms(device)
        store(device).receive(self.params["number"], self.params["earlier"], now - 400 * 60_000)
        store(device).send(
            self.params["number"], rules.other_sentence(rng, self.params["message"]), now - 390 * 60_000
        )
        store(device).receive(self.params["number"], self.params["message"], now - 380 * 60_000)

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(bool(answer) and fuzzy_match(answer, self.params["message"]))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app(APP)
        yield from ui.scroll_to(text=self.params["name"], id="conversation_address")
        yield ui.click(text=self.params["name"], id="conversation_address")
        yield ui.answer(bubbles(ui, sent=False)[-1])


class SimpleSmsDeleteConversation(SmsTask):
    """vera: delete one conversation through selection mode."""

    template = "Delete my conversation with {name} in Simple SMS Messenger."
    complexity = 1.2
    difficulty = "easy"
    family = "sms_delete"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.resend_params(rng)

    def initialize(self, device: SimDroid) -> None:
        rng = rules.init_rng(self.params)
        receive_noise(device, rng, rng.randint(1, 4))
        contacts(device).add_full_name(self.params["name"], self.params["number"])
        store(device).receive(
            self.params["number"], self.params["message"], now_ms(device) - rng.randint(20, 400) * 60_000
        )
        self.others = [c.address for c in store(device).conversations() if c.address != self.params["number"]]

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        sms = store(device)
        gone = sms.conversation(self.params["number"]) is None
        return float(gone and all(sms.conversation(a) is not None for a in self.others))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app(APP)
        yield from ui.scroll_to(text=self.params["name"], id="conversation_address")
        yield ui.long_press(text=self.params["name"], id="conversation_address")
        yield ui.click(desc="Delete")
        yield ui.click(text="Yes")
