"""The shipped verifier's training recipe, in one place: the defaults of `P3Config`, `TrainRun` and
`vera train verifier` (this module imports nothing heavy, so the CLI can read it at start-up).

`vera train verifier --out vera/verifier/weights/default.safetensors --no-final-success --fresh` with
these values retrains the shipped verifier from scratch (README, "V-Droid"; add ``--workers 2`` to train
two heads at a time).
"""

from __future__ import annotations

SEEDS = 10  # oracle trajectories per train task (seeds 0..N-1)
EPOCHS = 12  # epochs over the oracle pairs
NEGATIVES = 48  # negatives per positive
LOSS = "listwise"  # softmax over the state's sampled candidates, plus Bradley-Terry
LR = 1e-3
BATCH_SIZE = 16  # states per optimizer step
MARGIN = 0.0  # Bradley-Terry margin
ROUNDS = 0  # joint-annotation rounds after the first training
ROUND_EPOCHS = 3
FEATURES = "commits"  # the encoder head's cue features (vera.verifier.cues)
HEADS = 5  # encoder heads from seeds 0..4, shipped as an ensemble (their mean score)
