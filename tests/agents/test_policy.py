"""What the V-Droid policy remembers of earlier screens (texts a later screen may need typed)."""

from __future__ import annotations

from vera.agents.policy import MAX_SEEN_TEXTS, VDroidPolicy
from vera.env.android.types import UIElement
from vera.verifier.prompt import CompactPrompt


def _policy() -> VDroidPolicy:
    policy = VDroidPolicy(scorer=None, style=CompactPrompt())  # type: ignore[arg-type]  # memory only
    policy.start_episode()
    return policy


def test_a_note_outlives_many_long_list_rows() -> None:
    policy = _policy()
    note = "Recipe: Minestrone\ndescription: A hearty soup\nservings: 4 servings"
    policy.observe([UIElement(text=note, class_name="android.widget.TextView")])
    rows = [UIElement(text=f"row {k} with a description of six words", class_name="android.widget.TextView")
            for k in range(3 * MAX_SEEN_TEXTS)]
    policy.observe(rows)
    assert note in policy.seen_texts
    assert len(policy.seen_lines) == MAX_SEEN_TEXTS
    assert policy.seen_lines[-1] == rows[-1].text  # the newest single lines are the ones kept


def test_short_editor_contents_are_remembered_and_a_new_episode_forgets() -> None:
    policy = _policy()
    policy.observe([UIElement(text="gUe52RvEJgwBuNO6n9JE", class_name="android.widget.EditText", is_editable=True),
                    UIElement(text="OK", class_name="android.widget.Button")])
    assert policy.seen_lines == ["gUe52RvEJgwBuNO6n9JE"]  # a short label is not remembered
    policy.start_episode()
    assert policy.seen_lines == [] and policy.seen_texts == []
