"""HF transformers backend: any local Llama- or Qwen-shaped causal LM, as an `LLM` and as a `Scorer`.

`HFCausalLM.load(path)` reads a local checkpoint (config.json + safetensors + tokenizer), offline.
`HFScorer` scores V-Droid verifier prompts ``context + candidate`` with the context computed once
(`vera.llm.prefix` strategies) and a `ScoreHead` at each candidate's last position:

- `YesProbability`: P(Yes) normalised over {Yes, No} (V-Droid's "probs" mode);
- `YesLogOdds`: logit(Yes) - logit(No), the same ranking, unsaturated (better for pairwise training);
- `ValueHead`: V-Droid's "score" mode, a linear read-out over the next-token logits (or over the final
  hidden state), saved as safetensors.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import torch
from torch import Tensor, nn

from vera.errors import ConfigError, DataError
from vera.llm.base import TokenLogprob, cut_at_stop
from vera.llm.prefix import ContextKV, PrefixStrategy, get_strategy

SUPPORTED_MODEL_TYPES = ("llama", "qwen2", "qwen3", "mistral")
DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


def _expected() -> str:
    return (f"a local directory with config.json (model_type one of {', '.join(SUPPORTED_MODEL_TYPES)}), "
            "safetensors weights and a tokenizer, e.g. from `save_pretrained`")


class HFCausalLM:
    """A causal LM and its tokenizer on one device; implements the `LLM` protocol."""

    def __init__(self, model: Any, tokenizer: Any, max_context_tokens: int | None = None) -> None:
        model_type = getattr(model.config, "model_type", None)
        if model_type not in SUPPORTED_MODEL_TYPES:
            raise ConfigError(f"model_type {model_type!r} is not supported; expected {_expected()}")
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.max_context_tokens = max_context_tokens

    @classmethod
    def load(cls, path: str | Path, dtype: str = "float32", device: str = "cpu",
             attn_implementation: str = "sdpa", max_context_tokens: int | None = None) -> HFCausalLM:
        """Load a local checkpoint offline; a missing path or another architecture is a `ConfigError`."""
        from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

        path = Path(path)
        if not path.is_dir():
            raise ConfigError(f"model path {str(path)!r} does not exist; expected {_expected()}")
        if not (path / "config.json").is_file():
            raise ConfigError(f"{str(path)!r} has no config.json; expected {_expected()}")
        if dtype not in DTYPES:
            raise ConfigError(f"dtype {dtype!r} is not one of {sorted(DTYPES)}")
        config = AutoConfig.from_pretrained(path, local_files_only=True)
        if config.model_type not in SUPPORTED_MODEL_TYPES:
            raise ConfigError(f"{str(path)!r} holds a {config.model_type!r} model; expected {_expected()}")
        try:
            tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise DataError(f"no usable tokenizer in {str(path)!r} ({exc}); save one beside the weights "
                            "with tokenizer.save_pretrained(path)") from exc
        model = AutoModelForCausalLM.from_pretrained(path, local_files_only=True, dtype=DTYPES[dtype],
                                                     attn_implementation=attn_implementation)
        return cls(model.to(device), tokenizer, max_context_tokens=max_context_tokens)

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    # -- tokens ---------------------------------------------------------------------------------------
    def encode_context(self, text: str) -> Tensor:
        """Token ids of a prompt start, with the tokenizer's special prefix (BOS) when it adds one."""
        ids = self.tokenizer(text, add_special_tokens=True)["input_ids"]
        if not ids:
            raise ValueError("the context encodes to no tokens")
        return torch.tensor(ids, dtype=torch.long, device=self.device)

    def encode_continuation(self, text: str) -> Tensor:
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        if not ids:
            raise ValueError(f"candidate {text!r} encodes to no tokens")
        return torch.tensor(ids, dtype=torch.long, device=self.device)

    def truncate_context(self, context_ids: Tensor, longest_candidate: int) -> Tensor:
        """Keep the last tokens of the context so context + longest candidate fits `max_context_tokens`.

        Like vLLM's `truncate_prompt_tokens` (left truncation), but the candidates are never cut.
        """
        if self.max_context_tokens is None:
            return context_ids
        keep = max(self.max_context_tokens - longest_candidate, 1)
        return context_ids[-keep:] if len(context_ids) > keep else context_ids

    def token_id(self, word: str) -> int:
        """The id of `word` as one token (V-Droid: convert_tokens_to_ids("Yes")), else a `ConfigError`."""
        tid = self.tokenizer.convert_tokens_to_ids(word)
        if isinstance(tid, int) and tid != self.tokenizer.unk_token_id and tid >= 0:
            return tid
        ids = self.tokenizer(word, add_special_tokens=False)["input_ids"]
        if len(ids) == 1:
            return ids[0]
        raise ConfigError(f"{word!r} is not a single token of this tokenizer (it encodes to {ids}); "
                          "pick answer words that are single tokens")

    # -- LLM protocol -----------------------------------------------------------------------------------
    @torch.inference_mode()
    def next_token_logits(self, prompt: str) -> Tensor:
        ids = self.encode_context(prompt)[None]
        return self.model(input_ids=ids, logits_to_keep=1).logits[0, -1].float()

    def next_token_logprobs(self, prompt: str, top_k: int = 20) -> list[TokenLogprob]:
        logprobs = torch.log_softmax(self.next_token_logits(prompt), dim=-1)
        values, ids = torch.topk(logprobs, min(top_k, logprobs.numel()))
        return [TokenLogprob(self.tokenizer.decode([i]), float(v), int(i))
                for v, i in zip(values.tolist(), ids.tolist(), strict=True)]

    @torch.inference_mode()
    def generate(self, prompt: str, max_new_tokens: int = 64, temperature: float = 0.0,
                 stop: list[str] | None = None, seed: int | None = None) -> str:
        ids = self.encode_context(prompt)[None]
        options: dict[str, Any] = {"max_new_tokens": max_new_tokens, "pad_token_id": self._pad_id()}
        if temperature > 0:
            if seed is not None:
                torch.manual_seed(seed)
            options.update(do_sample=True, temperature=temperature, top_k=0, top_p=1.0)
        else:
            options.update(do_sample=False, temperature=None, top_k=None, top_p=None)
        out = self.model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), **options)
        text = self.tokenizer.decode(out[0, ids.shape[1]:], skip_special_tokens=True)
        return cut_at_stop(text, stop)

    def _pad_id(self) -> int:
        pad = self.tokenizer.pad_token_id
        return pad if pad is not None else (self.tokenizer.eos_token_id or 0)


