"""V-Droid's discretized action space (research notes section 1.2, `extract_actions_with_display_id_v2`).

From the screen's `UIElement`s, every element gets the actions its properties allow:

- clickable or checkable (or a leaf inside a clickable ancestor): ``click`` and ``long_press``;
- editable: ``input_text`` with a text slot, and ``clear_text``;
- scrollable: four ``scroll``s; sliders and volume controls: ``scroll`` left and right;

then the defaults: ``navigate_home``, ``navigate_back``, ``open_app`` (app slot), ``wait``,
``status complete`` and ``answer`` (answer slot).

Slots (``<text_input>``, ``<name>``, ``<answer_text>``) are either kept abstract, for V-Droid's LLM
completion step after selection, or filled by vera with concrete values taken from the goal and the
screen (quoted strings, names, numbers, dates, phone numbers, e-mails, file names, launcher app names),
each value its own candidate for the verifier to score.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from vera.env.android import types as T
from vera.env.android.types import JSONAction, UIElement
from vera.verifier.html import (
    element_html,
    element_label,
    element_tag,
    field_name,
    inside_clickable,
    is_keyboard,
)

CLEAR_TEXT = "clear_text"  # V-Droid's extra action; executed as input_text "" with clear_text=True
TEXT_SLOT = "<text_input>"
APP_SLOT = "<name>"
ANSWER_SLOT = "<answer_text>"
SLOTS: tuple[str, ...] = (TEXT_SLOT, APP_SLOT, ANSWER_SLOT)
VOLUME_DESCRIPTIONS = frozenset({"media volume", "call volume", "ring & notification volume", "alarm volume"})


@dataclass(frozen=True)
class Candidate:
    """One action the verifier can score.

    ``text`` is V-Droid's JSON form (with the literal placeholder while a slot is open); ``target``
    is the addressed element in the screen's HTML form, so a verifier that cannot look the id up in
    the screen still sees what the action touches. ``action`` is the executable JSONAction, or None
    while a slot is open.
    """

    kind: str
    text: str
    action: JSONAction | None
    index: int | None = None
    slot: str | None = None
    target: str | None = None
    value: str | None = field(default=None, compare=False)
    label: str | None = field(default=None, compare=False)

    @property
    def is_abstract(self) -> bool:
        return self.action is None

    @property
    def prompt_text(self) -> str:
        """The action as the verifier prompt shows it: JSON, then the element it addresses."""
        return f"{self.text} on {self.target}" if self.target else self.text

    @property
    def short_text(self) -> str:
        """A few plain words for small encoders: ``click button 'Save' #5``, ``type 'Ann' into input 'Name' #2``."""
        act = self.action
        where = f" {self.label} #{self.index}" if self.label else ""
        if self.kind == T.INPUT_TEXT:
            typed = act.text if act is not None else self.slot
            return f"type '{typed}' into{where}"
        if self.kind == T.SCROLL and act is not None:
            return f"scroll {act.direction}{where}"
        if self.kind == T.OPEN_APP:
            return f"open app {act.app_name if act is not None else self.slot}"
        if self.kind == T.ANSWER:
            return f"answer '{act.text if act is not None else self.slot}'"
        if self.kind == T.STATUS:
            return "status complete: the task is done"
        if self.kind == CLEAR_TEXT:
            return f"clear text of{where}"
        return f"{self.kind.replace('_', ' ')}{where}"

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "text": self.text, "index": self.index, "slot": self.slot,
                "target": self.target,
                "action": self.action.to_dict() if self.action is not None else None}


def _json(payload: dict[str, object]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(", ", ": "))


def same_action(a: JSONAction, b: JSONAction) -> bool:
    """Action equality for coverage: JSONAction equality with ``clear_text`` None == False."""
    if a.action_type != b.action_type:
        return False
    da, db = a.to_dict(), b.to_dict()
    for d in (da, db):
        if d.get("clear_text") is False:
            d.pop("clear_text")
        for key in ("text", "app_name"):
            if isinstance(d.get(key), str):
                d[key] = d[key].strip().lower()
    return da == db


