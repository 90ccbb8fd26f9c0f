"""The verifier prompt (research notes section 1.4), with the candidate action LAST.

Everything that depends only on the step (goal, working memory, screen) forms one context string, and
each candidate adds only a short suffix, so a prefix-sharing scorer computes the context once per step:
``score(context, [suffix_1, ..., suffix_n])``.

Two styles share the `PromptStyle` protocol:

- `VDroidPrompt`: V-Droid's `SELF_EVAL_TEMPLATE_VERIFIER_TRAINING_V3` for causal LMs; the context ends
  with ``Is `` and each suffix is ``{action} helpful for completing the task?\\nAnswer:``, so P(Yes) or the
  value head is read at the last token.
- `CompactPrompt`: the same facts in a short form for the small embedded encoder, whose input window
  (256 tokens) would be spent on boilerplate otherwise: goal first, then the history, then the screen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from vera.env.android.types import UIElement
from vera.memory.working import WorkingMemory
from vera.verifier.candidates import Candidate
from vera.verifier.html import is_keyboard, screen_html

NO_HISTORY = "You just started, no action has been performed yet."

VDROID_PREFIX = (
    "You are an agent who can operate an Android phone on behalf of a user. Based on user's goal/request, "
    "you may\n"
    "- Answer back if the request/goal is a question (or a chat message), like user asks \"What is my "
    "schedule for today?\".\n"
    "- Complete some tasks described in the requests/goals by performing actions (step by step) on the "
    "phone.\n"
    "When given a user request, you will try to complete it step by step. At each step, you will be given "
    "a history of actions taken and the HTML description of the current screenshot.\n"
    "The current date is {date}.\n"
)

VDROID_TEMPLATE = (
    "{prefix}"
    "The (overall) user goal/request is: {goal}\n"
    "Here is the history of actions taken:\n{history}\n"
    "Here is the detailed information about the UI elements in the current screenshot:\n{screen}\n"
    "Your task:\n"
    "- Determine if the action is helpful for completing the user's task.\n"
    "- Respond with **\"Yes\"** if the action is helpful, even if it does not directly complete the task.\n"
    "- Respond with **\"No\"** if the action is not helpful for the task.\n"
    "Is "
)
VDROID_SUFFIX = "{action} helpful for completing the task?\nAnswer:"


class PromptStyle(Protocol):
    """How a step's context and a candidate's suffix are written."""

    name: str

    def history(self, memory: WorkingMemory) -> list[str]: ...

    def screen(self, elements: Sequence[UIElement]) -> str: ...

    def context(self, goal: str, history: Sequence[str], screen: str) -> str: ...

    def action(self, candidate: Candidate) -> str: ...


@dataclass(frozen=True)
class VDroidPrompt:
    """V-Droid's verifier prompt (no chat template; the tokenizer adds BOS)."""

    date: str = "Sun, Oct 15"
    name: str = "vdroid"

    def history(self, memory: WorkingMemory) -> list[str]:
        return memory.lines()

    def screen(self, elements: Sequence[UIElement]) -> str:
        return screen_html(list(elements))

    def context(self, goal: str, history: Sequence[str], screen: str) -> str:
        return VDROID_TEMPLATE.format(prefix=VDROID_PREFIX.format(date=self.date), goal=goal,
                                      history="\n".join(history) if history else NO_HISTORY, screen=screen)

    def action(self, candidate: Candidate) -> str:
        return VDROID_SUFFIX.format(action=candidate.prompt_text)


@dataclass(frozen=True)
class CompactPrompt:
    """Goal, history and screen in a few lines, for the embedded encoder verifier."""

    max_history: int = 24
    name: str = "compact"

    def history(self, memory: WorkingMemory) -> list[str]:
        return memory.summaries()

    def screen(self, elements: Sequence[UIElement]) -> str:
        """The foreground app first (its own line), then the elements."""
        packages = Counter(e.package_name for e in elements if e.package_name and not is_keyboard(e))
        app = packages.most_common(1)[0][0] if packages else "unknown"
        return f"App: {app}\n{screen_html(list(elements))}"

    def context(self, goal: str, history: Sequence[str], screen: str) -> str:
        recent = list(history)[-self.max_history:]
        done = " | ".join(recent) if recent else "nothing yet"
        return f"Goal: {goal}\nDone: {done}\nScreen: {screen}"

    def action(self, candidate: Candidate) -> str:
        return candidate.short_text


PROMPT_STYLES: dict[str, type[VDroidPrompt] | type[CompactPrompt]] = {
    "vdroid": VDroidPrompt, "compact": CompactPrompt,
}


def build_prompts(style: PromptStyle, goal: str, history: Sequence[str], elements: Sequence[UIElement],
                  candidates: Sequence[Candidate]) -> tuple[str, list[str]]:
    """(shared context, one suffix per candidate): the arguments of `Scorer.score`."""
    return style.context(goal, history, style.screen(elements)), [style.action(c) for c in candidates]
