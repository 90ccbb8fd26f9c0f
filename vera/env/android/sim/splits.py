"""The fixed train / heldout split of SimDroid tasks, by task family.

Rule (applied in this order):

1. Every task whose apps include the recipes app ("broccoli app") or the audio recorder is
   ``heldout``: two whole apps the learner never trains on.
2. Of the other families, a family is ``heldout`` when ``sha256(family) mod 5 == 0`` (about 20% of
   the families, fixed forever by the family name alone, independent of which tasks exist).
3. Everything else is ``train``.

Tasks of one family share a skill (wifi on/off and their Verify variants are different families on
purpose only where the skill differs), so no heldout family has a near-copy in train.
`heldout_families()` lists the heldout families of the current registry; `vera tasks --env simdroid
--split heldout` prints the tasks.
"""

from __future__ import annotations

import hashlib

TRAIN = "train"
HELDOUT = "heldout"
SPLITS = (TRAIN, HELDOUT)
HELDOUT_APPS = frozenset({"broccoli app", "broccoli", "recipes", "recipe app", "audio recorder",
                          "audio_recorder", "audiorecorder"})


def family_is_heldout(family: str) -> bool:
    return int(hashlib.sha256(family.encode()).hexdigest(), 16) % 5 == 0


def split_of(family: str, app_names: tuple[str, ...] | list[str]) -> str:
    if any(name.lower() in HELDOUT_APPS for name in app_names):
        return HELDOUT
    return HELDOUT if family_is_heldout(family) else TRAIN


def heldout_families() -> list[str]:
    from vera.env.android.sim.registry import task_classes

    return sorted({c.task_family() for c in task_classes().values()
                   if split_of(c.task_family(), c.app_names) == HELDOUT})
