"""The contacts database shared by Contacts and SMS Messenger: people, phone numbers, labels."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

PHONE_LABELS = ("Mobile", "Home", "Work", "Main", "Other")

FIRST_NAMES = (
    "Alice",
    "Bob",
    "Charlie",
    "David",
    "Eva",
    "Frank",
    "Grace",
    "Hannah",
    "Ivan",
    "Jack",
    "Hugo",
    "Noa",
    "Oscar",
    "Gabriel",
    "Amara",
    "Liam",
    "Sofia",
    "Mateo",
    "Yuki",
    "Priya",
    "Omar",
    "Lena",
    "Tariq",
    "Chloe",
    "Diego",
    "Mei",
    "Kofi",
    "Ingrid",
    "Ravi",
    "Zara",
)
LAST_NAMES = (
    "Johnson",
    "Smith",
    "Brown",
    "Taylor",
    "Adams",
    "Wilson",
    "Lee",
    "White",
    "Harris",
    "Clark",
    "Pereira",
    "Mohammed",
    "Ibrahim",
    "Mohamed",
    "Garcia",
    "Nguyen",
    "Kowalski",
    "Okafor",
    "Silva",
    "Tanaka",
    "Patel",
    "Muller",
    "Rossi",
    "Haddad",
)


def digits(phone: str) -> str:
    """The digits of a phone number (``+1 (392) 074-1751`` -> ``13920741751``)."""
    return re.sub(r"\D", "", phone)


def same_number(a: str, b: str) -> bool:
    """Phone numbers are equal when their digits are, ignoring one leading country code ``1``."""
    da, db = digits(a), digits(b)
    if da == db:
        return bool(da)
    strip = lambda d: d[1:] if len(d) == 11 and d.startswith("1") else d  # noqa: E731
    return bool(da) and strip(da) == strip(db)


def random_name(rng: random.Random, excluding: tuple[str, ...] = ()) -> str:
    """``First Last`` not in ``excluding``."""
    while True:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in excluding:
            return name


def random_number(rng: random.Random) -> str:
    """A US number in E.164 form, like AndroidWorld's: ``+1`` then ten digits, no leading 0/1."""
    return "+1" + str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(9))


@dataclass
class Contact:
    """One person. ``first``/``last`` as typed; ``phone`` as typed (display form)."""

    id: int
    first: str
    last: str = ""
    phone: str = ""
    phone_label: str = "Mobile"
    email: str = ""

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first.strip(), self.last.strip()) if p) or self.phone


@dataclass
class ContactsBook:
    """All contacts, in insertion order; lists are shown sorted by display name."""

    contacts: list[Contact] = field(default_factory=list)
    _next_id: int = 1

    def add(
        self, first: str, last: str = "", phone: str = "", phone_label: str = "Mobile", email: str = ""
    ) -> Contact:
        contact = Contact(self._next_id, first, last, phone, phone_label, email)
        self._next_id += 1
        self.contacts.append(contact)
        return contact

    def add_full_name(self, name: str, phone: str, phone_label: str = "Mobile") -> Contact:
        """Add ``First Last`` (the first word is the first name)."""
        first, _, last = name.strip().partition(" ")
        return self.add(first, last, phone, phone_label)

    def delete(self, contact_id: int) -> None:
        self.contacts = [c for c in self.contacts if c.id != contact_id]

    def get(self, contact_id: int) -> Contact | None:
        return next((c for c in self.contacts if c.id == contact_id), None)

    def sorted(self) -> list[Contact]:
        return sorted(self.contacts, key=lambda c: (c.display_name.lower(), c.id))

    def by_name(self, name: str) -> list[Contact]:
        """Contacts whose display name equals ``name`` (case and spacing ignored)."""
        wanted = " ".join(name.lower().split())
        return [c for c in self.contacts if " ".join(c.display_name.lower().split()) == wanted]

    def by_number(self, number: str) -> Contact | None:
        return next((c for c in self.contacts if c.phone and same_number(c.phone, number)), None)

    def name_for(self, number: str) -> str:
        """What a messaging app shows for a number: the contact's name, else the number itself."""
        contact = self.by_number(number)
        return contact.display_name if contact else number

    def has(self, name: str, number: str) -> bool:
        """A contact with this name and this number exists."""
        return any(same_number(c.phone, number) for c in self.by_name(name))
