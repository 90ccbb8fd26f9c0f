"""What generated ALFWorld rooms contain: receptacles, objects and their properties.

The four room kinds follow ALFRED's floor plans (kitchens, living rooms, bedrooms, bathrooms). Receptacle
counts and where objects usually lie were chosen from the frequencies seen in ALFWorld's training
scenes; which object a receptacle may hold (``canContain``) and the object properties (cleanable,
heatable, coolable, toggleable, receptacle objects) come from the installed ``alfworld`` package, the
same tables ALFRED used to build its PDDL problems.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from alfworld.gen import constants as alfred_constants


@dataclass(frozen=True)
class ReceptacleSpec:
    """A kind of receptacle a room may have: how many (when present) and how likely it is present."""

    type: str
    count: tuple[int, int]
    presence: float = 1.0


@dataclass(frozen=True)
class ObjectSpec:
    """A kind of object a room may hold, and the receptacle types it usually lies in (weighted)."""

    type: str
    count: tuple[int, int]
    presence: float
    places: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class RoomSpec:
    """One room kind: its receptacles, its movable objects and its fixed scenery (never in a receptacle)."""

    name: str
    scene_code: int
    receptacles: tuple[ReceptacleSpec, ...]
    objects: tuple[ObjectSpec, ...]
    scenery: tuple[str, ...]


OPENABLE_TYPES = frozenset(alfred_constants.OPENABLE_CLASS_LIST) - {"Box"}
"""Receptacle types that start closed and must be opened (Fridge, Cabinet, Microwave, Drawer, Safe)."""

BASIN_TYPES = {"SinkBasin": "Sink", "BathtubBasin": "Bathtub"}
"""ALFRED names basins after their fixture: ``Sink|x|y|z|SinkBasin`` demangles to ``sinkbasin``."""

TOGGLEABLE_TYPES = frozenset(alfred_constants.VAL_ACTION_OBJECTS["Toggleable"])
CLEANABLE_TYPES = frozenset(alfred_constants.VAL_ACTION_OBJECTS["Cleanable"])
HEATABLE_TYPES = frozenset(alfred_constants.VAL_ACTION_OBJECTS["Heatable"])
COOLABLE_TYPES = frozenset(alfred_constants.VAL_ACTION_OBJECTS["Coolable"])
SLICEABLE_TYPES = frozenset(alfred_constants.VAL_ACTION_OBJECTS["Sliceable"])
RECEPTACLE_OBJECT_TYPES = frozenset(alfred_constants.MOVABLE_RECEPTACLES)


@cache
def can_contain(receptacle_type: str, object_type: str) -> bool:
    """ALFRED's ``canContain`` relation between a receptacle type and an object type."""
    return object_type in alfred_constants.VAL_RECEPTACLE_OBJECTS.get(receptacle_type, ())


def _o(type_: str, count: tuple[int, int], presence: float, **places: float) -> ObjectSpec:
    return ObjectSpec(type_, count, presence, tuple(places.items()))


def _r(type_: str, low: int, high: int, presence: float = 1.0) -> ReceptacleSpec:
    return ReceptacleSpec(type_, (low, high), presence)


