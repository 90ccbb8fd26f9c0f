"""Tasks for generated rooms, the plan that solves each, and a check that a plan wins.

The plan builder is task-specific: fetch the target object (opening its receptacle when needed),
clean/heat/cool it at the sink basin/microwave/fridge, or turn on the desk lamp, then put it in the
target receptacle. Among all choices of object instance, appliance and target instance it keeps the
shortest plan (ties broken by name), which is what an optimal planner finds for these domains.

``check_walkthrough`` replays a plan over the scene with the preconditions and effects of ALFWorld's
``alfred.pddl`` and the goals of its goal library, and raises if a step is not applicable or the goal is
reached too early or not at all.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from vera.env.alfworld.gen_catalog import (
    CLEANABLE_TYPES,
    COOLABLE_TYPES,
    HEATABLE_TYPES,
    TOGGLEABLE_TYPES,
    can_contain,
)
from vera.env.alfworld.gen_scene import Item, Receptacle, Scene

TASK_TYPES: tuple[str, ...] = (
    "pick_and_place_simple",
    "look_at_obj_in_light",
    "pick_clean_then_place_in_recep",
    "pick_heat_then_place_in_recep",
    "pick_cool_then_place_in_recep",
    "pick_two_obj_and_place",
)
"""ALFWorld's six task types, in the order of its ``TASK_TYPES`` ids 1..6."""

APPLIANCE = {
    "pick_clean_then_place_in_recep": ("SinkBasin", "clean", CLEANABLE_TYPES),
    "pick_heat_then_place_in_recep": ("Microwave", "heat", HEATABLE_TYPES),
    "pick_cool_then_place_in_recep": ("Fridge", "cool", COOLABLE_TYPES),
}
"""Task type -> (appliance receptacle type, verb, object types it applies to)."""

LAMP_TYPE = "DeskLamp"


class PlanError(Exception):
    """A walkthrough does not solve its game (a generator bug, never a user error)."""


@dataclass(frozen=True)
class TaskSpec:
    """A task over a scene: ALFWorld's ``task_type`` and ``pddl_params``."""

    task_type: str
    object_type: str
    receptacle_type: str = ""
    toggle_type: str = ""

    @property
    def pddl_params(self) -> dict[str, object]:
        return {"object_target": self.object_type, "parent_target": self.receptacle_type,
                "toggle_target": self.toggle_type, "mrecep_target": "", "object_sliced": False}

    @property
    def dir_name_parts(self) -> tuple[str, str, str]:
        """(Object, movable receptacle, Receptacle-or-toggle) as in ALFWorld's game directory names."""
        return self.object_type, "None", self.receptacle_type or self.toggle_type


def candidate_tasks(scene: Scene, task_type: str) -> list[TaskSpec]:
    """Every task of this type the scene supports, whose goal does not hold at the start."""
    object_types = sorted({i.type for i in scene.items if i.pickupable})
    receptacle_types = sorted({r.type for r in scene.receptacles})
    if task_type == "look_at_obj_in_light":
        if not any(i.type == LAMP_TYPE and i.receptacle for i in scene.items):
            return []
        return [TaskSpec(task_type, o, toggle_type=LAMP_TYPE) for o in object_types]
    tasks = []
    for object_type in object_types:
        instances = scene.items_of(object_type)
        if task_type == "pick_two_obj_and_place" and len(instances) < 2:
            continue
        if task_type in APPLIANCE:
            appliance, _, applies_to = APPLIANCE[task_type]
            if object_type not in applies_to or appliance not in receptacle_types:
                continue
        for receptacle_type in receptacle_types:
            if not can_contain(receptacle_type, object_type):
                continue
            if task_type in APPLIANCE and receptacle_type == APPLIANCE[task_type][0]:
                continue
            holders = {scene.receptacle(i.receptacle).type for i in instances if i.receptacle}
            if task_type in ("pick_and_place_simple", "pick_two_obj_and_place") and receptacle_type in holders:
                continue
            tasks.append(TaskSpec(task_type, object_type, receptacle_type))
    return tasks


def sample_task(scene: Scene, task_type: str, rng: random.Random) -> TaskSpec | None:
    """A task of this type for the scene: object type first (uniform), then target type (uniform)."""
    tasks = candidate_tasks(scene, task_type)
    if not tasks:
        return None
    object_type = rng.choice(sorted({t.object_type for t in tasks}))
    return rng.choice([t for t in tasks if t.object_type == object_type])


