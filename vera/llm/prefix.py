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

- ``fast_shared_prefix``: the same computation with a lean forward for Llama/Qwen/Mistral shapes (fused
  matmuls, no cache object, optionally `torch.compile`d); ``fast_shared_prefix_flex`` also replaces the
  dense tree mask by a block-sparse FlexAttention mask; ``fast_shared_prefix_split`` computes the tree
  attention as two dense flash passes merged by their log-sum-exps; ``fast_shared_prefix_joint`` (the
  fastest) also runs the context rows and the candidate rows through each layer's matmuls as one matrix.

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


class _LayerWeights:
    """One decoder layer's weights in fused form: [Wq; Wk; Wv] and [Wgate; Wup] (the HF modules are
    re-pointed at views of the fused tensors, so no memory is duplicated)."""

    def __init__(self, layer: Any) -> None:
        attn, mlp = layer.self_attn, layer.mlp
        linears = [attn.q_proj, attn.k_proj, attn.v_proj, attn.o_proj, mlp.gate_proj, mlp.up_proj, mlp.down_proj]
        if any(type(m) is not torch.nn.Linear for m in linears):
            from vera.errors import ConfigError

            raise ConfigError("the fast strategy needs plain nn.Linear projections; merge adapters first "
                              "(peft: model.merge_and_unload()) or use strategy 'shared_prefix'")
        self.qkv = self._fuse([attn.q_proj, attn.k_proj, attn.v_proj])
        self.qkv_bias = None
        if attn.q_proj.bias is not None:
            self.qkv_bias = self._fuse([attn.q_proj, attn.k_proj, attn.v_proj], "bias")
        self.gate_up = self._fuse([mlp.gate_proj, mlp.up_proj])
        self.o, self.down = attn.o_proj.weight.detach(), mlp.down_proj.weight.detach()
        self.o_bias = attn.o_proj.bias
        self.ln1, self.ln2 = layer.input_layernorm, layer.post_attention_layernorm
        self.q_norm, self.k_norm = getattr(attn, "q_norm", None), getattr(attn, "k_norm", None)  # qwen3
        self.act = mlp.act_fn
        self.q_size = attn.q_proj.out_features
        self.kv_size = attn.k_proj.out_features
        self.head_dim = attn.head_dim

    @staticmethod
    def _fuse(linears: list[Any], attr: str = "weight") -> Tensor:
        """Concatenate the modules' `attr` and re-point each parameter at its slice (shared storage, so
        in-place weight updates stay visible; note `save_pretrained` may then refuse shared tensors)."""
        fused = torch.cat([getattr(m, attr).detach() for m in linears])
        start = 0
        for m in linears:
            rows = getattr(m, attr).shape[0]
            getattr(m, attr).data = fused[start:start + rows]
            start += rows
        return fused


def _rms(norm: Any, x: Tensor) -> Tensor:
    eps = getattr(norm, "variance_epsilon", getattr(norm, "eps", 1e-6))
    xf = x.float()
    xf = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
    return norm.weight * xf.to(x.dtype)


def _rope(x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
    half = x.shape[-1] // 2
    rotated = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
    return x * cos + rotated * sin


class SDPATreeAttention:
    """Candidates against [context | candidates] with a dense boolean tree mask (any SDPA backend)."""

    def prepare(self, owner: Tensor, offset: Tensor, p: int, lengths: Sequence[int]) -> Tensor:
        own = (owner[:, None] == owner[None, :]) & (offset[:, None] >= offset[None, :])
        return torch.cat([torch.ones((len(owner), p), dtype=torch.bool, device=owner.device), own], dim=1)

    def __call__(self, q: Tensor, k_ctx: Tensor, v_ctx: Tensor, k: Tensor, v: Tensor, mask: Any) -> Tensor:
        k, v = torch.cat([k_ctx, k], dim=2), torch.cat([v_ctx, v], dim=2)
        return torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask,
                                                                enable_gqa=q.shape[1] != k.shape[1])


