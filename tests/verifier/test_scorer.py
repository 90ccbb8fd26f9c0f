"""The Scorer protocol helpers: Bradley-Terry loss, one preference step, score_many, pairwise accuracy."""

from __future__ import annotations

import math

import pytest
import torch

from vera.verifier.scorer import (
    PreferenceExample,
    Scorer,
    TrainableScorer,
    pairwise_accuracy,
    pairwise_loss,
    preference_step,
    score_many,
)


class BagOfWords:
    """A tiny trainable scorer for the helpers' logic: a weight per word of the candidate."""

    VOCAB = ["open", "clock", "contacts", "back", "home", "wait"]

    def __init__(self) -> None:
        self.weights = torch.nn.Parameter(torch.zeros(len(self.VOCAB)))
        self.batch_calls = 0

    def _features(self, candidate: str) -> torch.Tensor:
        return torch.tensor([float(w in candidate.split()) for w in self.VOCAB])

    def score_tensor(self, context: str, candidates: list[str]) -> torch.Tensor:
        return torch.stack([self._features(c) @ self.weights for c in candidates])

    def score(self, context: str, candidates: list[str]) -> list[float]:
        with torch.no_grad():
            return self.score_tensor(context, candidates).tolist()

    def trainable_parameters(self) -> list[torch.nn.Parameter]:
        return [self.weights]


def test_pairwise_loss_values():
    pos, neg = torch.tensor(1.0), torch.tensor([0.0, 1.0])
    expected = (math.log1p(math.exp(-1.0)) + math.log(2.0)) / 2
    assert float(pairwise_loss(pos, neg)) == pytest.approx(expected)
    # the margin asks for a larger gap: the same scores cost more
    assert float(pairwise_loss(pos, neg, margin=1.0)) > float(pairwise_loss(pos, neg))


def test_preference_step_learns_the_positive():
    scorer = BagOfWords()
    assert isinstance(scorer, Scorer) and isinstance(scorer, TrainableScorer)
    examples = [PreferenceExample("goal: open the clock", "open clock", ("back", "home", "wait")),
                PreferenceExample("goal: open contacts", "open contacts", ("wait", "back"))]
    optimizer = torch.optim.SGD(scorer.trainable_parameters(), lr=0.5)
    first = preference_step(scorer, examples, optimizer)
    assert first["pairs"] == 5 and first["loss"] == pytest.approx(math.log(2.0))
    for _ in range(30):
        last = preference_step(scorer, examples, optimizer, margin=0.1)
    assert last["loss"] < 0.5 * first["loss"]
    assert pairwise_accuracy(scorer, examples) == 1.0


def test_score_many_prefers_batch_method():
    scorer = BagOfWords()
    items = [("c", ["open clock"]), ("c", ["back", "home"])]
    assert score_many(scorer, items) == [[0.0], [0.0, 0.0]]

    def batch(items_):
        scorer.batch_calls += 1
        return [scorer.score(c, k) for c, k in items_]

    scorer.score_batch = batch
    assert score_many(scorer, items) == [[0.0], [0.0, 0.0]] and scorer.batch_calls == 1


def test_preference_example_needs_negatives():
    with pytest.raises(ValueError, match="negative"):
        PreferenceExample("c", "a", ())


def test_listwise_step_reports_top1_and_learns():
    from vera.verifier.scorer import listwise_loss, top1_accuracy

    # uniform scores over 4 candidates: cross-entropy log 4
    assert float(listwise_loss(torch.zeros(4))) == pytest.approx(math.log(4.0))
    scorer = BagOfWords()
    examples = [PreferenceExample("goal: open the clock", "open clock", ("back", "home", "wait")),
                PreferenceExample("goal: open contacts", "open contacts", ("wait", "back"))]
    optimizer = torch.optim.SGD(scorer.trainable_parameters(), lr=0.5)
    first = preference_step(scorer, examples, optimizer, loss="listwise")
    # pairwise log 2 plus the mean of log 4 and log 3
    assert first["loss"] == pytest.approx(math.log(2.0) + (math.log(4.0) + math.log(3.0)) / 2)
    assert first["top1_accuracy"] == 0.0  # ties are not wins
    for _ in range(30):
        preference_step(scorer, examples, optimizer, loss="listwise")
    assert top1_accuracy(scorer, examples) == 1.0
    with pytest.raises(ValueError, match="loss must be one of"):
        preference_step(scorer, examples, optimizer, loss="nope")
