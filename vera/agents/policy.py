"""V-Droid's decision rule without the graph: candidates -> verifier scores -> argmax.

`VDroidPolicy` is what the LangGraph agent (`vera.agents.droid`), the P3 trainer's on-policy rounds and
the benchmarks share. `build_scorer` turns a scorer spec into a `Scorer` and the prompt style it reads:

- ``encoder`` (default): the embedded MiniLM verifier with vera's shipped weights;
  ``encoder:PATH`` loads other trained weights;
- ``hf:PATH``: a local Llama/Qwen-shaped causal LM, P(Yes) (``hf:PATH#value=HEAD.safetensors`` for a
  V-Droid value head);
- ``http:URL``: an OpenAI-compatible server (vLLM, SGLang, `vera serve`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vera.env.android.types import UIElement
from vera.errors import ConfigError
from vera.memory.working import WorkingMemory
from vera.verifier.candidates import Candidate, extract_candidates, launcher_app_names, slot_values_for
from vera.verifier.prompt import CompactPrompt, PromptStyle, VDroidPrompt, build_prompts
from vera.verifier.scorer import Scorer

MAX_SEEN_TEXTS = 6  # per kind: multi-line texts (notes), and single-line ones (messages, editor contents)
DEFAULT_WEIGHTS = Path(__file__).resolve().parent.parent / "verifier" / "weights" / "default.safetensors"


@dataclass
class Decision:
    """One verified step: every candidate with its score, and the chosen one."""

    candidates: list[Candidate]
    scores: list[float]
    chosen: Candidate
    context: str
    latency_s: float

    def ranked(self, top: int | None = None) -> list[dict[str, Any]]:
        """Candidates with scores, best first (what the trajectory records)."""
        order = sorted(range(len(self.candidates)), key=lambda i: -self.scores[i])
        if top is not None:
            order = order[:top]
        return [{"text": self.candidates[i].text, "score": round(float(self.scores[i]), 5)} for i in order]


@dataclass
class VDroidPolicy:
    """Greedy verifier policy: score every candidate of the screen, take the best.

    With ``fill_slots`` (no LLM configured) slots are filled with concrete values and abstract
    candidates never reach the verifier; without it, abstract candidates are scored and the agent's
    completion step fills the chosen one.
    """

    scorer: Scorer
    style: PromptStyle
    fill_slots: bool = True
    app_names: list[str] = field(default_factory=list)
    seen_texts: list[str] = field(default_factory=list)
    seen_lines: list[str] = field(default_factory=list)

    def start_episode(self, app_names: Sequence[str] = ()) -> None:
        """Forget the last episode's screens; `app_names` are the installed apps (open_app values)."""
        self.app_names = list(app_names)
        self.seen_texts = []
        self.seen_lines = []

    def observe(self, elements: Sequence[UIElement]) -> None:
        """Remember launcher app labels (open_app values) and texts read on earlier screens (a note's
        content, a message) that a later screen may need typed."""
        for name in launcher_app_names(elements):
            if name not in self.app_names:
                self.app_names.append(name)
        for element in elements:
            text = (element.text or "").strip()
            if not text:
                continue
            if "\n" in text:  # a note's or a file's content: kept apart, so list rows never push it out
                if text not in self.seen_texts:
                    self.seen_texts.append(text)
            elif (len(text.split()) >= 6 or element.is_editable) and text not in self.seen_lines:
                self.seen_lines.append(text)  # a message, a description, what an editor holds
        del self.seen_texts[:-MAX_SEEN_TEXTS]
        del self.seen_lines[:-MAX_SEEN_TEXTS]

    def candidates(self, goal: str, elements: Sequence[UIElement]) -> list[Candidate]:
        earlier = [*self.seen_texts, *self.seen_lines]
        self.observe(elements)
        if not self.fill_slots:
            return extract_candidates(elements)
        cands = extract_candidates(elements, slot_values_for(goal, elements, self.app_names, earlier))
        return [c for c in cands if not c.is_abstract]

    def context(self, goal: str, memory: WorkingMemory, elements: Sequence[UIElement]) -> str:
        return self.style.context(goal, self.style.history(memory), self.style.screen(elements))

    def decide(self, goal: str, memory: WorkingMemory, elements: Sequence[UIElement],
               candidates: list[Candidate] | None = None) -> Decision:
        started = time.perf_counter()
        cands = candidates if candidates is not None else self.candidates(goal, elements)
        context, suffixes = build_prompts(self.style, goal, self.style.history(memory),
                                          elements, cands)
        scores = [float(s) for s in self.scorer.score(context, suffixes)]
        if len(scores) != len(cands):
            raise ConfigError(f"the scorer returned {len(scores)} scores for {len(cands)} candidates")
        best = max(range(len(cands)), key=lambda i: scores[i])
        return Decision(cands, scores, cands[best], context, time.perf_counter() - started)


# --- scorer specs ------------------------------------------------------------------------------------
ScorerBuilder = Callable[[str, dict[str, Any]], tuple[Scorer, PromptStyle]]


def cpu_threads() -> None:
    """One torch thread unless VERA_TORCH_THREADS says otherwise: the embedded verifier's small matmuls
    gain nothing from more, and on a shared CPU extra threads spin (seconds instead of milliseconds)."""
    import torch

    torch.set_num_threads(max(1, int(os.environ.get("VERA_TORCH_THREADS", "1"))))