# --- slot values -------------------------------------------------------------------------------------
_QUOTED = re.compile(r"[\"“”]([^\"“”]{1,200})[\"“”]|(?<![\w])'([^']{1,200})'(?![\w])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_PHONE = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")
_FILE = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.[A-Za-z0-9]{1,5}\b")
_ADDRESS = re.compile(r"\b\d{1,6}\s+(?:[A-Z0-9][\w.'-]*\s+){1,5}?(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Dr|Drive|Ln|"
                      r"Lane|Way|Ct|Court|Pl|Place|Pkwy|Hwy|Sq|Ter)\.?(?:,?\s+[A-Z][\w.'-]*){0,4},?\s+[A-Z]{2}"
                      r",?\s+\d{5}(?:-\d{4})?\b")
_DATE_TIME = re.compile(r"\b([A-Z][a-z]+\.?)\s+(\d{1,2}),?\s+(\d{4}),?\s+(\d{1,2}:\d{2})\b")
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?:\s?[AaPp][Mm])?\b|\b\d{1,2}\s?[AaPp][Mm]\b")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b")
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
_WORD_DATE = re.compile(rf"\b(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|"
                        rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?(?:,?\s+\d{{4}})?)\b")
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:[.,]\d+)*(?![\w])")
_CAPITALIZED = re.compile(r"\b[A-Z][\w'&-]*(?:\s+(?:[A-Z][\w'&-]*|of|the|and|de|van|von|&)(?=\s+[A-Z]|\b))*")
_KEYWORD = re.compile(
    r"\b(?:named|called|titled|title|name|text|saying|says|message|note|body|subject|content|"
    r"description|label|to|as|with|reads?)\s*:?\s+", re.IGNORECASE)
_PHRASE = re.compile(r"(.+?)(?=$|[.;!?](?:\s|$)|,\s|\s+(?:and|with|to|in|on|then|for|from|at|by|saying)\s)",
                     re.IGNORECASE)
_OBJECT_NAME = re.compile(
    r"(?=\b(?:my|the|called|named|titled)\s+(.+?)\s+(?:event|note|task|contact|file|recipe|expense|"
    r"folder|recording|alarm|entry|item|list|message|conversation)s?\b)", re.IGNORECASE)  # overlapping
_SEGMENT_SPLIT = re.compile(r"\n|;|,\s*(?!\d{3}\b)|\s{2,}|:\s")  # list items, CSV fields, "key: value" parts
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")
_FIELD_SPLIT = re.compile(r"\n|\s{2,}|:\s")
_KEY_PREFIX = re.compile(r"^[\w ]{1,30}:\s*")
_STOPWORDS = frozenset(
    "a an the in on at to of for and or with from by is are was be it its this that then open add "
    "create set go make new delete remove what which who how when where please tap click use find app "
    "i my me you your".split())
_MAX_VALUES = 48
_MAX_EARLIER = 72  # values per text read on an earlier screen
_CSV_ROW = re.compile(r"[^,\s],[^,\s].*,[^\s]")  # two commas without spaces: a CSV row, not a value
_HOW_MANY = re.compile(r"\bhow many\b|\bnumber of\b|\bcount\b", re.IGNORECASE)
_MAX_SHOWN = 8  # screen texts offered to text slots
_MAX_EDITS = 12  # values tried as an added line or header of a field's text


def _clean(value: str) -> str:
    return value.strip().strip(",.;:!?").strip()


def _add(values: list[str], seen: set[str], value: str, *, verbatim: bool = False) -> None:
    """Add a cleaned value once; stop words only when the user quoted them (``verbatim``). A sentence
    keeps its final punctuation as a second value ("Call me." and "Call me")."""
    raw = value.strip().rstrip(",;:").strip()
    if not verbatim and raw[-1:] in (".", "!", "?") and len(raw.split()) >= 3:
        single = raw[:len(raw.rstrip(".!?")) + 1]  # "Call me.." or "Call me?." was typed as "Call me." / "?"
        for variant in dict.fromkeys((raw, single)):
            if variant.lower() not in seen:
                seen.add(variant.lower())
                values.append(variant)
    value = value.strip() if verbatim else _clean(value)
    key = value.lower()
    if not value or key in seen or len(value) > 200:
        return
    if key in _STOPWORDS and not verbatim:
        return
    seen.add(key)
    values.append(value)


