"""P3 (pair-wise progress preference) training of the V-Droid verifier (research notes section 1.7).

Data: every state of a SimDroid ``train``-split oracle trajectory gives one `PreferenceExample`: the
same goal, working memory and screen as context, the oracle's action as the positive and several other
candidates of that state as negatives (hard ones first: the same element, the same action type). Joint
annotation rounds follow V-Droid's human-agent scheme with the oracle as annotator: the current verifier
agent plays the tasks; in the state where it departs from the oracle, its choice becomes a hard
negative for the oracle's action; the pairs are added and training continues; success per round is
reported. The oracle scripts cannot replan from a screen they did not lead to, so with ``round_recover``
the state each departure leads to is annotated by replaying the episode (`recovery_step`: back to the
departure's screen, or the oracle's action again after a choice that changed nothing).

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
from vera.env.android.types import JSONAction
from vera.errors import ConfigError
from vera.memory.working import RuleSummarizer, StepOutcome, WorkingMemory
from vera.train import recipe
from vera.train.episodes import OracleStep, action_candidate, oracle_actions, start_episode, walk_oracle
from vera.verifier.candidates import Candidate, find_candidate, same_action
from vera.verifier.prompt import PromptStyle
from vera.verifier.scorer import (
    PreferenceExample,
    TrainableScorer,
    preference_step,
    ranking_accuracy,
)


# --- pairs -------------------------------------------------------------------------------------------
def _hardness(candidate: Candidate, positive: Candidate) -> int:
    """Lower is harder: stopping early first (``status``), then the same element, then the same
    action type, then the rest."""
    if candidate.kind == T.STATUS:
        return 0
    if positive.index is not None and candidate.index == positive.index:
        return 1
    if candidate.kind == positive.kind:
        return 2
    return 3


def make_example(step: OracleStep, candidates: list[Candidate], style: PromptStyle, negatives: int,
                 rng: random.Random, hard: Sequence[str] = ()) -> PreferenceExample | None:
    """One P3 example for a state, or None when the oracle's action is not among the candidates.

    Always among the negatives: ``status complete`` (stopping early), the last executed action again
    (loops) and the `hard` texts (an agent's departures); then the hardest of the rest, then random ones.
    """
    positive = find_candidate(candidates, step.action)
    if positive is None:
        return None
    others = [c for c in candidates if c.text != positive.text and style.action(c) != style.action(positive)]
    if not others:
        return None
    repeat = {step.memory[-1].get("action")} if step.memory else set()  # "do the last action again"
    forced_texts = set(hard) | repeat
    forced = [c for c in others if c.text in forced_texts or c.kind == T.STATUS]
    forced_ids = {c.text for c in forced}
    pool = [c for c in others if c.text not in forced_ids]
    rng.shuffle(pool)
    pool.sort(key=lambda c: _hardness(c, positive))
    n_hard = max(1, negatives // 2)
    chosen = forced + pool[:n_hard]
    rest = pool[n_hard:]
    rng.shuffle(rest)
    chosen += rest[: max(0, negatives - len(chosen))]
    memory = WorkingMemory(step.memory)
    context = style.context(step.goal, style.history(memory), style.screen(step.elements))
    return PreferenceExample(context, style.action(positive), tuple(style.action(c) for c in chosen))


def oracle_steps(tasks: Sequence[str], seeds: Sequence[int], policy: Any) -> list[OracleStep]:
    """Every state of the oracle trajectories of `tasks` x `seeds`, with the policy's candidates."""
    steps: list[OracleStep] = []
    for name in tasks:
        for seed in seeds:
            steps.extend(walk_oracle(name, seed, policy).steps)
    return steps


def examples_from_steps(steps: Sequence[OracleStep], style: PromptStyle, negatives: int = recipe.NEGATIVES, seed: int = 0,
                        hard: dict[int, Sequence[str]] | None = None) -> list[PreferenceExample]:
    rng = random.Random(seed)
    out = []
    for i, step in enumerate(steps):
        example = make_example(step, step.candidates or [], style, negatives, rng, (hard or {}).get(i, ()))
        if example is not None:
            out.append(example)
    return out


# --- trainer -----------------------------------------------------------------------------------------
@dataclass
class P3Config:
    """Optimisation settings; the defaults are the shipped recipe (`vera.train.recipe`)."""

    lr: float = recipe.LR
    epochs: int = recipe.EPOCHS
    batch_size: int = recipe.BATCH_SIZE
    margin: float = recipe.MARGIN
    negatives: int = recipe.NEGATIVES
    seed: int = 0
    save_every: int = 25
    weight_decay: float = 0.0
    loss: str = recipe.LOSS

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
        tensors["rng.torch"] = torch.get_rng_state()
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
        if "rng.torch" in tensors:
            torch.set_rng_state(tensors["rng.torch"])
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
            train_step = getattr(self.scorer, "train_step", None)
            extra = {"loss": self.config.loss} if self.config.loss != "pairwise" else {}
            if callable(train_step):  # the scorer's own step (e.g. dropout on, batched embedding)
                stats = train_step(batch, self.optimizer, margin=self.config.margin, **extra)
            else:
                stats = preference_step(self.scorer, batch, self.optimizer, margin=self.config.margin, **extra)
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


def evaluate_ranking(scorer: TrainableScorer, examples: Sequence[PreferenceExample]) -> tuple[float, float]:
    """(pairwise, top-1) accuracy, one scoring pass without gradients."""
    with torch.no_grad():
        return ranking_accuracy(scorer, examples)


def evaluate_pairs(scorer: TrainableScorer, examples: Sequence[PreferenceExample]) -> float:
    return evaluate_ranking(scorer, examples)[0]


# --- joint annotation rounds ------------------------------------------------------------------------
@dataclass
class Departure:
    """A state where the agent departed from the annotator: the agent's choice is a hard negative.
    `recovery`, when found, is the state the agent's choice led to, annotated with the way back."""

    step: OracleStep
    agent_choice: str
    recovery: OracleStep | None = None


# agent choices whose effect a recovery can undo or skip: navigation, not typing or ending the episode
_RECOVERABLE = frozenset({T.CLICK, T.LONG_PRESS, T.OPEN_APP, T.NAVIGATE_HOME, T.WAIT})


def screen_signature(elements: Sequence[Any]) -> tuple[tuple[Any, ...], ...]:
    """What two screens must share to count as the same state: each element's text, description, class
    and checked state, in order."""
    return tuple((e.text, e.content_description, e.class_name, e.is_checked) for e in elements)


def recovery_step(policy: Any, state: OracleStep, done: Sequence[Any], choice: Candidate,
                  memory: WorkingMemory) -> OracleStep | None:
    """The annotator's answer in the state the agent's wrong choice leads to (an on-policy state that
    the oracle's own walk never visits). The oracle scripts cannot replan, so the SimDroid episode is
    replayed to the departure (`done`: the oracle's actions so far), the agent's choice is executed, and:

    - if the screen did not change, the oracle's action is still the right one there (with the failed
      try in the memory);
    - if ``navigate_back`` returns exactly to the departure's screen, the way back is the answer;
    - otherwise (typing, a state change back cannot undo) no recovery is annotated.
    """
    action = choice.action
    if action is None or action.action_type not in _RECOVERABLE:
        return None
    episode = start_episode(state.task, state.seed)
    try:
        for previous in done:
            episode.env.execute_action(previous)
        before = list(episode.env.ui_elements())
        if screen_signature(before) != screen_signature(state.elements):
            return None  # the replay did not reproduce the state (a time-dependent screen)
        episode.env.execute_action(action)
        after = list(episode.env.ui_elements())
    except Exception:
        return None
    summary = RuleSummarizer().summarize(StepOutcome(state.goal, choice, before, after))
    memory = WorkingMemory(memory.to_list())
    memory.add(choice.text, summary)
    if screen_signature(after) == screen_signature(before):
        answer = state.action
    else:
        back = JSONAction(T.NAVIGATE_BACK)
        try:
            episode.env.execute_action(back)
            returned = list(episode.env.ui_elements())
        except Exception:
            return None
        if screen_signature(returned) != screen_signature(before):
            return None
        answer = back
    cands = policy.candidates(state.goal, after)
    if find_candidate(cands, answer) is None:
        return None
    return OracleStep(state.task, state.seed, state.step + 1, state.goal, memory.to_list(), after, answer,
                      state.app_names, cands)


def run_agent(policy: Any, task_name: str, seed: int) -> float:
    """Let the verifier agent play a task on its own; returns the task's success (0 without status)."""
    episode = start_episode(task_name, seed)
    policy.start_episode(episode.app_names)
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


def find_departures(policy: Any, task_name: str, seed: int, recover: bool = False) -> list[Departure]:
    """Play the task with the oracle annotating in lockstep; every state where the agent's choice
    differs from the oracle's is a departure (the oracle's action is then executed, so the walk stays
    on a solvable path and later departures are found too). With `recover`, each departure also gets
    the annotated state its choice leads to, where one can be found (`recovery_step`)."""
    episode = start_episode(task_name, seed)
    policy.start_episode(episode.app_names)
    memory = WorkingMemory()
    summarizer = RuleSummarizer()
    found: list[Departure] = []
    actions = oracle_actions(episode)
    done: list[JSONAction] = []
    for step_index in range(episode.max_steps + 1):
        elements = list(episode.env.ui_elements())
        try:
            action = next(actions)
        except (StopIteration, Exception):
            break
        cands = policy.candidates(episode.goal, elements)
        decision = policy.decide(episode.goal, memory, elements, cands)
        state = OracleStep(task_name, seed, step_index, episode.goal, memory.to_list(), elements, action,
                           episode.app_names, cands)
        if decision.chosen.action is None or not same_action(decision.chosen.action, action):
            recovery = recovery_step(policy, state, done, decision.chosen, memory) if recover else None
            found.append(Departure(state, decision.chosen.text, recovery))
        if action.action_type == T.STATUS:
            break
        try:
            episode.env.execute_action(action)
        except Exception:
            break
        done.append(action)
        chosen = action_candidate(action, cands)
        after = list(episode.env.ui_elements())
        memory.add(chosen.text, summarizer.summarize(StepOutcome(episode.goal, chosen, elements, after)))
    return found


# --- the whole recipe -------------------------------------------------------------------------------
def add_lora(llm: Any, r: int = 16, alpha: int = 32, dropout: float = 0.05,
             targets: Sequence[str] = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
                                       "down_proj")) -> Any:
    """Wrap an `HFCausalLM`'s model with LoRA adapters (V-Droid: r16/alpha32/dropout 0.05 on all
    projections); the base weights are frozen. Returns the PEFT model (for saving the adapter)."""
    from peft import LoraConfig, get_peft_model

    present = {name.rsplit(".", 1)[-1] for name, _ in llm.model.named_modules()}
    modules = [t for t in targets if t in present]
    if not modules:
        raise ConfigError(f"none of the LoRA target modules {list(targets)} is in this model; expected a "
                          "Llama- or Qwen-shaped causal LM")
    peft_model = get_peft_model(llm.model, LoraConfig(r=r, lora_alpha=alpha, lora_dropout=dropout, bias="none",
                                                      target_modules=modules))
    llm.model = peft_model.base_model.model.eval()  # LoRA layers are injected in place
    return peft_model