class ScoreHead(Protocol):
    """Maps the final hidden states [N, H] and next-token logits [N, V] at the read-out positions to [N]."""

    def __call__(self, hidden: Tensor, logits: Tensor) -> Tensor: ...


class YesProbability:
    """P(Yes) normalised over {Yes, No} at the answer position (V-Droid "probs")."""

    def __init__(self, yes_id: int, no_id: int) -> None:
        self.yes_id, self.no_id = yes_id, no_id

    def __call__(self, hidden: Tensor, logits: Tensor) -> Tensor:
        return torch.softmax(logits[:, [self.yes_id, self.no_id]].float(), dim=-1)[:, 0]


class YesLogOdds(YesProbability):
    """logit(Yes) - logit(No): ranks like P(Yes), without saturating (for pairwise training)."""

    def __call__(self, hidden: Tensor, logits: Tensor) -> Tensor:
        pair = logits[:, [self.yes_id, self.no_id]].float()
        return pair[:, 0] - pair[:, 1]


class ValueHead(nn.Module):
    """V-Droid's value head: ``Linear(vocab, 1, bias=False)`` over the next-token logits (`source="logits"`),
    or a linear head over the final hidden state (`source="hidden"`). Saved as safetensors."""

    SOURCES = ("logits", "hidden")

    def __init__(self, in_features: int, source: str = "logits") -> None:
        super().__init__()
        if source not in self.SOURCES:
            raise ConfigError(f"value head source must be one of {self.SOURCES}, got {source!r}")
        self.source = source
        self.linear = nn.Linear(in_features, 1, bias=False)
        nn.init.normal_(self.linear.weight, std=in_features ** -0.5)

    def __call__(self, hidden: Tensor, logits: Tensor) -> Tensor:  # type: ignore[override]
        return super().__call__(hidden, logits)

    def forward(self, hidden: Tensor, logits: Tensor) -> Tensor:
        features = {"logits": logits, "hidden": hidden}[self.source]
        return self.linear(features.to(self.linear.weight.dtype))[:, 0].float()

    def save(self, path: str | Path) -> None:
        from safetensors.torch import save_file

        meta = {"vera": "value_head", "source": self.source, "in_features": str(self.linear.in_features)}
        save_file({"weight": self.linear.weight.detach().contiguous().cpu()}, str(path), metadata=meta)

    @classmethod
    def load(cls, path: str | Path) -> ValueHead:
        from safetensors import safe_open

        if not Path(path).is_file():
            raise ConfigError(f"value head file {str(path)!r} does not exist; expected a safetensors file "
                              "written by ValueHead.save")
        with safe_open(str(path), framework="pt") as f:
            meta = f.metadata() or {}
            weight = f.get_tensor("weight")
        head = cls(weight.shape[1], meta.get("source", "logits"))
        with torch.no_grad():
            head.linear.weight.copy_(weight)
        return head


