"""The ALFWorld suite, its data discovery, and `vera run/eval/tasks/alfworld diff` end to end."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vera.cli import app
from vera.env.alfworld.data import SPLITS, find_games, resolve_data_dir
from vera.env.alfworld.suite import ALFWorldSuite, goal_of
from vera.env.suite import get_suite
from vera.errors import ConfigError, DataError
from vera.eval.runner import run_eval

runner = CliRunner()


def _last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_splits_are_named_as_alfworld_names_them() -> None:
    assert SPLITS == {"train": "train", "eval_in_distribution": "valid_seen",
                      "eval_out_of_distribution": "valid_unseen", "valid_train": "valid_train"}


def test_no_data_error_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        resolve_data_dir(tmp_path / "missing")
    message = str(info.value)
    assert "ALFWORLD_DATA" in message and "alfworld-download" in message and "generate" in message


def test_missing_split_is_a_clear_error(alfworld_valid_seen: Path, tmp_path: Path) -> None:
    (tmp_path / "json_2.1.1" / "valid_seen").mkdir(parents=True)
    with pytest.raises(DataError, match="eval_out_of_distribution .* is missing.*ALFWORLD_DATA"):
        find_games(tmp_path, "eval_out_of_distribution")
    with pytest.raises(ConfigError, match="unknown ALFWorld split"):
        find_games(tmp_path, "test")


def test_valid_seen_has_140_games_in_six_task_types(alfworld_valid_seen: Path) -> None:
    suite = get_suite("alfworld", data=str(alfworld_valid_seen))
    tasks = suite.tasks("eval_in_distribution")
    assert len(tasks) == 140
    assert len({t.groups["task_type"] for t in tasks}) == 6
    assert all(t.max_steps == 50 and t.name.startswith("valid_seen/") for t in tasks)
    assert suite.agent_names() == ["expert", "random"]


def test_train_and_valid_train_counts(alfworld_data: Path) -> None:
    suite = ALFWorldSuite(data=alfworld_data)
    assert len(suite.tasks("train")) == 3553
    assert len(suite.tasks("valid_train")) == 200


@pytest.mark.parametrize("backend", ["fast", "textworld"])
def test_expert_wins_with_both_backends(alfworld_valid_seen: Path, backend: str) -> None:
    suite = ALFWorldSuite(data=alfworld_valid_seen, backend=backend)
    task = suite.tasks("eval_in_distribution")[40].name
    result = suite.run_episode(task, 0, "expert")
    assert result.error is None
    assert result.success == 1.0 and result.done
    assert result.goal and result.groups["task_type"] == task.split("/")[1].split("-")[0]


def test_random_agent_is_seeded(alfworld_valid_seen: Path) -> None:
    suite = ALFWorldSuite(data=alfworld_valid_seen)
    task = suite.tasks("eval_in_distribution")[0].name
    first = suite.run_episode(task, 7, "random")
    again = suite.run_episode(task, 7, "random")
    assert first.steps == again.steps and first.success == again.success
    assert first.error is None and 1 <= first.steps <= 50


def test_unknown_agent_and_task_are_recorded_not_raised(alfworld_valid_seen: Path) -> None:
    suite = ALFWorldSuite(data=alfworld_valid_seen)
    task = suite.tasks("eval_in_distribution")[0].name
    assert "unknown alfworld agent" in (suite.run_episode(task, 0, "nobody").error or "")
    assert "unknown alfworld task" in (suite.run_episode("valid_seen/x/y", 0, "expert").error or "")


def test_goal_of_reads_the_task_line() -> None:
    assert goal_of("-= Welcome =-\n\nYou are ...\n\nYour task is to: put a hot apple in fridge.") == \
        "put a hot apple in fridge."


def _small_data(source: Path, dest: Path, count: int) -> list[Path]:
    games = find_games(source, "eval_in_distribution")[:count]
    out = []
    for ref in games:
        target = dest / "json_2.1.1" / "valid_seen" / ref.path.parent.parent.name / ref.path.parent.name
        target.mkdir(parents=True)
        shutil.copy(ref.path, target / "game.tw-pddl")  # no traj_data.json: not needed
        out.append(target / "game.tw-pddl")
    return out


def test_eval_records_a_corrupt_game_and_moves_on(alfworld_valid_seen: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    games = _small_data(alfworld_valid_seen, data, 3)
    games[1].write_text(games[1].read_text()[:5000])  # truncated file
    suite = ALFWorldSuite(data=data)
    summary = run_eval(suite_name="alfworld", agent="expert", tasks=suite.tasks("eval_in_distribution"),
                       n_instances=1, out_dir=tmp_path / "run", suite_options={"data": str(data)})
    assert summary["episodes"] == 3 and summary["errors"] == 1
    rows = [json.loads(line) for line in (tmp_path / "run" / "results.jsonl").read_text().splitlines()]
    broken = [r for r in rows if r["error"]]
    assert len(broken) == 1 and str(games[1]) in broken[0]["error"] and "not valid JSON" in broken[0]["error"]
    assert sorted(r["success"] for r in rows if not r["error"]) == [1.0, 1.0]


def test_cli_eval_expert_succeeds(alfworld_valid_seen: Path, tmp_path: Path) -> None:
    out = runner.invoke(app, ["eval", "--env", "alfworld", "--data", str(alfworld_valid_seen), "--split",
                              "eval_in_distribution", "--agent", "expert", "--limit", "12", "--out",
                              str(tmp_path / "run"), "--json"])
    assert out.exit_code == 0, out.output
    summary = _last_json(out.output)
    assert summary["success_rate"] == 1.0 and summary["tasks"] == 12 and "task_type" in summary["by"]


def test_cli_run_and_tasks(alfworld_valid_seen: Path, tmp_path: Path) -> None:
    listed = runner.invoke(app, ["tasks", "--env", "alfworld", "--data", str(alfworld_valid_seen), "--split",
                                 "eval_in_distribution", "--json"])
    assert listed.exit_code == 0, listed.output
    name = _last_json(listed.output)["tasks"][3]["name"]
    out = runner.invoke(app, ["run", "--env", "alfworld", "--data", str(alfworld_valid_seen), "--task", name,
                              "--agent", "random", "--seed", "2", "--record", str(tmp_path / "traj"),
                              "--json"])
    assert out.exit_code == 0, out.output
    result = _last_json(out.output)
    assert result["task"] == name and result["error"] is None
    lines = [json.loads(x) for x in (tmp_path / "traj" / "trajectory.jsonl").read_text().splitlines()]
    assert lines[0]["type"] == "episode" and lines[-1]["type"] == "outcome"
    assert sum(1 for x in lines if x["type"] == "step") == result["steps"]


def test_cli_diff_reports_identical_steps(alfworld_valid_seen: Path, tmp_path: Path) -> None:
    out = runner.invoke(app, ["alfworld", "diff", "--data", str(alfworld_valid_seen), "--split",
                              "eval_in_distribution", "--games", "1", "--walks", "1", "--steps", "3",
                              "--out", str(tmp_path / "diff.jsonl"), "--json"])
    assert out.exit_code == 0, out.output
    summary = _last_json(out.output)
    assert {"games", "steps", "identical_steps", "mismatches"} <= set(summary)
    assert summary["games"] == 1 and summary["steps"] == summary["identical_steps"] > 3
    assert summary["mismatches"] == 0
    assert len((tmp_path / "diff.jsonl").read_text().splitlines()) == 1


def test_generated_games_are_the_default_without_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALFWORLD_DATA", raising=False)
    monkeypatch.setenv("VERA_CACHE", str(tmp_path / "cache"))
    suite = ALFWorldSuite()
    assert suite.generated and str(suite.data_dir).startswith(str(tmp_path / "cache"))
    tasks = suite.tasks("eval_in_distribution")
    assert len({t.groups["task_type"] for t in tasks}) == 6
    for task in tasks[:6]:
        result = suite.run_episode(task.name, 0, "expert")
        assert result.error is None and result.success == 1.0, result