def _encoder_scorer(arg: str, options: dict[str, Any]) -> tuple[Scorer, PromptStyle]:
    from vera.verifier.encoder import load_encoder_scorer

    cpu_threads()
    path = Path(arg) if arg else DEFAULT_WEIGHTS
    expected = "expected a .safetensors file saved by EncoderVerifier.save or EncoderEnsemble.save"
    if not path.is_file():
        hint = ("the shipped default is missing from this install; reinstall vera or retrain it with "
                "`vera train verifier --out vera/verifier/weights/default.safetensors`"
                if not arg else "train one with `vera train verifier --out PATH`")
        found = f": {str(path)!r} is a directory" if path.is_dir() else f" not found at {str(path)!r}"
        raise ConfigError(f"encoder verifier weights{found}; {expected} ({hint})")
    try:
        return load_encoder_scorer(path), CompactPrompt()
    except Exception as exc:  # not safetensors, or another model's tensors
        raise ConfigError(f"cannot load encoder verifier weights from {str(path)!r} ({type(exc).__name__}: "
                          f"{exc}); {expected} (`vera train verifier --out PATH`), e.g. "
                          "vera/verifier/weights/default.safetensors") from exc


def model_dir(arg: str, what: str) -> str:
    """The path of ``hf:PATH`` for `what` (``scorer`` or ``llm``), checked enough to say what is wrong."""
    if not arg:
        raise ConfigError(f"{what} 'hf:' needs a model directory, e.g. {what}=hf:/models/llama-3.1-8b")
    path = Path(arg.partition("#")[0])
    if path.is_file():
        raise ConfigError(f"{what} hf:{arg} names a file; expected the model's directory (config.json, "
                          "safetensors weights and a tokenizer, as save_pretrained writes them)")
    return arg


def _hf_scorer(arg: str, options: dict[str, Any]) -> tuple[Scorer, PromptStyle]:
    from vera.llm.hf import HFCausalLM, HFScorer, make_head

    path, _, extra = model_dir(arg, "scorer").partition("#")
    llm = HFCausalLM.load(path, dtype=options.get("dtype", "float32"), device=options.get("device", "cpu"))
    value_head = extra.removeprefix("value=") if extra.startswith("value=") else None
    head = make_head(llm, "value" if value_head else options.get("mode", "yes"), value_head)
    return HFScorer(llm, head), VDroidPrompt()


def _http_scorer(arg: str, options: dict[str, Any]) -> tuple[Scorer, PromptStyle]:
    from vera.llm import openai_http

    if not arg:
        raise ConfigError("scorer 'http:' needs a server URL, e.g. http:http://127.0.0.1:8000")
    scorer_cls = getattr(openai_http, "OpenAIHTTPScorer", None)
    if scorer_cls is None:
        raise ConfigError("this vera build has no OpenAI HTTP scorer (vera.llm.openai_http.OpenAIHTTPScorer)")
    kwargs = {k: options[k] for k in ("model",) if k in options}
    return scorer_cls(arg, **kwargs), VDroidPrompt()


SCORER_BUILDERS: dict[str, ScorerBuilder] = {
    "encoder": _encoder_scorer, "hf": _hf_scorer, "http": _http_scorer,
}


def build_scorer(spec: str | None, options: dict[str, Any] | None = None) -> tuple[Scorer, PromptStyle]:
    """A scorer and its prompt style from ``encoder``, ``encoder:PATH``, ``hf:PATH`` or ``http:URL``."""
    spec = spec or "encoder"
    kind, _, arg = spec.partition(":")
    builder = SCORER_BUILDERS.get(kind)
    if builder is None:
        raise ConfigError(f"unknown scorer {spec!r}; use encoder, encoder:PATH, hf:PATH or http:URL")
    return builder(arg, dict(options or {}))


def check_llm_spec(spec: str | None) -> None:
    """Fail fast on a wrong ``llm`` spec, before a large scorer is loaded."""
    if not spec:
        return
    kind, _, arg = spec.partition(":")
    if kind not in ("hf", "http"):
        raise ConfigError(f"unknown llm {spec!r}; use hf:PATH or http:URL")
    if kind == "hf":
        model_dir(arg, "llm")
    elif not arg:
        raise ConfigError("llm 'http:' needs a server URL, e.g. llm=http:http://127.0.0.1:8000")


def build_llm(spec: str | None, options: dict[str, Any] | None = None) -> Any:
    """An LLM for completion and summaries from ``hf:PATH`` or ``http:URL``; None when not configured."""
    if not spec:
        return None
    check_llm_spec(spec)
    kind, _, arg = spec.partition(":")
    if kind == "hf":
        from vera.llm.hf import HFCausalLM

        options = options or {}
        return HFCausalLM.load(model_dir(arg, "llm"), dtype=options.get("dtype", "float32"),
                               device=options.get("device", "cpu"))
    from vera.llm import openai_http  # kind == "http"

    llm_cls = getattr(openai_http, "OpenAIHTTPLLM", None)
    if llm_cls is None:
        raise ConfigError("this vera build has no OpenAI HTTP LLM (vera.llm.openai_http.OpenAIHTTPLLM)")
    return llm_cls(arg, **{k: v for k, v in (options or {}).items() if k == "model"})