def make_head(llm: HFCausalLM, mode: str = "yes", value_head: str | Path | None = None,
              yes: str = "Yes", no: str = "No") -> ScoreHead:
    """The score head for a mode name: "yes" (P(Yes)), "logodds" or "value" (needs `value_head`)."""
    if mode == "value":
        if value_head is None:
            raise ConfigError("mode 'value' needs a value head file (--value-head PATH)")
        return ValueHead.load(value_head).to(llm.device)
    builders = {"yes": YesProbability, "logodds": YesLogOdds}
    if mode not in builders:
        raise ConfigError(f"unknown score mode {mode!r}; choose one of yes, logodds, value")
    return builders[mode](llm.token_id(yes), llm.token_id(no))


class HFScorer:
    """Prefix-shared verifier scoring over an `HFCausalLM`; implements `Scorer` and `TrainableScorer`.

    `strategy` is a `vera.llm.prefix` strategy name; `reuse_context` keeps the last context's KV cache
    so the next step re-uses the shared token prefix (call `clear_cache()` after changing weights).
    """

    def __init__(self, llm: HFCausalLM, head: ScoreHead | None = None, strategy: str = "shared_prefix",
                 reuse_context: bool = True) -> None:
        self.llm = llm
        self.head: ScoreHead = head if head is not None else make_head(llm)
        self.strategy: PrefixStrategy = get_strategy(strategy)
        self.context_kv = ContextKV(enabled=reuse_context)

    def clear_cache(self) -> None:
        self.context_kv.clear()

    def _encode(self, context: str, candidates: Sequence[str]) -> tuple[Tensor, list[Tensor]]:
        # Trailing spaces of the context belong to the candidate's first word in BPE tokenizers ("Is " +
        # "{...}" tokenizes as "Is", " {"), so move them over: the split then matches whole-prompt tokens.
        stripped = context.rstrip(" ")
        if stripped and len(stripped) < len(context):
            context, candidates = stripped, [context[len(stripped):] + c for c in candidates]
        if not candidates:
            return self.llm.encode_context(context), []
        cands = [self.llm.encode_continuation(c) for c in candidates]
        ctx = self.llm.truncate_context(self.llm.encode_context(context), max(len(c) for c in cands))
        return ctx, cands

    def _scores(self, context: str, candidates: Sequence[str], context_kv: ContextKV | None) -> Tensor:
        ctx, cands = self._encode(context, candidates)
        if not cands:
            return torch.zeros(0)
        hidden = self.strategy.last_hidden(self.llm.model, ctx, cands, context_kv)
        logits = self.llm.model.get_output_embeddings()(hidden)
        return self.head(hidden, logits)

    def score(self, context: str, candidates: list[str]) -> list[float]:
        with torch.inference_mode():
            return self._scores(context, candidates, self.context_kv).float().cpu().tolist()

    def score_batch(self, items: Sequence[tuple[str, list[str]]]) -> list[list[float]]:
        return [self.score(context, candidates) for context, candidates in items]

    def score_tensor(self, context: str, candidates: list[str]) -> Tensor:
        """Differentiable scores (no cross-call cache: the weights may be changing)."""
        if not getattr(self.strategy, "differentiable", True):
            raise ConfigError(f"strategy {self.strategy.name!r} is inference-only; train with "
                              "'shared_prefix', 'packed' or 'prefix_kv'")
        return self._scores(context, candidates, None)

    def trainable_parameters(self) -> list[nn.Parameter]:
        params = [p for p in self.llm.model.parameters() if p.requires_grad]
        if isinstance(self.head, nn.Module):
            params += [p for p in self.head.parameters() if p.requires_grad]
        return params

    def describe(self) -> dict[str, Any]:
        return {"model_type": self.llm.model.config.model_type, "strategy": self.strategy.name,
                "head": type(self.head).__name__}


def naive_scores(llm: HFCausalLM, head: ScoreHead, context: str, candidates: Sequence[str]) -> list[float]:
    """Reference scoring: one full forward pass per ``context + candidate`` token sequence, full logits."""
    out = []
    with torch.inference_mode():
        ctx = llm.encode_context(context)
        for cand in candidates:
            ids = torch.cat([ctx, llm.encode_continuation(cand)])[None]
            output = llm.model(input_ids=ids, output_hidden_states=True)
            out.append(float(head(output.hidden_states[-1][:, -1], output.logits[:, -1])[0]))
    return out


def describe_checkpoint(path: str | Path) -> dict[str, Any]:
    """model_type and sizes from a checkpoint's config.json (for `vera serve` /health)."""
    config = json.loads((Path(path) / "config.json").read_text())
    keys = ("model_type", "hidden_size", "num_hidden_layers", "vocab_size")
    return {k: config.get(k) for k in keys}
