"""`vera serve` on 127.0.0.1 (ephemeral port) with a tiny random checkpoint, against the HTTP clients."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from vera.llm.hf import HFCausalLM, HFScorer, make_head
from vera.llm.openai_http import OpenAICompletionsScorer, OpenAIHTTPLLM, ServerError, VeraScoreScorer
from vera.llm.serve import build_service, make_server

CONTEXT = ("The user goal request is: open app clock and add alarm 7 30 AM\n"
           "Here is the history of actions taken:\nYou just started, no action has been performed yet.\n"
           "<button id=0 text='Add'>Add</button>\n")
CANDIDATES = ['Is {"action_type": "click", "index": 0} helpful?\nAnswer:',
              'Is {"action_type": "navigate_home"} helpful for completing the task?\nAnswer:',
              'Is {"action_type": "open_app", "app_name": "clock"} helpful?\nAnswer:']


@pytest.fixture(scope="module")
def server(tiny_checkpoint):
    service = build_service(str(tiny_checkpoint), mode="yes", name="tiny")
    httpd = make_server(service, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    host, port = httpd.server_address[:2]
    yield f"http://{host}:{port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def local(tiny_checkpoint):
    llm = HFCausalLM.load(tiny_checkpoint)
    return llm, HFScorer(llm, make_head(llm, "yes"))


def test_health_and_models(server):
    client = VeraScoreScorer(server)
    health = client.health()
    assert health["status"] == "ok" and health["model"] == "tiny" and health["strategy"] == "shared_prefix"
    assert client.client.request("/v1/models")["data"][0]["id"] == "tiny"


def test_score_endpoint_matches_in_process(server, local):
    expected = local[1].score(CONTEXT, CANDIDATES)
    got = VeraScoreScorer(server).score(CONTEXT, CANDIDATES)
    assert got == pytest.approx(expected, abs=1e-6)
    assert VeraScoreScorer(server).score(CONTEXT, []) == []


def test_completions_scorer_matches_in_process(server, local):
    llm, scorer = local
    tok = llm.tokenizer
    for cand in CANDIDATES:  # the string join tokenizes like the token join at this boundary
        assert tok(CONTEXT + cand)["input_ids"] == tok(CONTEXT)["input_ids"] + tok(cand, add_special_tokens=False)[
            "input_ids"]
    expected = scorer.score(CONTEXT, CANDIDATES)
    exact = OpenAICompletionsScorer(server, "tiny", yes_tokens=("Yes",), no_tokens=("No",),
                                    top_logprobs=len(tok), batch_size=2, concurrency=2)
    assert exact.score(CONTEXT, CANDIDATES) == pytest.approx(expected, abs=1e-5)
    assert exact.stats["requests"] == 2 and exact.stats["missing"] == 0
    both = OpenAICompletionsScorer(server, "tiny", top_logprobs=len(tok)).score(CONTEXT, CANDIDATES)
    assert all(0.0 < s < 1.0 for s in both) and both != pytest.approx(expected, abs=1e-9)
    few = OpenAICompletionsScorer(server, "tiny", top_logprobs=0)
    with pytest.raises(ServerError, match="no top_logprobs"):
        few.score(CONTEXT, CANDIDATES[:1])


def test_http_llm_matches_in_process(server, local):
    llm = local[0]
    remote = OpenAIHTTPLLM(server, "tiny")
    assert remote.generate("Answer:", max_new_tokens=5) == llm.generate("Answer:", max_new_tokens=5)
    here = llm.next_token_logprobs("Answer:", top_k=5)
    there = remote.next_token_logprobs("Answer:", top_k=5)
    assert [t.token for t in there] == [t.token for t in here]
    assert [t.logprob for t in there] == pytest.approx([t.logprob for t in here], abs=1e-5)
    text = llm.generate("Answer:", max_new_tokens=8)
    stop = text[2:4]
    assert remote.generate("Answer:", max_new_tokens=8, stop=[stop]) == text[: text.find(stop)]


def test_errors_are_clear(server):
    with pytest.raises(ServerError, match="HTTP 400.*candidates"):
        VeraScoreScorer(server).client.request("/score", {"context": "x"})
    with pytest.raises(ServerError, match="HTTP 404"):
        VeraScoreScorer(server).client.request("/nope", {})
    with pytest.raises(ServerError, match="HTTP 400.*prompt"):
        OpenAIHTTPLLM(server, "tiny").client.request("/v1/completions", {"prompt": 3})
    with pytest.raises(ServerError, match="cannot reach"):
        VeraScoreScorer("http://127.0.0.1:9", timeout=2).score("a", ["b"])


def test_vera_serve_command(tiny_checkpoint):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "vera.cli", "serve", "--model", str(tiny_checkpoint),
                             "--port", "0", "--mode", "logodds"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        assert line.startswith("serving on http://127.0.0.1:"), (line, proc.stderr.read() if proc.poll() else "")
        url = line.split()[2]
        assert VeraScoreScorer(url).health()["head"] == "YesLogOdds"
        assert len(VeraScoreScorer(url).score(CONTEXT, CANDIDATES)) == 3
    finally:
        proc.terminate()
        proc.wait(timeout=30)