@dataclass
class Trainable:
    scorer: Any
    style: PromptStyle
    save: Callable[[Path, dict[str, str]], Any]
    kind: str


def make_trainable(spec: str, seed: int = 0, lora_r: int = 16, context_dropout: float = 0.0,
                   features: str = "progress") -> Trainable:
    """A trainable scorer for ``encoder`` (fresh head), ``encoder:PATH`` (continue) or ``hf:PATH`` (LoRA).

    ``context_dropout`` (fresh encoder heads): the share of training states scored from the cue
    features alone (`HeadConfig.context_dropout`); ``features``: the head's cue feature set."""
    from vera.verifier.prompt import CompactPrompt, VDroidPrompt

    kind, _, arg = spec.partition(":")
    if kind == "encoder":
        from vera.agents.policy import cpu_threads
        from vera.verifier.encoder import EncoderVerifier, HeadConfig, is_ensemble_file

        cpu_threads()
        torch.manual_seed(seed)
        if arg and is_ensemble_file(arg):
            raise ConfigError(f"{arg!r} is an ensemble of heads; train on from one head's file (the heads are "
                              "in the ensemble's checkpoint folder, head0.safetensors ...) or train anew with --heads")
        scorer = (EncoderVerifier.load(arg) if arg
                  else EncoderVerifier(seed=seed, config=HeadConfig(context_dropout=context_dropout, features=features)))
        return Trainable(scorer, CompactPrompt(), lambda out, meta: scorer.save(out, extra_metadata=meta), "encoder")
    if kind == "hf":
        from vera.llm.hf import HFCausalLM, HFScorer, make_head

        if not arg:
            raise ConfigError("scorer 'hf:' needs a model path, e.g. hf:/models/llama-3.1-8b")
        torch.manual_seed(seed)
        llm = HFCausalLM.load(arg)
        peft_model = add_lora(llm, r=lora_r, alpha=2 * lora_r)
        scorer = HFScorer(llm, make_head(llm, "yes"), reuse_context=False)

        def save(out: Path, meta: dict[str, str]) -> None:
            out.mkdir(parents=True, exist_ok=True)
            peft_model.save_pretrained(str(out), safe_serialization=True)
            (out / "vera_p3.json").write_text(json.dumps(meta, indent=1))

        return Trainable(scorer, VDroidPrompt(), save, "hf-lora")
    raise ConfigError(f"cannot train scorer {spec!r}; use encoder, encoder:PATH or hf:PATH")


