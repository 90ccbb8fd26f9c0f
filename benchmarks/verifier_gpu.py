"""V-Droid decision latency on a GPU: Llama-3.1-8B-shaped verifier, 2,800-token context, 30 candidates.

    python benchmarks/verifier_gpu.py --json           # on a CUDA machine (H100/H200), bf16 random weights
    python benchmarks/verifier_gpu.py --tiny --json    # CPU smoke test: tiny model, fp32, checks correctness

Variants (all from vera.llm.prefix, the code the HF scorer runs):
  naive          one forward pass per candidate (2,840 tokens each)
  prefix_kv      context once into a KV cache, cache expanded x30, candidates batched against it
  packed         one 4,000-token sequence with a tree attention mask (dense SDPA)
  shared_prefix  context once (causal flash SDPA) + all candidates packed in ONE pass against the single,
                 unexpanded cache with a [1,200 x 4,000] tree mask: no cache copies, no quadratic mask over
                 the context. vera's default (`HFScorer(strategy="shared_prefix")`), through HF modules.
  fast_shared_prefix  the same computation with a lean forward: fused QKV and gate/up matmuls, residuals
                 fused into addmm, context K/V kept as plain tensors, the last layer's MLP only at read-out
                 tokens, per-layer bodies torch.compile'd (one graph for all 32 layers; --no-compile: eager).
  fast_shared_prefix_flex / _split  the tree attention as a FlexAttention block mask / as two dense flash passes
                 (candidates x context, each candidate x itself) merged by their log-sum-exps.
  fast_shared_prefix_joint  split attention, and the context and candidate rows through each layer's matmuls as
                 ONE 4,000-row matrix (split only for attention); the last layer computes queries, attention and
                 MLP only at the 30 read-out rows; attention outputs written straight into the o-proj input.
Scores: P(Yes) over {Yes, No} from the logits at each candidate's last token, and log-odds; all compared
with naive. Prints one JSON object as its last line: device, figures, max |diffs|.
Reference (plain HF on an H200): naive 2.48 s, prefix KV 226 ms, packed 145 ms; linear-FLOP floor ~80 ms.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import torch

ROOT = Path(__file__).resolve().parent.parent
LLAMA_8B = dict(vocab_size=128256, hidden_size=4096, num_hidden_layers=32, num_attention_heads=32,
                num_key_value_heads=8, intermediate_size=14336, max_position_embeddings=8192,
                rope_theta=500000.0, tie_word_embeddings=False)
TINY = dict(vocab_size=512, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
            intermediate_size=128, max_position_embeddings=4096, tie_word_embeddings=False)
VARIANTS = ("naive", "prefix_kv", "packed", "shared_prefix", "fast_shared_prefix", "fast_shared_prefix_flex",
            "fast_shared_prefix_split", "fast_shared_prefix_joint")
YES_ID, NO_ID = 9642, 2822  # Llama-3 "Yes" / "No" (any two ids serve with random weights)


def _load_prefix_module() -> Any:
    """vera.llm.prefix by file path: runs where vera's other dependencies are not installed."""
    spec = importlib.util.spec_from_file_location("vera_llm_prefix", ROOT / "vera" / "llm" / "prefix.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def build_model(sizes: dict[str, Any], device: str, dtype: torch.dtype, seed: int) -> Any:
    from transformers import AutoModelForCausalLM, LlamaConfig

    config = LlamaConfig(**sizes)
    config._attn_implementation = "sdpa"
    torch.manual_seed(seed)
    with torch.device(device):
        model = AutoModelForCausalLM.from_config(config, dtype=dtype)
    if sizes is TINY:
        with torch.no_grad():
            for p in model.parameters():
                if p.dim() >= 2:
                    p.normal_(0.0, 0.15)
    return model.eval()


def profile(fn: Any) -> dict[str, Any]:
    """Print one call's top CUDA kernels; return its GPU-busy time by kernel kind and the launch count."""
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile

    with torch.inference_mode():
        fn()
        torch.cuda.synchronize()
        with torch_profile(activities=[ProfilerActivity.CUDA]) as prof:
            fn()
            torch.cuda.synchronize()
    averages = prof.key_averages()
    print(averages.table(sort_by="cuda_time_total", row_limit=25), file=sys.stderr)
    kinds = {"gemm": ("gemm", "sm90_xmma", "cutlass", "nvjet"), "attention": ("flash", "fmha", "cudnn", "attention")}
    busy: dict[str, float] = {"gemm": 0.0, "attention": 0.0, "other": 0.0}
    launches = 0
    for event in averages:
        us = getattr(event, "self_device_time_total", 0.0)
        if us <= 0:
            continue
        launches += event.count
        key = event.key.lower()
        kind = next((k for k, marks in kinds.items() if any(m in key for m in marks)), "other")
        busy[kind] += us / 1000
    summary = {f"{k}_ms": round(v, 2) for k, v in busy.items()}
    summary["busy_ms"] = round(sum(busy.values()), 2)
    summary["kernels"] = launches
    print(json.dumps(summary), file=sys.stderr)
    return summary


def _sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def time_variant(fn: Any, device: str, warmup: int, repeats: int) -> tuple[list[float], list[float], Any]:
    """Wall times per call (to the device's last kernel) and host times (until the call returned)."""
    out = None
    for _ in range(warmup):
        out = fn()
    _sync(device)
    times, host = [], []
    for _ in range(repeats):
        _sync(device)
        start = time.perf_counter()
        out = fn()
        host.append(time.perf_counter() - start)
        _sync(device)
        times.append(time.perf_counter() - start)
    return times, host, out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    parser.add_argument("--tiny", action="store_true", help="CPU smoke test with a tiny fp32 model")
    parser.add_argument("--context", type=int, default=2800)
    parser.add_argument("--candidates", type=int, default=30)
    parser.add_argument("--candidate-tokens", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--naive-repeats", type=int, default=2)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-compile", action="store_true", help="run fast_shared_prefix eagerly")
    parser.add_argument("--fp32-check", type=int, default=3,
                        help="candidates re-scored in float32 (naive) to measure each variant's bf16 error")
    parser.add_argument("--profile", action="store_true", help="print the top CUDA kernels of the best variant")
    parser.add_argument("--profile-variants", default="",
                        help="comma-separated variants to profile (kernel table and GPU-busy time; implies --profile)")
    args = parser.parse_args(argv)

    if args.tiny:
        device, dtype, sizes = "cpu", torch.float32, TINY
        if args.context == 2800:
            args.context, args.candidate_tokens = 300, 12
    elif torch.cuda.is_available():
        device, dtype, sizes = "cuda", torch.bfloat16, LLAMA_8B
    else:
        result = {"benchmark": "verifier_gpu", "skipped": "no CUDA device; run on an H100/H200, or use --tiny"}
        print("verifier_gpu: no CUDA device found; nothing measured (use --tiny for a CPU smoke test)",
              file=sys.stderr)
        print(json.dumps(result))
        return result

    prefix = _load_prefix_module()
    t0 = time.perf_counter()
    model = build_model(sizes, device, dtype, args.seed)
    build_s = time.perf_counter() - t0
    vocab = sizes["vocab_size"]
    yes_id, no_id = (YES_ID, NO_ID) if vocab > YES_ID else (5, 6)
    gen = torch.Generator().manual_seed(args.seed + 1)
    context = torch.randint(10, vocab, (args.context,), generator=gen).to(device)
    candidates = [torch.randint(10, vocab, (args.candidate_tokens,), generator=gen).to(device)
                  for _ in range(args.candidates)]
    head = model.get_output_embeddings()

    @torch.inference_mode()
    def scores_of(hidden: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        pair = head(hidden)[:, [yes_id, no_id]].float()
        return torch.softmax(pair, -1)[:, 0], pair[:, 0] - pair[:, 1]

    figures: dict[str, Any] = {}
    outputs: dict[str, tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = {}
    names = [v.strip() for v in args.variants.split(",") if v.strip()]
    if args.no_compile:
        for name in prefix.STRATEGIES:
            if name.startswith("fast"):
                prefix.STRATEGIES[name].compile = False
    for name in names:
        strategy = prefix.STRATEGIES[name]

        def run(strategy: Any = strategy) -> torch.Tensor:
            with torch.inference_mode():
                return strategy.last_hidden(model, context, candidates)

        repeats = args.naive_repeats if name == "naive" else args.repeats
        if device == "cuda":
            torch.cuda.reset_peak_memory_stats()
        start = time.perf_counter()
        run()  # first call: fuses weights / compiles (fast_shared_prefix)
        _sync(device)
        first_call_s = time.perf_counter() - start
        if name.startswith("fast") and device == "cuda":
            # decisions differ in context length and candidates: first calls at new lengths (the second length makes
            # torch.compile build one shape-generic graph); the timing below then runs that graph
            shape_calls = []
            for cut, drop in ((7, 0), (13, 1), (21, 2)):  # the third call must re-use the generic graph
                start = time.perf_counter()
                with torch.inference_mode():
                    strategy.last_hidden(model, context[:-cut], candidates[:len(candidates) - drop])
                _sync(device)
                shape_calls.append(round(time.perf_counter() - start, 2))
        times, host, hidden = time_variant(run, device, warmup=1, repeats=repeats)

        p_yes, log_odds = scores_of(hidden)
        outputs[name] = (hidden.float(), p_yes, log_odds)
        figures[name] = {"median_ms": round(statistics.median(times) * 1000, 2),
                         "min_ms": round(min(times) * 1000, 2), "host_ms": round(statistics.median(host) * 1000, 2),
                         "repeats": repeats,
                         "first_call_s": round(first_call_s, 2)}
        if name.startswith("fast") and device == "cuda":
            figures[name]["new_length_calls_s"] = shape_calls
        if device == "cuda":
            figures[name]["peak_gib"] = round(torch.cuda.max_memory_allocated() / 2**30, 2)
        print(f"{name:14s} median {figures[name]['median_ms']:9.2f} ms", file=sys.stderr)

    best = min((n for n in figures if n != "naive"), key=lambda n: figures[n]["median_ms"], default=None)
    profiled = [v.strip() for v in args.profile_variants.split(",") if v.strip()]
    if args.profile and best is not None and best not in profiled:
        profiled.append(best)
    if device == "cuda":
        for name in profiled:
            print(f"--- profile of {name}", file=sys.stderr)
            figures[name]["profile"] = profile(
                lambda name=name: prefix.STRATEGIES[name].last_hidden(model, context, candidates))
    if "naive" in outputs:
        ref_h, ref_p, ref_lo = outputs["naive"]
        for name, (h, p, lo) in outputs.items():
            rel = ((h - ref_h).norm(dim=-1) / ref_h.norm(dim=-1)).max()
            figures[name].update(
                max_abs_diff_p_yes=float((p - ref_p).abs().max()),
                max_abs_diff_log_odds=float((lo - ref_lo).abs().max()),
                max_rel_diff_hidden=float(rel),
                same_argmax=bool(int(lo.argmax()) == int(ref_lo.argmax())),
                speedup_vs_naive=round(figures["naive"]["median_ms"] / figures[name]["median_ms"], 2),
            )
    if device == "cuda" and args.fp32_check > 0 and outputs:
        # the bf16 tolerance: every variant's error against a float32 naive pass over a few candidates
        model.float()
        with torch.inference_mode():
            ref32 = prefix.STRATEGIES["naive"].last_hidden(model, context, candidates[:args.fp32_check]).float()
        for name, (h, _, _) in outputs.items():
            err = (h[:args.fp32_check] - ref32).norm(dim=-1) / ref32.norm(dim=-1)
            figures[name]["rel_err_vs_fp32_hidden"] = float(err.max())
    tokens = args.context + args.candidates * args.candidate_tokens
    n_params = sum(p.numel() for p in model.parameters()) - head.weight.numel()
    result = {
        "benchmark": "verifier_gpu",
        "device": torch.cuda.get_device_name() if device == "cuda" else "cpu",
        "dtype": str(dtype).replace("torch.", ""),
        "model": "llama-3.1-8b-shaped random" if sizes is LLAMA_8B else "tiny llama (hidden 64, 2 layers)",
        "context_tokens": args.context, "candidates": args.candidates,
        "candidate_tokens": args.candidate_tokens,
        "linear_tflop_per_decision": round(2 * n_params * tokens / 1e12, 2),
        "build_s": round(build_s, 1),
        "torch": torch.__version__,
        "variants": figures,
        "best": best,
        "best_ms": figures[best]["median_ms"] if best else None,
        "goal_ms": 100,
        "command": " ".join(["python benchmarks/verifier_gpu.py", *(sys.argv[1:] if argv is None else argv)]),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
