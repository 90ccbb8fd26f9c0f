"""Trajectory records: JSON lines that survive kills, PNGs beside."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

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
