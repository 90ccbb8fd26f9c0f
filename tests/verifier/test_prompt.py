"""Screen HTML and the verifier prompt: V-Droid's tags, and every candidate sharing one prefix."""

from __future__ import annotations

from vera.env.android.types import BoundingBox, UIElement
from vera.memory.working import WorkingMemory
from vera.verifier.candidates import extract_candidates
from vera.verifier.html import screen_html
from vera.verifier.prompt import NO_HISTORY, CompactPrompt, VDroidPrompt, build_prompts

BOX = BoundingBox(0, 10, 0, 10)
SCREEN = [
    UIElement(text="Alice", is_editable=True, bbox_pixels=BOX),
    UIElement(text="", hint_text="Phone", is_editable=True, bbox_pixels=BOX),
    UIElement(text="Wi-Fi", is_checkable=True, is_checked=True, content_description="wifi", bbox_pixels=BOX),
    UIElement(text="Save", is_clickable=True, bbox_pixels=BOX),
    UIElement(resource_name="com.x:id/sd_main_fab", is_clickable=True, bbox_pixels=BOX),
    UIElement(text="Row", metadata={"clickable_ancestor": True}, bbox_pixels=BOX),
    UIElement(is_scrollable=True, bbox_pixels=BOX),
    UIElement(text="Title", bbox_pixels=BOX),
    UIElement(bbox_pixels=BOX),
]


def test_screen_html_uses_vdroid_tags():
    html = screen_html(SCREEN).splitlines()
    assert html == [
        "<input id=0>Alice</input>",
        "<input id=1 hint='Phone'></input>",
        "<checkbox id=2 checked=True text='wifi'>Wi-Fi</checkbox>",
        "<button id=3>Save</button>",
        "<button id=4>sd main fab</button>",
        "<button id=5>Row</button>",
        "<p id=7>Title</p>",
    ]


def test_vdroid_prompt_puts_the_action_last_with_a_shared_prefix():
    memory = WorkingMemory()
    style = VDroidPrompt()
    cands = extract_candidates(SCREEN)
    context, suffixes = build_prompts(style, "Save the contact", style.history(memory), SCREEN, cands)
    assert screen_html(SCREEN) in context
    assert context.endswith("Is ")
    assert NO_HISTORY in context and "The (overall) user goal/request is: Save the contact" in context
    assert len(suffixes) == len(cands)
    for cand, suffix in zip(cands, suffixes, strict=True):
        assert suffix.startswith(cand.text) and suffix.endswith("helpful for completing the task?\nAnswer:")
        assert "Save the contact" not in suffix
    memory.add('{"action_type": "click", "index": 3}', 'Clicked on the "Save" button.')
    context2 = style.context("Save the contact", style.history(memory), "<p id=0>x</p>")
    assert 'Step 1- Action selected: {"action_type": "click", "index": 3}. Clicked on the "Save" button.' \
        in context2


def test_compact_prompt_keeps_goal_first_and_recent_history():
    memory = WorkingMemory()
    for i in range(12):
        memory.add("{}", f"did {i}.")
    style = CompactPrompt(max_history=3)
    context = style.context("Goal text", style.history(memory), "<p id=0>x</p>")
    assert context.startswith("Goal: Goal text\nDone: did 9. | did 10. | did 11.")
    cands = extract_candidates(SCREEN)
    assert "<input id=0>Alice</input>" in cands[0].prompt_text
    assert [style.action(c) for c in cands[:3]] == [
        "type '<text_input>' into input 'text field' holding 'Alice' #0",
        "clear text of input 'text field' holding 'Alice' #0",
        "type '<text_input>' into input 'Phone' (empty) #1"]
    assert style.action(next(c for c in cands if c.index == 3)) == "click button 'Save' #3"
    assert style.action(next(c for c in cands if c.kind == "status")) == "status complete: the task is done"
    screen = style.screen([UIElement(text="x", package_name="com.android.settings", bbox_pixels=BOX)])
    assert screen == "App: com.android.settings\n<p id=0>x</p>"
