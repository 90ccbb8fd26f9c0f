"""V-Droid's action space: element rules, defaults, slot values (hypothesis for the parser), completion."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from vera.env.android.types import BoundingBox, JSONAction, UIElement
from vera.env.android.uitree import parse_ui_xml
from vera.verifier.candidates import (
    CLEAR_TEXT,
    TEXT_SLOT,
    SlotValues,
    complete_candidate,
    extract_candidates,
    extract_slot_values,
    find_candidate,
    launcher_app_names,
    parse_completion,
    same_action,
    slot_values_for,
)

BOX = BoundingBox(0, 100, 0, 100)


def _kinds_for(candidates, index):
    return sorted(c.kind for c in candidates if c.index == index)


def test_element_rules_follow_vdroid():
    elements = [
        UIElement(text="Save", is_clickable=True, bbox_pixels=BOX),
        UIElement(text="Wi-Fi", is_checkable=True, bbox_pixels=BOX),
        UIElement(text="Name", is_editable=True, bbox_pixels=BOX),
        UIElement(is_scrollable=True, bbox_pixels=BOX),
        UIElement(content_description="Media volume", bbox_pixels=BOX),
        UIElement(text="just a label", bbox_pixels=BOX),
        UIElement(text="inherited", bbox_pixels=BOX, metadata={"clickable_ancestor": True}),
        UIElement(text="q", is_clickable=True, package_name="com.google.android.inputmethod.latin"),
    ]
    cands = extract_candidates(elements)
    assert _kinds_for(cands, 0) == ["click", "long_press"]
    assert _kinds_for(cands, 1) == ["click", "long_press"]
    assert _kinds_for(cands, 2) == [CLEAR_TEXT, "input_text"]
    assert [c.action.direction for c in cands if c.index == 3] == ["up", "down", "left", "right"]
    assert [c.action.direction for c in cands if c.index == 4] == ["left", "right"]
    assert _kinds_for(cands, 5) == []
    assert _kinds_for(cands, 6) == ["click", "long_press"]
    assert _kinds_for(cands, 7) == []  # keyboard skipped
    defaults = [c.kind for c in cands if c.index is None]
    assert defaults == ["navigate_home", "navigate_back", "open_app", "wait", "status", "answer"]
    # Abstract slots without values: no executable action yet, literal placeholders in the text.
    typed = next(c for c in cands if c.kind == "input_text")
    assert typed.is_abstract and TEXT_SLOT in typed.text and typed.slot == TEXT_SLOT
    clear = next(c for c in cands if c.kind == CLEAR_TEXT)
    assert clear.action == JSONAction("input_text", index=2, text="", clear_text=True)
    assert json.loads(clear.text) == {"action_type": "clear_text", "index": 2}


def test_filled_slots_make_one_candidate_per_value():
    elements = [UIElement(text="Name", is_editable=True, bbox_pixels=BOX)]
    slots = SlotValues(text=("Ann", "Bo"), app=("Contacts",), answer=("42",))
    cands = extract_candidates(elements, slots)
    typed = [c.action.text for c in cands if c.kind == "input_text"]
    assert typed == ["Ann", "Bo"]
    assert [c.action.app_name for c in cands if c.kind == "open_app"] == ["Contacts"]
    assert [c.action.text for c in cands if c.kind == "answer"] == ["42"]
    assert all(not c.is_abstract for c in cands)
    assert find_candidate(cands, JSONAction("input_text", index=0, text="bo", clear_text=True)).value == "Bo"
    assert find_candidate(cands, JSONAction("input_text", index=0, text="Cy")) is None


def test_children_of_clickable_parents_from_real_xml():
    xml = ('<hierarchy rotation="0"><node class="android.widget.LinearLayout" clickable="true" '
           'bounds="[0,0][500,100]"><node class="android.widget.TextView" text="Alice" '
           'bounds="[0,0][200,100]"/></node><node class="android.widget.TextView" text="Title" '
           'bounds="[0,200][500,300]"/></hierarchy>')
    elements = parse_ui_xml(xml)
    cands = extract_candidates(elements)
    assert _kinds_for(cands, 0) == ["click", "long_press"]
    assert _kinds_for(cands, 1) == []


def test_launcher_app_names():
    elements = [UIElement(text="Contacts", is_clickable=True, package_name="com.android.launcher3"),
                UIElement(text="Clock", content_description="Clock", package_name="com.android.launcher3",
                          metadata={"clickable_ancestor": True}),
                UIElement(text="Other", is_clickable=True, package_name="com.app")]
    assert launcher_app_names(elements) == ["Contacts", "Clock"]
    slots = slot_values_for("Open Contacts", elements, app_names=["Files"])
    assert slots.app == ("Files", "Contacts", "Clock")


def test_goal_values_examples():
    goal = 'Add a contact named John Smith with phone +1 (555) 123-4567 and note "call back" on 2024-03-05.'
    values = extract_slot_values(goal)
    for expected in ("John Smith", "+1 (555) 123-4567", "call back", "2024-03-05"):
        assert expected in values
    assert "Running late" in extract_slot_values("Send an SMS to 555-1234 saying Running late")
    assert "report_2023.pdf" in extract_slot_values("Rename report_2023.pdf to final.pdf")
    assert "March 3rd, 2024" in extract_slot_values("Set it for March 3rd, 2024 at 7:30 AM")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).lower()


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
_SAFE = st.text(alphabet=st.characters(blacklist_characters="\"'“”\n\r", blacklist_categories=("Cs",)),
                min_size=1, max_size=30).filter(lambda s: s.strip() == s and s.strip(" ,.;:!?") == s and s)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_values_are_unique_nonempty_substrings(text):
    values = extract_slot_values(text)
    assert len({v.lower() for v in values}) == len(values)
    for value in values:
        assert value.strip() == value and value
        assert _norm(value) in _norm(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORD, max_size=6), _SAFE, st.lists(_WORD, max_size=6))
def test_quoted_strings_are_extracted_verbatim(before, quoted, after):
    goal = " ".join([*before, f'"{quoted}"', *after])
    assert quoted in extract_slot_values(goal)


@settings(max_examples=100, deadline=None)
@given(st.lists(_WORD, max_size=6), st.integers(min_value=0, max_value=10**9), st.lists(_WORD, max_size=6))
def test_numbers_are_extracted(before, number, after):
    goal = " ".join([*before, str(number), *after]) + "."
    assert str(number) in extract_slot_values(goal, limit=100)


@settings(max_examples=100, deadline=None)
@given(_WORD, _WORD, st.sampled_from(["com", "org", "io"]), st.lists(_WORD, max_size=5))
def test_emails_are_extracted(user, host, tld, words):
    email = f"{user}@{host}.{tld}"
    assert email in extract_slot_values(" ".join(["mail", email, *words]))


_ACTIONS = st.one_of(
    st.builds(lambda t, i: {"action_type": "input_text", "text": t, "index": i},
              st.text(min_size=1, max_size=20), st.integers(0, 50)),
    st.builds(lambda a: {"action_type": "open_app", "app_name": a}, st.text(min_size=1, max_size=20)),
)


@settings(max_examples=100, deadline=None)
@given(_ACTIONS, st.text(alphabet="abc xyz:\n", max_size=40), st.sampled_from(["plain", "action", "fenced"]))
def test_parse_completion_finds_the_action(action, noise, wrapper):
    body = json.dumps(action)
    text = {"plain": f"{noise} {body}", "action": f"{noise}\nAction: {body}",
            "fenced": f"{noise}\n```json\n{body}\n```"}[wrapper]
    assert parse_completion(text) == action


def test_complete_candidate_fills_or_keeps_the_abstract_action():
    elements = [UIElement(text="Name", is_editable=True, bbox_pixels=BOX)]
    abstract = next(c for c in extract_candidates(elements) if c.kind == "input_text")
    done, error = complete_candidate(abstract, 'Action: {"action_type": "input_text", "text": "Ann", "index": 0}')
    assert error is None and done.action == JSONAction("input_text", text="Ann", index=0, clear_text=True)
    kept, error = complete_candidate(abstract, "I think you should type a name")
    assert kept is abstract and "unparseable" in error
    app = next(c for c in extract_candidates(elements) if c.kind == "open_app")
    done, error = complete_candidate(app, '{"action_type": "open_app", "app_name": "Clock"}')
    assert error is None and done.action.app_name == "Clock"


def test_same_action_ignores_case_and_false_clear_text():
    assert same_action(JSONAction("input_text", text="Ann", index=1, clear_text=False),
                       JSONAction("input_text", text="ann", index=1))
    assert not same_action(JSONAction("click", index=1), JSONAction("long_press", index=1))


def test_slot_values_cover_values_read_on_other_screens():
    # "text.." in a goal was typed as "text." (one period)
    assert "Remember to bring the charger." in extract_slot_values(
        "Create a note with the following text: Remember to bring the charger.. Share it via SMS")
    # a street address stays whole
    assert "789 E Oak St, Phoenix AZ 85006" in extract_slot_values("The event is at 789 E Oak St, Phoenix AZ 85006.")
    # a CSV note read earlier: its cells (and a cell's sentences) are values, its whole rows are not
    note = "name,amount,note\nCoffee,$177.16,Paid by card. Reimbursable.\nDress,$258.78,Urgent"
    values = slot_values_for("Log the reimbursable expenses", [], earlier_texts=[note]).text
    assert {"Coffee", "Paid by card", "Dress"} <= set(values)
    assert not any(v.startswith("Coffee,$177.16") for v in values)


def test_answers_include_editor_text_and_two_attribute_rows():
    editor = [UIElement(text="note.txt", bbox_pixels=BOX),
              UIElement(text="Call me back.", is_editable=True, bbox_pixels=BOX)]
    assert "Call me back." in slot_values_for("What is written in note.txt?", editor).answer
    event = [UIElement(text="October 28, 2023  15:00 - 16:00", bbox_pixels=BOX)]
    assert "October 28 2023 15:00" in slot_values_for("When is my next meeting?", event).answer
    rows = []
    for i, (title, date, priority) in enumerate([("A", "Oct 28", "High"), ("B", "Oct 28", "Low"),
                                                 ("C", "Oct 27", "High"), ("D", "Oct 28", "High")]):
        top = 100 * i
        rows += [UIElement(content_description=f"{priority} priority", is_checkable=True,
                           bbox_pixels=BoundingBox(0, 50, top, top + 100)),
                 UIElement(text=title, resource_id="app:id/title", bbox_pixels=BoundingBox(60, 500, top + 20, top + 60)),
                 UIElement(text=date, bbox_pixels=BoundingBox(60, 500, top + 50, top + 70))]
    answers = slot_values_for("Which high priority tasks are due Oct 28?", rows).answer
    assert "A, D" in answers  # high priority AND due Oct 28
