"""P3 (pair-wise progress preference) training of the V-Droid verifier (research notes section 1.7).

Data: every state of a SimDroid ``train``-split oracle trajectory gives one `PreferenceExample`: the
same goal, working memory and screen as context, the oracle's action as the positive and several other
candidates of that state as negatives (hard ones first: the same element, the same action type). Joint
annotation rounds follow V-Droid's human-agent scheme with the oracle as annotator: the current verifier
agent plays the tasks; in the state where it departs from the oracle, its choice becomes a hard
negative for the oracle's action; the pairs are added and training continues; success per round is
reported.

Loss: Bradley-Terry, ``-log sigmoid(s+ - s- - margin)`` (`vera.verifier.scorer.preference_step`).
Any `TrainableScorer` trains the same way: the embedded encoder (`vera.verifier.encoder`) or an HF
causal LM with LoRA adapters (`add_lora`). Checkpoints are safetensors (trainable weights, AdamW
moments, step); `P3Trainer.fit` resumes from the last one after a kill.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from vera.env.android import types as T
from vera.errors import ConfigError
from vera.memory.working import RuleSummarizer, StepOutcome, WorkingMemory
from vera.train.episodes import OracleStep, action_candidate, oracle_actions, start_episode, walk_oracle
from vera.verifier.candidates import Candidate, find_candidate, same_action
from vera.verifier.html import screen_html
from vera.verifier.prompt import PromptStyle
from vera.verifier.scorer import PreferenceExample, TrainableScorer, pairwise_accuracy, preference_step

CandidatesFn = Callable[[str, Sequence[Any], Sequence[str]], list[Candidate]]


# --- pairs -------------------------------------------------------------------------------------------
def _hardness(candidate: Candidate, positive: Candidate) -> int:
    """Lower is harder: same element first, then the same action type, then the rest."""
    if positive.index is not None and candidate.index == positive.index:
        return 0
    if candidate.kind == positive.kind:
        return 1
    return 2


def make_example(step: OracleStep, candidates: list[Candidate], style: PromptStyle, negatives: int,
                 rng: random.Random, hard: Sequence[str] = ()) -> PreferenceExample | None:
    """One P3 example for a state, or None when the oracle's action is not among the candidates."""
    positive = find_candidate(candidates, step.action)
    if positive is None:
        return None
    others = [c for c in candidates if c.text != positive.text and style.action(c) != style.action(positive)]
    if not others:
        return None
    forced = [c for c in others if c.text in set(hard)]
    pool = [c for c in others if c.text not in set(hard)]
    rng.shuffle(pool)
    pool.sort(key=lambda c: _hardness(c, positive))
    n_hard = max(1, negatives // 2)
    chosen = forced + pool[:n_hard]
    rest = pool[n_hard:]
    rng.shuffle(rest)
    chosen += rest[: max(0, negatives - len(chosen))]
    memory = WorkingMemory(step.memory)
    context = style.context(step.goal, style.history(memory), screen_html(step.elements))
    return PreferenceExample(context, style.action(positive), tuple(style.action(c) for c in chosen))


def oracle_steps(tasks: Sequence[str], seeds: Sequence[int], candidates_fn: CandidatesFn) -> list[OracleStep]:
    """Every state of the oracle trajectories of `tasks` x `seeds`."""
    steps: list[OracleStep] = []
    for name in tasks:
        for seed in seeds:
            steps.extend(walk_oracle(name, seed, candidates_fn).steps)
    return steps


def examples_from_steps(steps: Sequence[OracleStep], candidates_fn: CandidatesFn, style: PromptStyle,
                        negatives: int = 8, seed: int = 0,
                        hard: dict[int, Sequence[str]] | None = None) -> list[PreferenceExample]:
    rng = random.Random(seed)
    out = []
    for i, step in enumerate(steps):
        cands = candidates_fn(step.goal, step.elements, step.app_names)
        example = make_example(step, cands, style, negatives, rng, (hard or {}).get(i, ()))
        if example is not None:
            out.append(example)
    return out


# --- trainer -----------------------------------------------------------------------------------------
@dataclass
class P3Config:
    lr: float = 1e-3
    epochs: int = 4
    batch_size: int = 16
    margin: float = 0.0
    negatives: int = 8
    seed: int = 0
    save_every: int = 25
    weight_decay: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


CHECKPOINT_FILE = "p3-checkpoint.safetensors"


@dataclass
class P3Trainer:
    """Pairwise training with resumable safetensors checkpoints in ``checkpoint_dir``."""

    scorer: TrainableScorer
    config: P3Config = field(default_factory=P3Config)
    checkpoint_dir: Path | None = None
    log: Callable[[dict[str, Any]], None] | None = None

    def __post_init__(self) -> None:
        self.params = list(self.scorer.trainable_parameters())
        if not self.params:
            raise ConfigError("the scorer has no trainable parameters; enable a head, top layers or LoRA")
        self.optimizer = torch.optim.AdamW(self.params, lr=self.config.lr,
                                           weight_decay=self.config.weight_decay)
        self.step = 0

    @property
    def checkpoint_path(self) -> Path | None:
        return self.checkpoint_dir / CHECKPOINT_FILE if self.checkpoint_dir else None

    def save_checkpoint(self, phase: str = "") -> None:
        path = self.checkpoint_path
        if path is None:
            return
        tensors: dict[str, torch.Tensor] = {}
        for i, p in enumerate(self.params):
            tensors[f"param.{i}"] = p.detach().cpu().contiguous()
            state = self.optimizer.state.get(p, {})
            for key in ("exp_avg", "exp_avg_sq"):
                if key in state:
                    tensors[f"opt.{i}.{key}"] = state[key].detach().cpu().contiguous()
            if "step" in state:
                tensors[f"opt.{i}.step"] = torch.as_tensor(state["step"], dtype=torch.float32).reshape(1)
        meta = {"step": str(self.step), "phase": phase, "config": json.dumps(self.config.to_dict()),
                "n_params": str(len(self.params))}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        save_file(tensors, str(tmp), metadata=meta)
        tmp.replace(path)

    def load_checkpoint(self) -> str | None:
        """Restore weights, optimizer moments and the step; returns the saved phase or None."""
        path = self.checkpoint_path
        if path is None or not path.is_file():
            return None
        from safetensors import safe_open

        with safe_open(str(path), "pt") as handle:
            meta = handle.metadata() or {}
        if int(meta.get("n_params", -1)) != len(self.params):
            raise ConfigError(f"checkpoint {path} holds {meta.get('n_params')} tensors, the scorer trains "
                              f"{len(self.params)}; use a fresh --checkpoint-dir for another model")
        tensors = load_file(str(path))
        with torch.no_grad():
            for i, p in enumerate(self.params):
                p.copy_(tensors[f"param.{i}"].to(p.device, p.dtype))
        for i, p in enumerate(self.params):
            if f"opt.{i}.exp_avg" in tensors:
                self.optimizer.state[p] = {
                    "step": tensors[f"opt.{i}.step"].reshape(()).clone(),
                    "exp_avg": tensors[f"opt.{i}.exp_avg"].to(p.device, p.dtype),
                    "exp_avg_sq": tensors[f"opt.{i}.exp_avg_sq"].to(p.device, p.dtype),
                }
        self.step = int(meta.get("step", 0))
        self._clear_scorer_cache()
        return meta.get("phase")

    def _clear_scorer_cache(self) -> None:
        clear = getattr(self.scorer, "clear_cache", None)
        if callable(clear):
            clear()

    def fit(self, examples: Sequence[PreferenceExample], *, epochs: int | None = None, until_step: int | None = None,
            fail_after_steps: int | None = None) -> dict[str, Any]:
        """Train over `examples` (seeded shuffles per epoch) until the global step reaches the end.

        The global step counts across calls, so a trainer continued from a checkpoint skips what is
        done. ``fail_after_steps`` raises once that global step is reached (kill tests).
        """
        if not examples:
            raise ConfigError("no training pairs: check that the oracle's actions are in the candidate set")
        bs = self.config.batch_size
        per_epoch = math.ceil(len(examples) / bs)
        end = until_step if until_step is not None else self.step + per_epoch * (epochs or self.config.epochs)
        start_step = self.step
        losses: list[float] = []
        accs: list[float] = []
        while self.step < end:
            epoch, offset = divmod(self.step, per_epoch)
            order = list(range(len(examples)))
            random.Random(self.config.seed * 100_003 + epoch).shuffle(order)
            batch = [examples[i] for i in order[offset * bs:(offset + 1) * bs]]
            stats = preference_step(self.scorer, batch, self.optimizer, margin=self.config.margin)
            self.step += 1
            losses.append(stats["loss"])
            accs.append(stats["pair_accuracy"])
            if self.log is not None:
                self.log({"step": self.step, "epoch": epoch, **stats})
            if self.step % self.config.save_every == 0 or self.step == end:
                self.save_checkpoint()
            if fail_after_steps is not None and self.step >= fail_after_steps:
                raise RuntimeError(f"killed after step {self.step} (test hook)")
        self._clear_scorer_cache()
        return {"steps": self.step - start_step, "global_step": self.step,
                "loss_first": losses[0] if losses else None, "loss_last": losses[-1] if losses else None,
                "train_pair_accuracy_last_epoch": (sum(accs[-per_epoch:]) / len(accs[-per_epoch:])
                                                   if accs else None)}


def evaluate_pairs(scorer: TrainableScorer, examples: Sequence[PreferenceExample]) -> float:
    with torch.no_grad():
        return pairwise_accuracy(scorer, examples)


# --- joint annotation rounds ------------------------------------------------------------------------
@dataclass
class Departure:
    """A state where the agent departed from the annotator: the agent's choice is a hard negative."""

    step: OracleStep
    agent_choice: str


def run_agent(policy: Any, task_name: str, seed: int) -> float:
    """Let the verifier agent play a task on its own; returns the task's success (0 without status)."""
    episode = start_episode(task_name, seed)
    policy.app_names = list(episode.app_names)
    memory = WorkingMemory()
    summarizer = RuleSummarizer()
    answer = ""
    for _ in range(episode.max_steps):
        elements = list(episode.env.ui_elements())
        decision = policy.decide(episode.goal, memory, elements)
        chosen = decision.chosen
        error = None
        try:
            episode.env.execute_action(chosen.action)
        except Exception as exc:  # the agent goes on after a failed action
            error = str(exc)
        if chosen.action is not None and chosen.action.action_type == T.ANSWER:
            answer = chosen.action.text or ""
        if chosen.action is not None and chosen.action.action_type == T.STATUS:
            return episode.success(answer)
        after = list(episode.env.ui_elements())
        memory.add(chosen.text, summarizer.summarize(StepOutcome(episode.goal, chosen, elements, after, error)))
    return 0.0


def find_departures(policy: Any, task_name: str, seed: int) -> list[Departure]:
    """Play the task with the oracle annotating in lockstep; every state where the agent's choice
    differs from the oracle's is a departure (the oracle's action is then executed, so the walk stays
    on a solvable path and later departures are found too)."""
    episode = start_episode(task_name, seed)
    policy.app_names = list(episode.app_names)
    memory = WorkingMemory()
    summarizer = RuleSummarizer()
    found: list[Departure] = []
    actions = oracle_actions(episode)
    for step_index in range(episode.max_steps + 1):
        elements = list(episode.env.ui_elements())
        try:
            action = next(actions)
        except (StopIteration, Exception):
            break
        cands = policy.candidates(episode.goal, elements)
        decision = policy.decide(episode.goal, memory, elements, cands)
        state = OracleStep(task_name, seed, step_index, episode.goal, memory.to_list(), elements, action,
                           episode.app_names)
        if decision.chosen.action is None or not same_action(decision.chosen.action, action):
            found.append(Departure(state, decision.chosen.text))
        if action.action_type == T.STATUS:
            break
        try:
            episode.env.execute_action(action)
        except Exception:
            break
        chosen = action_candidate(action, cands)
        after = list(episode.env.ui_elements())
        memory.add(chosen.text, summarizer.summarize(StepOutcome(episode.goal, chosen, elements, after)))
    return found
