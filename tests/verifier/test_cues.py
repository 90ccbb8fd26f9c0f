"""The verifier's cue features (`vera.verifier.cues`): word overlaps, progress read from the history,
toggle states, commits. Pure functions of the context text and the candidates' short texts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vera.verifier.cues import (
    FEATURE_SETS,
    N_COMMITS,
    N_TOGGLES,
    commit_features,
    cue_features,
    goal_verb,
    lexical_features,
    progress_features,
    strict_goal_values,
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




def _commit_context(goal: str, done: list[str], screen: str) -> list[str]:
    return split_context(f"Goal: {goal}\nDone: {' | '.join(done) or 'nothing yet'}\nScreen: App: x\n{screen}")


def test_goal_verb_and_strict_values():
    assert goal_verb("Delete the contact Eva Silva from Contacts.") == "delete"
    assert goal_verb("In Markor, move the note a.md from A to B.") == "move"
    assert goal_verb("How many alarms are set?") == "" and goal_verb("") == ""
    assert strict_goal_values('Rename the recording Record-1.m4a to "note_DD8X" in the app.') == [
        "record-1.m4a", "note_dd8x"]
    assert strict_goal_values("Create a contact for Ann Lee. Their number is +18048764759.") == ["+18048764759"]
    # ISO dates and "16h" are shown by pickers in other forms: not values that must appear as written
    assert strict_goal_values("create an event on 2023-10-20 at 16h titled 'Gym'") == ["gym"]


def test_commit_features_hold_back_status_and_save_until_the_goal_is_committed():
    goal = 'Rename the file clip-1.m4a to "note_DD8X".'
    cands = ["click button 'Save' #3", "type 'note_DD8X' into input 'Name' holding 'clip-1' #1",
             "click button 'Rename' #4", "click button 'Cancel' #2", STATUS]
    opened = commit_features(_commit_context(goal, ['Opened Files.', 'Long-pressed on the "clip-1.m4a" '
                                                   'element.'], "<p id=0>clip-1.m4a</p>"), cands)
    assert opened.shape == (5, N_COMMITS)
    confirm, confirm_pending, verb_click, verb_again, types_pending = (opened[:, i] for i in range(5))
    assert confirm.tolist() == [1, 0, 0, 0, 0] and confirm_pending[0] == 0.5  # the new name is still missing
    assert verb_click.tolist() == [0, 0, 1, 0, 0] and verb_again.sum() == 0
    assert types_pending.tolist() == [0, 1, 0, 0, 0]
    assert opened[4, 5] == 0.5 and opened[4, 6] == 1 and opened[4, 7] == 0  # status: pending, nothing committed
    assert opened[:4, 5:].abs().sum() == 0  # status-only columns
    typed = commit_features(_commit_context(goal, ['Clicked on the "Rename" button.', 'Typed "note_DD8X" into the '
                                                  '"Name" field, indicating the input was accepted.'],
                                            "<p id=0>clip-1.m4a</p>\n<input id=1>note_DD8X</input>"), cands)
    assert typed[0, 1] == 0 and typed[1, 4] == 0  # nothing pending: Save is due, typing again is not
    assert typed[2, 3] == 1  # the verb's button was clicked already
    assert typed[4, 5] == 0 and typed[4, 6] == 0 and typed[4, 7] == 1
    # a click on a toggle on screen counts as committed
    toggled = commit_features(_commit_context("Turn wifi on.", ['Clicked on the "Wi-Fi" button.'],
                                              "<checkbox id=3 checked=True>Wi-Fi</checkbox>"), [STATUS])
    assert toggled[0, 6] == 0
    assert cue_features(_commit_context(goal, [], ""), cands, "commits").shape == (5, FEATURE_SETS["commits"])


@given(goal=st.text(max_size=80), done=st.lists(st.text(max_size=40), max_size=4),
       candidates=st.lists(st.text(max_size=40), max_size=6))
def test_commit_features_parse_any_context(goal, done, candidates):
    feats = commit_features(_commit_context(goal, done, ""), [*candidates, STATUS])
    assert feats.shape == (len(candidates) + 1, N_COMMITS)
    assert ((feats >= 0) & (feats <= 1)).all()