def extract_slot_values(text: str, *, limit: int = _MAX_VALUES) -> list[str]:
    """Concrete values a text slot may take, from a goal or a screen text, most specific first.

    Quoted strings, e-mails, URLs, phone numbers, dates, times, file names, names after words like
    "named"/"titled", list items and "key: value" fields, runs of capitalized words (and each word of a
    run), then numbers.
    """
    if not text:
        return []
    values: list[str] = []
    seen: set[str] = set()
    for match in _QUOTED.finditer(text):
        _add(values, seen, match.group(1) or match.group(2) or "", verbatim=True)
    for pattern in (_EMAIL, _URL, _ADDRESS, _PHONE, _WORD_DATE, _ISO_DATE, _TIME, _FILE):
        for match in pattern.finditer(text):
            _add(values, seen, match.group(0))
    for keyword in _KEYWORD.finditer(text):
        phrase = _PHRASE.match(text, keyword.end())
        if phrase is not None and phrase.group(1)[:1] not in "\"'“”" and len(phrase.group(1).split()) <= 8:
            _add(values, seen, phrase.group(1).strip("\"'“”"))
    for match in _OBJECT_NAME.finditer(text):
        if len(match.group(1).split()) <= 5:
            _add(values, seen, match.group(1))
    for field_text in _FIELD_SPLIT.split(text):  # "key: value" fields of a structured goal
        field_text = _KEY_PREFIX.sub("", field_text.strip())
        if field_text and field_text != text.strip() and len(field_text.split()) <= 25:
            _add(values, seen, field_text)
        if field_text and field_text != text.strip():  # its sentences, also of a long field
            for sentence in _SENTENCE_SPLIT.split(field_text)[:-1]:
                if len(sentence.split()) <= 25:
                    _add(values, seen, sentence)
    for segment in _SEGMENT_SPLIT.split(text):
        segment = _KEY_PREFIX.sub("", segment.strip())
        if segment and segment != text.strip() and len(segment.split()) <= 6:
            _add(values, seen, segment)
            for sentence in _SENTENCE_SPLIT.split(segment)[:-1]:  # a cell "Paid by card. Reimbursable."
                _add(values, seen, sentence)
    for match in _CAPITALIZED.finditer(text):  # free text at the end: "... of the note Happy birthday!"
        before = text[:match.start()].rstrip()
        tail = text[match.start():].strip()
        if before and before[-1].isalpha() and before[-1].islower() and 2 <= len(tail.split()) <= 20:
            _add(values, seen, tail)
    for match in _CAPITALIZED.finditer(text):
        run = match.group(0)
        if match.start() == 0 or text[match.start() - 2: match.start()].strip() in (".", "!", "?", ":"):
            words = run.split()
            if len(words) > 1:
                _add(values, seen, " ".join(words[1:]))
        _add(values, seen, run)
        words = run.split()
        if len(words) > 1:
            for word in words:
                _add(values, seen, word)
    for match in _NUMBER.finditer(text):
        _add(values, seen, match.group(0))
    return values[:limit]


def screen_values(elements: Sequence[UIElement], *, limit: int = _MAX_VALUES) -> list[str]:
    """Texts shown on the screen (whole texts, then the values inside them), for answer slots."""
    values: list[str] = []
    seen: set[str] = set()
    for element in elements:
        if is_keyboard(element) or element.is_editable:
            continue
        for raw in (element.text, element.content_description):
            if raw:
                _add(values, seen, raw)
    for element in elements:  # a note open in an editor: its text is the answer to "what is written"
        if element.is_editable and not is_keyboard(element) and element.text:
            _add(values, seen, element.text)
    for answer in list_answers(elements):
        _add(values, seen, answer)
    for element in elements:  # "October 28, 2023  15:00 - 16:00" also as "October 28 2023 15:00"
        for match in _DATE_TIME.finditer(element.text or ""):
            _add(values, seen, " ".join(match.groups()))
    for element in elements:
        if is_keyboard(element):
            continue
        for raw in (element.text, element.content_description):
            for value in extract_slot_values(raw or "", limit=8):
                _add(values, seen, value)
    return values[:limit]


