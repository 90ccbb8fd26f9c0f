"""HF backend: prefix-shared scoring equals naive per-candidate scoring, loading errors, the LLM protocol."""

from __future__ import annotations

import json
import random

import pytest
import torch

from vera.errors import ConfigError
from vera.llm.base import LLM
from vera.llm.hf import HFCausalLM, HFScorer, ValueHead, YesLogOdds, make_head, naive_scores
from vera.llm.prefix import STRATEGIES
from vera.verifier.scorer import Scorer

CONTEXT = ("You are an agent capable of operating an Android phone on behalf of a user. "
           "The user goal request is: Add contact John Smith 555 0123\n"
           "Here is the history of actions taken:\nStep 1- Action selected: open app contacts\n"
           "<div><button id=0 text='Add contact'>Add contact</button><input id=1>Name</input></div>\n")
CANDIDATES = [  # different lengths, one a single token
    'Is {"action_type": "click", "index": 0} helpful for completing the task?\nAnswer:',
    'Is {"action_type": "input_text", "text": "John Smith", "index": 1} helpful?\nAnswer:',
    "Yes",
    'Is {"action_type": "navigate_back"} helpful?\nAnswer:',
    'Is {"action_type": "scroll", "direction": "down", "index": 4} helpful for completing the task?\nAnswer:',
]


def _heads(llm: HFCausalLM):
    torch.manual_seed(0)
    vocab = llm.model.config.vocab_size
    hidden = llm.model.config.hidden_size
    return {"yes": make_head(llm, "yes"), "logodds": make_head(llm, "logodds"),
            "value_logits": ValueHead(vocab, "logits"), "value_hidden": ValueHead(hidden, "hidden")}


FAST = ["fast_shared_prefix", "fast_shared_prefix_split", "fast_shared_prefix_flex", "fast_shared_prefix_joint"]


@pytest.mark.parametrize("strategy", ["prefix_kv", "packed", "shared_prefix", *FAST])
def test_prefix_shared_equals_naive(tiny_llm, strategy):
    for name, head in _heads(tiny_llm).items():
        reference = naive_scores(tiny_llm, head, CONTEXT, CANDIDATES)
        scorer = HFScorer(tiny_llm, head, strategy=strategy, reuse_context=False)
        got = scorer.score(CONTEXT, CANDIDATES)
        assert len(got) == len(CANDIDATES)
        assert max(abs(a - b) for a, b in zip(got, reference, strict=True)) < 1e-4, (name, got, reference)
    # scores are not all equal (the comparison above is meaningful)
    assert len({round(s, 6) for s in reference}) > 1


@pytest.mark.parametrize("strategy", ["prefix_kv", "packed", "shared_prefix", *FAST[:2]])
def test_independent_of_candidate_order(tiny_llm, strategy):
    scorer = HFScorer(tiny_llm, YesLogOdds(tiny_llm.token_id("Yes"), tiny_llm.token_id("No")),
                      strategy=strategy)
    base = dict(zip(CANDIDATES, scorer.score(CONTEXT, CANDIDATES), strict=True))
    for seed in range(3):
        shuffled = CANDIDATES[:]
        random.Random(seed).shuffle(shuffled)
        for cand, s in zip(shuffled, scorer.score(CONTEXT, shuffled), strict=True):
            assert abs(s - base[cand]) < 1e-4


def test_context_cache_reuses_common_prefix_exactly(tiny_llm):
    head = make_head(tiny_llm, "logodds")
    scorer = HFScorer(tiny_llm, head, strategy="shared_prefix", reuse_context=True)
    scorer.score(CONTEXT, CANDIDATES)
    next_step = CONTEXT + "Step 2- Action selected: click Add contact\n"
    got = scorer.score(next_step, CANDIDATES)
    assert scorer.context_kv.reused_tokens > 20
    reference = naive_scores(tiny_llm, head, next_step, CANDIDATES)
    assert max(abs(a - b) for a, b in zip(got, reference, strict=True)) < 1e-4
    kv_scorer = HFScorer(tiny_llm, head, strategy="prefix_kv", reuse_context=True)
    kv_scorer.score(CONTEXT, CANDIDATES)
    assert max(abs(a - b) for a, b in zip(kv_scorer.score(next_step, CANDIDATES), reference, strict=True)) < 1e-4


