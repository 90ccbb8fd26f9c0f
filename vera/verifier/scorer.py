"""The `Scorer` protocol: one scalar per candidate action, the shared context's work done once.

A verifier prompt is ``context + candidate``: the context (system text, goal, history, screen) is the
same for every candidate of a step and comes first; the candidate (the action, then the question) comes
last, as in V-Droid. Higher scores mean "more helpful for the task".

Implementations: `vera.llm.hf.HFScorer` (HF causal LM: P(Yes) or a value head, prefix-shared),
`vera.verifier.encoder.EncoderVerifier` (the embedded MiniLM default), `vera.llm.openai_http`
(OpenAI-compatible servers and `vera serve`).

Training (P3): a `TrainableScorer` also gives differentiable scores; `preference_step` runs one
Bradley-Terry step over `PreferenceExample`s for any of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import torch
from torch import Tensor


@runtime_checkable
class Scorer(Protocol):
    """Scores candidates that share one context."""

    def score(self, context: str, candidates: list[str]) -> list[float]:
        """One score per candidate, in the candidates' order; the context is processed once."""
        ...


@runtime_checkable
class TrainableScorer(Scorer, Protocol):
    """A scorer whose scores are differentiable with respect to its trainable parameters."""

    def score_tensor(self, context: str, candidates: list[str]) -> Tensor:
        """Scores [N] with gradients (training mode is the caller's business)."""
        ...

    def trainable_parameters(self) -> list[torch.nn.Parameter]:
        ...


def score_many(scorer: Scorer, items: Iterable[tuple[str, list[str]]]) -> list[list[float]]:
    """Score several (context, candidates) decisions; uses `scorer.score_batch` when it has one."""
    items = list(items)
    batch = getattr(scorer, "score_batch", None)
    if batch is not None:
        return batch(items)
    return [scorer.score(context, candidates) for context, candidates in items]


@dataclass(frozen=True)
class PreferenceExample:
    """One P3 state: the same context, the oracle's action as `positive`, other candidates as `negatives`."""

    context: str
    positive: str
    negatives: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.negatives:
            raise ValueError("a PreferenceExample needs at least one negative")


def pairwise_loss(positive: Tensor, negative: Tensor, margin: float = 0.0) -> Tensor:
    """Bradley-Terry loss, mean over pairs: ``-log sigmoid(s+ - s- - margin)``.

    `positive` broadcasts against `negative` (e.g. a scalar against [K] negatives).
    """
    return -torch.nn.functional.logsigmoid(positive - negative - margin).mean()


LOSSES = ("pairwise", "listwise")


def listwise_loss(scores: Tensor) -> Tensor:
    """Softmax cross-entropy of the positive (``scores[0]``) against all the state's candidates: it
    trains the top-1 choice the agent makes, not only pairs."""
    return -torch.log_softmax(scores, dim=0)[0]


def preference_step(scorer: TrainableScorer, examples: Sequence[PreferenceExample],
                    optimizer: torch.optim.Optimizer, margin: float = 0.0,
                    max_grad_norm: float | None = 1.0, loss: str = "pairwise") -> dict[str, Any]:
    """One optimizer step over `examples`; returns loss, pairwise accuracy and top-1 accuracy.

    Each example's candidates are scored together (one shared context). ``pairwise``: Bradley-Terry,
    every (positive, negative) pair weighs the same in the mean; ``listwise``: the mean of the
    per-state softmax cross-entropy plus the pairwise loss (so a few far-off negatives still count).
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    optimizer.zero_grad(set_to_none=True)
    losses, correct, pairs, top1 = [], 0, 0, 0
    listwise = []
    for ex in examples:
        scores = scorer.score_tensor(ex.context, [ex.positive, *ex.negatives])
        pos, neg = scores[0], scores[1:]
        losses.append(-torch.nn.functional.logsigmoid(pos - neg - margin))
        if loss == "listwise":
            listwise.append(listwise_loss(scores))
        correct += int((pos.detach() > neg.detach()).sum())
        top1 += int(bool((pos.detach() > neg.detach()).all()))
        pairs += len(neg)
    value = torch.cat(losses).mean()
    if listwise:
        value = value + torch.stack(listwise).mean()
    value.backward()
    if max_grad_norm is not None:
        torch.nn.utils.clip_grad_norm_(scorer.trainable_parameters(), max_grad_norm)
    optimizer.step()
    return {"loss": float(value.detach()), "pair_accuracy": correct / max(pairs, 1), "pairs": pairs,
            "top1_accuracy": top1 / max(len(examples), 1)}


def ranking_accuracy(scorer: Scorer, examples: Sequence[PreferenceExample]) -> tuple[float, float]:
    """(pairwise, top-1) accuracy from one scoring pass: the share of (positive, negative) pairs where
    the positive scores strictly higher, and the share of states where it beats every negative."""
    correct = pairs = hits = 0
    for ex in examples:
        scores = scorer.score(ex.context, [ex.positive, *ex.negatives])
        wins = [scores[0] > s for s in scores[1:]]
        correct += sum(wins)
        pairs += len(wins)
        hits += all(wins)
    return correct / max(pairs, 1), hits / max(len(examples), 1)


def top1_accuracy(scorer: Scorer, examples: Sequence[PreferenceExample]) -> float:
    """Share of states whose positive scores strictly above every negative (the agent's choice)."""
    return ranking_accuracy(scorer, examples)[1]


def pairwise_accuracy(scorer: Scorer, examples: Sequence[PreferenceExample]) -> float:
    """Share of (positive, negative) pairs where the positive scores strictly higher."""
    return ranking_accuracy(scorer, examples)[0]
