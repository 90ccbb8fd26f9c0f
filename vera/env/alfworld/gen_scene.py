"""A generated room: receptacles at locations, objects in receptacles, scenery; and its PDDL problem.

Identifiers follow ALFRED's mangled form (``Apple|+00.38|+00.84|-01.75`` written as
``Apple_bar__plus_00_dot_38_bar__plus_00_dot_84_bar__minus_01_dot_75``; locations
``loc|x|z|rotation|horizon``), so ALFWorld's ``AlfredDemangler`` names them ``apple 1``, ``cabinet 3``,
``sinkbasin 1`` exactly as in the released games.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

from vera.env.alfworld.gen_catalog import (
    ALL_OBJECT_TYPES,
    ALL_RECEPTACLE_TYPES,
    BASIN_TYPES,
    CLEANABLE_TYPES,
    COOLABLE_TYPES,
    HEATABLE_TYPES,
    OPENABLE_TYPES,
    RECEPTACLE_OBJECT_TYPES,
    SLICEABLE_TYPES,
    TOGGLEABLE_TYPES,
    RoomSpec,
    can_contain,
)

AGENT_ID = "agent1"
_MANGLE = (("|", "_bar_"), ("-", "_minus_"), ("+", "_plus_"), (".", "_dot_"), (",", "_comma_"))


def mangle(text: str) -> str:
    """ALFRED id -> PDDL-safe id (``Apple|+00.38|...`` -> ``Apple_bar__plus_00_dot_38...``)."""
    for raw, safe in _MANGLE:
        text = text.replace(raw, safe)
    return text


def _coordinate(value: float) -> str:
    """ALFRED's coordinate field: sign, two integer digits, two decimals; zero has no sign."""
    text = f"{abs(value):05.2f}"
    if text == "00.00":
        return text
    return ("+" if value > 0 else "-") + text


def demangled_names(ids: list[str]) -> dict[str, str]:
    """The names ALFWorld's Demangler (no shuffling) gives to entity ids, as TextWorld shows them.

    TextWorld lower-cases PDDL names; ids of one kind (the part before the first ``_bar_``, plus
    ``basin`` for basins) are numbered from their sorted order, the first sorted id getting the highest
    number.
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for entity_id in sorted(i.lower() for i in ids):
        kind = entity_id.split("_bar_", 1)[0] + ("basin" if "basin" in entity_id else "")
        groups[kind].append(entity_id)
    names: dict[str, str] = {}
    for kind, members in groups.items():
        for position, entity_id in enumerate(members):
            names[entity_id] = f"{kind} {len(members) - position}"
    return {i: names[i.lower()] for i in ids}


@dataclass
class Receptacle:
    """A receptacle instance (countertop, cabinet, fridge, ...)."""

    id: str
    type: str
    location: str
    name: str = ""

    @property
    def openable(self) -> bool:
        return self.type in OPENABLE_TYPES


@dataclass
class Item:
    """An object instance: movable objects lie in a receptacle; scenery only has a location."""

    id: str
    type: str
    location: str
    receptacle: str | None = None
    name: str = ""

    @property
    def pickupable(self) -> bool:
        return self.receptacle is not None and self.type not in TOGGLEABLE_TYPES


@dataclass
class Scene:
    """One generated room."""

    room: str
    start: str
    receptacles: list[Receptacle] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    extra_locations: list[str] = field(default_factory=list)

    def receptacle(self, receptacle_id: str) -> Receptacle:
        return next(r for r in self.receptacles if r.id == receptacle_id)

    def receptacles_of(self, type_: str) -> list[Receptacle]:
        return sorted((r for r in self.receptacles if r.type == type_), key=lambda r: _name_key(r.name))

    def items_of(self, type_: str) -> list[Item]:
        return sorted((i for i in self.items if i.type == type_ and i.pickupable), key=lambda i: _name_key(i.name))

    @property
    def locations(self) -> list[str]:
        seen = dict.fromkeys([self.start, *(r.location for r in self.receptacles), *self.extra_locations])
        return list(seen)


def _name_key(name: str) -> tuple[str, int]:
    kind, _, number = name.rpartition(" ")
    return kind, int(number) if number.isdigit() else 0


class _IdMaker:
    """Unique ALFRED-style ids and locations for one scene."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def point(self) -> tuple[float, float, float]:
        rng = self.rng
        return (round(rng.uniform(-3.5, 3.5), 2), round(rng.uniform(0.0, 1.8), 2), round(rng.uniform(-3.5, 3.5), 2))

    def object_id(self, type_: str, near: tuple[float, float, float] | None = None) -> tuple[str, tuple]:
        while True:
            if near is None:
                xyz = self.point()
            else:
                xyz = tuple(round(c + self.rng.uniform(-0.4, 0.4), 2) for c in near)
            fixture = BASIN_TYPES.get(type_)
            raw = "|".join([fixture or type_, *(_coordinate(c) for c in xyz)])
            if fixture:
                raw += f"|{type_}"
            ident = mangle(raw)
            if ident not in self.used:
                self.used.add(ident)
                return ident, xyz

    def location(self, xyz: tuple[float, float, float] | None = None) -> str:
        while True:
            x, _, z = xyz if xyz is not None else self.point()
            parts = [round(x * 4) + self.rng.randint(-1, 1), round(z * 4) + self.rng.randint(-1, 1),
                     self.rng.randint(0, 3), self.rng.choice((0, 15, 30, 45, 60))]
            ident = mangle("loc|" + "|".join(str(p) for p in parts))
            if ident not in self.used:
                self.used.add(ident)
                return ident