def test_trailing_space_of_context_moves_to_candidates(tiny_llm):
    """V-Droid's context ends with "Is ": scores equal naive scoring of the whole prompt's tokens."""
    context = CONTEXT + "Is "
    cands = ['{"action_type": "click", "index": 0} helpful?\nAnswer:', '{"action_type": "wait"} helpful?\nAnswer:']
    head = make_head(tiny_llm, "logodds")
    got = HFScorer(tiny_llm, head).score(context, cands)
    expected = []
    with torch.inference_mode():
        for cand in cands:
            ids = tiny_llm.encode_context(context + cand)[None]
            expected.append(float(head(None, tiny_llm.model(input_ids=ids).logits[:, -1])[0]))
    assert max(abs(a - b) for a, b in zip(got, expected, strict=True)) < 1e-4


def test_truncation_keeps_candidates_whole(tiny_llm):
    llm = HFCausalLM(tiny_llm.model, tiny_llm.tokenizer, max_context_tokens=70)
    head = make_head(llm, "logodds")
    got = HFScorer(llm, head, strategy="shared_prefix").score(CONTEXT * 3, CANDIDATES)
    longest = max(len(llm.encode_continuation(c)) for c in CANDIDATES)
    assert 0 < 70 - longest < len(llm.encode_context(CONTEXT * 3))
    ctx = llm.encode_context(CONTEXT * 3)[-(70 - longest):]
    expected = []
    with torch.inference_mode():
        for cand in CANDIDATES:
            ids = torch.cat([ctx, llm.encode_continuation(cand)])[None]
            expected.append(float(head(None, llm.model(input_ids=ids).logits[:, -1])[0]))
    assert max(abs(a - b) for a, b in zip(got, expected, strict=True)) < 1e-4


def test_score_tensor_has_gradients_and_protocols(tiny_llm):
    head = ValueHead(tiny_llm.model.config.vocab_size)
    scorer = HFScorer(tiny_llm, head)
    assert isinstance(scorer, Scorer) and isinstance(tiny_llm, LLM)
    scores = scorer.score_tensor(CONTEXT, CANDIDATES[:2])
    scores.sum().backward()
    assert head.linear.weight.grad is not None and head.linear.weight.grad.abs().sum() > 0
    assert scorer.score(CONTEXT, []) == []
    with pytest.raises(ConfigError, match="inference-only"):
        HFScorer(tiny_llm, head, strategy="fast_shared_prefix").score_tensor(CONTEXT, CANDIDATES[:2])


def test_value_head_roundtrip(tmp_path):
    head = ValueHead(32, "hidden")
    head.save(tmp_path / "v_head.safetensors")
    loaded = ValueHead.load(tmp_path / "v_head.safetensors")
    assert loaded.source == "hidden"
    assert torch.equal(loaded.linear.weight, head.linear.weight)
    with pytest.raises(ConfigError, match="safetensors"):
        ValueHead.load(tmp_path / "missing.safetensors")


def test_load_checkpoint_and_llm_protocol(tiny_checkpoint):
    llm = HFCausalLM.load(tiny_checkpoint)
    top = llm.next_token_logprobs("Answer:", top_k=5)
    assert len(top) == 5 and all(a.logprob >= b.logprob for a, b in zip(top, top[1:], strict=False))
    assert abs(sum(torch.tensor([t.logprob for t in llm.next_token_logprobs("Answer:", 10**6)]).exp()) - 1) < 1e-4
    first = llm.generate("Answer:", max_new_tokens=6)
    assert first == llm.generate("Answer:", max_new_tokens=6)  # greedy is deterministic
    assert first.startswith(top[0].token)
    assert llm.generate("Answer:", max_new_tokens=6, stop=[first[1:3]]) == first[:first.find(first[1:3])]


def test_load_errors_name_what_is_expected(tmp_path, tiny_checkpoint):
    with pytest.raises(ConfigError, match="does not exist.*model_type one of"):
        HFCausalLM.load(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="no config.json"):
        HFCausalLM.load(tmp_path / "empty")
    wrong = tmp_path / "bert"
    wrong.mkdir()
    (wrong / "config.json").write_text(json.dumps({"model_type": "bert"}))
    with pytest.raises(ConfigError, match="'bert' model; expected.*llama"):
        HFCausalLM.load(wrong)
    llm = HFCausalLM.load(tiny_checkpoint)
    with pytest.raises(ConfigError, match="not a single token"):
        llm.token_id("Supercalifragilistic")
    with pytest.raises(ConfigError, match="unknown scoring strategy"):
        HFScorer(llm, strategy="magic")


def test_strategies_registry_has_all_variants():
    assert {"naive", "prefix_kv", "packed", "shared_prefix", *FAST} <= set(STRATEGIES)
