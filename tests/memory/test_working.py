"""Working memory: V-Droid's rendering, rule summaries, LLM summaries with fallback."""

from __future__ import annotations

from vera.env.android.types import BoundingBox, UIElement
from vera.memory.working import (
    NO_HISTORY,
    LLMSummarizer,
    RuleSummarizer,
    StepOutcome,
    WorkingMemory,
    polish_summary,
)
from vera.verifier.candidates import SlotValues, extract_candidates

BOX = BoundingBox(0, 10, 0, 10)
BEFORE = [UIElement(text="", hint_text="Name", is_editable=True, bbox_pixels=BOX),
          UIElement(text="Save", is_clickable=True, bbox_pixels=BOX)]
AFTER = [UIElement(text="Ann", is_editable=True, bbox_pixels=BOX),
         UIElement(text="Save", is_clickable=True, bbox_pixels=BOX)]
CANDS = extract_candidates(BEFORE, SlotValues(text=("Ann",)))


def _cand(kind):
    return next(c for c in CANDS if c.kind == kind)


def test_rule_summaries():
    rule = RuleSummarizer()
    typed = rule.summarize(StepOutcome("g", _cand("input_text"), BEFORE, AFTER))
    assert typed == 'Typed "Ann" into the "Name" field, indicating the input was accepted.'
    click = rule.summarize(StepOutcome("g", _cand("click"), BEFORE, BEFORE))
    assert click == 'Clicked on the "Save" button; the screen did not change.'
    failed = rule.summarize(StepOutcome("g", _cand("click"), BEFORE, BEFORE, error="index 9 out of range"))
    assert failed == "The action failed: index 9 out of range"
    assert rule.summarize(StepOutcome("g", _cand("navigate_back"), BEFORE, AFTER)) == \
        "Navigated back to the previous page."


def test_memory_renders_vdroid_lines():
    memory = WorkingMemory()
    assert memory.render() == NO_HISTORY
    memory.add('{"action_type": "wait"}', "Waited.")
    memory.add('{"action_type": "navigate_back"}', "Went back.")
    assert memory.lines() == ['Step 1- Action selected: {"action_type": "wait"}. Waited.',
                              'Step 2- Action selected: {"action_type": "navigate_back"}. Went back.']
    assert WorkingMemory(memory.to_list()).lines() == memory.lines()


class _EchoLLM:
    def __init__(self, reply):
        self.reply = reply
        self.prompts = []

    def generate(self, prompt, max_new_tokens=80):
        self.prompts.append(prompt)
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


def test_llm_summaries_and_fallback():
    outcome = StepOutcome("Add Ann", _cand("input_text"), BEFORE, AFTER)
    llm = _EchoLLM("Action History: Typed the name. Typed the name.\nNext save.")
    assert LLMSummarizer(llm).summarize(outcome) == "Typed the name. Next save."
    assert "Add Ann" in llm.prompts[0] and "<input id=0>Ann</input>" in llm.prompts[0]
    assert LLMSummarizer(_EchoLLM("")).summarize(outcome).startswith('Typed "Ann"')
    broken = LLMSummarizer(_EchoLLM(RuntimeError("down"))).summarize(outcome)
    assert broken.endswith("(LLM summary failed: down)")


def test_polish_summary():
    assert polish_summary("A. A. B!\nC") == "A. B! C"
