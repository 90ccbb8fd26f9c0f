"""The SMS store behind SMS Messenger: received (inbox) and sent messages, grouped into conversations."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from vera.env.android.sim.apps.contacts_model import same_number

INBOX = "inbox"
SENT = "sent"

SENTENCES = (
    "Beauty is in the eye of the beholder.",
    "A quick brown fox.",
    "Actions speak louder than words.",
    "Ignorance is bliss.",
    "The early bird catches the worm.",
    "Yoga class every Tuesday and Thursday at 6 PM.",
    "Don't forget to water the plants.",
    "Meeting moved to 3 PM tomorrow.",
    "Can you pick up milk on the way home?",
    "Happy birthday! Hope you have a great day.",
    "The package arrived this morning.",
    "Let's grab lunch on Friday.",
    "Remember to bring the charger.",
    "Practice makes perfect.",
    "Time flies when you're having fun.",
    "All that glitters is not gold.",
    "The train leaves at 7:45 sharp.",
    "Call me when you land.",
)

ADDRESSES = (
    "123 Main St Girdwood, AK, 99587",
    "6 Elm St, Birmingham, AL, 35217",
    "789 E Oak St, Phoenix AZ 85006",
    "1011 S Maple St, Little Rock, AR, 72204",
    "1415 W Cedar Ave Denver, CO, 80223",
    "968 Spruce St, Hartford, CT, 06103",
    "1819 Birch Ct, Dover, DE, 19901",
    "2021 Poplar St, Atlanta, GA, 30340",
)

RESEND_REQUEST = "Sorry, there was a glitch, what was the last message you sent me?"


def fuzzy_match(a: str, b: str, threshold: float = 0.9) -> bool:
    """AndroidWorld's text match: case-insensitive, stripped, similarity ratio at least ``threshold``."""
    x, y = a.strip().lower(), b.strip().lower()
    return x == y or difflib.SequenceMatcher(None, x, y).ratio() >= threshold


@dataclass(frozen=True)
class Sms:
    """One message. ``address`` is the other party's number; ``box`` is `INBOX` or `SENT`."""

    id: int
    address: str
    body: str
    date_ms: int
    box: str


@dataclass(frozen=True)
class Conversation:
    """All messages with one number, oldest first."""

    address: str
    messages: tuple[Sms, ...]

    @property
    def last(self) -> Sms:
        return self.messages[-1]


@dataclass
class SmsStore:
    """Messages in arrival order."""

    messages: list[Sms] = field(default_factory=list)
    _next_id: int = 1

    def _add(self, address: str, body: str, date_ms: int, box: str) -> Sms:
        sms = Sms(self._next_id, address, body, date_ms, box)
        self._next_id += 1
        self.messages.append(sms)
        return sms

    def receive(self, address: str, body: str, date_ms: int) -> Sms:
        return self._add(address, body, date_ms, INBOX)

    def send(self, address: str, body: str, date_ms: int) -> Sms:
        return self._add(address, body, date_ms, SENT)

    def sent(self) -> list[Sms]:
        """Sent messages, newest first (as ``content://sms/sent`` lists them)."""
        return sorted((m for m in self.messages if m.box == SENT), key=lambda m: (-m.date_ms, -m.id))

    def inbox(self) -> list[Sms]:
        """Received messages, newest first."""
        return sorted((m for m in self.messages if m.box == INBOX), key=lambda m: (-m.date_ms, -m.id))

    def conversations(self) -> list[Conversation]:
        """One conversation per number, the most recently active first."""
        groups: list[list[Sms]] = []
        for sms in sorted(self.messages, key=lambda m: (m.date_ms, m.id)):
            group = next((g for g in groups if same_number(g[0].address, sms.address)), None)
            if group is None:
                groups.append([sms])
            else:
                group.append(sms)
        convs = [Conversation(g[0].address, tuple(g)) for g in groups]
        return sorted(convs, key=lambda c: (-c.last.date_ms, -c.last.id))

    def conversation(self, address: str) -> Conversation | None:
        return next((c for c in self.conversations() if same_number(c.address, address)), None)

    def delete_conversation(self, address: str) -> None:
        self.messages = [m for m in self.messages if not same_number(m.address, address)]

    def was_sent(self, number: str, body: str, now_ms: int, window_min: int = 5) -> bool:
        """A message with this body went to this number within the last ``window_min`` minutes."""
        return any(
            same_number(m.address, number)
            and fuzzy_match(m.body, body)
            and now_ms - m.date_ms <= window_min * 60_000
            for m in self.sent()
        )
