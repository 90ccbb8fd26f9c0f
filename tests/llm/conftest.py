"""Shared tiny models for tests/llm (built once per session; hidden 64, 2 layers)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def tiny_tokenizer():
    from vera.llm.testing import build_tiny_tokenizer

    return build_tiny_tokenizer()


@pytest.fixture(scope="session", params=["llama", "qwen2"])
def tiny_llm(request, tiny_tokenizer):
    from vera.llm.hf import HFCausalLM
    from vera.llm.testing import build_tiny_causal_lm

    model = build_tiny_causal_lm(request.param, vocab_size=len(tiny_tokenizer), seed=1)
    return HFCausalLM(model, tiny_tokenizer)


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory):
    from vera.llm.testing import save_tiny_checkpoint

    return save_tiny_checkpoint(tmp_path_factory.mktemp("tiny-llama"), "llama", seed=3)