def _row_of(items: list[UIElement], element: UIElement) -> int | None:
    """Which list row (by vertical bands around the items) an element's centre falls in."""
    if element.bbox_pixels is None:
        return None
    y = element.bbox_pixels.center[1]
    centres = [item.bbox_pixels.center[1] for item in items if item.bbox_pixels is not None]
    if len(centres) != len(items):
        return None
    for i, centre in enumerate(centres):
        upper = (centres[i - 1] + centre) / 2 if i > 0 else float("-inf")
        lower = (centre + centres[i + 1]) / 2 if i + 1 < len(centres) else float("inf")
        if upper <= y < lower:
            return i
    return None


def _item_groups(elements: Sequence[UIElement]) -> dict[str, list[UIElement]]:
    """Texts that share a resource id (a list's rows), by resource id."""
    groups: dict[str, list[UIElement]] = {}
    for element in elements:
        if element.resource_id and element.text and not element.is_editable and not is_keyboard(element):
            groups.setdefault(element.resource_id, []).append(element)
    return groups


def list_items(elements: Sequence[UIElement], max_items: int = 12) -> list[str]:
    """The texts of list rows (2..max_items texts sharing a resource id), in screen order."""
    return [item.text or "" for items in _item_groups(elements).values() if 2 <= len(items) <= max_items
            for item in items]


def list_answers(elements: Sequence[UIElement], max_items: int = 12) -> list[str]:
    """Comma-separated answers made of list items: every item of a list (items share a resource id),
    and the items whose row shows one attribute value (a date, "High priority"), alone and crossed
    with the row's checkbox state (done / not done)."""
    groups = _item_groups(elements)
    answers: list[str] = []
    for items in groups.values():
        if not 2 <= len(items) <= max_items:
            continue
        answers.append(", ".join(item.text or "" for item in items))
        attributes: dict[str, set[int]] = {}
        checked: dict[bool, set[int]] = {True: set(), False: set()}
        for element in elements:
            if element in items or is_keyboard(element):
                continue
            row = _row_of(items, element)
            if row is None:
                continue
            if element.is_checkable:
                checked[bool(element.is_checked)].add(row)
            for value in (element.text, element.content_description):
                if value:
                    attributes.setdefault(value, set()).add(row)
        subsets = [rows for rows in attributes.values() if 0 < len(rows) < len(items)]
        subsets += [rows & state for rows in [*attributes.values(), set(range(len(items)))]
                    for state in checked.values() if rows & state]
        partial = [rows for rows in attributes.values() if 1 < len(rows) < len(items)]
        subsets += [a & b for i, a in enumerate(partial) for b in partial[i + 1:]  # two attributes at once
                    if a & b and a & b != a and a & b != b]
        for rows in subsets:
            answers.append(", ".join(items[i].text or "" for i in sorted(rows)))
    return list(dict.fromkeys(answers))


LAUNCHER_HINTS = ("launcher", "home")


def launcher_app_names(elements: Sequence[UIElement]) -> list[str]:
    """App labels on a launcher screen (elements of a package that looks like a launcher)."""
    names: list[str] = []
    for element in elements:
        package = (element.package_name or "").lower()
        if not any(hint in package for hint in LAUNCHER_HINTS):
            continue
        label = element.text or element.content_description
        if label and (element.is_clickable or inside_clickable(element)) and label not in names:
            names.append(label)
    return names


# --- candidate extraction ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SlotValues:
    """Concrete values for the three slots; an empty tuple keeps that slot abstract."""

    text: tuple[str, ...] = ()
    app: tuple[str, ...] = ()
    answer: tuple[str, ...] = ()


