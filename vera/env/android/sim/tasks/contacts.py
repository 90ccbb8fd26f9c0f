"""Contacts tasks: AndroidWorld's ContactsAddContact and ContactsNewContactDraft, and a counting question."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from vera.env.android.sim.apps.contacts_model import (
    LAST_NAMES,
    ContactsBook,
    random_name,
    random_number,
    same_number,
)
from vera.env.android.sim.apps.sms_model import fuzzy_match
from vera.env.android.sim.task import Task
from vera.env.android.sim.tasks import sms_rules as rules
from vera.env.android.types import JSONAction, UIElement
from vera.env.android.uitree import parse_ui_xml

if TYPE_CHECKING:
    from vera.env.android.sim.device import SimDroid
    from vera.env.android.sim.oracle import UI


def book(device: SimDroid) -> ContactsBook:
    return device.app("contacts").state


def add_noise_contacts(
    device: SimDroid, rng: random.Random, count: int, avoid: tuple[str, ...] = ()
) -> list[str]:
    names: list[str] = []
    for _ in range(count):
        name = random_name(rng, excluding=tuple(names) + avoid)
        book(device).add_full_name(name, random_number(rng), rng.choice(("Mobile", "Home", "Work")))
        names.append(name)
    return names


def fill_new_contact(ui: UI, first: str, last: str, phone: str) -> Iterator[JSONAction]:
    """From Contacts' list: open the editor and type the name and number."""
    yield ui.click(desc="Create contact")
    yield ui.type(first, id="first_name")
    if last:
        yield ui.type(last, id="last_name")
    yield ui.type(phone, id="phone")


class ContactsAddContact(Task):
    template = "Create a new contact for {name}. Their number is {number}."
    complexity = 1.2
    app_names = ("contacts",)
    difficulty = "easy"
    family = "contacts_create"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.add_contact_params(rng)

    def initialize(self, device: SimDroid) -> None:
        rng = rules.init_rng(self.params)
        add_noise_contacts(device, rng, rng.randint(0, 4), avoid=(self.params["name"],))

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(rules.add_contact_ok(book(device), self.params))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        first, _, last = self.params["name"].partition(" ")
        yield ui.open_app("Contacts")
        yield from fill_new_contact(ui, first, last, self.params["number"])
        yield ui.click(text="Save")


def contact_info_is_entered(elements: list[UIElement], first: str, last: str, phone: str, label: str) -> bool:
    """AndroidWorld's check: the editor shows the first/last name and phone in the fields with those hints,
    and the phone label (text ``label``, description ``"<label> Phone"``)."""
    found = {"first": False, "last": False, "phone": False, "label": False}
    for e in elements:
        text = e.text or ""
        if text and e.hint_text == "First name" and fuzzy_match(text, first):
            found["first"] = True
        elif text and e.hint_text == "Last name" and fuzzy_match(text, last):
            found["last"] = True
        elif text and e.hint_text == "Phone" and re.sub(r"\D", "", text) == re.sub(r"\D", "", phone):
            found["phone"] = True
        elif text == label and e.content_description == f"{label} Phone":
            found["label"] = True
    return all(found.values())


class ContactsNewContactDraft(Task):
    template = (
        "Go to the new contact screen and enter the following details: First Name: {first}, Last Name: "
        "{last}, Phone: {phone}, Phone Label: {phone_label}. Do NOT hit save."
    )
    complexity = 1.2
    app_names = ("contacts",)
    difficulty = "easy"
    family = "contacts_create"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.draft_params(rng)

    def initialize(self, device: SimDroid) -> None:
        rng = rules.init_rng(self.params)
        add_noise_contacts(
            device, rng, rng.randint(1, 4), avoid=(f"{self.params['first']} {self.params['last']}",)
        )
        self.contacts_before = len(book(device).contacts)

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        if len(book(device).contacts) != self.contacts_before:
            return 0.0  # it was saved
        p = self.params
        shown = contact_info_is_entered(
            parse_ui_xml(device.ui_xml()), p["first"], p["last"], p["phone"], p["phone_label"]
        )
        return float(shown)

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Contacts")
        yield from fill_new_contact(ui, self.params["first"], self.params["last"], self.params["phone"])
        yield ui.click(id="phone_type")
        yield ui.click(text=self.params["phone_label"], id="label_option")


