"""P3 training: pairs from oracle states, LoRA on a tiny random Llama, resume after a kill, CLI errors."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
import torch

from vera.env.android.types import BoundingBox, JSONAction, UIElement
from vera.errors import ConfigError
from vera.llm.hf import HFCausalLM, HFScorer, make_head
from vera.llm.testing import build_tiny_causal_lm, build_tiny_tokenizer
from vera.train.episodes import OracleStep
from vera.train.p3 import P3Config, P3Trainer, add_lora, evaluate_pairs, make_example, make_trainable
from vera.verifier.candidates import SlotValues, extract_candidates
from vera.verifier.prompt import VDroidPrompt
from vera.verifier.scorer import PreferenceExample

BOX = BoundingBox(0, 10, 0, 10)


def _lora_scorer(seed: int = 0) -> HFScorer:
    torch.manual_seed(seed)
    tokenizer = build_tiny_tokenizer()
    llm = HFCausalLM(build_tiny_causal_lm("llama", vocab_size=len(tokenizer), seed=0), tokenizer)
    add_lora(llm, r=4, alpha=8)
    return HFScorer(llm, make_head(llm, "yes"), reuse_context=False)


def _examples() -> list[PreferenceExample]:
    return [PreferenceExample(f"goal: open the {app} app. Is ", f"open {app} helpful?\nAnswer:",
                              (f"click {other} helpful?\nAnswer:", "wait helpful?\nAnswer:"))
            for app, other in [("clock", "save"), ("files", "back"), ("notes", "menu"), ("mail", "ok")]]


def test_make_example_takes_the_oracle_action_and_hard_negatives():
    elements = [UIElement(text="Name", is_editable=True, bbox_pixels=BOX),
                UIElement(text="Save", is_clickable=True, bbox_pixels=BOX)]
    cands = extract_candidates(elements, SlotValues(text=("Ann", "Bo")))
    step = OracleStep("T", 0, 0, "Add Ann", [], elements,
                      JSONAction("input_text", index=0, text="Ann", clear_text=True))
    style = VDroidPrompt()
    ex = make_example(step, cands, style, negatives=4, rng=random.Random(0),
                      hard=['{"action_type": "wait"}'])
    assert ex is not None and ex.positive.startswith('{"action_type": "input_text", "text": "Ann"')
    assert len(ex.negatives) == 4 and ex.negatives[0].startswith('{"action_type": "wait"}')
    # the hardest negatives next: stopping early, then the same element (typing something else, clearing)
    assert ex.negatives[1].startswith('{"action_type": "status"')
    assert '"index": 0' in ex.negatives[2]
    assert "Add Ann" in ex.context and ex.context.endswith("Is ")
    missing = OracleStep("T", 0, 0, "g", [], elements, JSONAction("navigate_back"))
    assert make_example(missing, [c for c in cands if c.kind != "navigate_back"], style, 3,
                        random.Random(0)) is None


@pytest.fixture
def one_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matmuls: extra threads only spin on a shared CPU
    yield
    torch.set_num_threads(previous)


def test_lora_training_learns_and_resumes_after_a_kill(tmp_path, one_thread):
    examples = _examples()
    config = P3Config(lr=5e-3, epochs=6, batch_size=2, save_every=3, seed=1, negatives=8, loss="pairwise")

    straight = _lora_scorer()
    before = evaluate_pairs(straight, examples)
    stats = P3Trainer(straight, config).fit(examples)
    assert stats["global_step"] == 12 and stats["loss_last"] < stats["loss_first"]
    assert evaluate_pairs(straight, examples) >= before
    assert evaluate_pairs(straight, examples) == 1.0
    base = [n for n, p in straight.llm.model.named_parameters() if not p.requires_grad and "lora" not in n]
    assert base, "base weights stay frozen"

    killed = _lora_scorer()
    trainer = P3Trainer(killed, config, checkpoint_dir=tmp_path)
    with pytest.raises(RuntimeError, match="killed after step 7"):
        trainer.fit(examples, fail_after_steps=7)
    resumed = _lora_scorer()  # a new process: fresh weights, state from the checkpoint (step 6)
    trainer2 = P3Trainer(resumed, config, checkpoint_dir=tmp_path)
    trainer2.load_checkpoint()
    assert trainer2.step == 6
    trainer2.fit(examples, until_step=12)
    for a, b in zip(straight.trainable_parameters(), resumed.trainable_parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_make_trainable_rejects_unknown_specs(tmp_path):
    with pytest.raises(ConfigError, match="cannot train scorer"):
        make_trainable("http:http://127.0.0.1:1")
    with pytest.raises(ConfigError, match="does not exist"):
        make_trainable(f"hf:{tmp_path / 'missing'}")


def test_encoder_recipe_end_to_end_with_a_round(tmp_path, one_thread):
    """The `vera train verifier` recipe on two tasks: oracle pairs, one annotation round, report, save."""
    from vera.train.p3 import TrainRun
    from vera.verifier.encoder import EncoderVerifier

    config = P3Config(epochs=2, negatives=4, batch_size=8, seed=0, loss="pairwise")
    run = TrainRun(config=config, checkpoint_dir=tmp_path / "ck", seeds=1, eval_seeds=1, rounds=1, round_epochs=1,
                   tasks=["SystemWifiTurnOn", "SystemBluetoothTurnOff"], heldout_tasks=["SystemWifiTurnOff"],
                   final_success=False, round_recover=True, log=lambda message: None)
    report = run.execute(tmp_path / "head.safetensors")
    assert 0 <= report["rounds"][0]["recovery_states"] <= report["rounds"][0]["states_added"]
    assert report["train_states"] > 0 and report["train_pairs"] == 4 * report["train_states"]
    assert set(report["pair_accuracy"]) == {"train", "heldout_seeds_train_tasks", "heldout_tasks"}
    assert 0.0 <= report["rounds"][0]["success_before"]["success_rate"] <= 1.0
    assert report["steps"] > 0 and (tmp_path / "ck" / "rounds.jsonl").is_file()
    loaded = EncoderVerifier.load(tmp_path / "head.safetensors")
    assert "p3_report" in loaded.read_metadata(tmp_path / "head.safetensors")
    assert len(loaded.score("Goal: turn wifi on", ["click switch 'Wi-Fi' #3", "navigate back"])) == 2


def test_ensemble_training_trains_each_head_once_and_saves_their_mean(tmp_path, one_thread):
    """`vera train verifier --heads 2` on one task: two seeds, a resumed call trains nothing again."""
    from vera.train.ensemble import head_paths, train_ensemble
    from vera.train.p3 import TrainRun
    from vera.verifier.encoder import EncoderEnsemble, EncoderVerifier, load_encoder_scorer

    def run() -> TrainRun:
        return TrainRun(config=P3Config(epochs=1, negatives=4, batch_size=8, seed=5), checkpoint_dir=tmp_path / "ck",
                        seeds=1, eval_seeds=1, rounds=0, tasks=["SystemWifiTurnOn"],
                        heldout_tasks=["SystemWifiTurnOff"], final_success=False, log=lambda message: None)

    messages: list[str] = []
    report = train_ensemble(run(), 2, tmp_path / "ens.safetensors", log=messages.append)
    assert report["heads"] == 2 and report["seeds"] == [5, 6] and len(report["head_reports"]) == 2
    heads = [EncoderVerifier.load(p) for p in head_paths(tmp_path / "ck", 2)]
    assert not torch.equal(heads[0].head.wide.weight, heads[1].head.wide.weight)  # two seeds, two heads
    loaded = load_encoder_scorer(tmp_path / "ens.safetensors")
    assert isinstance(loaded, EncoderEnsemble) and len(loaded.members) == 2
    assert "p3_reports" in EncoderVerifier.read_metadata(tmp_path / "ens.safetensors")
    before = [p.stat().st_mtime_ns for p in head_paths(tmp_path / "ck", 2)]
    train_ensemble(run(), 2, tmp_path / "ens.safetensors", log=messages.append)  # resumed: all done
    assert [p.stat().st_mtime_ns for p in head_paths(tmp_path / "ck", 2)] == before
    assert "2 already trained, 0 to train" in messages[-2]
    with pytest.raises(ConfigError, match="not one"):
        train_ensemble(replace(run(), scorer_spec="hf:/models/x"), 2, tmp_path / "x.safetensors")


def test_ensemble_heads_can_walk_distinct_oracle_instances(tmp_path, one_thread):
    """`--distinct-trajectories`: head i trains on oracle seeds i*SEEDS onwards; seeds stay below the
    held-out evaluation's 1000."""
    from vera.train.ensemble import train_ensemble
    from vera.train.p3 import TrainRun
    from vera.verifier.encoder import EncoderVerifier

    messages: list[str] = []
    run = TrainRun(config=P3Config(epochs=1, negatives=4, batch_size=8, seed=0), checkpoint_dir=tmp_path / "ck",
                   seeds=2, eval_seeds=1, rounds=0, tasks=["SystemWifiTurnOn"], heldout_tasks=["SystemWifiTurnOff"],
                   final_success=False, log=messages.append)
    report = train_ensemble(run, 2, tmp_path / "ens.safetensors", distinct_trajectories=True, log=lambda m: None)
    assert report["first_trajectory_seeds"] == [0, 2]
    assert EncoderVerifier.read_metadata(tmp_path / "ens.safetensors")["first_trajectory_seeds"] == "[0, 2]"
    with pytest.raises(ConfigError, match="0..999"):
        replace(run, first_seed=995, seeds=10).execute(tmp_path / "x.safetensors")


