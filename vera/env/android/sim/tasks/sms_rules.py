"""SMS and contacts tasks' parameters and success rules as pure functions over the models.

AndroidWorld's SMS rule: a sent message to the number whose body fuzzy-matches, dated within the last five
minutes of device time, with SMS Messenger in the foreground when the episode ends.
"""

from __future__ import annotations

import random
from typing import Any

from vera.env.android.sim.apps.contacts_model import (
    FIRST_NAMES,
    LAST_NAMES,
    ContactsBook,
    random_name,
    random_number,
    same_number,
)
from vera.env.android.sim.apps.sms_model import ADDRESSES, SENTENCES, SmsStore, fuzzy_match

SMS_PACKAGE = "com.simplemobiletools.smsmessenger"
CONTACTS_PACKAGE = "com.google.android.contacts"

Params = dict[str, Any]


def send_params(rng: random.Random) -> Params:
    return {"number": random_number(rng), "message": rng.choice(SENTENCES)}


def sent_ok(store: SmsStore, params: Params, now_ms: int, foreground: str) -> bool:
    return foreground == SMS_PACKAGE and store.was_sent(params["number"], params["message"], now_ms)


def other_sentence(rng: random.Random, avoid: str) -> str:
    return rng.choice([s for s in SENTENCES if s != avoid])


def resend_params(rng: random.Random) -> Params:
    return {"name": random_name(rng), "number": random_number(rng), "message": rng.choice(SENTENCES)}


def resend_ok(store: SmsStore, params: Params, sent_before: int) -> bool:
    """Exactly one more sent message, and the newest repeats the earlier one (number and body)."""
    sent = store.sent()
    if len(sent) != sent_before + 1:
        return False
    newest, original = sent[0], sent[-1]
    return same_number(newest.address, original.address) and fuzzy_match(newest.body, original.body)


def received_address_params(rng: random.Random) -> Params:
    name1 = random_name(rng)
    return {
        "name1": name1,
        "number": random_number(rng),
        "name2": random_name(rng, excluding=(name1,)),
        "message": rng.choice(ADDRESSES),
    }


def add_contact_params(rng: random.Random) -> Params:
    return {"name": random_name(rng), "number": random_number(rng)}


def add_contact_ok(book: ContactsBook, params: Params) -> bool:
    return book.has(params["name"], params["number"])


def draft_params(rng: random.Random) -> Params:
    phone = f"{rng.randint(200, 999)}-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}"
    return {
        "first": rng.choice(FIRST_NAMES),
        "last": rng.choice(LAST_NAMES),
        "phone": phone,
        "phone_label": rng.choice(("Home", "Work")),
    }


def count_answer_ok(answer: str | None, expected: int) -> bool:
    """Numeric IR answer: the first number in the text equals ``expected``."""
    if not answer:
        return False
    for token in answer.replace(",", " ").split():
        try:
            return float(token.strip(".")) == float(expected)
        except ValueError:
            continue
    return False


def init_rng(params: Params) -> random.Random:
    """The random stream for a task's ``initialize`` (background data): seeded from the instance seed but
    independent of the stream that drew the params, so noise never repeats a parameter by accident."""
    return random.Random(f"initialize:{params['seed']}")
