"""The eval runner: AndroidWorld aggregation, results appended as they finish, resume, workers, retries."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from vera.eval.runner import plan_jobs, run_eval, summarize
from vera.eval.seeds import instance_seed
from vera.trajectory import read_jsonl

sys.path.insert(0, str(Path(__file__).parent))
from fake_suite import FakeSuite  # noqa: E402

SUITE = "fake_suite:FakeSuite"


def test_instance_seed_follows_androidworld_rule() -> None:
    import hashlib

    expected = int(hashlib.sha256(b"30_ContactsAddContact_0").hexdigest(), 16) % 2**32
    assert instance_seed(30, "ContactsAddContact", 0) == expected
    assert instance_seed(30, "ContactsAddContact", 1) != expected


def test_plan_is_sorted_by_task_and_instance() -> None:
    jobs = plan_jobs(FakeSuite().tasks()[::-1], 2, 30)
    assert [(j.task, j.instance) for j in jobs] == [
        ("Alpha", 0), ("Alpha", 1), ("Beta", 0), ("Beta", 1), ("Gamma", 0), ("Gamma", 1)]


def test_summary_is_macro_average_and_excludes_errors() -> None:
    results = [
        {"task": "A", "seed": 1, "success": 1.0, "steps": 2, "groups": {"app": "x"}},
        {"task": "A", "seed": 2, "success": 0.0, "steps": 4, "groups": {"app": "x"}},
        {"task": "B", "seed": 1, "success": 1.0, "steps": 6, "groups": {"app": "y"}},
        {"task": "B", "seed": 2, "success": 0.0, "steps": 0, "error": "boom", "groups": {"app": "y"}},
    ]
    summary = summarize(results)
    assert summary["success_rate"] == pytest.approx(0.75)  # mean of task means 0.5 and 1.0
    assert summary["errors"] == 1 and summary["scored_episodes"] == 3
    assert summary["by"]["app"]["x"]["success_rate"] == pytest.approx(0.5)
    assert summary["mean_steps"] == pytest.approx(4.0)


def test_run_resume_and_breakdown(tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    tasks = FakeSuite().tasks()
    summary = run_eval(suite_name=SUITE, agent="scripted", tasks=tasks, n_instances=2, out_dir=tmp_path / "run",
                       suite_options={"log": str(log)})
    assert summary["episodes"] == 6 and summary["tasks"] == 3
    gamma = [instance_seed(30, "Gamma", i) % 2 == 0 for i in range(2)]
    assert summary["per_task"]["Gamma"] == pytest.approx(sum(gamma) / 2)
    assert summary["by"]["difficulty"]["hard"]["success_rate"] == 0.0
    assert len(read_jsonl(tmp_path / "run" / "results.jsonl")) == 6
    calls = log.read_text().splitlines()
    # Resuming runs nothing new and reports the same figures.
    again = run_eval(suite_name=SUITE, agent="scripted", tasks=tasks, n_instances=2, out_dir=tmp_path / "run",
                     suite_options={"log": str(log)})
    assert log.read_text().splitlines() == calls
    assert again["success_rate"] == summary["success_rate"]


def test_resume_after_a_torn_write(tmp_path: Path) -> None:
    out = tmp_path / "run"
    tasks = FakeSuite().tasks()
    run_eval(suite_name=SUITE, agent="scripted", tasks=tasks[:1], n_instances=1, out_dir=out)
    with open(out / "results.jsonl", "a") as handle:
        handle.write('{"task": "Beta", "se')  # killed mid-line
    summary = run_eval(suite_name=SUITE, agent="scripted", tasks=tasks, n_instances=1, out_dir=out)
    assert summary["episodes"] == 3


def test_an_exception_is_recorded_and_the_run_goes_on(tmp_path: Path) -> None:
    summary = run_eval(suite_name=SUITE, agent="scripted", tasks=FakeSuite().tasks(), n_instances=1,
                       out_dir=tmp_path / "run", suite_options={"crash_on": "Beta"}, retry_errors=1)
    assert summary["errors"] == 1
    assert "device went away" in summary["error_examples"][0]["error"]
    lines = read_jsonl(tmp_path / "run" / "results.jsonl")
    assert sum(1 for r in lines if r["task"] == "Beta") == 2  # first try + one retry, both kept


def test_retry_recovers_a_transient_error(tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    summary = run_eval(suite_name=SUITE, agent="scripted", tasks=FakeSuite().tasks(), n_instances=1,
                       out_dir=tmp_path / "run", suite_options={"log": str(log), "flaky": "Alpha"},
                       retry_errors=1)
    assert summary["errors"] == 0 and summary["per_task"]["Alpha"] == 1.0
    assert len(read_jsonl(tmp_path / "run" / "results.jsonl")) == 4  # the failed attempt is kept


def test_parallel_workers_one_per_device(tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    summary = run_eval(suite_name=SUITE, agent="scripted", tasks=FakeSuite().tasks(), n_instances=2,
                       out_dir=tmp_path / "run", suite_options={"log": str(log)},
                       devices=["emulator-5554", "emulator-5556"])
    assert summary["episodes"] == 6
    serials = {line.split()[2] for line in log.read_text().splitlines()}
    assert serials <= {"emulator-5554", "emulator-5556"}
    pids_by_serial: dict[str, set[str]] = {}
    for line in log.read_text().splitlines():
        _, _, serial, pid = line.split()
        pids_by_serial.setdefault(serial, set()).add(pid)
    assert all(len(pids) == 1 for pids in pids_by_serial.values())


def test_recorded_vdroid_eval_steps_carry_scored_candidates(tmp_path: Path) -> None:
    """`vera eval --agent vdroid --record`: each step of each trajectory has its scored candidates."""
    from vera.env.android.sim.suite import SimDroidSuite

    tasks = [t for t in SimDroidSuite().tasks() if t.name == "ClockStopWatchRunning"]
    summary = run_eval(suite_name="simdroid", agent="vdroid", tasks=tasks, n_instances=1, out_dir=tmp_path,
                       record=True, agent_options={"progress": False,
                                                   "checkpoint_db": str(tmp_path / "ck.sqlite")})
    assert summary["errors"] == 0
    (trajectory,) = (tmp_path / "trajectories").glob("*/trajectory.jsonl")
    records = read_jsonl(trajectory)
    assert records[0]["type"] == "episode" and records[0]["run_id"].startswith("vdroid-")
    steps = [r for r in records if r["type"] == "step"]
    assert steps and [s["index"] for s in steps] == list(range(len(steps)))
    for step in steps:
        assert step["candidates"][0]["text"] == step["info"]["chosen"]
        assert len(step["candidates"]) >= 2 and step["info"]["run_id"] == records[0]["run_id"]


def test_a_rerun_episode_keeps_the_earlier_trajectory_beside(tmp_path: Path) -> None:
    """An episode run again (its result lost in a kill, or an error retried) starts a fresh trajectory."""
    from vera.env.android.sim.suite import SimDroidSuite

    tasks = [t for t in SimDroidSuite().tasks() if t.name == "SystemBluetoothTurnOn"]
    run_eval(suite_name="simdroid", agent="oracle", tasks=tasks, n_instances=1, out_dir=tmp_path, record=True)
    (folder,) = (tmp_path / "trajectories").iterdir()
    first = read_jsonl(folder / "trajectory.jsonl")
    (tmp_path / "results.jsonl").unlink()  # as if killed before the result was written
    summary = run_eval(suite_name="simdroid", agent="oracle", tasks=tasks, n_instances=1, out_dir=tmp_path,
                       record=True)
    assert summary["errors"] == 0 and summary["success_rate"] == 1.0
    assert read_jsonl(folder / "trajectory.attempt1.jsonl") == first
    second = read_jsonl(folder / "trajectory.jsonl")
    assert [r["type"] for r in second].count("episode") == 1 and second[-1]["type"] == "outcome"


@pytest.mark.parametrize("workers", [1, 2])
def test_a_config_error_stops_the_run_and_records_nothing(tmp_path: Path, workers: int) -> None:
    """A wrong setting would fail every episode alike (and a later run would skip them as retried)."""
    from vera.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown agent option"):
        run_eval(suite_name=SUITE, agent="scripted", tasks=FakeSuite().tasks(), n_instances=1,
                 out_dir=tmp_path, suite_options={"bad_option": True}, workers=workers, retry_errors=1)
    assert read_jsonl(tmp_path / "results.jsonl") == []
    summary = run_eval(suite_name=SUITE, agent="scripted", tasks=FakeSuite().tasks(), n_instances=1,
                       out_dir=tmp_path, workers=workers)
    assert summary["episodes"] == 3 and summary["errors"] == 0