KITCHEN = RoomSpec(
    name="kitchen",
    scene_code=1,
    receptacles=(
        _r("CounterTop", 1, 3), _r("Cabinet", 3, 10), _r("Drawer", 1, 5, 0.95), _r("Fridge", 1, 1),
        _r("Microwave", 1, 1), _r("SinkBasin", 1, 1), _r("StoveBurner", 2, 4), _r("CoffeeMachine", 1, 1),
        _r("Toaster", 1, 1), _r("GarbageCan", 1, 1), _r("DiningTable", 1, 1, 0.55), _r("Shelf", 1, 3, 0.15),
        _r("SideTable", 1, 1, 0.1),
    ),
    objects=(
        _o("Apple", (1, 2), 0.9, Fridge=3, CounterTop=3, DiningTable=2, Microwave=1, GarbageCan=1, SinkBasin=1),
        _o("Bread", (1, 2), 0.8, CounterTop=5, DiningTable=3, Fridge=1),
        _o("Egg", (1, 2), 0.8, Fridge=3, CounterTop=2, Microwave=1, SinkBasin=1, GarbageCan=1, DiningTable=1),
        _o("Lettuce", (1, 2), 0.8, CounterTop=4, Fridge=3, DiningTable=3, SinkBasin=1),
        _o("Potato", (1, 2), 0.85, CounterTop=3, Fridge=3, DiningTable=2, Microwave=1, SinkBasin=1),
        _o("Tomato", (1, 2), 0.85, Fridge=4, CounterTop=3, DiningTable=2, SinkBasin=1, GarbageCan=1),
        _o("Bowl", (1, 2), 0.85, Cabinet=3, Fridge=2, CounterTop=2, DiningTable=2, Shelf=1),
        _o("Cup", (1, 2), 0.85, CounterTop=2, Cabinet=2, Fridge=2, DiningTable=1, SinkBasin=1, Microwave=1),
        _o("Mug", (1, 3), 0.85, CounterTop=2, CoffeeMachine=2, Cabinet=2, Fridge=1, Microwave=1, Shelf=1),
        _o("Plate", (1, 2), 0.8, Cabinet=4, CounterTop=3, DiningTable=2, Fridge=1),
        _o("Pan", (1, 1), 0.8, StoveBurner=5, CounterTop=3, Cabinet=1),
        _o("Pot", (1, 2), 0.8, StoveBurner=6, CounterTop=1, Cabinet=1),
        _o("Kettle", (1, 1), 0.45, StoveBurner=3, CounterTop=2, Cabinet=2),
        _o("Knife", (1, 2), 0.9, CounterTop=5, DiningTable=3, Drawer=2),
        _o("ButterKnife", (1, 2), 0.8, CounterTop=6, DiningTable=3, Drawer=1),
        _o("Fork", (1, 2), 0.85, CounterTop=4, DiningTable=2, Drawer=2, SinkBasin=1),
        _o("Spoon", (1, 2), 0.85, CounterTop=4, Drawer=3, DiningTable=2, SinkBasin=1),
        _o("Spatula", (1, 2), 0.8, CounterTop=4, DiningTable=2, Drawer=2, SinkBasin=1),
        _o("Ladle", (1, 1), 0.4, CounterTop=3, Cabinet=2, Drawer=2),
        _o("DishSponge", (1, 2), 0.8, Drawer=3, CounterTop=3, Cabinet=3, SinkBasin=1),
        _o("SoapBottle", (1, 2), 0.8, CounterTop=3, Cabinet=3, DiningTable=2, GarbageCan=1),
        _o("SaltShaker", (1, 2), 0.8, Cabinet=3, CounterTop=3, DiningTable=2, Drawer=2),
        _o("PepperShaker", (1, 2), 0.8, Cabinet=3, CounterTop=3, DiningTable=2, Drawer=2),
        _o("WineBottle", (1, 1), 0.35, CounterTop=3, Cabinet=3, DiningTable=2, Fridge=1),
        _o("Glassbottle", (1, 1), 0.25, Cabinet=3, CounterTop=3, Fridge=1),
    ),
    scenery=("Window", "LightSwitch", "StoveKnob", "Chair", "Sink"),
)