class ContactsCountLastName(Task):
    """vera: an information-retrieval question answered by searching the contact list."""

    template = "How many contacts with the last name {last_name} do I have in Contacts? Answer with a number."
    complexity = 1.2
    app_names = ("contacts",)
    difficulty = "easy"
    family = "contacts_lookup"
    tags = ("information_retrieval",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"last_name": rng.choice(LAST_NAMES), "count": rng.randint(0, 4), "others": rng.randint(5, 12)}

    def initialize(self, device: SimDroid) -> None:
        rng = rules.init_rng(self.params)
        last = self.params["last_name"]
        firsts: list[str] = []
        for _ in range(self.params["count"]):
            first = random_name(rng).split()[0]
            while first in firsts:
                first = random_name(rng).split()[0]
            firsts.append(first)
            book(device).add(first, last, random_number(rng))
        for _ in range(self.params["others"]):
            first, other_last = random_name(rng).split()
            if other_last != last:
                book(device).add(first, other_last, random_number(rng))

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        expected = sum(
            1 for c in book(device).contacts if c.last.strip().lower() == self.params["last_name"].lower()
        )
        return float(rules.count_answer_ok(answer, expected))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        last = self.params["last_name"]
        yield ui.open_app("Contacts")
        yield ui.type(last, id="open_search_bar_text_view")
        names = [e.text or "" for e in ui.elements if (e.resource_id or "").endswith("cliv_name_textview")]
        yield ui.answer(str(sum(1 for n in names if n.split()[-1:] == [last])))


class ContactsDeleteContact(Task):
    """vera: delete one contact from its card's menu."""

    template = "Delete the contact {name} from Contacts."
    complexity = 1.2
    app_names = ("contacts",)
    difficulty = "easy"
    family = "contacts_delete"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.add_contact_params(rng)

    def initialize(self, device: SimDroid) -> None:
        rng = rules.init_rng(self.params)
        self.others = add_noise_contacts(device, rng, rng.randint(2, 7), avoid=(self.params["name"],))
        book(device).add_full_name(self.params["name"], self.params["number"])

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        contacts = book(device)
        gone = not contacts.by_name(self.params["name"])
        return float(gone and all(contacts.by_name(other) for other in self.others))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Contacts")
        yield from ui.scroll_to(text=self.params["name"], id="cliv_name_textview")
        yield ui.click(text=self.params["name"], id="cliv_name_textview")
        yield ui.click(desc="More options")
        yield ui.click(text="Delete")
        yield ui.click(text="Delete")


class ContactsPhoneNumberLookup(Task):
    """vera: an information-retrieval question answered from a contact card."""

    template = "What is the phone number of {name} in my Contacts? Answer with the number only."
    complexity = 1.0
    app_names = ("contacts",)
    difficulty = "easy"
    family = "contacts_lookup"
    tags = ("information_retrieval",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.add_contact_params(rng)

    def initialize(self, device: SimDroid) -> None:
        rng = rules.init_rng(self.params)
        add_noise_contacts(device, rng, rng.randint(3, 9), avoid=(self.params["name"],))
        book(device).add_full_name(self.params["name"], self.params["number"])

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(bool(answer) and same_number(answer, self.params["number"]))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Contacts")
        yield from ui.scroll_to(text=self.params["name"], id="cliv_name_textview")
        yield ui.click(text=self.params["name"], id="cliv_name_textview")
        yield ui.answer(ui.element(id="header").text or "")