class FlexTreeAttention:
    """The same tree mask as a block-sparse FlexAttention mask: blocks between different candidates are
    skipped, so the cost is candidates x context plus each candidate's own triangle (CUDA; compiled)."""

    def prepare(self, owner: Tensor, offset: Tensor, p: int, lengths: Sequence[int]) -> Any:
        from torch.nn.attention.flex_attention import create_block_mask

        m = len(owner)

        def tree(b: Tensor, h: Tensor, q_idx: Tensor, kv_idx: Tensor) -> Tensor:
            j = (kv_idx - p).clamp(min=0)
            return (kv_idx < p) | ((owner[q_idx] == owner[j]) & (offset[q_idx] >= offset[j]))

        return create_block_mask(tree, B=None, H=None, Q_LEN=m, KV_LEN=p + m, device=owner.device)

    def __call__(self, q: Tensor, k_ctx: Tensor, v_ctx: Tensor, k: Tensor, v: Tensor, mask: Any) -> Tensor:
        from torch.nn.attention.flex_attention import flex_attention

        k, v = torch.cat([k_ctx, k], dim=2), torch.cat([v_ctx, v], dim=2)
        return flex_attention(q, k, v, block_mask=mask, enable_gqa=q.shape[1] != k.shape[1])


def _math_attention_lse(q: Tensor, k: Tensor, v: Tensor, causal: bool) -> tuple[Tensor, Tensor]:
    """Reference attention returning (output, logsumexp) [B, H, L, D], [B, H, L] (any device)."""
    scores = (q.float() @ k.float().transpose(-1, -2)) * q.shape[-1] ** -0.5
    if causal:
        n, m = scores.shape[-2:]
        scores = scores.masked_fill(torch.ones(n, m, dtype=torch.bool, device=q.device).triu(m - n + 1),
                                    float("-inf"))
    lse = torch.logsumexp(scores, dim=-1)
    return (torch.exp(scores - lse[..., None]) @ v.float()).to(q.dtype), lse


def _cudnn_attention_lse(q: Tensor, k: Tensor, v: Tensor, causal: bool) -> tuple[Tensor, Tensor]:
    out = torch.ops.aten._scaled_dot_product_cudnn_attention(q, k, v, None, True, 0.0, causal, False)
    return out[0], out[1].reshape(q.shape[:3])


ATTENTION_WITH_LSE = {"cuda": _cudnn_attention_lse, "cpu": _math_attention_lse}


class SplitTreeAttention:
    """The tree attention in two dense parts merged by their log-sum-exps (no mask at all):

    (a) every candidate token against the whole context: one non-causal flash pass, the GQA query heads
        folded into the sequence axis so each KV head is read once;
    (b) each candidate against itself: candidates padded into a batch, causal flash;
    out = (o_a e^{lse_a} + o_b e^{lse_b}) / (e^{lse_a} + e^{lse_b}).
    """

    def prepare(self, owner: Tensor, offset: Tensor, p: int, lengths: Sequence[int]) -> Any:
        return owner, offset, len(lengths), max(lengths)

    def __call__(self, q: Tensor, k_ctx: Tensor, v_ctx: Tensor, k: Tensor, v: Tensor, mask: Any) -> Tensor:
        owner, offset, n, width = mask
        attend = ATTENTION_WITH_LSE.get(q.device.type, _math_attention_lse)
        _, heads, m, d = q.shape
        kv_heads = k.shape[1]
        group = heads // kv_heads
        # (a) fold the query heads that share a KV head into the sequence axis
        qa = q.reshape(1, kv_heads, group * m, d)
        out_a, lse_a = attend(qa, k_ctx, v_ctx, False)
        out_a, lse_a = out_a.reshape(1, heads, m, d)[0], lse_a.reshape(1, heads, m)[0]
        # (b) each candidate causally against itself, padded to [n, heads, width, d]
        def pad(x: Tensor) -> Tensor:
            padded = x.new_zeros(n, width, x.shape[1], d)
            padded[owner, offset] = x[0].transpose(0, 1)
            return padded.transpose(1, 2)
        kb, vb = pad(k), pad(v)
        if group > 1:
            kb, vb = kb.repeat_interleave(group, dim=1), vb.repeat_interleave(group, dim=1)
        out_b, lse_b = attend(pad(q), kb, vb, True)
        out_b = out_b.transpose(1, 2)[owner, offset].transpose(0, 1)  # [heads, m, d]
        lse_b = lse_b.transpose(1, 2)[owner, offset].transpose(0, 1)  # [heads, m]
        top = torch.maximum(lse_a, lse_b)
        wa, wb = torch.exp(lse_a - top)[..., None], torch.exp(lse_b - top)[..., None]
        merged = (out_a.float() * wa + out_b.float() * wb) / (wa + wb)
        return merged.to(q.dtype)[None]


