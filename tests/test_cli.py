"""The generic `vera` commands over a suite given by module path."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from typer.testing import CliRunner

from vera.cli import app

sys.path.insert(0, str(Path(__file__).parent / "eval"))
SUITE = "fake_suite:FakeSuite"
runner = CliRunner()


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_tasks_json() -> None:
    result = runner.invoke(app, ["tasks", "--env", SUITE, "--json"])
    assert result.exit_code == 0, result.output
    payload = last_json(result.output)
    assert payload["count"] == 3 and payload["tasks"][0]["name"] == "Alpha"


def test_run_json() -> None:
    result = runner.invoke(app, ["run", "--env", SUITE, "--task", "Alpha", "--agent", "scripted", "--json"])
    assert result.exit_code == 0, result.output
    assert last_json(result.output)["success"] == 1.0


def test_eval_json_and_resume(tmp_path: Path) -> None:
    args = ["eval", "--env", SUITE, "--agent", "scripted", "--seeds", "2", "--out", str(tmp_path), "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    summary = last_json(first.output)
    assert summary["episodes"] == 6 and "success_rate" in summary
    assert summary["by"]["app"]["contacts"]["tasks"] == 2
    second = runner.invoke(app, args)
    assert last_json(second.output)["success_rate"] == summary["success_rate"]


def test_eval_rejects_unknown_tasks(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "--env", SUITE, "--tasks", "Nope", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "unknown task" in str(result.exception)


def test_unknown_env_is_a_clear_error() -> None:
    result = runner.invoke(app, ["tasks", "--env", "nowhere"])
    assert result.exit_code != 0
    assert "unknown environment" in str(result.exception)


def test_bench_runs_a_benchmark_script() -> None:
    result = runner.invoke(app, ["bench", "uitree", "--nodes", "200", "--repeat", "1", "--json"])
    assert result.exit_code == 0, result.output
    assert last_json(result.output)["nodes"] >= 200


def test_run_record_refuses_a_directory_holding_a_trajectory(tmp_path: Path) -> None:
    from vera.trajectory import TrajectoryRecorder

    TrajectoryRecorder(tmp_path).start(env="fake", task="Alpha", seed=0, goal="g", agent="scripted")
    args = ["run", "--env", SUITE, "--task", "Alpha", "--agent", "scripted", "--record", str(tmp_path)]
    refused = runner.invoke(app, args)
    assert refused.exit_code != 0
    assert "already holds a trajectory" in str(refused.exception) and "--overwrite" in str(refused.exception)
    both = runner.invoke(app, [*args, "--overwrite", "--resume", "x"])
    assert "pass one of them" in str(both.exception)
    replaced = runner.invoke(app, [*args, "--overwrite", "--json"])
    assert replaced.exit_code == 0, replaced.output
    assert (tmp_path / "trajectory.attempt1.jsonl").is_file()


def test_train_verifier_refuses_distinct_trajectories_for_one_head(tmp_path: Path) -> None:
    """`--distinct-trajectories` spreads an ensemble's heads over oracle instances; with one head it would
    silently do nothing, so it is refused before any training starts, and before `--fresh` deletes the
    checkpoints of an earlier run."""
    kept = tmp_path / "v-p3-checkpoints" / "p3-checkpoint.safetensors"
    kept.parent.mkdir()
    kept.write_bytes(b"earlier run")
    result = runner.invoke(app, ["train", "verifier", "--out", str(tmp_path / "v.safetensors"), "--heads", "1",
                                 "--distinct-trajectories", "--fresh"])
    assert result.exit_code == 2
    assert "--heads N" in result.output and not (tmp_path / "v.safetensors").exists()
    assert kept.read_bytes() == b"earlier run"
