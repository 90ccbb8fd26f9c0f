"""Prefix-shared scoring for HF causal LMs: a shared context, many candidate continuations.

Every strategy returns the decoder's final hidden state at the last token of each
``context + candidate`` token sequence, exactly as a plain forward pass over that sequence would
(up to float rounding). They differ only in how much work they share:

- ``naive``: one full forward pass per candidate (the reference).
- ``prefix_kv``: the context is run once into a KV cache; the cache is expanded to the candidate batch
  and the right-padded candidates run in one batched pass against it.
- ``packed``: one sequence ``context + c1 + c2 + ...`` with a tree attention mask: each candidate
  attends to the context and causally to itself; position ids restart after the context.
- ``shared_prefix``: the context runs once into a KV cache (dense causal attention, flash kernels on a
  GPU); then all candidates are packed into one sequence that attends to that single, unexpanded cache
  through a tree mask over ``[context | packed candidates]``. No copy of the cache per candidate and no
  quadratic mask over the context.

A `ContextKV` keeps the last context's cache so the next call re-uses its longest common token
prefix (the system prompt and goal are shared across the steps of an episode).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import torch
from torch import Tensor


def _decoder(model: Any) -> Any:
    """The transformer body (embeddings, layers, final norm) of a causal LM, PEFT-wrapped or not."""
    return model.get_decoder()


def _block_mask(allowed: Tensor, dtype: torch.dtype) -> Tensor:
    """Boolean [q, k] mask -> additive 4D float mask [1, 1, q, k] (works with eager and SDPA attention)."""
    mask = torch.zeros(allowed.shape, dtype=dtype, device=allowed.device)
    mask.masked_fill_(~allowed, torch.finfo(dtype).min)
    return mask[None, None]


def _candidate_layout(lengths: Sequence[int], device: torch.device) -> tuple[Tensor, Tensor, Tensor]:
    """For candidates packed back to back: owner index per token, offset inside its candidate, last indices."""
    lens = torch.tensor(list(lengths), device=device)
    owner = torch.repeat_interleave(torch.arange(len(lengths), device=device), lens)
    starts = torch.cumsum(lens, 0) - lens
    offset = torch.arange(int(lens.sum()), device=device) - starts[owner]
    last = torch.cumsum(lens, 0) - 1
    return owner, offset, last


def _check(context_ids: Tensor, candidate_ids: Sequence[Tensor]) -> None:
    if context_ids.dim() != 1 or context_ids.numel() == 0:
        raise ValueError("context_ids must be a non-empty 1-D tensor of token ids")
    if any(c.dim() != 1 or c.numel() == 0 for c in candidate_ids):
        raise ValueError("every candidate must be a non-empty 1-D tensor of token ids")


@dataclass
class ContextKV:
    """The KV cache of one context, re-usable for the next context that shares a token prefix.

    Stores per-layer (key, value) tensors of batch 1. `extend(decoder, ids)` returns a fresh
    `DynamicCache` holding the KV of `ids`, computing only the tokens past the longest common prefix
    with the previous call. Call `clear()` after changing the model's weights.
    """

    enabled: bool = True
    ids: Tensor | None = None
    layers: list[tuple[Tensor, Tensor]] = field(default_factory=list)
    reused_tokens: int = 0  # tokens re-used by the last `extend`, for reports and tests

    def clear(self) -> None:
        self.ids, self.layers, self.reused_tokens = None, [], 0

    def _common_prefix(self, ids: Tensor) -> int:
        if not self.enabled or self.ids is None or not self.layers:
            return 0
        n = min(len(self.ids), len(ids))
        if n == 0:
            return 0
        same = (self.ids[:n].to(ids.device) == ids[:n]).long()
        common = int(same.cumprod(0).sum())
        return min(common, len(ids) - 1)  # always run >= 1 token so the cache is fresh

    def extend(self, decoder: Any, ids: Tensor) -> Any:
        from transformers import DynamicCache

        common = self._common_prefix(ids)
        self.reused_tokens = common
        if common > 0:
            cache = DynamicCache(ddp_cache_data=[(k[:, :, :common], v[:, :, :common]) for k, v in self.layers])
        else:
            cache = DynamicCache(config=decoder.config)
        positions = torch.arange(common, len(ids), device=ids.device)[None]
        decoder(input_ids=ids[None, common:], position_ids=positions, past_key_values=cache, use_cache=True)
        layers = [(layer.keys, layer.values) for layer in cache.layers]
        if self.enabled:
            self.ids, self.layers = ids.detach(), [(k.detach(), v.detach()) for k, v in layers]
        return DynamicCache(ddp_cache_data=layers)


class PrefixStrategy(Protocol):
    """Final hidden states [N, H] at the last token of each ``context + candidate``."""

    name: str

    def last_hidden(self, model: Any, context_ids: Tensor, candidate_ids: Sequence[Tensor],
                    context_kv: ContextKV | None = None) -> Tensor: ...


class NaiveStrategy:
    """One full forward pass per candidate: the reference every other strategy must match."""

    name = "naive"

    def last_hidden(self, model: Any, context_ids: Tensor, candidate_ids: Sequence[Tensor],
                    context_kv: ContextKV | None = None) -> Tensor:
        _check(context_ids, candidate_ids)
        decoder = _decoder(model)
        rows = []
        for cand in candidate_ids:
            ids = torch.cat([context_ids, cand])[None]
            rows.append(decoder(input_ids=ids, use_cache=False).last_hidden_state[0, -1])
        return torch.stack(rows)


class PrefixKVStrategy:
    """Context once into a KV cache; the cache expanded to the batch; right-padded candidates in one pass.

    `batch_size` bounds how many candidates share one expanded copy of the cache (memory).
    """

    name = "prefix_kv"

    def __init__(self, batch_size: int | None = None) -> None:
        self.batch_size = batch_size

    def last_hidden(self, model: Any, context_ids: Tensor, candidate_ids: Sequence[Tensor],
                    context_kv: ContextKV | None = None) -> Tensor:
        from transformers import DynamicCache

        _check(context_ids, candidate_ids)
        decoder = _decoder(model)
        context_kv = context_kv if context_kv is not None else ContextKV(enabled=False)
        base = context_kv.extend(decoder, context_ids)
        layers = [(layer.keys, layer.values) for layer in base.layers]
        p = len(context_ids)
        size = self.batch_size or len(candidate_ids)
        out = []
        for start in range(0, len(candidate_ids), size):
            chunk = candidate_ids[start:start + size]
            n, width = len(chunk), max(len(c) for c in chunk)
            ids = torch.zeros((n, width), dtype=torch.long, device=context_ids.device)
            mask = torch.zeros((n, p + width), dtype=torch.long, device=context_ids.device)
            mask[:, :p] = 1
            for i, cand in enumerate(chunk):
                ids[i, :len(cand)] = cand
                mask[i, p:p + len(cand)] = 1
            cache = DynamicCache(ddp_cache_data=[(k.expand(n, -1, -1, -1), v.expand(n, -1, -1, -1))
                                                 for k, v in layers])
            positions = (p + torch.arange(width, device=ids.device))[None].expand(n, -1)
            hidden = decoder(input_ids=ids, attention_mask=mask, position_ids=positions,
                             past_key_values=cache, use_cache=True).last_hidden_state
            last = torch.tensor([len(c) - 1 for c in chunk], device=ids.device)
            out.append(hidden[torch.arange(n, device=ids.device), last])
        return torch.cat(out)


class PackedTreeStrategy:
    """One packed sequence ``context + c1 + c2 + ...`` with a tree attention mask (dense SDPA)."""

    name = "packed"

    def last_hidden(self, model: Any, context_ids: Tensor, candidate_ids: Sequence[Tensor],
                    context_kv: ContextKV | None = None) -> Tensor:
        _check(context_ids, candidate_ids)
        decoder = _decoder(model)
        device, p = context_ids.device, len(context_ids)
        owner, offset, last = _candidate_layout([len(c) for c in candidate_ids], device)
        total = p + len(owner)
        # group id per token: -1 for the context, i for candidate i
        group = torch.cat([torch.full((p,), -1, device=device), owner])
        idx = torch.arange(total, device=device)
        causal = idx[:, None] >= idx[None, :]
        allowed = causal & ((group[None, :] == -1) | (group[:, None] == group[None, :]))
        positions = torch.cat([torch.arange(p, device=device), p + offset])[None]
        ids = torch.cat([context_ids, *candidate_ids])[None]
        dtype = decoder.get_input_embeddings().weight.dtype
        hidden = decoder(input_ids=ids, attention_mask=_block_mask(allowed, dtype), position_ids=positions,
                         use_cache=False).last_hidden_state[0]
        return hidden[p + last]


class SharedPrefixStrategy:
    """Context once into a KV cache, then all candidates packed into one pass against that single cache."""

    name = "shared_prefix"

    def last_hidden(self, model: Any, context_ids: Tensor, candidate_ids: Sequence[Tensor],
                    context_kv: ContextKV | None = None) -> Tensor:
        _check(context_ids, candidate_ids)
        decoder = _decoder(model)
        device, p = context_ids.device, len(context_ids)
        context_kv = context_kv if context_kv is not None else ContextKV(enabled=False)
        cache = context_kv.extend(decoder, context_ids)
        owner, offset, last = _candidate_layout([len(c) for c in candidate_ids], device)
        m = len(owner)
        own = (owner[:, None] == owner[None, :]) & (offset[:, None] >= offset[None, :])
        allowed = torch.cat([torch.ones((m, p), dtype=torch.bool, device=device), own], dim=1)
        dtype = decoder.get_input_embeddings().weight.dtype
        ids = torch.cat(list(candidate_ids))[None]
        hidden = decoder(input_ids=ids, attention_mask=_block_mask(allowed, dtype),
                         position_ids=(p + offset)[None], past_key_values=cache,
                         use_cache=True).last_hidden_state[0]
        return hidden[last]


STRATEGIES: dict[str, PrefixStrategy] = {
    s.name: s for s in (NaiveStrategy(), PrefixKVStrategy(), PackedTreeStrategy(), SharedPrefixStrategy())
}


def get_strategy(name: str) -> PrefixStrategy:
    from vera.errors import ConfigError

    if name not in STRATEGIES:
        raise ConfigError(f"unknown scoring strategy {name!r}; choose one of {sorted(STRATEGIES)}")
    return STRATEGIES[name]
