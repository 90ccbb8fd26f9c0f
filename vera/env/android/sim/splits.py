"""The fixed train / heldout split of SimDroid tasks, by task family.

Rule:

1. Every task whose apps include the recipes app ("broccoli app") or the audio recorder is
   ``heldout``: two whole apps a learner never trains on.
2. Every task of a family in `HELDOUT_FAMILIES` is ``heldout``: about 20% of the other apps'
   families (12 of the 55 families of the other nine apps when the split was fixed), one or two per
   app, each a skill whose neighbours stay in train (e.g. alarm *repeat days* is held out while alarm
   create/label/delete/toggle are trained):

   ============  ==================================================
   app           heldout families
   ============  ==================================================
   clock         clock_alarm_repeat, clock_stopwatch_reset
   contacts      contacts_delete
   files         files_rename
   markor        markor_merge, markor_move
   pro expense   expense_dedup
   settings      settings_dark_theme
   calendar      calendar_events_in_range, calendar_next_meeting
   sms           sms_forward
   tasks         tasks_edit_priority
   ============  ==================================================

3. Everything else is ``train``; a family added later is ``train`` unless listed here.

Tasks of one family share a skill, so no heldout family has a near-copy in train. `vera tasks --env
simdroid --split heldout` prints the tasks.
"""

from __future__ import annotations

TRAIN = "train"
HELDOUT = "heldout"
SPLITS = (TRAIN, HELDOUT)
HELDOUT_APPS = frozenset({"broccoli app", "broccoli", "recipes", "recipe app", "audio recorder",
                          "audio_recorder", "audiorecorder"})
HELDOUT_FAMILIES = frozenset({
    "clock_alarm_repeat", "clock_stopwatch_reset", "contacts_delete", "files_rename", "markor_merge",
    "markor_move", "expense_dedup", "settings_dark_theme", "calendar_events_in_range",
    "calendar_next_meeting", "sms_forward", "tasks_edit_priority",
})


def family_is_heldout(family: str) -> bool:
    return family in HELDOUT_FAMILIES


def split_of(family: str, app_names: tuple[str, ...] | list[str]) -> str:
    if any(name.lower() in HELDOUT_APPS for name in app_names):
        return HELDOUT
    return HELDOUT if family_is_heldout(family) else TRAIN


def heldout_families() -> list[str]:
    from vera.env.android.sim.registry import task_classes

    return sorted({c.task_family() for c in task_classes().values()
                   if split_of(c.task_family(), c.app_names) == HELDOUT})
