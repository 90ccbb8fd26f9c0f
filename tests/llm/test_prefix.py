"""Fast prefix-shared strategies at the hidden-state level: equal to naive passes in float32, any layout."""

from __future__ import annotations

import pytest
import torch

from vera.llm.prefix import STRATEGIES
from vera.llm.testing import build_tiny_causal_lm


def _inputs(seed: int, context: int, lengths: list[int], vocab: int = 512):
    gen = torch.Generator().manual_seed(seed)
    ctx = torch.randint(3, vocab, (context,), generator=gen)
    return ctx, [torch.randint(3, vocab, (n,), generator=gen) for n in lengths]


@pytest.mark.parametrize("arch", ["llama", "qwen2"])
@pytest.mark.parametrize("layers", [1, 3])
@pytest.mark.parametrize("strategy", ["fast_shared_prefix_joint", "fast_shared_prefix_split"])
def test_fast_strategies_equal_naive_hidden_states(arch, layers, strategy):
    model = build_tiny_causal_lm(arch, seed=layers, num_layers=layers)
    naive = STRATEGIES["naive"]
    # several layouts: one candidate, single-token candidates, uneven lengths, a one-token context
    for seed, context, lengths in [(0, 37, [5]), (1, 50, [1, 1, 7, 3]), (2, 1, [4, 9, 1]), (3, 64, [12] * 6)]:
        ctx, cands = _inputs(seed, context, lengths)
        with torch.inference_mode():
            ref = naive.last_hidden(model, ctx, cands)
            got = STRATEGIES[strategy].last_hidden(model, ctx, cands)
        assert got.shape == ref.shape
        err = float(((got - ref).norm(dim=-1) / ref.norm(dim=-1)).max())
        assert err < 1e-5, (strategy, seed, err)


def test_joint_last_layer_only_reads_out_own_candidate():
    """Changing one candidate's tokens changes its own hidden state and no other's."""
    model = build_tiny_causal_lm("llama", seed=5)
    ctx, cands = _inputs(7, 40, [6, 8, 5])
    joint = STRATEGIES["fast_shared_prefix_joint"]
    with torch.inference_mode():
        base = joint.last_hidden(model, ctx, cands)
        changed = [cands[0], cands[1].flip(0), cands[2]]
        other = joint.last_hidden(model, ctx, changed)
    assert torch.allclose(base[0], other[0], atol=1e-5) and torch.allclose(base[2], other[2], atol=1e-5)
    assert not torch.allclose(base[1], other[1], atol=1e-3)