def slot_values_for(goal: str, elements: Sequence[UIElement], app_names: Iterable[str] = (),
                    earlier_texts: Sequence[str] = ()) -> SlotValues:
    """The default (no-LLM) slot values: text from the goal (and from texts read on earlier screens),
    answers from the screen and the goal."""
    goal_values = extract_slot_values(goal)
    for text in earlier_texts:  # whole CSV rows ("a,$1.00,b") are never typed; their cells are
        whole = [text.strip()] if len(text.strip()) <= 200 else []  # a message to forward as it is
        found = [v for v in whole + extract_slot_values(text, limit=160) if not _CSV_ROW.search(v)]
        goal_values += [v for v in found[:_MAX_EARLIER] if v not in goal_values]
    apps = list(dict.fromkeys([*app_names, *launcher_app_names(elements)]))
    counts = [str(n) for n in range(11)] if _HOW_MANY.search(goal) else []
    answers = list(dict.fromkeys([*screen_values(elements), *counts, *goal_values]))
    shown = [e.text for e in elements  # messages and notes on screen, to be typed again (resend, forward)
             if e.text and not e.is_editable and not is_keyboard(e) and len(e.text.split()) >= 3]
    items = list(dict.fromkeys(list_items(elements)))  # list entries, to search for by name
    texts = list(dict.fromkeys([*goal_values, *shown[:_MAX_SHOWN], *items[:_MAX_SHOWN]]))
    return SlotValues(text=tuple(texts), app=tuple(apps), answer=tuple(answers[:_MAX_VALUES + len(counts)]))


def _is_slider(element: UIElement) -> bool:
    resource = (element.resource_name or "").lower()
    desc = (element.content_description or "").lower()
    return "slider" in resource or "seekbar" in (element.class_name or "").lower() or desc in VOLUME_DESCRIPTIONS


def _element_candidates(index: int, element: UIElement, slots: SlotValues) -> list[Candidate]:
    target = element_html(index, element) or f"<element id={index}>{element_label(element)}</element>"
    tag = element_tag(element) or "element"
    label = f"{tag} '{element_label(element)}'"
    if element.is_editable:  # the field's name, then what it holds now
        text = (element.text or "").replace("\n", " ").strip()
        label = f"input '{field_name(element)}' " + (f"holding '{text[:60]}'" if text else "(empty)")
    out: list[Candidate] = []
    if element.is_clickable or element.is_checkable or inside_clickable(element):
        for kind in (T.CLICK, T.LONG_PRESS):
            out.append(Candidate(kind, _json({"action_type": kind, "index": index}),
                                 JSONAction(action_type=kind, index=index), index, target=target, label=label))
    if element.is_editable:
        if slots.text:
            current = (element.text or "").strip()
            values = list(slots.text)
            if len(current.split()) >= 3:  # edit a text in place: a line at the bottom, or a header
                extra = [v for v in slots.text if len(v) >= 8][:_MAX_EDITS]
                values += [f"{current}\n{v}" for v in extra] + [f"{v}\n{current}" for v in extra]
                values += [f"{v}\n\n{current}" for v in extra]
            for value in values:
                out.append(Candidate(
                    T.INPUT_TEXT, _json({"action_type": T.INPUT_TEXT, "text": value, "index": index}),
                    JSONAction(action_type=T.INPUT_TEXT, text=value, index=index, clear_text=True), index,
                    target=target, value=value, label=label))
        else:
            out.append(Candidate(
                T.INPUT_TEXT, _json({"action_type": T.INPUT_TEXT, "text": TEXT_SLOT, "index": index}),
                None, index, slot=TEXT_SLOT, target=target, label=label))
        out.append(Candidate(
            CLEAR_TEXT, _json({"action_type": CLEAR_TEXT, "index": index}),
            JSONAction(action_type=T.INPUT_TEXT, text="", index=index, clear_text=True), index, target=target, label=label))
    if element.is_scrollable:
        directions: Sequence[str] = T.SCROLL_DIRECTIONS
    elif _is_slider(element):
        directions = ("left", "right")
    else:
        directions = ()
    for direction in directions:
        out.append(Candidate(
            T.SCROLL, _json({"action_type": T.SCROLL, "direction": direction, "index": index}),
            JSONAction(action_type=T.SCROLL, direction=direction, index=index), index, target=target, label=label))
    return out


