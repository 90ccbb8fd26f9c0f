"""The verifier's cue features (`vera.verifier.cues`): word overlaps, progress read from the history,
toggle states. Pure functions of the context text and the candidates' short texts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vera.verifier.cues import (
    FEATURE_SETS,
    N_TOGGLES,
    cue_features,
    lexical_features,
    progress_features,
    toggle_features,
)
from vera.verifier.encoder import split_context


def test_split_context_and_lexical_features():
    assert split_context("Goal: a\nDone: x | y\n\nScreen: s") == ["Goal: a", "Done: x", "y", "Screen: s"]
    feats = lexical_features(["Goal: call Alice", "Screen: <button>Alice</button>"],
                             ['click on "Alice"', 'click on "Bob"', "navigate_back"])
    assert feats.shape == (3, 15)
    assert feats[0, 0] == 1.0 and feats[1, 0] == 0.0  # distinctive word found / not found
    assert feats[0, 3] == 1.0 and feats[1, 3] == 0.0  # quoted string in context / not
    assert feats[0, 2] == 1.0  # in the first (goal) segment


def test_progress_features():
    context = ('Goal: Add contact "Ann Lee" with phone 555-1234\n'
               'Done: Opened Contacts | Clicked on the "Add" button | '
               'Typed "Ann Lee" into the "Name" field, indicating the input was accepted\n'
               "Screen: App: contacts\n<input id=2>Ann Lee</input>\n<button id=5>Save</button>")
    cands = ["type 'Ann Lee' into input 'Name' holding 'Ann Lee' #2", "type '555-1234' into input 'Phone' (empty) #3",
             "click button 'Add' #5", "click button 'Save' #6", "status complete: the task is done"]
    feats = progress_features(split_context(context), cands)
    assert feats.shape == (5, 17)
    typed_before, holds, empty, repeats, same_as_last = (feats[:, i] for i in range(5))
    assert typed_before.tolist() == [1, 0, 0, 0, 0] and holds.tolist() == [1, 0, 0, 0, 0]
    assert empty.tolist() == [0, 1, 0, 0, 0] and same_as_last.tolist() == [1, 0, 0, 0, 0]
    assert repeats[2] > 0 and repeats[3] == 0  # "Add" was clicked before, "Save" was not
    status = feats[4]
    assert status[6] == 1 and 0 < status[7] < 1  # status: some of the goal's values typed, not all
    assert status[9] == 1  # the last step typed (nothing saved since)
    assert feats[:4, 6:12].abs().sum() == 0  # the status-only columns are zero for other candidates
    asked = progress_features(split_context("Goal: How many alarms are set?\nDone: nothing yet\nScreen: s"),
                              ["answer '3'", "status complete: the task is done"])
    assert asked[0, 14] == 1 and asked[0, 15] == 0 and asked[1, 16] == 1  # unanswered question: answer first
    assert feats[:, 14:].sum() == 0  # not a question: no answer candidates here, status not held back
    # nothing done yet: the "start" column is set, no history-derived cue is
    fresh = progress_features(split_context("Goal: x\nDone: nothing yet\nScreen: s"), cands)
    assert fresh[:, 13].tolist() == [1] * 5 and fresh[:, [0, 3, 4, 5]].abs().sum() == 0
    assert cue_features(split_context(context), cands).shape == (5, FEATURE_SETS["progress"])
    assert cue_features(split_context(context), cands, "lexical").shape == (5, FEATURE_SETS["lexical"])
    # hyphenated words also match joined: a goal's "wifi" finds "Wi-Fi"
    joined = lexical_features(["Goal: turn wifi on", "Screen: x"], ["click checkbox 'Wi-Fi' #3", "wait"], joined=True)
    plain = lexical_features(["Goal: turn wifi on", "Screen: x"], ["click checkbox 'Wi-Fi' #3", "wait"])
    assert joined[0, 0] > 0 and plain[0, 0] == 0


def _toggle_context(goal: str, *boxes: tuple[int, bool, str]) -> list[str]:
    screen = "\n".join(f"<checkbox id={i} checked={on}>{label}</checkbox>" for i, on, label in boxes)
    return split_context(f"Goal: {goal}\nDone: nothing yet\nScreen: App: settings\n{screen}")


STATUS = "status complete: the task is done"


def test_toggle_features_tell_a_needed_click_from_a_done_task():
    wifi = ["click checkbox 'Wi-Fi' #3", "click checkbox 'Airplane mode' #9", STATUS]
    off = toggle_features(_toggle_context("Turn wifi on.", (3, False, "Wi-Fi"), (9, False, "Airplane mode")), wifi)
    assert off.tolist() == [[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 1, 0]]  # click helps; status is premature
    on = toggle_features(_toggle_context("Turn wifi on.", (3, True, "Wi-Fi"), (9, False, "Airplane mode")), wifi)
    assert on.tolist() == [[0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]]  # click would undo; status is right
    # "off" goals want the toggle unchecked
    bt = ["click checkbox 'Bluetooth' #4", STATUS]
    assert toggle_features(_toggle_context("Turn bluetooth off.", (4, True, "Bluetooth")), bt)[0, 0] == 1
    assert toggle_features(_toggle_context("Disable Bluetooth", (4, False, "Bluetooth")), bt)[1, 3] == 1
    # prefixes name days; words every toggle shares name none of them
    days = _toggle_context("Make the 2:35 PM alarm repeat every Monday.", (5, False, "Sun"), (6, False, "Mon"))
    assert toggle_features(days, ["click checkbox 'Sun' #5", "click checkbox 'Mon' #6"]).tolist() == [
        [0, 0, 0, 0], [1, 0, 0, 0]]
    prio = split_context("Goal: set the priority of the task 'X' to high.\nDone: nothing yet\nScreen: s\n"
                         "<checkbox id=3 checked=True text='Medium priority'></checkbox>\n"
                         "<checkbox id=9 checked=False text='High priority'></checkbox>")
    assert toggle_features(prio, ["click checkbox 'Medium priority' #3", "click checkbox 'High priority' #9"]
                           ).tolist() == [[0, 0, 0, 0], [1, 0, 0, 0]]
    # no toggle on screen: all zero; and the feature set's width
    assert toggle_features(split_context("Goal: x\nScreen: s"), wifi).abs().sum() == 0
    assert cue_features(split_context("Goal: x\nScreen: s"), wifi, "toggles").shape == (3, FEATURE_SETS["toggles"])


@settings(max_examples=200, deadline=None)
@given(goal=st.text(max_size=80), boxes=st.lists(st.tuples(st.integers(0, 40), st.booleans(),
                                                         st.text(alphabet=st.characters(blacklist_characters="<>'"),
                                                                 max_size=20)), max_size=6),
       candidates=st.lists(st.text(max_size=40), max_size=6))
def test_toggle_features_parse_any_screen(goal, boxes, candidates):
    feats = toggle_features(_toggle_context(goal, *boxes), [*candidates, STATUS])
    assert feats.shape == (len(candidates) + 1, N_TOGGLES)
    assert set(feats.flatten().tolist()) <= {0.0, 1.0}
    assert feats[-1, 2] + feats[-1, 3] <= 1  # a named toggle is pending or all are settled, not both
    assert feats[:, 2:].sum() == feats[-1, 2:].sum()  # status-only columns


