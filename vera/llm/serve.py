"""`vera serve`: a small HTTP server over the HF backend (stdlib `http.server`, one model, requests serialised).

Endpoints (JSON):
- ``GET /health`` -> {"status": "ok", "model": ..., "strategy": ..., "head": ...}
- ``GET /v1/models`` -> the OpenAI model list (one model)
- ``POST /v1/completions`` -> OpenAI completions subset: prompt (string or list), max_tokens, temperature,
  stop, logprobs (top-k per generated token; tokens, token_logprobs, top_logprobs, text_offset), seed
- ``POST /score`` -> {"context": str, "candidates": [str]} -> {"scores": [...]}, prefix-shared: the
  context is computed once for all candidates (and its common prefix with the previous call is re-used)
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import torch

from vera.llm.base import cut_at_stop
from vera.llm.hf import HFCausalLM, HFScorer

MAX_TOP_LOGPROBS = 1000


class RequestError(ValueError):
    """A malformed request: answered with HTTP 400 and an OpenAI-style error body."""


def _field(body: dict[str, Any], name: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
    value = body.get(name, default)
    if value is not None and not isinstance(value, kind):
        raise RequestError(f"field {name!r} has the wrong type ({type(value).__name__})")
    return value


class ScoringService:
    """What the server does, independent of HTTP (one lock: the model runs one request at a time)."""

    def __init__(self, llm: HFCausalLM, scorer: HFScorer, model_name: str) -> None:
        self.llm, self.scorer, self.model_name = llm, scorer, model_name
        self.lock = threading.Lock()

    def health(self) -> dict[str, Any]:
        return {"status": "ok", "model": self.model_name, **self.scorer.describe()}

    def models(self) -> dict[str, Any]:
        return {"object": "list", "data": [{"id": self.model_name, "object": "model", "owned_by": "vera"}]}

    def score(self, body: dict[str, Any]) -> dict[str, Any]:
        context = _field(body, "context", str)
        candidates = _field(body, "candidates", list)
        if context is None or candidates is None or not all(isinstance(c, str) for c in candidates):
            raise RequestError("/score needs {'context': str, 'candidates': [str, ...]}")
        start = time.perf_counter()
        with self.lock:
            scores = self.scorer.score(context, candidates)
        return {"model": self.model_name, "scores": scores, "strategy": self.scorer.strategy.name,
                "head": type(self.scorer.head).__name__,
                "elapsed_ms": round((time.perf_counter() - start) * 1000, 3)}

    def completions(self, body: dict[str, Any]) -> dict[str, Any]:
        prompt = body.get("prompt")
        prompts = [prompt] if isinstance(prompt, str) else prompt
        if not isinstance(prompts, list) or not prompts or not all(isinstance(p, str) for p in prompts):
            raise RequestError("'prompt' must be a string or a non-empty list of strings")
        if body.get("echo"):
            raise RequestError("'echo' is not supported")
        max_tokens = _field(body, "max_tokens", int, 16)
        temperature = float(_field(body, "temperature", (int, float), 0.0))
        top = _field(body, "logprobs", int)
        seed = _field(body, "seed", int)
        stop = _field(body, "stop", (str, list))
        stop = [stop] if isinstance(stop, str) else stop
        if max_tokens < 1:
            raise RequestError("'max_tokens' must be >= 1")
        if top is not None and not 0 <= top <= MAX_TOP_LOGPROBS:
            raise RequestError(f"'logprobs' must be between 0 and {MAX_TOP_LOGPROBS}")
        choices, prompt_tokens, completion_tokens = [], 0, 0
        with self.lock:
            for index, text in enumerate(prompts):
                choice, n_prompt, n_out = self._complete(text, max_tokens, temperature, top, stop, seed)
                choices.append({"index": index, **choice})
                prompt_tokens += n_prompt
                completion_tokens += n_out
        return {"id": f"cmpl-{uuid.uuid4().hex[:24]}", "object": "text_completion", "created": int(time.time()),
                "model": self.model_name, "choices": choices,
                "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                          "total_tokens": prompt_tokens + completion_tokens}}

    @torch.inference_mode()
    def _complete(self, prompt: str, max_tokens: int, temperature: float, top: int | None,
                  stop: list[str] | None, seed: int | None) -> tuple[dict[str, Any], int, int]:
        llm, tok = self.llm, self.llm.tokenizer
        ids = llm.encode_context(prompt)[None]
        options: dict[str, Any] = {"max_new_tokens": max_tokens, "pad_token_id": llm._pad_id(),
                                   "return_dict_in_generate": True, "output_logits": True}
        if temperature > 0:
            if seed is not None:
                torch.manual_seed(seed)
            options.update(do_sample=True, temperature=temperature, top_k=0, top_p=1.0)
        else:
            options.update(do_sample=False, temperature=None, top_k=None, top_p=None)
        out = llm.model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), **options)
        new_ids = out.sequences[0, ids.shape[1]:].tolist()
        pieces = [tok.decode([i]) for i in new_ids]
        offsets, pos = [], 0
        for piece in pieces:
            offsets.append(pos)
            pos += len(piece)
        text = "".join(pieces)
        cut = cut_at_stop(text, stop)
        eos = tok.eos_token_id
        finish = "stop" if len(cut) < len(text) or (new_ids and new_ids[-1] == eos) else "length"
        keep = sum(1 for o in offsets if o < len(cut)) if len(cut) < len(text) else len(new_ids)
        if eos is not None and new_ids and new_ids[-1] == eos and keep == len(new_ids):
            cut = cut[: offsets[-1]] if offsets else cut
        choice: dict[str, Any] = {"text": cut, "finish_reason": finish, "logprobs": None}
        if top is not None:
            token_logprobs, top_logprobs = [], []
            for step, token_id in enumerate(new_ids[:keep]):
                logprobs = torch.log_softmax(out.logits[step][0].float(), dim=-1)
                token_logprobs.append(float(logprobs[token_id]))
                entry: dict[str, float] = {}
                if top > 0:
                    values, idx = torch.topk(logprobs, min(top, logprobs.numel()))
                    for v, i in zip(values.tolist(), idx.tolist(), strict=True):
                        entry.setdefault(tok.decode([i]), v)  # distinct ids may decode alike: keep the best
                top_logprobs.append(entry)
            choice["logprobs"] = {"tokens": pieces[:keep], "token_logprobs": token_logprobs,
                                  "top_logprobs": top_logprobs, "text_offset": offsets[:keep]}
        return choice, ids.shape[1], keep


def make_handler(service: ScoringService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "vera-serve/0.1"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet by default
            pass

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, message: str, kind: str = "invalid_request_error") -> None:
            self._send(status, {"error": {"message": message, "type": kind, "code": status}})

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            routes = {"/health": service.health, "/v1/models": service.models}
            route = routes.get(self.path.rstrip("/") or "/")
            if route is None:
                self._error(HTTPStatus.NOT_FOUND, f"no route GET {self.path}", "not_found")
                return
            self._send(HTTPStatus.OK, route())

        def do_POST(self) -> None:  # noqa: N802
            routes = {"/v1/completions": service.completions, "/score": service.score}
            route = routes.get(self.path.rstrip("/"))
            if route is None:
                self._error(HTTPStatus.NOT_FOUND, f"no route POST {self.path}", "not_found")
                return
            try:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                if not isinstance(body, dict):
                    raise RequestError("the request body must be a JSON object")
                self._send(HTTPStatus.OK, route(body))
            except (RequestError, json.JSONDecodeError) as exc:
                self._error(HTTPStatus.BAD_REQUEST, str(exc))
            except Exception as exc:  # noqa: BLE001 - report, keep serving
                self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"{type(exc).__name__}: {exc}", "server_error")

    return Handler


def make_server(service: ScoringService, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """A bound (not yet serving) server; port 0 picks a free port (see `server.server_address`)."""
    server = ThreadingHTTPServer((host, port), make_handler(service))
    server.daemon_threads = True
    return server


def build_service(model: str, mode: str = "yes", value_head: str | None = None,
                  strategy: str = "shared_prefix", dtype: str = "float32", device: str = "cpu",
                  max_context_tokens: int | None = None, name: str | None = None) -> ScoringService:
    from pathlib import Path

    from vera.llm.hf import make_head

    llm = HFCausalLM.load(model, dtype=dtype, device=device, max_context_tokens=max_context_tokens)
    scorer = HFScorer(llm, make_head(llm, mode, value_head), strategy=strategy)
    return ScoringService(llm, scorer, name or Path(model).name)
