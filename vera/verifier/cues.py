"""Cue features of the embedded verifier: what word overlaps, the history and the screen say about each
candidate, as small dense vectors beside the MiniLM embeddings (see `vera.verifier.encoder`).

Four layers, each a named feature set saved in a head's config:

- lexical: overlaps of a candidate's distinctive words with the context and where they occur;
- progress: what the history and screen say (value already typed or shown, action repeated, how much of
  the goal is done when ``status complete`` is scored);
- toggles: whether a checkbox or switch the goal names is in the state the goal wants;
- commits: confirm and goal-verb clicks, goal values still pending, whether anything was committed yet.

They carry over to apps the head never saw, where embedding similarity alone does not.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

_WORD = re.compile(r"[a-z0-9]+")
ELEMENT_ID = re.compile(r'"index":\s*\d+|\bid=\d+')  # element ids say nothing about the goal
_QUOTED = re.compile(r"\"([^\"]{1,80})\"|'([^']{1,80})'")
# JSON keys and action words: the same for every candidate, so never evidence for one
_STOP = frozenset("action_type action type index text direction app_name app name goal_status status on id "
                  "is helpful for completing the task answer button p input checkbox checked true false "
                  "div a an of to in".split())



N_POS = 4


def position_features(n: int) -> Tensor:
    """[n, N_POS] position of each context segment: first, second, relative, last."""
    i = torch.arange(n, dtype=torch.float32)
    return torch.stack([(i == 0).float(), (i == 1).float(), i / max(n - 1, 1), (i == n - 1).float()], -1)


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(ELEMENT_ID.sub(" ", text.lower())) if w not in _STOP}


_HYPHENATED = re.compile(r"\b([a-z0-9]+)-([a-z0-9]+)\b")


def _words_joined(text: str) -> set[str]:
    """`_words` plus hyphenated words joined ("Wi-Fi" also gives "wifi", matching a goal's "wifi")."""
    lower = text.lower()
    return _words(lower) | {a + b for a, b in _HYPHENATED.findall(lower)}


def _quoted(text: str) -> list[str]:
    return [(a or b).lower() for a, b in _QUOTED.findall(text)]


N_LEXICAL = 15


def lexical_features(segments: Sequence[str], candidates: Sequence[str], joined: bool = False) -> Tensor:
    """[N, 15] overlap features of each candidate's distinctive words with the context.

    A word is distinctive when it occurs in at most half of the candidates (so element labels and slot
    values count, action boilerplate does not). Besides overall overlaps, the overlap with each of the
    first four segments (goal, then history in vera's prompts) and an overlap-weighted profile of the
    segment positions tell the head *where* the candidate is mentioned (asked for vs already done).
    """
    words = _words_joined if joined else _words
    cand_words = [words(c) for c in candidates]
    df: dict[str, int] = {}
    for ws in cand_words:
        for w in ws:
            df[w] = df.get(w, 0) + 1
    limit = max(1, len(candidates) // 2)
    seg_words = [words(s) for s in segments]
    all_words = set().union(*seg_words) if seg_words else set()
    first = seg_words[0] if seg_words else set()
    context_lower = "\n".join(segments).lower()
    first_lower = segments[0].lower() if segments else ""
    positions = position_features(len(segments)).tolist()
    rows = []
    for cand, ws in zip(candidates, cand_words, strict=True):
        distinct = {w for w in ws if df[w] <= limit} or ws
        n = max(len(distinct), 1)
        in_context = len(distinct & all_words) / n
        best_segment = max((len(distinct & sw) / n for sw in seg_words), default=0.0)
        in_first = len(distinct & first) / n
        quotes = _quoted(cand)
        quoted_found = sum(q in context_lower for q in quotes) / len(quotes) if quotes else 0.0
        quoted_in_first = sum(q in first_lower for q in quotes) / len(quotes) if quotes else 0.0
        per_segment = [len(distinct & sw) / n for sw in seg_words]
        first_four = (per_segment + [0.0] * 4)[:4]
        total = sum(per_segment) or 1.0
        profile = [sum(o * p[j] for o, p in zip(per_segment, positions, strict=True)) / total for j in range(4)]
        rows.append([in_context, best_segment, in_first, quoted_found, quoted_in_first, float(bool(quotes)),
                     math.log1p(len(distinct)) / 3.0, *first_four, *profile])
    return torch.tensor(rows, dtype=torch.float32)


# --- progress features (feature set "progress") ---------------------------------------------------------
# What the history and the screen say about each candidate: is its value already typed or shown, was
# this exact action done before (or just now, to no effect), and, for ``status complete``, how much of
# the goal's salient values has been entered or is visible. They are read from the context text the
# `CompactPrompt` writes ("Goal: ...", "Done: summary | summary ...", "Screen: ...") and the candidates'
# short texts; other prompt styles simply give zeros for the parts they lack. There is deliberately no
# step count: train tasks are short, so a learned "stop after about N steps" would not carry over to
# longer tasks on other apps.
N_PROGRESS = 17
_QUESTION = re.compile(r"\?|^\s*(?:what|which|how|when|where|who|whose|do i|does|did|is|are|was|were|can|could)\b",
                       re.IGNORECASE)
_TYPED = re.compile(r'^Typed "(.*)" into the "(.*)" field')
_CLICKED = re.compile(r'^(?:Clicked on|Long-pressed on) the "(.*)" (?:button|element)')
_ANSWERED = re.compile(r'^Answered "(.*)"')
_CAND_TYPE = re.compile(r"^type '(.*)' into (?:input '.*?' )?(?:holding '(.*)'|\(empty\))?", re.DOTALL)
_CAND_LABEL = re.compile(r"^(click|long press|scroll \w+|clear text of) \w+ '(.*?)'(?= holding '| \(empty\)| #|$)",
                         re.DOTALL)
_NO_CHANGE = "the screen did not change"


@dataclass(frozen=True)
class ContextFacts:
    """The parts of a compact context the progress features read."""

    goal: str
    history: tuple[str, ...]
    screen: str
    typed: frozenset[str]
    clicked: tuple[str, ...]
    answered: bool

    @property
    def last(self) -> str:
        return self.history[-1] if self.history else ""


def context_facts(segments: Sequence[str]) -> ContextFacts:
    """Goal, history items (oldest first) and screen text of a context split by `split_context`."""
    goal = segments[0].removeprefix("Goal:").strip() if segments else ""
    history: list[str] = []
    screen_at = len(segments)
    for i, seg in enumerate(segments[1:], start=1):
        if seg.startswith("Screen:"):
            screen_at = i
            break
        item = seg.removeprefix("Done:").strip()
        if item and item != "nothing yet":
            history.append(item)
    screen = "\n".join(segments[screen_at:]).lower()
    typed = frozenset(m.group(1).strip().lower() for h in history if (m := _TYPED.match(h)))
    clicked = tuple(m.group(1).strip().lower() for h in history if (m := _CLICKED.match(h)))
    answered = any(_ANSWERED.match(h) for h in history)
    return ContextFacts(goal, tuple(history), screen, typed, clicked, answered)


def _goal_values(goal: str) -> list[str]:
    """The goal's salient values: its most specific slot values (quoted strings, numbers, names...)."""
    from vera.verifier.candidates import extract_slot_values

    return [v.lower() for v in extract_slot_values(goal, limit=6) if len(v) >= 2]


def _typed_matches(value: str, typed: frozenset[str]) -> bool:
    return any(value == t or (len(value) >= 3 and value in t) for t in typed)


def progress_features(segments: Sequence[str], candidates: Sequence[str]) -> Tensor:
    """[N, N_PROGRESS] progress cues of each candidate (see the section comment)."""
    facts = context_facts(segments)
    n_steps = len(facts.history)
    last = facts.last
    last_lower = last.lower()
    last_no_change = float(_NO_CHANGE in last)
    last_typed = float(bool(_TYPED.match(last)))
    goal_values = _goal_values(facts.goal)
    typed_share = (sum(_typed_matches(v, facts.typed) for v in goal_values) / len(goal_values)
                   if goal_values else 0.0)
    shown_share = sum(v in facts.screen for v in goal_values) / len(goal_values) if goal_values else 0.0
    since_type = next((i for i, h in enumerate(reversed(facts.history)) if _TYPED.match(h)), None)
    clicked_after_type = float(since_type is not None and since_type > 0)
    question = float(bool(_QUESTION.search(facts.goal)))  # a question is answered; a task is not
    rows = []
    for cand in candidates:
        is_status = float(cand.startswith("status complete"))
        typed_before = holds = empty = 0.0
        repeat_count = 0
        same_as_last = 0.0
        typing = _CAND_TYPE.match(cand)
        if typing:
            value = typing.group(1).strip().lower()
            typed_before = float(value in facts.typed)
            holding = (typing.group(2) or "").strip().lower()
            holds = float(bool(value) and (value[:60] == holding or value[:60] in holding))
            empty = float(cand.rstrip().endswith("(empty)") or "(empty) #" in cand)
            same_as_last = float(last.startswith(f'Typed "{typing.group(1).strip()}"'))
        else:
            labelled = _CAND_LABEL.match(cand)
            if labelled:
                verb, label = labelled.group(1), labelled.group(2).strip().lower()
                repeat_count = sum(c == label for c in facts.clicked) if verb in ("click", "long press") else 0
                if verb == "click":
                    same_as_last = float(last_lower.startswith(f'clicked on the "{label}"'))
                elif verb == "long press":
                    same_as_last = float(last_lower.startswith(f'long-pressed on the "{label}"'))
                elif verb.startswith("scroll"):
                    same_as_last = float(last_lower.startswith(f'scrolled the "{label}"')
                                         and verb.split()[-1] in last_lower)
        is_answer = float(cand.startswith("answer '"))
        rows.append([
            typed_before, holds, empty, min(repeat_count, 3) / 3.0, same_as_last, same_as_last * last_no_change,
            is_status, is_status * typed_share, is_status * shown_share,
            is_status * last_typed, is_status * float(facts.answered), is_status * clicked_after_type,
            is_answer * float(facts.answered), float(n_steps == 0),
            is_answer * question, is_answer * (1.0 - question), is_status * question * (1.0 - float(facts.answered)),
        ])
    return torch.tensor(rows, dtype=torch.float32).reshape(len(candidates), N_PROGRESS)


# --- toggle features (feature set "toggles") -------------------------------------------------------------
# A checkbox or switch that the goal names ("Turn wifi on", "repeat every Monday", "priority to high")
# is either already as the goal wants it or not, and the screen says which (``checked=True``). MiniLM
# embeds "checked=False" and "checked=True" lines almost alike, so without these cues the head could not
# tell "click Wi-Fi" (needed) from ``status complete`` (done) on the same screen. The wanted state is
# off when the goal says so (turn/switch ... off, disable, deactivate, uncheck), else on.
N_TOGGLES = 4
_CHECKBOX = re.compile(r"<checkbox id=(\d+) checked=(True|False)(?: text='([^']*)')?>([^<]*)</checkbox>")
_WANT_OFF = re.compile(r"\b(?:(?:turn|switch)\s+(?:\S+\s+){0,3}?off|disable|deactivate|uncheck|unmark)\b",
                       re.IGNORECASE)
_CAND_CLICK_ID = re.compile(r"^click \w+ '.*' #(\d+)$", re.DOTALL)


def _names(words: set[str], goal_words: set[str], min_prefix: int = 3) -> bool:
    """Whether a label's words name one of `goal_words`: equal, or a prefix of `min_prefix`+ letters either
    way (mon/monday for toggles; record/recording for a goal's verb, with 4)."""
    return any(w == g or (min(len(w), len(g)) >= min_prefix and (w.startswith(g) or g.startswith(w)))
               for w in words for g in goal_words)


def toggle_features(segments: Sequence[str], candidates: Sequence[str]) -> Tensor:
    """[N, N_TOGGLES]: for a click on a toggle the goal names, whether it is in the wrong state (clicking
    helps) or already right (clicking undoes); for ``status complete``, whether such a toggle is still
    wrong, or all of them are right."""
    facts = context_facts(segments)
    want = not _WANT_OFF.search(facts.goal)
    goal_words = _words_joined(facts.goal)
    toggles = [(element_id, checked == "True", _words_joined(f"{desc or ''} {text}"))
               for line in segments for element_id, checked, desc, text in _CHECKBOX.findall(line)]
    # words every toggle has ("priority" in High/Medium/Low priority) name none of them in particular
    shared = set.intersection(*(words for _, _, words in toggles)) if len(toggles) > 1 else set()
    named: dict[str, bool] = {}  # element id -> its state is the wanted one
    for element_id, checked, words in toggles:
        if _names(words - shared or words, goal_words):
            named[element_id] = checked == want
    pending = float(any(not right for right in named.values()))
    settled = float(bool(named) and all(named.values()))
    rows = []
    for cand in candidates:
        click = _CAND_CLICK_ID.match(cand)
        right = named.get(click.group(1)) if click else None
        is_status = float(cand.startswith("status complete"))
        rows.append([float(right is False), float(right is True), is_status * pending, is_status * settled])
    return torch.tensor(rows, dtype=torch.float32).reshape(len(candidates), N_TOGGLES)


# --- commit features (feature set "commits") -------------------------------------------------------------
# Most tasks that change something end with a commit: a confirm button (Save, OK, Send), a button named
# by the goal's own verb ("Delete the contact ..." -> Delete, "Reset the stopwatch" -> Reset), typing,
# or a toggle. Whether that has happened, and whether the goal's values are still missing from both the
# history and the screen, is what tells a premature ``status complete`` or Save from a due one on an app
# the head never saw. The words are generic Android button vocabulary, not any app's labels.
N_COMMITS = 8
_CONFIRM_WORDS = frozenset("save ok done send apply confirm submit yes finish".split())
_EFFECT_WORDS = _CONFIRM_WORDS | frozenset(
    "delete remove reset clear start stop pause resume rename move copy create add record mark set update "
    "allow accept replace".split())
_LEADING_CLAUSE = re.compile(r"^\s*(?:in|using|on|with|from)\b[^,.]{0,60},\s*", re.IGNORECASE)
_CAND_CLICKED_LABEL = re.compile(r"^(?:click|long press) \w+ '(.*?)'(?= holding '| \(empty\)| #|$)", re.DOTALL)


_STRICT_VALUE = re.compile(r"\"([^\"]{1,80})\"|'([^']{2,80})'|((?<![\w'])[+\w.:-]*\d[+\w.:-]*|\b\w+\.[a-z0-9]{2,4}\b)")
_DATE_OR_HOUR = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{1,2}h$")


def strict_goal_values(goal: str) -> list[str]:
    """Values a task must put somewhere, lower case: quoted strings, tokens with digits (numbers, phone
    numbers, times, file names) and file names. Stricter than the slot values, which aim at recall;
    ISO dates and "16h" hours are left out (pickers show them in other forms)."""
    found: list[str] = []
    for a, b, c in _STRICT_VALUE.findall(goal):
        value = (a or b or c).strip().rstrip(".,;:").lower()
        if len(value) >= 2 and not _DATE_OR_HOUR.match(value) and value not in found:
            found.append(value)
    return found


def goal_verb(goal: str) -> str:
    """The goal's leading imperative verb, lower case ("In Markor, move the note ..." -> "move"); empty
    for a question, which is answered rather than committed."""
    if _QUESTION.search(goal):
        return ""
    first = _WORD.match(_LEADING_CLAUSE.sub("", goal, count=1).lstrip().lower())
    return first.group(0) if first else ""


def commit_features(segments: Sequence[str], candidates: Sequence[str]) -> Tensor:
    """[N, N_COMMITS]: confirm and goal-verb clicks, how much of the goal's values is still pending
    (neither typed nor on screen), and for ``status complete`` whether anything effectful was done yet."""
    facts = context_facts(segments)
    verbs = {goal_verb(facts.goal)} - {""}  # a question has no verb, which names nothing
    values = strict_goal_values(facts.goal)
    pending = [v for v in values if not _typed_matches(v, facts.typed) and v not in facts.screen]
    pending_share = len(pending) / len(values) if values else 0.0
    clicked_words = [_words(label) for label in facts.clicked]
    verb_done = float(any(_names(words, verbs, min_prefix=4) for words in clicked_words))
    toggles = {(desc or text).strip().lower() for line in segments for _, _, desc, text in _CHECKBOX.findall(line)}
    effect_done = float(bool(facts.typed) or facts.answered or verb_done > 0
                        or any(words & _EFFECT_WORDS for words in clicked_words)
                        or any(label in toggles for label in facts.clicked))
    rows = []
    for cand in candidates:
        is_status = float(cand.startswith("status complete"))
        clicked = _CAND_CLICKED_LABEL.match(cand)
        label_words = _words(clicked.group(1)) if clicked else set()
        confirm = float(bool(label_words & _CONFIRM_WORDS))
        verb_click = float(_names(label_words, verbs, min_prefix=4))
        typing = _CAND_TYPE.match(cand)
        value = typing.group(1).strip().lower() if typing else ""
        types_pending = float(bool(value) and any(_typed_matches(v, frozenset({value})) for v in pending))
        rows.append([confirm, confirm * pending_share, verb_click, verb_click * verb_done, types_pending,
                     is_status * pending_share, is_status * (1.0 - effect_done), is_status * verb_done])
    return torch.tensor(rows, dtype=torch.float32).reshape(len(candidates), N_COMMITS)


# Feature sets (saved in the head's config; heads saved before the key existed used "lexical"):
#   lexical:  the 15 lexical overlap features;
#   progress: those (hyphenated words also joined) plus the N_PROGRESS progress features;
#   toggles:  those plus the N_TOGGLES toggle features;
#   commits:  those plus the N_COMMITS commit features.
FEATURE_SETS = {"lexical": N_LEXICAL, "progress": N_LEXICAL + N_PROGRESS, "toggles": N_LEXICAL + N_PROGRESS + N_TOGGLES,
                "commits": N_LEXICAL + N_PROGRESS + N_TOGGLES + N_COMMITS}


def cue_features(segments: Sequence[str], candidates: Sequence[str], feature_set: str = "progress") -> Tensor:
    """The head's non-embedding inputs for a feature set: [N, FEATURE_SETS[feature_set]]."""
    if feature_set == "lexical":
        return lexical_features(segments, candidates)
    parts = [lexical_features(segments, candidates, joined=True), progress_features(segments, candidates)]
    if feature_set in ("toggles", "commits"):
        parts.append(toggle_features(segments, candidates))
    if feature_set == "commits":
        parts.append(commit_features(segments, candidates))
    return torch.cat(parts, dim=-1)