@dataclass
class _World:
    """The part of a scene's state that the six task types change."""

    scene: Scene
    at: str
    holding: str | None = None
    opened: set[str] = field(default_factory=set)
    inside: dict[str, str | None] = field(default_factory=dict)
    states: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def start(cls, scene: Scene) -> _World:
        return cls(scene, scene.start, inside={i.id: i.receptacle for i in scene.items})


class _PlanBuilder:
    """Appends commands while keeping the world model in step."""

    def __init__(self, scene: Scene) -> None:
        self.world = _World.start(scene)
        self.commands: list[str] = []

    def reach(self, receptacle: Receptacle) -> None:
        if self.world.at != receptacle.location:
            self.commands.append(f"go to {receptacle.name}")
            self.world.at = receptacle.location
        if receptacle.openable and receptacle.id not in self.world.opened:
            self.commands.append(f"open {receptacle.name}")
            self.world.opened.add(receptacle.id)

    def take(self, item: Item) -> None:
        holder = self.world.scene.receptacle(item.receptacle or "")
        self.reach(holder)
        self.commands.append(f"take {item.name} from {holder.name}")
        self.world.holding = item.id

    def treat(self, item: Item, appliance: Receptacle, verb: str) -> None:
        if self.world.at != appliance.location:
            self.commands.append(f"go to {appliance.name}")
            self.world.at = appliance.location
        self.commands.append(f"{verb} {item.name} with {appliance.name}")

    def put(self, item: Item, target: Receptacle) -> None:
        self.reach(target)
        self.commands.append(f"move {item.name} to {target.name}")
        self.world.holding = None

    def use_lamp(self, lamp: Item) -> None:
        holder = self.world.scene.receptacle(lamp.receptacle or "")
        if self.world.at != holder.location:
            self.commands.append(f"go to {holder.name}")
            self.world.at = holder.location
        self.commands.append(f"use {lamp.name}")


def _plans(scene: Scene, task: TaskSpec) -> Iterator[list[str]]:
    items = scene.items_of(task.object_type)
    if task.task_type == "look_at_obj_in_light":
        lamps = sorted((i for i in scene.items if i.type == task.toggle_type and i.receptacle),
                       key=lambda i: i.name)
        for item, lamp in itertools.product(items, lamps):
            builder = _PlanBuilder(scene)
            lamp_holder = scene.receptacle(lamp.receptacle or "")
            if lamp_holder.location == scene.receptacle(item.receptacle or "").location:
                builder.use_lamp(lamp)
                builder.take(item)
            else:
                builder.take(item)
                builder.use_lamp(lamp)
            yield builder.commands
        return
    targets = scene.receptacles_of(task.receptacle_type)
    if task.task_type == "pick_two_obj_and_place":
        for first, second in itertools.permutations(items, 2):
            for target in targets:
                builder = _PlanBuilder(scene)
                builder.take(first)
                builder.put(first, target)
                builder.take(second)
                builder.put(second, target)
                yield builder.commands
        return
    appliances: list[Receptacle | None] = [None]
    verb = ""
    if task.task_type in APPLIANCE:
        appliance_type, verb, _ = APPLIANCE[task.task_type]
        appliances = list(scene.receptacles_of(appliance_type))
    for item, appliance, target in itertools.product(items, appliances, targets):
        builder = _PlanBuilder(scene)
        builder.take(item)
        if appliance is not None:
            builder.treat(item, appliance, verb)
        builder.put(item, target)
        yield builder.commands


def build_walkthrough(scene: Scene, task: TaskSpec) -> list[str]:
    """The shortest task-specific plan (ties broken by command text)."""
    plans = list(_plans(scene, task))
    if not plans:
        raise PlanError(f"no plan for {task} in this {scene.room}")
    return min(plans, key=lambda commands: (len(commands), commands))


