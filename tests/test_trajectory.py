"""Trajectory records: JSON lines that survive kills, PNGs beside."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vera.errors import ConfigError
from vera.trajectory import TrajectoryRecorder, append_jsonl, read_jsonl


def test_record_layout(tmp_path: Path) -> None:
    recorder = TrajectoryRecorder(tmp_path / "rec")
    recorder.start(env="simdroid", task="T", seed=3, goal="do it", agent="oracle")
    shot = np.zeros((24, 10, 3), dtype=np.uint8)
    shot[5, 5] = (255, 0, 0)
    recorder.step(index=0, observation={"n_elements": 4}, action={"action_type": "wait"}, screenshot=shot,
                  candidates=[{"action": "wait", "score": 0.5}], info={"ok": True})
    recorder.finish({"success": 1.0, "steps": 1})
    records = read_jsonl(tmp_path / "rec" / "trajectory.jsonl")
    assert [r["type"] for r in records] == ["episode", "step", "outcome"]
    assert records[0]["versions"]["vera"]
    assert records[1]["screenshot"] == "step_000.png"
    assert records[1]["candidates"][0]["score"] == 0.5
    image = np.asarray(Image.open(tmp_path / "rec" / "step_000.png"))
    assert image.shape == (24, 10, 3) and tuple(image[5, 5]) == (255, 0, 0)


def test_append_after_torn_line_keeps_both(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    append_jsonl(path, {"a": 1})
    with open(path, "a") as handle:
        handle.write('{"b": ')
    append_jsonl(path, {"c": np.int64(3), "d": np.float32(0.5)})
    assert read_jsonl(path) == [{"a": 1}, {"c": 3, "d": 0.5}]


def _record(directory: Path, run_id: str | None = "r1", steps: int = 2, finish: bool = False) -> None:
    recorder = TrajectoryRecorder(directory)
    extra = {"run_id": run_id} if run_id else {}
    recorder.start(env="simdroid", task="T", seed=3, goal="do it", agent="vdroid", **extra)
    for i in range(steps):
        recorder.step(index=i, observation={}, action={"action_type": "wait"})
    if finish:
        recorder.finish({"success": 0.0, "steps": steps})


def test_a_directory_with_a_trajectory_is_refused(tmp_path: Path) -> None:
    _record(tmp_path / "rec")
    before = (tmp_path / "rec" / "trajectory.jsonl").read_bytes()
    with pytest.raises(ConfigError, match=r"already holds a trajectory \(run 'r1' of T seed 3 by agent vdroid, "
                                          r"2 steps\); pass --resume RUN_ID .* --overwrite"):
        TrajectoryRecorder(tmp_path / "rec")
    with pytest.raises(ConfigError, match="not run 'other'"):
        TrajectoryRecorder(tmp_path / "rec", resume="other")
    assert (tmp_path / "rec" / "trajectory.jsonl").read_bytes() == before
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match="is a file"):
        TrajectoryRecorder(tmp_path / "file")
    _record(tmp_path / "done", finish=True)
    with pytest.raises(ConfigError, match="finished.*nothing left to resume"):
        TrajectoryRecorder(tmp_path / "done", resume="r1")


def test_resuming_continues_the_same_trajectory(tmp_path: Path) -> None:
    _record(tmp_path / "rec")
    recorder = TrajectoryRecorder(tmp_path / "rec", resume="r1")
    assert recorder.resuming and [r["index"] for r in recorder.recorded_steps] == [0, 1]
    with pytest.raises(ConfigError, match="starts episodes from scratch"):
        recorder.start(env="simdroid", task="T", seed=3, goal="do it", agent="oracle")
    with pytest.raises(ConfigError, match="records T seed 3, not T seed 4"):
        recorder.resume_at(2, task="T", seed=4, run_id="r1")
    with pytest.raises(ConfigError, match="already records steps up to 1"):
        recorder.resume_at(1, task="T", seed=3, run_id="r1")
    recorder.resume_at(2, task="T", seed=3, run_id="r1")
    recorder.step(index=2, observation={}, action={"action_type": "wait"})
    recorder.finish({"success": 1.0, "steps": 3})
    records = read_jsonl(tmp_path / "rec" / "trajectory.jsonl")
    assert [r["type"] for r in records] == ["episode", "step", "step", "resume", "step", "outcome"]
    assert records[3]["run_id"] == "r1" and records[3]["step"] == 2
    assert records[2]["t"] <= records[4]["t"]  # time goes on from the last record


def test_resuming_into_an_empty_directory_starts_a_trajectory(tmp_path: Path) -> None:
    recorder = TrajectoryRecorder(tmp_path / "rec", resume="r1")
    assert not recorder.resuming and recorder.recorded_steps == []
    recorder.start(env="simdroid", task="T", seed=3, goal="do it", agent="vdroid", run_id="r1", first_step=4)
    assert read_jsonl(tmp_path / "rec" / "trajectory.jsonl")[0]["first_step"] == 4


def test_replace_keeps_the_old_trajectory_beside(tmp_path: Path) -> None:
    _record(tmp_path / "rec", run_id=None, steps=1)
    (tmp_path / "rec" / "step_000.png").write_bytes(b"old screen")
    old = read_jsonl(tmp_path / "rec" / "trajectory.jsonl")
    for attempt in (1, 2):
        recorder = TrajectoryRecorder(tmp_path / "rec", replace=True)
        assert read_jsonl(tmp_path / "rec" / f"trajectory.attempt{attempt}.jsonl")[0]["type"] == "episode"
        recorder.start(env="simdroid", task="T", seed=3, goal="do it", agent="oracle")
    assert read_jsonl(tmp_path / "rec" / "trajectory.attempt1.jsonl") == old
    assert not (tmp_path / "rec" / "step_000.png").exists()
    assert [r["type"] for r in read_jsonl(tmp_path / "rec" / "trajectory.jsonl")] == ["episode"]