def test_make_example_always_includes_status_and_the_last_action_again():
    elements = [UIElement(text="Name", is_editable=True, bbox_pixels=BOX)] + [
        UIElement(text=f"Item {i}", is_clickable=True, bbox_pixels=BOX) for i in range(30)]
    cands = extract_candidates(elements, SlotValues(text=("Ann",)))
    last = next(c for c in cands if c.kind == "click" and c.index == 17)
    memory = [{"step": 1, "action": last.text, "summary": 'Clicked on the "Item 16" button.'}]
    step = OracleStep("T", 0, 1, "Add Ann", memory, elements,
                      JSONAction("input_text", index=0, text="Ann", clear_text=True))
    for seed in range(5):  # whatever the sampling, both are there
        ex = make_example(step, cands, VDroidPrompt(), negatives=3, rng=random.Random(seed))
        assert ex is not None
        assert any(n.startswith(last.text) for n in ex.negatives)
        assert any(n.startswith('{"action_type": "status"') for n in ex.negatives)


def test_recovery_step_annotates_the_state_a_wrong_choice_leads_to():
    """On-policy annotation: a wrong click that opens another screen is answered by going back; a choice
    that changes nothing (wait) keeps the oracle's action; typing is not recovered."""
    from vera.agents.policy import VDroidPolicy
    from vera.env.android import types as T
    from vera.memory.working import WorkingMemory
    from vera.train.episodes import walk_oracle
    from vera.train.p3 import recovery_step, screen_signature
    from vera.verifier.prompt import CompactPrompt

    policy = VDroidPolicy(scorer=None, style=CompactPrompt())  # type: ignore[arg-type]
    walk = walk_oracle("SystemWifiTurnOn", 0, policy)
    state = walk.steps[1]  # Settings is open; the oracle goes to its network page
    done = [s.action for s in walk.steps[:1]]
    memory = WorkingMemory(state.memory)
    wrong = next(c for c in state.candidates or [] if c.kind == T.CLICK and c.action is not None
                 and state.elements[c.action.index].text == "Display")
    back = recovery_step(policy, state, done, wrong, memory)
    assert back is not None and back.action.action_type == T.NAVIGATE_BACK
    assert back.step == state.step + 1 and screen_signature(back.elements) != screen_signature(state.elements)
    assert back.memory[-1]["action"] == wrong.text and len(back.memory) == len(state.memory) + 1
    wait = next(c for c in state.candidates or [] if c.kind == T.WAIT)
    same = recovery_step(policy, state, done, wait, memory)
    assert same is not None and same.action == state.action and same.memory[-1]["action"] == wait.text
    status = next(c for c in state.candidates or [] if c.kind == T.STATUS)
    assert recovery_step(policy, state, done, status, memory) is None