LIVING_ROOM = RoomSpec(
    name="livingroom",
    scene_code=2,
    receptacles=(
        _r("Sofa", 1, 2), _r("ArmChair", 1, 2, 0.9), _r("CoffeeTable", 1, 2, 0.85), _r("SideTable", 1, 3, 0.8),
        _r("Drawer", 1, 4, 0.75), _r("DiningTable", 1, 1, 0.5), _r("TVStand", 1, 1, 0.45),
        _r("Shelf", 1, 4, 0.4), _r("Dresser", 1, 1, 0.35), _r("Ottoman", 1, 1, 0.15),
        _r("GarbageCan", 1, 1), _r("Cabinet", 1, 2, 0.15), _r("Safe", 1, 1, 0.08),
    ),
    objects=(
        _o("RemoteControl", (1, 2), 0.95, CoffeeTable=3, Sofa=3, SideTable=2, ArmChair=2, Drawer=1, Dresser=1),
        _o("KeyChain", (1, 2), 0.9, CoffeeTable=3, SideTable=3, Drawer=2, Sofa=1, Dresser=1, Shelf=1),
        _o("CreditCard", (1, 2), 0.9, SideTable=3, Drawer=2, ArmChair=2, Sofa=2, CoffeeTable=2, Shelf=1),
        _o("Laptop", (1, 2), 0.85, CoffeeTable=3, Sofa=3, DiningTable=2, ArmChair=1, Dresser=1),
        _o("Pillow", (1, 2), 0.85, Sofa=5, ArmChair=2),
        _o("Box", (1, 1), 0.7, CoffeeTable=3, DiningTable=2, Sofa=2, Shelf=1, SideTable=1),
        _o("Newspaper", (1, 2), 0.55, Sofa=3, CoffeeTable=3, Shelf=2, ArmChair=1, SideTable=1, Ottoman=1),
        _o("Watch", (1, 2), 0.5, Drawer=3, CoffeeTable=3, SideTable=2, Dresser=2, Shelf=1),
        _o("Statue", (1, 2), 0.8, Shelf=4, CoffeeTable=3, DiningTable=2, SideTable=2, Dresser=1),
        _o("Vase", (1, 2), 0.6, Shelf=4, CoffeeTable=2, DiningTable=2, SideTable=1, Dresser=1),
        _o("WateringCan", (1, 1), 0.35, CoffeeTable=2, Shelf=2, SideTable=1),
        _o("TissueBox", (1, 1), 0.35, CoffeeTable=2, Shelf=2, SideTable=2, Drawer=1, TVStand=1),
        _o("Book", (1, 2), 0.3, CoffeeTable=2, Shelf=2, SideTable=1, Sofa=1),
        _o("CellPhone", (1, 1), 0.3, SideTable=2, Sofa=2, CoffeeTable=2, Drawer=1),
        _o("Plate", (1, 1), 0.3, DiningTable=3, CoffeeTable=2, Shelf=1),
        _o("Candle", (1, 2), 0.15, CoffeeTable=2, Shelf=2, SideTable=1),
        _o("DeskLamp", (1, 1), 0.5, SideTable=4, Dresser=2, Shelf=1, CoffeeTable=1),
    ),
    scenery=("Television", "FloorLamp", "HousePlant", "Painting", "Window", "LightSwitch", "Chair"),
)

BEDROOM = RoomSpec(
    name="bedroom",
    scene_code=3,
    receptacles=(
        _r("Bed", 1, 2), _r("Desk", 1, 2, 0.7), _r("SideTable", 1, 2, 0.7), _r("Drawer", 2, 8),
        _r("Dresser", 1, 1, 0.5), _r("Shelf", 1, 5, 0.6), _r("GarbageCan", 1, 1), _r("LaundryHamper", 1, 1, 0.25),
        _r("ArmChair", 1, 2, 0.2), _r("Safe", 1, 1, 0.15), _r("Cabinet", 1, 2, 0.15),
    ),
    objects=(
        _o("Book", (1, 2), 0.95, Bed=4, Desk=2, Drawer=1, Dresser=1, Shelf=1),
        _o("Pencil", (1, 2), 0.9, Drawer=3, Desk=2, Shelf=2, SideTable=2, Dresser=1, GarbageCan=1),
        _o("Pen", (1, 2), 0.9, Desk=3, Shelf=2, Drawer=2, SideTable=2, Dresser=1),
        _o("CD", (1, 2), 0.85, Drawer=3, Desk=2, Dresser=2, SideTable=2, Shelf=1, GarbageCan=1),
        _o("CellPhone", (1, 2), 0.9, Bed=3, Drawer=2, Desk=2, Dresser=1, SideTable=1),
        _o("AlarmClock", (1, 2), 0.9, Desk=4, Shelf=2, SideTable=2, Dresser=2),
        _o("Laptop", (1, 2), 0.85, Bed=4, Desk=2, Dresser=1),
        _o("KeyChain", (1, 2), 0.85, Drawer=2, SideTable=2, Desk=2, Shelf=2, Dresser=2, Safe=1),
        _o("Pillow", (1, 2), 0.85, Bed=6, ArmChair=1),
        _o("CreditCard", (1, 2), 0.85, Drawer=2, SideTable=2, Shelf=2, Dresser=2, Desk=2, ArmChair=1),
        _o("Mug", (1, 2), 0.45, Desk=4, Shelf=2, SideTable=1),
        _o("Bowl", (1, 1), 0.35, Desk=3, Shelf=2, Dresser=1),
        _o("Box", (1, 1), 0.35, Desk=2, Shelf=2, Dresser=1),
        _o("BaseballBat", (1, 1), 0.3, Bed=1),
        _o("BasketBall", (1, 1), 0.3, Bed=2, Desk=1),
        _o("TennisRacket", (1, 1), 0.3, Bed=2, Desk=1),
        _o("Cloth", (1, 1), 0.2, LaundryHamper=5, Drawer=1, Dresser=1),
        _o("Watch", (1, 1), 0.15, Drawer=2, Dresser=2, Desk=1),
        _o("TissueBox", (1, 1), 0.15, Desk=2, Shelf=1, SideTable=1),
        _o("DeskLamp", (1, 2), 0.75, Desk=4, SideTable=3, Dresser=2, Shelf=1),
    ),
    scenery=("Window", "LightSwitch", "Mirror", "Blinds", "Chair", "Painting", "Poster"),
)