_SHARED_LOCATION_CHANCE = {"StoveBurner": 0.5, "Toaster": 0.4, "CoffeeMachine": 0.3, "Drawer": 0.2,
                           "Cabinet": 0.1}
_SHARE_WITH = {"StoveBurner": ("StoveBurner",), "Toaster": ("CounterTop",), "CoffeeMachine": ("CounterTop",),
               "Drawer": ("Drawer", "Desk", "SideTable", "Dresser"), "Cabinet": ("Cabinet", "CounterTop")}


def sample_scene(room: RoomSpec, rng: random.Random) -> Scene:
    """A random room of this kind with receptacles, objects placed where ALFRED lets them lie, and scenery."""
    ids = _IdMaker(rng)
    scene = Scene(room=room.name, start=ids.location())
    points: dict[str, tuple] = {}
    for spec in room.receptacles:
        if rng.random() >= spec.presence:
            continue
        for _ in range(rng.randint(*spec.count)):
            ident, xyz = ids.object_id(spec.type)
            points[ident] = xyz
            partners = [r for r in scene.receptacles if r.type in _SHARE_WITH.get(spec.type, ())]
            if partners and rng.random() < _SHARED_LOCATION_CHANCE.get(spec.type, 0.0):
                location = rng.choice(partners).location
            else:
                location = ids.location(xyz)
            scene.receptacles.append(Receptacle(ident, spec.type, location))
    by_type: dict[str, list[Receptacle]] = defaultdict(list)
    for receptacle in scene.receptacles:
        by_type[receptacle.type].append(receptacle)

    for spec in room.objects:
        if rng.random() >= spec.presence:
            continue
        places = [(t, w) for t, w in spec.places
                  if by_type.get(t) and (spec.type in TOGGLEABLE_TYPES or can_contain(t, spec.type))]
        if not places:
            continue
        for _ in range(rng.randint(*spec.count)):
            place_type = rng.choices([t for t, _ in places], weights=[w for _, w in places])[0]
            holders = by_type[place_type]
            if spec.type in TOGGLEABLE_TYPES:  # at most one lamp per table
                lit = {i.receptacle for i in scene.items if i.type == spec.type}
                holders = [h for h in holders if h.id not in lit]
                if not holders:
                    continue
            holder = rng.choice(holders)
            ident, _ = ids.object_id(spec.type, near=points[holder.id])
            scene.items.append(Item(ident, spec.type, holder.location, receptacle=holder.id))

    for scenery_type in room.scenery:
        anchors = {"Sink": "SinkBasin", "Bathtub": "BathtubBasin", "StoveKnob": "StoveBurner"}.get(scenery_type)
        if anchors:
            for holder in by_type.get(anchors, []):
                ident, _ = ids.object_id(scenery_type, near=points[holder.id])
                scene.items.append(Item(ident, scenery_type, holder.location))
            continue
        if rng.random() >= 0.6:
            continue
        ident, xyz = ids.object_id(scenery_type)
        if scene.receptacles and rng.random() < 0.3:
            location = rng.choice(scene.receptacles).location
        else:
            location = ids.location(xyz)
            scene.extra_locations.append(location)
        scene.items.append(Item(ident, scenery_type, location))

    names = demangled_names([r.id for r in scene.receptacles] + [i.id for i in scene.items])
    for entity in (*scene.receptacles, *scene.items):
        entity.name = names[entity.id]
    return scene


