"""Tiny random-weight causal LMs and a tokenizer trained in-process, for tests and CPU benchmarks.

Nothing here downloads: the tokenizer is a byte-level BPE trained with the `tokenizers` library on a
small built-in corpus of V-Droid-style prompt text, and the models are real HF architectures
(`LlamaForCausalLM`, `Qwen2ForCausalLM`) built from configs with seeded random weights, so the real
code paths (caches, masks, rotary positions, GQA) run in CI.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

BOS = "<|begin_of_text|>"
EOS = "<|end_of_text|>"
PAD = "<|pad|>"

_WORDS = (
    "You are an agent capable of operating an Android phone on behalf of a user . The user goal request is "
    "Here is the history of actions taken Step Action selected summary You just started no action has been "
    "performed yet Here is the detailed information about the UI elements in the current screenshot "
    "Determine if the action is helpful for completing the task Respond with Yes No Answer "
    "open app contacts clock settings files markor calendar expense recipe camera browser gallery "
    "click long_press input_text clear_text scroll up down left right navigate_home navigate_back wait "
    "status complete answer text index action_type direction goal_status app_name name "
    "button input checkbox checked True False div p id Save Cancel Add contact New note Search title "
    "John Smith Alice 555 0123 October Monday alarm 7 30 AM PM delete yes confirmation"
).split()


def _corpus(lines: int = 400, seed: int = 0) -> list[str]:
    """Deterministic pseudo-sentences over the word list, plus the answer forms the verifier reads."""
    rng = torch.Generator().manual_seed(seed)
    out: list[str] = []
    for _ in range(lines):
        n = int(torch.randint(4, 16, (1,), generator=rng))
        idx = torch.randint(0, len(_WORDS), (n,), generator=rng).tolist()
        out.append(" ".join(_WORDS[i] for i in idx))
    for _ in range(50):  # make "Yes"/"No" and " Yes"/" No" single tokens
        out += ["Yes", "No", "Answer: Yes", "Answer: No", 'Is {"action_type": "click", "index": 3} helpful?']
    return out


def build_tiny_tokenizer(vocab_size: int = 512, seed: int = 0) -> Any:
    """A byte-level BPE `PreTrainedTokenizerFast` with BOS/EOS/PAD, trained in-process (well under 1 s).

    `tokenizer(text)` prepends BOS like Llama-3; "Yes", "No", " Yes" and " No" are single tokens.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[BOS, EOS, PAD],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(_corpus(seed=seed), trainer=trainer)
    tok.post_processor = processors.TemplateProcessing(single=f"{BOS} $A", pair=f"{BOS} $A $B",
                                                       special_tokens=[(BOS, tok.token_to_id(BOS))])
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=BOS, eos_token=EOS, pad_token=PAD)


def tiny_config(arch: str = "llama", vocab_size: int = 512, hidden_size: int = 64, num_layers: int = 2,
                num_heads: int = 4, num_kv_heads: int = 2, intermediate_size: int = 128,
                max_position_embeddings: int = 4096) -> Any:
    """A config of the real architecture `arch` ("llama" or "qwen2") with tiny sizes."""
    from transformers import LlamaConfig, Qwen2Config

    configs = {"llama": LlamaConfig, "qwen2": Qwen2Config}
    if arch not in configs:
        raise ValueError(f"arch must be one of {sorted(configs)}, got {arch!r}")
    return configs[arch](
        vocab_size=vocab_size, hidden_size=hidden_size, num_hidden_layers=num_layers,
        num_attention_heads=num_heads, num_key_value_heads=num_kv_heads, intermediate_size=intermediate_size,
        max_position_embeddings=max_position_embeddings, bos_token_id=0, eos_token_id=1, pad_token_id=2,
        tie_word_embeddings=False,
    )


def build_tiny_causal_lm(arch: str = "llama", vocab_size: int = 512, seed: int = 0,
                         dtype: torch.dtype = torch.float32, **sizes: Any) -> Any:
    """A seeded random-weight `LlamaForCausalLM`/`Qwen2ForCausalLM` (hidden 64, 2 layers by default), eval mode.

    The weights are scaled up from HF's 0.02 init so that next-token distributions are far from uniform
    and score comparisons are meaningful.
    """
    from transformers import AutoModelForCausalLM

    config = tiny_config(arch, vocab_size=vocab_size, **sizes)
    config._attn_implementation = "sdpa"
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config, dtype=dtype)
    with torch.no_grad():
        for param in model.parameters():
            if param.dim() >= 2:
                param.normal_(0.0, 0.15)
    return model.eval()


def save_tiny_checkpoint(path: str | Path, arch: str = "llama", seed: int = 0) -> Path:
    """Write a tiny random model + tokenizer as a local HF checkpoint (config.json, safetensors, tokenizer)."""
    path = Path(path)
    tokenizer = build_tiny_tokenizer()
    model = build_tiny_causal_lm(arch, vocab_size=len(tokenizer), seed=seed)
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path
