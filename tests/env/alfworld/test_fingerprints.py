"""The fast engine against recorded fingerprints of the real TextWorld env, over the spec'd CI sets.

`fingerprints/valid_seen.jsonl.gz` (all 140 valid_seen games) and `fingerprints/train300.jsonl.gz` (the
fixed 300-game train sample, `sample_games(train, 300, seed=0)`) hold, per game, the walkthrough and 3
random walks of 50 admissible commands as played in the real env, and a hash of every step (see
`vera.env.alfworld.fingerprint`). They were recorded by `vera alfworld diff --record` (README, ALFWorld
section). Replaying them in the fast engine takes seconds, so every recorded step is checked in CI; a few
games are also recorded live here and must give the committed fingerprints, which checks the recorder.
"""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from vera.env.alfworld.data import find_games, sample_games
from vera.env.alfworld.diff import check_fingerprints, check_recorded, diff_game, summarize
from vera.env.alfworld.engine import FastALFWorldEnv, load_game
from vera.env.alfworld.fingerprint import (
    HASH_CHARS,
    append_record,
    compact,
    make_meta,
    read_fingerprints,
    start_recording,
)
from vera.errors import DataError

FINGERPRINTS = Path(__file__).parent / "fingerprints"
VALID_SEEN_FP = FINGERPRINTS / "valid_seen.jsonl.gz"
TRAIN_FP = FINGERPRINTS / "train300.jsonl.gz"


