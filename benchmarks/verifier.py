"""Verifier scoring cost on this CPU: `vera bench verifier --json`.

Part 1, prefix sharing: a small random Llama-shaped model (hidden 256, 4 layers, GQA 8/4 heads, vocab
4096), a 1,000-token context and 30 candidates (16-40 tokens). Naive per-candidate scoring against the
vera.llm.prefix strategies (prefix KV reuse, packed tree mask, shared prefix). Goal: shared >= 10x naive,
scores equal (max |diff| reported, P(Yes) and log-odds).

Part 2, the default verifier's decision latency (`default_verifier_latency`): the embedded MiniLM
verifier (vera.verifier.encoder) scoring 30 candidates per decision over an episode whose screens change
step by step. AGENT HOOK: `simdroid_decisions()` below returns None until the V-Droid agent helper fills
it with real SimDroid (context, candidates) decisions; until then the decisions are synthetic screens of
the same shape (`"source": "synthetic"` in the JSON). Goal: median <= 150 ms on this machine.

Prints one JSON object as its last line.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import torch

SMALL_LLAMA = dict(vocab_size=4096, hidden_size=256, num_layers=4, num_heads=8, num_kv_heads=4,
                   intermediate_size=688)


def _timed(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    out, times = None, []
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def prefix_sharing(context_tokens: int = 1000, n_candidates: int = 30, repeats: int = 3,
                   seed: int = 0) -> dict[str, Any]:
    from vera.llm.prefix import STRATEGIES
    from vera.llm.testing import build_tiny_causal_lm

    sizes = dict(SMALL_LLAMA)
    vocab = sizes.pop("vocab_size")
    model = build_tiny_causal_lm("llama", vocab_size=vocab, seed=seed, **sizes)
    gen = torch.Generator().manual_seed(seed)
    context = torch.randint(3, vocab, (context_tokens,), generator=gen)
    lengths = torch.randint(16, 41, (n_candidates,), generator=gen).tolist()
    candidates = [torch.randint(3, vocab, (n,), generator=gen) for n in lengths]
    head = model.get_output_embeddings()
    yes, no = 5, 6

    def run(name: str) -> Callable[[], tuple[torch.Tensor, torch.Tensor]]:
        def go() -> tuple[torch.Tensor, torch.Tensor]:
            with torch.inference_mode():
                pair = head(STRATEGIES[name].last_hidden(model, context, candidates))[:, [yes, no]]
                return torch.softmax(pair, -1)[:, 0], pair[:, 0] - pair[:, 1]
        return go

    STRATEGIES["shared_prefix"].last_hidden(model, context[:50], candidates[:2])  # warm-up
    figures: dict[str, Any] = {}
    ref = None
    for name in ("naive", "prefix_kv", "packed", "shared_prefix"):
        seconds, (p_yes, log_odds) = _timed(run(name), 1 if name == "naive" else repeats)
        ref = ref or (p_yes, log_odds)
        figures[name] = {"ms": round(seconds * 1000, 1),
                         "max_abs_diff_p_yes": float((p_yes - ref[0]).abs().max()),
                         "max_abs_diff_log_odds": float((log_odds - ref[1]).abs().max())}
        print(f"  {name:14s} {figures[name]['ms']:9.1f} ms", file=sys.stderr)
    for name in figures:
        figures[name]["speedup_vs_naive"] = round(figures["naive"]["ms"] / figures[name]["ms"], 1)
    best = min((n for n in figures if n != "naive"), key=lambda n: figures[n]["ms"])
    return {"model": "random llama " + ", ".join(f"{k} {v}" for k, v in SMALL_LLAMA.items()),
            "context_tokens": context_tokens, "candidates": n_candidates,
            "candidate_tokens": f"{min(lengths)}-{max(lengths)}", "dtype": "float32",
            "variants": figures, "best": best, "best_speedup": figures[best]["speedup_vs_naive"],
            "goal_speedup": 10,
            "max_abs_diff_p_yes": max(f["max_abs_diff_p_yes"] for f in figures.values())}


# --- default verifier latency ----------------------------------------------------------------------------

def simdroid_decisions() -> list[tuple[str, list[str]]] | None:
    """AGENT HOOK: real (context, candidates) decisions from SimDroid episodes, in the order an agent meets
    them (so the embedding cache sees realistic re-use): the oracle walks of five SimDroid tasks, with V-Droid's
    candidate sets (slots filled) in the compact prompt style (filled in by the agent helper)."""
    from vera.train.episodes import simdroid_decisions as oracle_walk_decisions

    return oracle_walk_decisions()


LABELS = ("Add contact Save Cancel Search Settings Alarm Timer Stopwatch Bedtime Delete Edit Share Name Phone "
          "Email Notes Title Date Time Repeat Label Vibrate Snooze Back More options Sort by Filter New "
          "folder Rename Move Copy Details Favorites Recent Groups Import Export Help Feedback About").split()


def synthetic_decisions(steps: int = 40, n_candidates: int = 30, seed: int = 0) -> list[tuple[str, list[str]]]:
    """Episodes of screens in vera's compact prompt shape: goal, growing history, ~24 elements, 30
    candidates; each step keeps about two thirds of the previous screen (as apps mostly do)."""
    rng = random.Random(seed)
    decisions: list[tuple[str, list[str]]] = []
    screen: list[str] = []
    history: list[str] = []
    goal = ""
    for step in range(steps):
        if step % 10 == 0:  # a new episode
            goal = f"Add a contact named {rng.choice(['Alice', 'Bob', 'Chen'])} {rng.randint(100, 999)} " \
                   f"with phone 555-{rng.randint(1000, 9999)} and label {rng.choice(LABELS)}"
            history, screen = [], []
        keep = [s for s in screen if rng.random() < 0.67]
        fresh = [f"{rng.choice(LABELS)} {rng.choice(LABELS)}" for _ in range(24 - len(keep))]
        screen = keep + fresh
        elements = [f"<button id={i}>{label}</button>" for i, label in enumerate(screen)]
        context = (f"Goal: {goal}\nDone: {' | '.join(history[-8:]) or 'nothing yet'}\nScreen: "
                   + "\n".join(elements))
        cands = [f'{{"action_type": "click", "index": {i}}} on {e}' for i, e in enumerate(elements)]
        cands += ['{"action_type": "navigate_back"}', '{"action_type": "navigate_home"}',
                  '{"action_type": "wait"}', '{"action_type": "status", "goal_status": "complete"}',
                  '{"action_type": "open_app", "app_name": "Contacts"}',
                  f'{{"action_type": "input_text", "text": "{goal.split()[4]}", "index": 1}}']
        decisions.append((context, cands[:n_candidates]))
        history.append(f"Clicked on the \"{rng.choice(screen)}\" button")
    return decisions


def default_verifier_latency(decisions: list[tuple[str, list[str]]] | None = None) -> dict[str, Any]:
    from vera.verifier.encoder import EncoderVerifier, encoder_members, load_encoder_scorer

    source = "simdroid"
    if decisions is None:
        decisions = simdroid_decisions()
    if decisions is None:
        decisions, source = synthetic_decisions(), "synthetic"
    from pathlib import Path

    import vera.verifier

    shipped = Path(vera.verifier.__file__).parent / "weights" / "default.safetensors"
    start = time.perf_counter()
    verifier = load_encoder_scorer(shipped) if shipped.is_file() else EncoderVerifier()
    load_s = time.perf_counter() - start
    verifier.score("Goal: warm up\nScreen: <button id=0>OK</button>", ["click OK"])
    times = []
    for context, candidates in decisions:
        t = time.perf_counter()
        verifier.score(context, candidates)
        times.append((time.perf_counter() - t) * 1000)
    ordered = sorted(times)
    heads = encoder_members(verifier)
    return {"source": source, "head": "shipped default" if shipped.is_file() else "untrained",
            "heads": len(heads), "text_form": heads[0].head.config.text_form, "decisions": len(times),
            "candidates_per_decision": round(statistics.mean(len(c) for _, c in decisions), 1),
            "median_ms": round(statistics.median(times), 1),
            "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 1),
            "first_ms": round(times[0], 1), "load_s": round(load_s, 1),
            "embedding_cache": dict(verifier.embedder.stats), "encoder_threads": verifier.num_threads,
            "goal_median_ms": 150}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    parser.add_argument("--context", type=int, default=1000)
    parser.add_argument("--candidates", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-default", action="store_true", help="only the prefix-sharing part")
    args = parser.parse_args(argv)
    print("prefix sharing (CPU):", file=sys.stderr)
    result: dict[str, Any] = {"benchmark": "verifier",
                              "prefix_sharing": prefix_sharing(args.context, args.candidates, args.repeats)}
    if not args.skip_default:
        print("default verifier decision latency:", file=sys.stderr)
        result["default_verifier"] = default_verifier_latency()
    result["command"] = "vera bench verifier --json"
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