def _split_tasks(split: str) -> list[str]:
    from vera.env.android.sim.suite import SimDroidSuite

    return [t.name for t in SimDroidSuite().tasks(split)]


ROUNDS_FILE = "rounds.jsonl"


@dataclass
class TrainRun:
    """Oracle pairs -> train -> (annotation round -> train) x rounds -> report; resumable. The defaults
    are the shipped recipe (`vera.train.recipe`)."""

    scorer_spec: str = "encoder"
    config: P3Config = field(default_factory=P3Config)
    checkpoint_dir: Path | None = None
    seeds: int = recipe.SEEDS
    first_seed: int = 0  # oracle trajectories of seeds first_seed..first_seed+seeds-1 (below 1000: eval seeds)
    eval_seeds: int = 1
    rounds: int = recipe.ROUNDS
    round_epochs: int = recipe.ROUND_EPOCHS
    round_seeds: int = 1
    round_sample: int = 1
    round_success: bool = True
    round_recover: bool = False  # also annotate the state each departure leads to (`recovery_step`)
    final_success: bool = True
    lora_r: int = 16
    context_dropout: float = 0.0
    features: str = recipe.FEATURES
    tasks: list[str] | None = None
    heldout_tasks: list[str] | None = None
    log: Callable[[str], None] = print
    fail_after_steps: int | None = None

    def _rounds_path(self) -> Path | None:
        return self.checkpoint_dir / ROUNDS_FILE if self.checkpoint_dir else None

    def _load_round(self, r: int) -> dict[str, Any] | None:
        path = self._rounds_path()
        if path is None or not path.is_file():
            return None
        for line in path.read_text().splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if record.get("round") == r:
                return record
        return None

    def _save_round(self, record: dict[str, Any]) -> None:
        path = self._rounds_path()
        if path is None:
            return
        from vera.trajectory import append_jsonl

        path.parent.mkdir(parents=True, exist_ok=True)
        append_jsonl(path, record)

    def success(self, policy: Any, tasks: Sequence[str], seeds: Sequence[int]) -> dict[str, Any]:
        results = {f"{t}:{s}": run_agent(policy, t, s) for t in tasks for s in seeds}
        rate = sum(results.values()) / max(len(results), 1)
        return {"success_rate": round(rate, 4), "episodes": len(results),
                "failed": sorted(k for k, v in results.items() if v < 1.0)}

    def execute(self, out: Path) -> dict[str, Any]:
        from vera.agents.policy import VDroidPolicy

        cfg = self.config
        trainable = make_trainable(self.scorer_spec, cfg.seed, self.lora_r, self.context_dropout,
                                   self.features)
        scorer, style = trainable.scorer, trainable.style
        policy = VDroidPolicy(scorer, style)

        train_tasks = self.tasks or _split_tasks("train")
        heldout_tasks = self.heldout_tasks if self.heldout_tasks is not None else _split_tasks("heldout")
        eval_seeds = list(range(1000, 1000 + self.eval_seeds))
        if not (0 <= self.first_seed and self.first_seed + self.seeds <= 1000):
            raise ConfigError(f"oracle seeds {self.first_seed}..{self.first_seed + self.seeds - 1} must stay in "
                              "0..999 (seeds from 1000 are the held-out evaluation's)")
        self.log(f"oracle walks: {len(train_tasks)} train tasks x {self.seeds} seeds from {self.first_seed}")
        steps = oracle_steps(train_tasks, range(self.first_seed, self.first_seed + self.seeds), policy)
        base = examples_from_steps(steps, style, cfg.negatives, cfg.seed)
        eval_train = examples_from_steps(oracle_steps(train_tasks, eval_seeds, policy), style, cfg.negatives,
                                         cfg.seed + 1)
        eval_heldout = examples_from_steps(oracle_steps(heldout_tasks, eval_seeds, policy), style, cfg.negatives,
                                           cfg.seed + 2)
        self.log(f"pairs: {sum(len(e.negatives) for e in base)} from {len(base)} states "
                 f"(of {len(steps)} oracle steps); held-out states {len(eval_train)} train-task, "
                 f"{len(eval_heldout)} heldout-task")
        trainer = P3Trainer(scorer, cfg, self.checkpoint_dir,
                            log=lambda st: self.log(f"step {st['step']} loss {st['loss']:.4f} "
                                                    f"acc {st['pair_accuracy']:.3f}")
                            if st["step"] % 50 == 0 else None)
        if trainer.load_checkpoint() is not None:
            self.log(f"resumed from step {trainer.step}")

        def per_epoch(examples: Sequence[PreferenceExample]) -> int:
            return math.ceil(len(examples) / cfg.batch_size)

        end = per_epoch(base) * cfg.epochs
        trainer.fit(base, until_step=end, fail_after_steps=self.fail_after_steps)
        examples = list(base)
        rounds_report = []
        round_tasks = train_tasks[::max(1, self.round_sample)]
        for r in range(1, self.rounds + 1):
            record = self._load_round(r)
            if record is None:
                before = self.success(policy, round_tasks, eval_seeds) if self.round_success else None
                if before is not None:
                    self.log(f"round {r}: success {before['success_rate']:.3f} on {before['episodes']} episodes")
                found: list[Departure] = []
                round_seeds = [2000 + 100 * r + i for i in range(self.round_seeds)]
                for name in round_tasks:
                    for s in round_seeds:
                        found.extend(find_departures(policy, name, s, recover=self.round_recover))
                rng = random.Random(cfg.seed + r)
                new = []
                recoveries = 0
                for dep in found:
                    example = make_example(dep.step, dep.step.candidates or [], style, cfg.negatives, rng,
                                           hard=[dep.agent_choice])
                    if example is not None:
                        new.append(example)
                    if dep.recovery is not None:
                        example = make_example(dep.recovery, dep.recovery.candidates or [], style, cfg.negatives,
                                               rng)
                        if example is not None:
                            new.append(example)
                            recoveries += 1
                record = {"round": r, "success_before": before, "departures": len(found),
                          "recovery_states": recoveries, "states_added": len(new),
                          "examples": [asdict(e) for e in new]}
                self._save_round(record)
            added = [PreferenceExample(e["context"], e["positive"], tuple(e["negatives"]))
                     for e in record["examples"]]
            examples += added
            before_rate = (record["success_before"] or {}).get("success_rate")
            self.log(f"round {r}: success before {before_rate}, "
                     f"{record['departures']} departures -> {len(added)} states added")
            end += per_epoch(examples) * self.round_epochs
            trainer.fit(examples, until_step=end, fail_after_steps=self.fail_after_steps)
            rounds_report.append({k: v for k, v in record.items() if k != "examples"})
        final_train = self.success(policy, round_tasks, eval_seeds) if self.final_success else None
        ranking = {"train": evaluate_ranking(scorer, base[:400]),
                   "heldout_seeds_train_tasks": evaluate_ranking(scorer, eval_train),
                   "heldout_tasks": evaluate_ranking(scorer, eval_heldout)}
        report = {
            "scorer": self.scorer_spec, "kind": trainable.kind, "config": cfg.to_dict(),
            "train_tasks": len(train_tasks), "heldout_tasks": len(heldout_tasks), "train_seeds": self.seeds,
            "oracle_states": len(steps), "train_states": len(base), "train_pairs": sum(len(e.negatives) for e in base),
            "annotation_states": len(examples) - len(base), "steps": trainer.step,
            "pair_accuracy": {name: round(pair, 4) for name, (pair, _) in ranking.items()},
            # the oracle's action ranked above all the sampled negatives
            "top1_accuracy": {name: round(top1, 4) for name, (_, top1) in ranking.items()},
            "rounds": rounds_report,
            "success_train_tasks_final": final_train,
        }
        meta = {"p3_report": json.dumps({k: report[k] for k in ("pair_accuracy", "top1_accuracy", "steps",
                                                                 "train_pairs")})}
        trainable.save(Path(out), meta)
        report["out"] = str(out)
        self.log(f"saved {out}")
        return report