BATHROOM = RoomSpec(
    name="bathroom",
    scene_code=4,
    receptacles=(
        _r("Toilet", 1, 1), _r("SinkBasin", 1, 2), _r("CounterTop", 1, 2, 0.85), _r("Cabinet", 2, 5, 0.5),
        _r("Drawer", 1, 6, 0.55), _r("TowelHolder", 1, 2), _r("HandTowelHolder", 1, 2),
        _r("ToiletPaperHanger", 1, 1), _r("GarbageCan", 1, 1), _r("BathtubBasin", 1, 1, 0.7),
        _r("Shelf", 1, 3, 0.25), _r("Cart", 1, 1, 0.08), _r("Dresser", 1, 1, 0.07),
    ),
    objects=(
        _o("SoapBottle", (1, 2), 0.95, CounterTop=3, Toilet=2, Cabinet=2, GarbageCan=1, Shelf=1),
        _o("SoapBar", (1, 2), 0.9, CounterTop=3, Toilet=2, SinkBasin=2, Cabinet=1, BathtubBasin=1, Drawer=1),
        _o("Cloth", (1, 2), 0.9, BathtubBasin=3, Cabinet=2, Drawer=2, CounterTop=2, Toilet=1),
        _o("SprayBottle", (1, 2), 0.85, Toilet=3, CounterTop=3, Cabinet=2, GarbageCan=1, Shelf=1),
        _o("Candle", (1, 2), 0.85, Toilet=3, CounterTop=3, Cabinet=2, Drawer=1, Shelf=1),
        _o("ToiletPaper", (1, 2), 0.9, ToiletPaperHanger=3, Toilet=2, CounterTop=2, Cabinet=1, Drawer=1),
        _o("HandTowel", (1, 2), 0.9, HandTowelHolder=8, CounterTop=1),
        _o("Towel", (1, 2), 0.9, TowelHolder=1),
        _o("DishSponge", (1, 1), 0.25, CounterTop=2, Cabinet=1, BathtubBasin=1),
        _o("TissueBox", (1, 1), 0.25, CounterTop=2, Toilet=1, Shelf=1),
        _o("Plunger", (1, 1), 0.4, Cabinet=1),
    ),
    scenery=("Mirror", "LightSwitch", "Window", "ShowerDoor", "Sink", "Bathtub"),
)

ROOMS: dict[str, RoomSpec] = {room.name: room for room in (KITCHEN, LIVING_ROOM, BEDROOM, BATHROOM)}

TASK_ROOMS: dict[str, tuple[str, ...]] = {
    "pick_and_place_simple": ("kitchen", "livingroom", "bedroom", "bathroom"),
    "look_at_obj_in_light": ("livingroom", "bedroom"),
    "pick_clean_then_place_in_recep": ("kitchen", "bathroom"),
    "pick_heat_then_place_in_recep": ("kitchen",),
    "pick_cool_then_place_in_recep": ("kitchen",),
    "pick_two_obj_and_place": ("kitchen", "livingroom", "bedroom", "bathroom"),
}
"""Which rooms each task type is set in (ALFRED's ``GOALS_VALID``)."""

ALL_RECEPTACLE_TYPES: tuple[str, ...] = tuple(sorted(
    alfred_constants.RECEPTACLES - alfred_constants.MOVABLE_RECEPTACLES_SET))
"""Every ``rtype`` constant: the domain names SinkBasinType, MicrowaveType and FridgeType in its actions."""

ALL_OBJECT_TYPES: tuple[str, ...] = tuple(sorted(
    {spec.type for room in ROOMS.values() for spec in room.objects}
    | {s for room in ROOMS.values() for s in room.scenery} | {"Knife", "ButterKnife"}))
"""Every ``otype`` constant a generated problem declares (the domain names KnifeType and ButterKnifeType)."""
