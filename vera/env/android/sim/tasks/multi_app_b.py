"""Multi-app tasks across Markor, SMS Messenger and Contacts (AndroidWorld's MarkorCreateNoteAndSms, and a
vera task that goes from a contact card to the conversation)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from vera.env.android.sim.apps.contacts_model import random_name, random_number
from vera.env.android.sim.apps.files_shared import device_storage, now_ms
from vera.env.android.sim.apps.sms_model import SENTENCES
from vera.env.android.sim.task import Task
from vera.env.android.sim.tasks import markor_rules, sms_rules
from vera.env.android.sim.tasks.contacts import add_noise_contacts, book
from vera.env.android.sim.tasks.markor import create_note
from vera.env.android.sim.tasks.sms import APP as SMS_APP
from vera.env.android.sim.tasks.sms import open_thread_with, receive_noise, send_in_thread, store
from vera.env.android.types import JSONAction

if TYPE_CHECKING:
    from vera.env.android.sim.device import SimDroid
    from vera.env.android.sim.oracle import UI


class MarkorCreateNoteAndSms(Task):
    template = (
        "Create a new note in Markor named {file_name} with the following text: {text}. Share the entire "
        "content of the note with the phone number {number} via SMS using Simple SMS Messenger"
    )
    complexity = 1.8
    app_names = ("markor", "simple sms messenger")
    difficulty = "hard"
    family = "markor_sms"
    tags = ("multi_app",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        params = markor_rules.create_note_params(rng)
        params["number"] = random_number(rng)
        return params

    def initialize(self, device: SimDroid) -> None:
        rng = sms_rules.init_rng(self.params)
        receive_noise(device, rng, rng.randint(0, 3))

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        """The fraction of the two parts done: the note, and the SMS (sent and in SMS Messenger)."""
        note = markor_rules.create_note_ok(device_storage(device), self.params)
        sms = sms_rules.sent_ok(
            store(device),
            {"number": self.params["number"], "message": self.params["text"]},
            now_ms(device),
            device.foreground(),
        )
        return (float(note) + float(sms)) / 2

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Markor")
        yield from create_note(ui, self.params["file_name"], self.params["text"])
        yield ui.open_app(SMS_APP)
        yield from open_thread_with(ui, self.params["number"])
        yield from send_in_thread(ui, self.params["text"])


class ContactsTextContact(Task):
    """vera: find a person in Contacts and text them from their contact card."""

    template = "Send a text message to my contact {name} with the message: {message}"
    complexity = 1.4
    app_names = ("contacts", "simple sms messenger")
    difficulty = "easy"
    family = "contacts_sms"
    tags = ("multi_app",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"name": random_name(rng), "number": random_number(rng), "message": rng.choice(SENTENCES)}

    def initialize(self, device: SimDroid) -> None:
        rng = sms_rules.init_rng(self.params)
        add_noise_contacts(device, rng, rng.randint(3, 8), avoid=(self.params["name"],))
        book(device).add_full_name(self.params["name"], self.params["number"])

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(sms_rules.sent_ok(store(device), self.params, now_ms(device), device.foreground()))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Contacts")
        yield ui.type(self.params["name"], id="open_search_bar_text_view")
        yield ui.click(text=self.params["name"], id="cliv_name_textview")
        yield ui.click(text="Text")
        yield from send_in_thread(ui, self.params["message"])
