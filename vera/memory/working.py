"""V-Droid's working memory (research notes section 1.6).

One entry per executed step, rendered ``Step k- Action selected: {action_json}. {summary}``; an empty
memory reads "You just started, no action has been performed yet.". Summaries come from a `Summarizer`:
`RuleSummarizer` (V-Droid's ``generate_step_summary`` templates, no model needed) or `LLMSummarizer`
(V-Droid's summary prompt to any `vera.llm` LLM, falling back to the rule summary when the model
returns nothing usable).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from vera.env.android import types as T
from vera.env.android.types import UIElement
from vera.verifier.candidates import CLEAR_TEXT, Candidate
from vera.verifier.html import element_label, screen_html

NO_HISTORY = "You just started, no action has been performed yet."


@dataclass(frozen=True)
class MemoryEntry:
    """One remembered step: what was selected and what came of it."""

    step: int
    action: str
    summary: str

    def render(self) -> str:
        return f"Step {self.step}- Action selected: {self.action}. {self.summary}".rstrip()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class StepOutcome:
    """What a summarizer sees: the goal, the chosen candidate, the screens before and after, any error."""

    goal: str
    candidate: Candidate
    before: Sequence[UIElement]
    after: Sequence[UIElement]
    error: str | None = None


class Summarizer(Protocol):
    def summarize(self, outcome: StepOutcome) -> str: ...


def _label(elements: Sequence[UIElement], index: int | None) -> str:
    if index is None or index >= len(elements):
        return f"element {index}"
    return element_label(elements[index])


def _screen_texts(elements: Sequence[UIElement]) -> set[str]:
    return {t.strip().lower() for e in elements for t in (e.text, e.content_description) if t}


class RuleSummarizer:
    """V-Droid's rule summaries ("Clicked on the "X" button", "Typed "t" into "f" field", ...)."""

    def summarize(self, outcome: StepOutcome) -> str:
        c = outcome.candidate
        if outcome.error:
            return f"The action failed: {outcome.error}"
        action = c.action
        label = _label(outcome.before, c.index)
        if c.kind == T.CLICK:
            text = f'Clicked on the "{label}" button'
        elif c.kind == T.LONG_PRESS:
            text = f'Long-pressed on the "{label}" element'
        elif c.kind == T.INPUT_TEXT and action is not None:
            typed = action.text or ""
            accepted = typed.strip().lower() in _screen_texts(outcome.after)
            text = f'Typed "{typed}" into the "{label}" field' + (
                ", indicating the input was accepted" if accepted else "")
        elif c.kind == CLEAR_TEXT:
            text = f'Cleared the "{label}" field'
        elif c.kind == T.SCROLL and action is not None:
            text = f'Scrolled the "{label}" element (index {c.index}) {action.direction} to reveal more content'
        elif c.kind == T.OPEN_APP and action is not None:
            text = f"Opened {action.app_name}"
        elif c.kind == T.NAVIGATE_BACK:
            text = "Navigated back to the previous page"
        elif c.kind == T.NAVIGATE_HOME:
            text = "Went to the home screen"
        elif c.kind == T.WAIT:
            text = "Waited for the screen to update"
        elif c.kind == T.ANSWER and action is not None:
            text = f'Answered "{action.text}"'
        elif c.kind == T.STATUS:
            text = "Declared the task complete"
        else:
            text = f"Performed {c.kind}"
        if c.kind not in (T.ANSWER, T.STATUS, T.WAIT) and _same_screen(outcome.before, outcome.after):
            text += "; the screen did not change"
        return text + "."


def _same_screen(before: Sequence[UIElement], after: Sequence[UIElement]) -> bool:
    def digest(elements: Sequence[UIElement]) -> list[tuple[Any, ...]]:
        return [(e.text, e.content_description, e.is_checked, e.resource_name) for e in elements]
    return digest(before) == digest(after)


SUMMARY_PROMPT = (
    "You are an agent who operates an Android phone on behalf of a user.\n"
    "The (overall) user goal/request is: {goal}\n"
    "The screen before the action:\n{before}\n"
    "The action selected: {action}\n"
    "The screen after the action:\n{after}\n"
    "Give a brief summary of this step: what you intended, why, whether it worked as expected, if not "
    "what might be the reason (be critical), and what should or should not be done next. Use less than "
    "50 words, in a single line; it will be used as memory to carry information between apps.\n"
    "Summary:"
)


class LLMSummarizer:
    """V-Droid's LLM summaries; any object with ``generate(prompt, max_new_tokens=...) -> str``."""

    def __init__(self, llm: Any, *, max_new_tokens: int = 80, fallback: Summarizer | None = None) -> None:
        self.llm = llm
        self.max_new_tokens = max_new_tokens
        self.fallback = fallback or RuleSummarizer()

    def summarize(self, outcome: StepOutcome) -> str:
        prompt = SUMMARY_PROMPT.format(goal=outcome.goal, before=screen_html(list(outcome.before)),
                                       action=outcome.candidate.text, after=screen_html(list(outcome.after)))
        try:
            raw = self.llm.generate(prompt, max_new_tokens=self.max_new_tokens)
        except Exception as exc:  # a flaky model must not lose the step
            return self.fallback.summarize(outcome) + f" (LLM summary failed: {exc})"
        summary = polish_summary(raw)
        return summary or self.fallback.summarize(outcome)


def polish_summary(text: str) -> str:
    """One line, "Action History:" removed, repeated sentences dropped (V-Droid's polish_summary)."""
    text = re.sub(r"(?i)action history:\s*", "", text or "").replace("\n", " ").strip()
    sentences: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if sentence and sentence not in sentences:
            sentences.append(sentence)
    return " ".join(sentences)[:400]


class WorkingMemory:
    """The step history an agent shows its verifier."""

    def __init__(self, entries: Sequence[MemoryEntry | dict[str, Any]] = ()) -> None:
        self.entries: list[MemoryEntry] = [
            e if isinstance(e, MemoryEntry) else MemoryEntry(**e) for e in entries]

    def add(self, action: str, summary: str) -> MemoryEntry:
        entry = MemoryEntry(len(self.entries) + 1, action, summary)
        self.entries.append(entry)
        return entry

    def lines(self) -> list[str]:
        """V-Droid's rendering, one "Step k- ..." line per entry."""
        return [e.render() for e in self.entries]

    def summaries(self) -> list[str]:
        """Only the summaries (the compact history the embedded verifier reads)."""
        return [e.summary for e in self.entries]

    def render(self) -> str:
        return "\n".join(self.lines()) if self.entries else NO_HISTORY

    def to_list(self) -> list[dict[str, Any]]:
        return [e.to_dict() for e in self.entries]
