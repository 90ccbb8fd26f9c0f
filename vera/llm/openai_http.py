"""OpenAI-compatible HTTP backends (vLLM, SGLang, `vera serve`): an `LLM` and two `Scorer`s.

- `OpenAICompletionsScorer`: one-token completions (``max_tokens=1``) with top logprobs; the score is
  P(Yes) normalised over {Yes, No}, each side summing its spellings (" Yes" and "Yes"). Prompts are sent
  in batches (a list `prompt`), batches concurrently; the server's prefix cache (vLLM APC, SGLang radix)
  shares the context. A spelling missing from the top logprobs counts as probability 0; when every
  spelling is missing the score is 0.5 and `stats["missing"]` counts it (raise `top_logprobs`).
- `VeraScoreScorer`: the prefix-shared ``POST /score`` of `vera serve` (exact scores, any head).
- `OpenAIHTTPLLM`: generate and next-token logprobs over ``/v1/completions``.
"""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from vera.errors import VeraError
from vera.llm.base import TokenLogprob, cut_at_stop


class ServerError(VeraError):
    """The HTTP server could not be reached, timed out, or answered with an error."""


class HTTPClient:
    """JSON over HTTP with timeouts and errors that say what to check."""

    def __init__(self, base_url: str, api_key: str | None = None, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key, self.timeout = api_key, timeout

    def request(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        url = f"{self.base_url}{path}"
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, headers=headers, method="POST" if body is not None else "GET")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                payload = json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:500]
            raise ServerError(f"{url} answered HTTP {exc.code}: {detail}") from exc
        except urllib.error.URLError as exc:
            raise ServerError(f"cannot reach {url} ({exc.reason}); is the server running "
                              "(e.g. `vera serve --model PATH` or vLLM) and is the base URL right?") from exc
        except TimeoutError as exc:
            raise ServerError(f"{url} did not answer within {self.timeout:.0f} s; raise the timeout "
                              "or check the server's load") from exc
        except json.JSONDecodeError as exc:
            raise ServerError(f"{url} did not answer with JSON ({exc})") from exc
        if not isinstance(payload, dict):
            raise ServerError(f"{url} answered with a JSON {type(payload).__name__}, expected an object")
        return payload


def _choices(payload: dict[str, Any], expected: int) -> list[dict[str, Any]]:
    choices = payload.get("choices")
    if not isinstance(choices, list) or len(choices) != expected:
        raise ServerError(f"expected {expected} completion choices, got {payload!r:.300}")
    return sorted(choices, key=lambda c: c.get("index", 0))


class OpenAIHTTPLLM:
    """`LLM` over an OpenAI-compatible ``/v1/completions`` endpoint (no chat template)."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 60.0) -> None:
        self.client = HTTPClient(base_url, api_key, timeout)
        self.model = model

    def generate(self, prompt: str, max_new_tokens: int = 64, temperature: float = 0.0,
                 stop: list[str] | None = None) -> str:
        body: dict[str, Any] = {"model": self.model, "prompt": prompt, "max_tokens": max_new_tokens,
                                "temperature": temperature}
        if stop:
            body["stop"] = stop
        text = _choices(self.client.request("/v1/completions", body), 1)[0].get("text", "")
        return cut_at_stop(text, stop)

    def next_token_logprobs(self, prompt: str, top_k: int = 20) -> list[TokenLogprob]:
        body = {"model": self.model, "prompt": prompt, "max_tokens": 1, "temperature": 0.0, "logprobs": top_k}
        choice = _choices(self.client.request("/v1/completions", body), 1)[0]
        top = (choice.get("logprobs") or {}).get("top_logprobs") or [{}]
        ranked = sorted(top[0].items(), key=lambda kv: -kv[1])
        return [TokenLogprob(token, float(lp)) for token, lp in ranked]


class OpenAICompletionsScorer:
    """P(Yes) from one-token completions with logprobs, for vLLM/SGLang/`vera serve` (`Scorer`)."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 60.0,
                 yes_tokens: tuple[str, ...] = ("Yes", " Yes"), no_tokens: tuple[str, ...] = ("No", " No"),
                 top_logprobs: int = 20, batch_size: int = 16, concurrency: int = 4) -> None:
        self.client = HTTPClient(base_url, api_key, timeout)
        self.model = model
        self.yes_tokens, self.no_tokens = yes_tokens, no_tokens
        self.top_logprobs, self.batch_size, self.concurrency = top_logprobs, batch_size, concurrency
        self.stats = {"requests": 0, "missing": 0}

    def _p_yes(self, top: dict[str, float]) -> float:
        yes = sum(math.exp(top[t]) for t in self.yes_tokens if t in top)
        no = sum(math.exp(top[t]) for t in self.no_tokens if t in top)
        if yes + no == 0.0:
            self.stats["missing"] += 1
            return 0.5
        return yes / (yes + no)

    def _batch(self, prompts: list[str]) -> list[float]:
        body = {"model": self.model, "prompt": prompts, "max_tokens": 1, "temperature": 0.0,
                "logprobs": self.top_logprobs}
        self.stats["requests"] += 1
        scores = []
        for choice in _choices(self.client.request("/v1/completions", body), len(prompts)):
            top = (choice.get("logprobs") or {}).get("top_logprobs")
            if not top or not top[0]:
                raise ServerError("the server returned no top_logprobs; does it support 'logprobs' on "
                                  "/v1/completions (vLLM: --max-logprobs >= top_logprobs)?")
            scores.append(self._p_yes(top[0]))
        return scores

    def score(self, context: str, candidates: list[str]) -> list[float]:
        prompts = [context + c for c in candidates]
        batches = [prompts[i:i + self.batch_size] for i in range(0, len(prompts), self.batch_size)]
        if len(batches) <= 1 or self.concurrency <= 1:
            return [s for b in batches for s in self._batch(b)]
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            return [s for scores in pool.map(self._batch, batches) for s in scores]


class VeraScoreScorer:
    """The prefix-shared ``POST /score`` endpoint of `vera serve` (`Scorer`)."""

    def __init__(self, base_url: str, api_key: str | None = None, timeout: float = 60.0) -> None:
        self.client = HTTPClient(base_url, api_key, timeout)

    def score(self, context: str, candidates: list[str]) -> list[float]:
        if not candidates:
            return []
        payload = self.client.request("/score", {"context": context, "candidates": candidates})
        scores = payload.get("scores")
        if not isinstance(scores, list) or len(scores) != len(candidates):
            raise ServerError(f"/score answered without one score per candidate: {payload!r:.300}")
        return [float(s) for s in scores]

    def health(self) -> dict[str, Any]:
        return self.client.request("/health")