TREE_ATTENTION: dict[str, Any] = {"sdpa": SDPATreeAttention, "flex": FlexTreeAttention,
                                  "split": SplitTreeAttention}


def _readout_mask(owner: Tensor, last: Tensor, p: int) -> Tensor:
    """[n, p + m] boolean: read-out token i sees the whole context and every token of its own candidate."""
    own = owner[None, :] == torch.arange(len(last), device=owner.device)[:, None]
    return torch.cat([torch.ones((len(last), p), dtype=torch.bool, device=owner.device), own], dim=1)


def _masked_attention(q: Tensor, k: Tensor, v: Tensor, allowed: Tensor) -> Tensor:
    """A few query rows [1, heads, n, d] against all keys [1, kv_heads, T, d] under a boolean [n, T] mask,
    in float32 (the GQA query heads folded into the rows, so each K/V head is read once)."""
    _, heads, n, d = q.shape
    kv_heads = k.shape[1]
    qf = q.float().reshape(kv_heads, (heads // kv_heads) * n, d)
    scores = (qf @ k[0].float().transpose(-1, -2)) * d ** -0.5  # [kv_heads, group * n, T]
    scores = scores.view(kv_heads, heads // kv_heads, n, -1).masked_fill(~allowed, float("-inf"))
    out = torch.softmax(scores, dim=-1).view(kv_heads, -1, k.shape[2]) @ v[0].float()
    return out.view(1, heads, n, d).to(q.dtype)


# fused weights per decoder, shared by every fast strategy instance (fusing twice would duplicate memory)
_FUSED_LAYERS: dict[int, tuple[Any, list[_LayerWeights]]] = {}


class FastSharedPrefixStrategy:
    """`shared_prefix` with a lean forward pass for Llama/Qwen/Mistral-shaped decoders (inference only).

    Same arithmetic as the HF modules, organised for this workload: fused QKV and gate/up matmuls,
    residual adds fused into the output matmuls (addmm), per-layer K/V of the context kept as plain
    tensors (no cache object, no concatenation copies of the context), the context's last layer
    stops after its K/V, and the candidates' last layer runs its MLP only at the read-out tokens.
    With `compile=True` (default on CUDA) the per-layer bodies are `torch.compile`d, which fuses the
    norms, rotary embeddings and activations; one compiled graph serves every layer.

    `joint=True` runs the context rows and the candidate rows through each layer as ONE matrix (one
    set of matmuls over p + m rows, fewer launches), splitting the rows only for attention: the context
    causally against itself, the candidates by the tree attention. Its last layer computes K/V for every
    row but queries, attention, output projection and MLP only at the read-out rows.
    """

    differentiable = False  # runs under no_grad; train with the HF-module strategies

    def __init__(self, compile: bool | None = None, attention: str = "sdpa",
                 name: str = "fast_shared_prefix", joint: bool = False) -> None:
        self.name = name
        self.compile = compile
        self.attention = TREE_ATTENTION[attention]()
        self.joint = joint
        self._compiled: dict[str, Any] = {}

    def _layers(self, model: Any) -> list[_LayerWeights]:
        decoder = _decoder(model)
        entry = _FUSED_LAYERS.get(id(decoder))
        if entry is None or entry[0] is not decoder:
            # normal (not inference-mode) tensors: the model's parameters are re-pointed at them
            with torch.inference_mode(False), torch.no_grad():
                entry = (decoder, [_LayerWeights(layer) for layer in decoder.layers])
            _FUSED_LAYERS[id(decoder)] = entry
        return entry[1]

    def _fn(self, name: str, fn: Any, device: torch.device) -> Any:
        use = self.compile if self.compile is not None else device.type == "cuda"
        if not use:
            return fn
        if name not in self._compiled:
            import torch._dynamo

            # one graph per (layer kind, last-layer flag, attention kind, static/generic shapes): more than
            # dynamo's default of 8 once several fast strategies run in one process
            torch._dynamo.config.recompile_limit = max(torch._dynamo.config.recompile_limit, 64)
            # automatic dynamic shapes: a second context length compiles one shape-generic graph,
            # later decisions of any length re-use it
            self._compiled[name] = torch.compile(fn)
        return self._compiled[name]

    @staticmethod
    def _attention_in(w: _LayerWeights, x: Tensor, cos: Tensor, sin: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        t = x.shape[0]
        h = _rms(w.ln1, x)
        qkv = torch.nn.functional.linear(h, w.qkv, w.qkv_bias)
        q, k, v = qkv.split([w.q_size, w.kv_size, w.kv_size], dim=-1)
        q = q.view(t, -1, w.head_dim)
        k = k.view(t, -1, w.head_dim)
        if w.q_norm is not None:
            q, k = w.q_norm(q), w.k_norm(k)
        q = _rope(q, cos[:, None], sin[:, None]).transpose(0, 1)[None]
        k = _rope(k, cos[:, None], sin[:, None]).transpose(0, 1)[None]
        v = v.view(t, -1, w.head_dim).transpose(0, 1)[None]
        return q, k.contiguous(), v.contiguous()

    @staticmethod
    def _attention_out_mlp(w: _LayerWeights, x: Tensor, attn: Tensor, rows: Tensor | None) -> Tensor:
        out = attn[0].transpose(0, 1).reshape(x.shape[0], -1)
        x = torch.addmm(x, out, w.o.t()) if w.o_bias is None else x + torch.nn.functional.linear(out, w.o,
                                                                                                   w.o_bias)
        if rows is not None:
            x = x[rows]
        g, u = torch.nn.functional.linear(_rms(w.ln2, x), w.gate_up).chunk(2, dim=-1)
        return torch.addmm(x, w.act(g) * u, w.down.t())

    def _context(self, w: _LayerWeights, x: Tensor, cos: Tensor, sin: Tensor, last: bool):
        q, k, v = self._attention_in(w, x, cos, sin)
        if last:
            return x, k, v
        attn = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True,
                                                                enable_gqa=q.shape[1] != k.shape[1])
        return self._attention_out_mlp(w, x, attn, None), k, v

    def _candidates(self, w: _LayerWeights, x: Tensor, cos: Tensor, sin: Tensor, k_ctx: Tensor, v_ctx: Tensor,
                    mask: Tensor, rows: Tensor | None) -> Tensor:
        q, k, v = self._attention_in(w, x, cos, sin)
        return self._attention_out_mlp(w, x, self.attention(q, k_ctx, v_ctx, k, v, mask), rows)

    def _joint(self, w: _LayerWeights, x: Tensor, cos: Tensor, sin: Tensor, p: int, mask: Any) -> Tensor:
        """One layer over the rows [context | candidates]: one set of matmuls, attention split at row p."""
        q, k, v = self._attention_in(w, x, cos, sin)
        k_ctx, v_ctx = k[:, :, :p], v[:, :, :p]
        ctx = torch.nn.functional.scaled_dot_product_attention(q[:, :, :p], k_ctx, v_ctx, is_causal=True,
                                                               enable_gqa=q.shape[1] != k.shape[1])
        cand = self.attention(q[:, :, p:], k_ctx, v_ctx, k[:, :, p:], v[:, :, p:], mask)
        # concatenated as [rows, heads, d]: the buffer is then already the output projection's input layout
        attn = torch.cat([ctx[0].transpose(0, 1), cand[0].transpose(0, 1)]).transpose(0, 1)[None]
        return self._attention_out_mlp(w, x, attn, None)

    def _joint_last(self, w: _LayerWeights, x: Tensor, cos: Tensor, sin: Tensor, sel: Tensor,
                    allowed: Tensor) -> Tensor:
        """The last layer over [context | candidates]: K/V for every row, the rest only at rows `sel`."""
        t, n = x.shape[0], sel.shape[0]
        h = _rms(w.ln1, x)
        bias = w.qkv_bias
        kv = torch.nn.functional.linear(h, w.qkv[w.q_size:], None if bias is None else bias[w.q_size:])
        k, v = kv.split([w.kv_size, w.kv_size], dim=-1)
        k = k.view(t, -1, w.head_dim)
        q = torch.nn.functional.linear(h[sel], w.qkv[:w.q_size], None if bias is None else bias[:w.q_size])
        q = q.view(n, -1, w.head_dim)
        if w.q_norm is not None:
            q, k = w.q_norm(q), w.k_norm(k)
        k = _rope(k, cos[:, None], sin[:, None]).transpose(0, 1)[None]
        q = _rope(q, cos[sel, None], sin[sel, None]).transpose(0, 1)[None]
        v = v.view(t, -1, w.head_dim).transpose(0, 1)[None]
        return self._attention_out_mlp(w, x[sel], _masked_attention(q, k, v, allowed), None)

    def last_hidden(self, model: Any, context_ids: Tensor, candidate_ids: Sequence[Tensor],
                    context_kv: ContextKV | None = None) -> Tensor:
        _check(context_ids, candidate_ids)
        decoder = _decoder(model)
        layers = self._layers(model)
        device, p = context_ids.device, len(context_ids)
        lengths = [len(c) for c in candidate_ids]
        with torch.no_grad():
            # everything that copies host data to the device happens first, while the GPU queue is empty
            # (a pageable host-to-device copy waits for the queued kernels)
            owner, offset, last = _candidate_layout(lengths, device)
            mask = self.attention.prepare(owner, offset, p, lengths)
            if self.joint:
                readout = _readout_mask(owner, last, p)
                positions = torch.cat([torch.arange(p, device=device), p + offset])
                x = decoder.embed_tokens(torch.cat([context_ids, *candidate_ids]))
                cos, sin = decoder.rotary_emb(x[None], positions[None])
                cos, sin = cos[0], sin[0]
                step = self._fn("joint", self._joint, device)
                for w in layers[:-1]:
                    x = step(w, x, cos, sin, p, mask)
                x = self._fn("joint_last", self._joint_last, device)(layers[-1], x, cos, sin, p + last, readout)
            else:
                x = decoder.embed_tokens(context_ids)
                cos, sin = decoder.rotary_emb(x[None], torch.arange(p, device=device)[None])
                cos, sin = cos[0], sin[0]
                context_step = self._fn("context", self._context, device)
                candidate_step = self._fn("candidates", self._candidates, device)
                kv = []
                for i, w in enumerate(layers):
                    x, k, v = context_step(w, x, cos, sin, i == len(layers) - 1)
                    kv.append((k, v))
                x = decoder.embed_tokens(torch.cat(list(candidate_ids)))
                cos, sin = decoder.rotary_emb(x[None], (p + offset)[None])
                cos, sin = cos[0], sin[0]
                for i, (w, (k, v)) in enumerate(zip(layers, kv, strict=True)):
                    rows = last if i == len(layers) - 1 else None
                    x = candidate_step(w, x, cos, sin, k, v, mask, rows)
            return decoder.norm(x)


STRATEGIES: dict[str, PrefixStrategy] = {
    s.name: s for s in (NaiveStrategy(), PrefixKVStrategy(), PackedTreeStrategy(), SharedPrefixStrategy(),
                        FastSharedPrefixStrategy(),
                        FastSharedPrefixStrategy(attention="flex", name="fast_shared_prefix_flex"),
                        FastSharedPrefixStrategy(attention="split", name="fast_shared_prefix_split"),
                        FastSharedPrefixStrategy(attention="split", joint=True, name="fast_shared_prefix_joint"))
}


def get_strategy(name: str) -> PrefixStrategy:
    from vera.errors import ConfigError

    if name not in STRATEGIES:
        raise ConfigError(f"unknown scoring strategy {name!r}; choose one of {sorted(STRATEGIES)}")
    return STRATEGIES[name]
