"""The `LLM` protocol: text generation and next-token log-probabilities, for the parts that need a reasoner.

Implemented in-process by `vera.llm.hf.HFCausalLM` and over HTTP by `vera.llm.openai_http.OpenAIHTTPLLM`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class TokenLogprob:
    """One candidate next token: its id (when known), its text and its log-probability."""

    token: str
    logprob: float
    token_id: int | None = None


@runtime_checkable
class LLM(Protocol):
    """A language model that continues a raw prompt (no chat template is applied)."""

    def generate(self, prompt: str, max_new_tokens: int = 64, temperature: float = 0.0,
                 stop: list[str] | None = None) -> str:
        """The continuation of `prompt` (greedy at temperature 0), cut at the first `stop` string."""
        ...

    def next_token_logprobs(self, prompt: str, top_k: int = 20) -> list[TokenLogprob]:
        """The `top_k` most likely next tokens after `prompt`, most likely first."""
        ...


def cut_at_stop(text: str, stop: list[str] | None) -> str:
    """`text` up to (not including) the earliest of the `stop` strings."""
    cut = len(text)
    for s in stop or []:
        if s and (i := text.find(s)) >= 0:
            cut = min(cut, i)
    return text[:cut]