def _object_facts(item: Item) -> list[tuple[str, str]]:
    flags = []
    if item.pickupable:
        flags.append("pickupable")
        if item.type in RECEPTACLE_OBJECT_TYPES:
            flags.append("isReceptacleObject")
        for flag, types in (("cleanable", CLEANABLE_TYPES), ("heatable", HEATABLE_TYPES),
                            ("coolable", COOLABLE_TYPES), ("sliceable", SLICEABLE_TYPES)):
            if item.type in types:
                flags.append(flag)
    if item.type in TOGGLEABLE_TYPES:
        flags.append("toggleable")
    return [(flag, item.id) for flag in flags]


def render_problem(scene: Scene, problem_name: str, goal_pddl: str) -> str:
    """The scene as a PDDL problem of ALFWorld's ``alfred`` domain, laid out like ALFRED's problems."""
    indent = "        "
    objects = [f"{AGENT_ID} - agent"]
    objects += [f"{indent}{t}Type - otype" for t in ALL_OBJECT_TYPES]
    objects += [f"{indent}{t}Type - rtype" for t in ALL_RECEPTACLE_TYPES]
    objects += [f"{indent}{i.id} - object" for i in sorted(scene.items, key=lambda i: i.id)]
    objects += [f"{indent}{r.id} - receptacle" for r in sorted(scene.receptacles, key=lambda r: r.id)]
    objects += [f"{indent}{loc} - location" for loc in scene.locations]

    init: list[str] = []
    init += [f"(receptacleType {r.id} {r.type}Type)" for r in scene.receptacles]
    init += [f"(objectType {i.id} {i.type}Type)" for i in scene.items]
    present_objects = sorted({i.type for i in scene.items if i.pickupable})
    for receptacle_type in sorted({r.type for r in scene.receptacles}):
        init += [f"(canContain {receptacle_type}Type {o}Type)" for o in present_objects
                 if can_contain(receptacle_type, o)]
    flags = [fact for item in scene.items for fact in _object_facts(item)]
    order = ("pickupable", "isReceptacleObject")
    init += [f"({flag} {ident})" for flag, ident in flags if flag in order]
    init += [f"(openable {r.id})" for r in scene.receptacles if r.openable]
    init.append(f"(atLocation {AGENT_ID} {scene.start})")
    init += [f"({flag} {ident})" for flag, ident in flags if flag not in order]
    init += [f"(inReceptacle {i.id} {i.receptacle})" for i in scene.items if i.receptacle]
    init += [f"(receptacleAtLocation {r.id} {r.location})" for r in sorted(scene.receptacles, key=lambda r: r.id)]
    init += [f"(objectAtLocation {i.id} {i.location})" for i in scene.items]

    return (
        f"\n(define (problem {problem_name})\n(:domain alfred)\n(:objects\n"
        + "\n".join(objects)
        + f"\n{indent})\n    \n\n(:init\n\n\n"
        + "\n".join(indent + fact for fact in init)
        + f"\n{indent})\n    \n\n{goal_pddl}"
    )