def default_candidates(slots: SlotValues) -> list[Candidate]:
    """The actions V-Droid always appends."""
    out = [
        Candidate(T.NAVIGATE_HOME, _json({"action_type": T.NAVIGATE_HOME}), JSONAction(T.NAVIGATE_HOME)),
        Candidate(T.NAVIGATE_BACK, _json({"action_type": T.NAVIGATE_BACK}), JSONAction(T.NAVIGATE_BACK)),
    ]
    if slots.app:
        out.extend(Candidate(T.OPEN_APP, _json({"action_type": T.OPEN_APP, "app_name": name}),
                             JSONAction(T.OPEN_APP, app_name=name), value=name) for name in slots.app)
    else:
        out.append(Candidate(T.OPEN_APP, _json({"action_type": T.OPEN_APP, "app_name": APP_SLOT}), None,
                             slot=APP_SLOT))
    out.append(Candidate(T.WAIT, _json({"action_type": T.WAIT}), JSONAction(T.WAIT)))
    out.append(Candidate(T.STATUS, _json({"action_type": T.STATUS, "goal_status": "complete"}),
                         JSONAction(T.STATUS, goal_status="complete")))
    if slots.answer:
        out.extend(Candidate(T.ANSWER, _json({"action_type": T.ANSWER, "text": value}),
                             JSONAction(T.ANSWER, text=value), value=value) for value in slots.answer)
    else:
        out.append(Candidate(T.ANSWER, _json({"action_type": T.ANSWER, "text": ANSWER_SLOT}), None,
                             slot=ANSWER_SLOT))
    return out


def extract_candidates(elements: Sequence[UIElement], slots: SlotValues | None = None) -> list[Candidate]:
    """V-Droid's candidate set for one screen; abstract slots when `slots` is None or empty."""
    slots = slots or SlotValues()
    out: list[Candidate] = []
    for index, element in enumerate(elements):
        if is_keyboard(element) or element.is_visible is False:
            continue
        if element.is_enabled is False and not element.is_scrollable:
            continue
        out.extend(_element_candidates(index, element, slots))
    out.extend(default_candidates(slots))
    seen: set[str] = set()
    unique = []
    for candidate in out:
        if candidate.text not in seen:
            seen.add(candidate.text)
            unique.append(candidate)
    return unique


def find_candidate(candidates: Sequence[Candidate], action: JSONAction) -> Candidate | None:
    """The candidate whose action equals `action` (coverage and training positives)."""
    for candidate in candidates:
        if candidate.action is not None and same_action(candidate.action, action):
            return candidate
    return None


# --- completion of abstract actions -----------------------------------------------------------------
_DECODER = json.JSONDecoder()


def parse_completion(text: str) -> dict[str, object] | None:
    """The JSON action in an LLM completion: after ``Action:`` first, else the first JSON object found
    anywhere (bare or in a fenced block) that has an ``action_type``."""
    text = text or ""
    marker = text.rfind("Action:")
    starts = [i for i, ch in enumerate(text) if ch == "{"]
    if marker >= 0:
        starts = [i for i in starts if i > marker] + [i for i in starts if i < marker]
    for start in starts:
        try:
            data, _ = _DECODER.raw_decode(text, start)
        except json.JSONDecodeError:
            continue
        if isinstance(data, dict) and "action_type" in data:
            return data
    return None


def complete_candidate(candidate: Candidate, completion: str) -> tuple[Candidate, str | None]:
    """Fill an abstract candidate from an LLM completion; on failure keep it and say why.

    Returns the completed candidate (or the original one) and an error message or None. A kept
    abstract candidate cannot execute; the agent records the reason and goes on.
    """
    data = parse_completion(completion)
    if data is None:
        return candidate, f"unparseable completion, abstract action kept: {completion[:200]!r}"
    key = {TEXT_SLOT: "text", ANSWER_SLOT: "text", APP_SLOT: "app_name"}.get(candidate.slot or "", "text")
    value = data.get(key)
    if not isinstance(value, str) or not value or value in SLOTS:
        return candidate, f"completion has no {key!r} value, abstract action kept: {completion[:200]!r}"
    payload = json.loads(candidate.text)
    payload[key] = value
    kwargs = {k: v for k, v in payload.items() if k != "action_type"}
    if payload["action_type"] == T.INPUT_TEXT:
        kwargs["clear_text"] = True
    action = JSONAction(action_type=payload["action_type"], **kwargs)
    return Candidate(candidate.kind, _json(payload), action, candidate.index, None, candidate.target,
                     value, candidate.label), None