def _goal_reached(world: _World, task: TaskSpec) -> bool:
    scene = world.scene
    types = {i.id: i.type for i in scene.items}
    if task.task_type == "look_at_obj_in_light":
        holding_target = world.holding is not None and types[world.holding] == task.object_type
        lamp_here = any(
            i.type == task.toggle_type and "toggled" in world.states.get(i.id, set()) and i.receptacle
            and scene.receptacle(i.receptacle).location == world.at for i in scene.items)
        return holding_target and lamp_here
    needed = {"pick_clean_then_place_in_recep": "clean", "pick_heat_then_place_in_recep": "hot",
              "pick_cool_then_place_in_recep": "cool"}.get(task.task_type)
    by_receptacle: dict[str, int] = {}
    for item_id, holder in world.inside.items():
        if holder is None or types[item_id] != task.object_type:
            continue
        if scene.receptacle(holder).type != task.receptacle_type:
            continue
        if needed and needed not in world.states.get(item_id, set()):
            continue
        by_receptacle[holder] = by_receptacle.get(holder, 0) + 1
    wanted = 2 if task.task_type == "pick_two_obj_and_place" else 1
    return any(count >= wanted for count in by_receptacle.values())


def _apply(world: _World, command: str) -> None:
    """Apply one command with alfred.pddl's preconditions and effects; raise PlanError if inapplicable."""
    scene = world.scene
    receptacles = {r.name: r for r in scene.receptacles}
    items = {i.name: i for i in scene.items}

    def here(receptacle: Receptacle) -> None:
        if receptacle.location != world.at:
            raise PlanError(f"{command!r}: not at {receptacle.name}")

    def accessible(receptacle: Receptacle) -> None:
        here(receptacle)
        if receptacle.openable and receptacle.id not in world.opened:
            raise PlanError(f"{command!r}: {receptacle.name} is closed")

    verb, _, rest = command.partition(" ")
    if command.startswith("go to "):
        target = receptacles[command[len("go to "):]]
        if target.location == world.at:
            raise PlanError(f"{command!r}: already there")
        world.at = target.location
    elif verb == "open":
        target = receptacles[rest]
        here(target)
        if not target.openable or target.id in world.opened:
            raise PlanError(f"{command!r}: cannot open")
        world.opened.add(target.id)
    elif verb == "take":
        item_name, _, holder_name = rest.partition(" from ")
        item, holder = items[item_name], receptacles[holder_name]
        accessible(holder)
        if world.holding is not None or world.inside.get(item.id) != holder.id or not item.pickupable:
            raise PlanError(f"{command!r}: cannot take")
        world.inside[item.id] = None
        world.holding = item.id
    elif verb == "move":
        item_name, _, holder_name = rest.partition(" to ")
        item, holder = items[item_name], receptacles[holder_name]
        accessible(holder)
        if world.holding != item.id or not can_contain(holder.type, item.type):
            raise PlanError(f"{command!r}: cannot put")
        world.inside[item.id] = holder.id
        world.holding = None
    elif verb in ("clean", "heat", "cool"):
        item_name, _, appliance_name = rest.partition(" with ")
        item, appliance = items[item_name], receptacles[appliance_name]
        appliance_type, _, applies_to = APPLIANCE[next(t for t, a in APPLIANCE.items() if a[1] == verb)]
        here(appliance)
        if world.holding != item.id or appliance.type != appliance_type or item.type not in applies_to:
            raise PlanError(f"{command!r}: cannot {verb}")
        states = world.states.setdefault(item.id, set())
        states.add({"clean": "clean", "heat": "hot", "cool": "cool"}[verb])
        if verb == "heat":
            states.discard("cool")
        if verb == "cool":
            states.discard("hot")
    elif verb == "use":
        lamp = items[rest]
        if lamp.type not in TOGGLEABLE_TYPES or not lamp.receptacle:
            raise PlanError(f"{command!r}: nothing to use")
        here(scene.receptacle(lamp.receptacle))
        world.states.setdefault(lamp.id, set()).add("toggled")
    else:
        raise PlanError(f"{command!r}: not a command the plan builder emits")


def check_walkthrough(scene: Scene, task: TaskSpec, commands: list[str]) -> None:
    """Raise PlanError unless every step applies and the goal holds after the last step only."""
    world = _World.start(scene)
    if _goal_reached(world, task):
        raise PlanError("goal already holds at the start")
    for index, command in enumerate(commands):
        try:
            _apply(world, command)
        except KeyError as missing:
            raise PlanError(f"{command!r}: unknown name {missing}") from None
        reached = _goal_reached(world, task)
        if reached != (index == len(commands) - 1):
            raise PlanError(f"goal {'reached early' if reached else 'not reached'} after {command!r}")
