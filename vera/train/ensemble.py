"""`vera train verifier --heads N`: train N encoder heads from seeds s..s+N-1 and ship their mean.

Each head is exactly the single-head training of its seed (the same `TrainRun`, its own checkpoint
folder, so each resumes after a kill on its own); a finished head's file is kept and not trained again.
With ``workers`` > 1 the heads train in parallel processes (one torch thread each). The result is one
`EncoderEnsemble` file whose metadata holds every head's P3 report.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from vera.errors import ConfigError
from vera.train.p3 import P3Config, TrainRun


def head_paths(checkpoint_dir: Path, heads: int) -> list[Path]:
    return [checkpoint_dir / f"head{i}.safetensors" for i in range(heads)]


def _train_head(index: int, run_fields: dict[str, Any], config: dict[str, Any], checkpoint_dir: str,
                out: str) -> dict[str, Any]:
    """One head's training (in a worker process): the single-head run of its seed."""
    import torch

    torch.set_num_threads(1)

    def log(message: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} head {index}: {message}", flush=True)

    run = TrainRun(config=P3Config(**config), checkpoint_dir=Path(checkpoint_dir), log=log, **run_fields)
    return run.execute(Path(out))


def train_ensemble(run: TrainRun, heads: int, out: Path, *, workers: int = 1, distinct_trajectories: bool = False,
                   log: Callable[[str], None] = print) -> dict[str, Any]:
    """Train (or finish) `heads` heads like `run` with seeds run.config.seed + i; save their ensemble to
    `out`; return a report with each head's. With `distinct_trajectories`, head i also walks its own
    oracle instances (seeds run.first_seed + i * run.seeds onwards) instead of the same ones."""
    from vera.verifier.encoder import EncoderEnsemble, EncoderVerifier

    if run.scorer_spec != "encoder":
        raise ConfigError(f"--heads trains encoder heads; {run.scorer_spec!r} is not one (drop --heads)")
    if run.checkpoint_dir is None:
        raise ConfigError("--heads needs a checkpoint folder for the heads' files")
    if heads < 1 or workers < 1:
        raise ConfigError("--heads and --workers must be 1 or more")
    folder = Path(run.checkpoint_dir)
    paths = head_paths(folder, heads)
    fields = {k: v for k, v in asdict(run).items()
              if k not in ("config", "checkpoint_dir", "log", "scorer_spec")}
    todo = [i for i, path in enumerate(paths) if not (path.is_file() and "p3_report" in
                                                      EncoderVerifier.read_metadata(path))]
    log(f"{heads} heads: {heads - len(todo)} already trained, {len(todo)} to train on {workers} worker(s)")
    first_seeds = [run.first_seed + (i * run.seeds if distinct_trajectories else 0) for i in range(heads)]
    jobs = [(i, {**fields, "first_seed": first_seeds[i]}, asdict(replace(run.config, seed=run.config.seed + i)),
             str(folder / f"head{i}"), str(paths[i])) for i in todo]
    if workers == 1 or len(jobs) <= 1:
        for job in jobs:
            _train_head(*job)
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=get_context("spawn")) as pool:
            for future in [pool.submit(_train_head, *job) for job in jobs]:
                future.result()
    reports = [json.loads(EncoderVerifier.read_metadata(p)["p3_report"]) for p in paths]
    seeds = [run.config.seed + i for i in range(heads)]
    EncoderEnsemble.from_files(paths).save(out, {"p3_reports": json.dumps(reports), "seeds": json.dumps(seeds),
                                                 "first_trajectory_seeds": json.dumps(first_seeds)})
    log(f"saved {out} ({heads} heads)")
    return {"out": str(out), "heads": heads, "seeds": seeds, "first_trajectory_seeds": first_seeds,
            "config": run.config.to_dict(), "head_reports": reports}