def _records(path: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    meta, records, complete = read_fingerprints(path)
    assert complete
    return meta, records


def test_fingerprint_files_are_small_and_hold_no_game_text() -> None:
    assert VALID_SEEN_FP.stat().st_size + TRAIN_FP.stat().st_size < 2_000_000
    for path in (VALID_SEEN_FP, TRAIN_FP):
        for line in gzip.open(path, "rt", encoding="utf-8"):
            data = json.loads(line)
            assert set(data) <= {"fingerprints", "game", "file", "error", "episodes"}
            for episode in data.get("episodes", []):
                assert set(episode) == {"episode", "commands", "hashes"}


def test_recorded_games_are_the_ci_sets(alfworld_data: Path) -> None:
    expected = {
        VALID_SEEN_FP: ("eval_in_distribution", [g.name for g in find_games(alfworld_data, "eval_in_distribution")]),
        TRAIN_FP: ("train", [g.name for g in sample_games(find_games(alfworld_data, "train"), 300, seed=0)]),
    }
    for path, (split, names) in expected.items():
        meta, records = _records(path)
        assert (meta["split"], meta["walks"], meta["steps"], meta["seed"]) == (split, 3, 50, 0)
        assert meta["versions"]["textworld"] == "1.7.0" and meta["versions"]["alfworld"] == "0.4.2"
        assert meta["games"] == sorted(records) == sorted(names)
        for record in records.values():
            assert record["error"] is None
            assert [e["episode"] for e in record["episodes"]] == ["walkthrough", "walk0", "walk1", "walk2"]
    assert len(_records(VALID_SEEN_FP)[1]) == 140 and len(_records(TRAIN_FP)[1]) == 300


@pytest.mark.parametrize("path", [VALID_SEEN_FP, TRAIN_FP], ids=["valid_seen_140", "train_300"])
def test_fast_engine_matches_the_recorded_real_env(path: Path, alfworld_data: Path) -> None:
    meta, results = check_fingerprints(path, alfworld_data)
    summary = summarize(results)
    assert summary["errors"] == []
    assert summary["games"] == len(meta["games"])
    assert summary["episodes"] == 4 * summary["games"]
    assert summary["steps"] > 100 * summary["games"]
    assert summary["identical_steps"] == summary["steps"], summary["examples"]


def _one_record(alfworld_data: Path, index: int = 3) -> tuple[dict[str, Any], Path]:
    meta, records = _records(VALID_SEEN_FP)
    name = sorted(records)[index]
    path = alfworld_data / "json_2.1.1" / "valid_seen" / name / "game.tw-pddl"
    return records[name], path


def test_check_reports_a_changed_hash(alfworld_data: Path) -> None:
    record, path = _one_record(alfworld_data)
    assert (good := check_recorded(record, path)).steps == good.identical_steps > 50
    bad = copy.deepcopy(record)
    episode = bad["episodes"][2]
    step = 7
    hashes = episode["hashes"]
    start = step * HASH_CHARS
    flipped = "0" if hashes[start] != "0" else "1"
    episode["hashes"] = hashes[:start] + flipped + hashes[start + 1:]
    result = check_recorded(bad, path)
    assert result.error is None
    assert result.steps - result.identical_steps == 1
    (mismatch,) = result.mismatches
    assert mismatch["episode"] == "walk1" and mismatch["step"] == step
    assert mismatch["command"] == episode["commands"][step - 1]
    assert mismatch["expected"] != mismatch["got"]


class _ChangedEngine:
    """The fast engine with one observation changed: the third step of every episode says more."""

    def __init__(self, path: str) -> None:
        self._env = FastALFWorldEnv(load_game(path))
        self._count = 0

    def reset(self) -> tuple[str, dict[str, Any]]:
        self._count = 0
        return self._env.reset()

    def step(self, command: str) -> tuple[str, float, bool, dict[str, Any]]:
        obs, score, done, infos = self._env.step(command)
        self._count += 1
        return (obs + " ", score, done, infos) if self._count == 3 else (obs, score, done, infos)


def test_check_reports_a_changed_engine(alfworld_data: Path) -> None:
    record, path = _one_record(alfworld_data)
    result = check_recorded(record, path, env=_ChangedEngine)
    assert result.error is None
    assert result.steps - result.identical_steps == 4  # step 3 of each of the 4 episodes
    assert [(m["episode"], m["step"]) for m in result.mismatches[:2]] == [("walkthrough", 3), ("walk0", 3)]


def test_check_refuses_other_game_files(alfworld_data: Path, tmp_path: Path) -> None:
    record, path = _one_record(alfworld_data)
    other = tmp_path / "game.tw-pddl"
    other.write_text(path.read_text() + "\n")
    result = check_recorded(record, other)
    assert result.error is not None and "not the game file that was recorded" in result.error


def test_live_recording_gives_the_committed_fingerprints(alfworld_data: Path) -> None:
    """Record two games in the real TextWorld env now: the recorder gives the committed hashes."""
    for fingerprints, split, index in ((VALID_SEEN_FP, "valid_seen", 11), (TRAIN_FP, "train", 77)):
        _, records = _records(fingerprints)
        name = sorted(records)[index]
        path = alfworld_data / "json_2.1.1" / split / name / "game.tw-pddl"
        live = diff_game(path, walks=3, steps=50, seed=0, record=True, name=name)
        assert live.error is None and live.identical_steps == live.steps, live.mismatches
        assert live.fingerprint == records[name]


def _fake_record(name: str, steps: int) -> dict[str, Any]:
    return {"game": name, "file": "0" * 16, "error": None,
            "episodes": [{"episode": "walkthrough", "commands": ["look"] * steps, "hashes": "a" * HASH_CHARS * (steps + 1)}]}


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_recording_resumes_after_a_torn_line(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"fp{suffix}"
    meta = make_meta("train", walks=3, steps=50, seed=0, games=["b/1", "a/1", "c/1"])
    assert start_recording(path, meta) == {}
    append_record(path, _fake_record("b/1", 3))
    before = path.stat().st_size
    append_record(path, _fake_record("a/1", 4))
    path.write_bytes(path.read_bytes()[:before + 12])  # killed while writing the last game
    _, records, complete = read_fingerprints(path)
    assert not complete and set(records) == {"b/1"}
    assert set(start_recording(path, meta)) == {"b/1"}  # resumed: the torn game is played again
    assert read_fingerprints(path)[2]
    append_record(path, _fake_record("a/1", 4))
    compact(path)
    first = path.read_bytes()
    compact(path)
    assert path.read_bytes() == first  # deterministic, what gets committed
    meta_read, records, complete = read_fingerprints(path)
    assert complete and list(records) == ["a/1", "b/1"] and meta_read["games"] == ["a/1", "b/1", "c/1"]
    with pytest.raises(DataError, match="other settings"):
        start_recording(path, make_meta("train", walks=1, steps=50, seed=0, games=["a/1"]))


def test_unreadable_fingerprint_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        read_fingerprints(tmp_path / "missing.jsonl.gz")
    path = tmp_path / "plain.jsonl"
    path.write_text('{"game": "x"}\n')
    with pytest.raises(DataError, match="neither metadata nor a game record"):
        read_fingerprints(path)


def test_cli_fingerprint_check(alfworld_data: Path) -> None:
    from vera.env.alfworld.cli import app

    result = CliRunner().invoke(app, ["fingerprint", "check", "--data", str(alfworld_data), "--fingerprints",
                                      str(VALID_SEEN_FP), "--games", "3", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["games"] == 3 and summary["identical_steps"] == summary["steps"] > 0
    assert summary["split"] == "eval_in_distribution" and summary["walks"] == 3
