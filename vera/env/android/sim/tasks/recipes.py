"""Broccoli recipe tasks (AndroidWorld's recipe.py names, templates and complexity).

Params are JSON-friendly: recipes travel as dicts of `Recipe` fields.
"""

from __future__ import annotations

import dataclasses
import posixpath
import random
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from vera.env.android.sim.apps.expense_model import added_correctly, deduplicated, removed_exactly
from vera.env.android.sim.apps.files_shared import device_storage, now_ms
from vera.env.android.sim.apps.markor_model import MARKOR_ROOT
from vera.env.android.sim.apps.recipes import FIELDS
from vera.env.android.sim.apps.recipes_model import (
    PREP_TIMES,
    Recipe,
    distinct_recipes,
    random_recipe,
    recipe_matches,
)
from vera.env.android.sim.oracle import UI, OracleError
from vera.env.android.sim.task import Task
from vera.env.android.sim.tasks.rows import (
    RowParams,
    field_text,
    parse_rows_text,
    rows_as_text,
    rows_on_screen,
    select_by_scanning,
    select_rows,
)
from vera.env.android.types import JSONAction

if TYPE_CHECKING:
    from vera.env.android.sim.device import SimDroid

APP_NAME = "broccoli app"


def recipe_to_dict(recipe: Recipe) -> dict[str, Any]:
    return dataclasses.asdict(recipe)


def recipe_from_dict(data: dict[str, Any]) -> Recipe:
    return Recipe(**data)


RECIPE_KEYS = ("title", "description", "servings", "preparationTime", "ingredients", "directions")


def recipe_text_row(recipe: Recipe) -> dict[str, str]:
    return {
        "title": recipe.title,
        "description": recipe.description,
        "servings": recipe.servings,
        "preparationTime": recipe.preparation_time,
        "ingredients": recipe.ingredients,
        "directions": recipe.directions,
    }


def recipes_as_text(recipes: list[Recipe], text_format: str, separator: str = "  ") -> str:
    """AndroidWorld's text for recipes in goals and files: a CSV table or "Recipe: ..." blocks."""
    return rows_as_text([recipe_text_row(r) for r in recipes], RECIPE_KEYS, text_format, "Recipe", separator)


RECIPE_ROWS = RowParams(
    distinct=lambda rng, n, taken: distinct_recipes(rng, n, exclude_titles=taken),
    key=lambda r: r.title,
    to_dict=recipe_to_dict,
)


def add_recipes(ui: UI, recipes: list[Recipe]) -> Iterator[JSONAction]:
    """From Broccoli's list: one editor per recipe, every non-empty field typed, Save."""
    for recipe in recipes:
        yield ui.click(desc="Add recipe")
        for attribute, view_id, _hint, _multi in FIELDS:
            value = getattr(recipe, attribute)
            if not value:
                continue
            yield from ui.scroll_to(id=view_id, within={"id": "edit_scroll"})
            yield ui.type(value, id=view_id)
        yield ui.click(desc="Save")


def read_markor_file(ui: UI, file_name: str) -> Iterator[JSONAction]:
    """Open a note in Markor's browser (its text is then in the editor field)."""
    yield ui.open_app("Markor")
    yield ui.click(file_name, id="ui__filesystem_item__title")


def markor_text(ui: UI) -> str:
    return ui.element(id="document__fragment__edit__highlighting_editor").text or ""


# --- tasks -----------------------------------------------------------------------------------------
class _RecipeTask(Task):
    """Shared setup: a fresh recipe book holding the task's recipes and noise."""

    abstract = True
    app_names = (APP_NAME,)
    before: dict[int, Recipe]

    def initialize(self, device: SimDroid) -> None:
        app = device.app(APP_NAME)
        app.reset()
        recipes = [recipe_from_dict(d) for d in self.params.get("noise", [])] + self._initial_targets()
        random.Random(self.params.get("seed", 0)).shuffle(recipes)
        for recipe in recipes:
            app.state.add(recipe)
        self.before = app.state.snapshot()

    def _initial_targets(self) -> list[Recipe]:
        return [recipe_from_dict(d) for d in self.params["targets"]]

    def _after(self, device: SimDroid) -> dict[int, Recipe]:
        return device.app(APP_NAME).state.snapshot()


class _RecipeAdd(_RecipeTask):
    abstract = True
    family = "recipe_add"
    n_targets = 1
    text_param = "recipe"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        params = RECIPE_ROWS.add(rng, cls.n_targets, n_noise=10)
        params[cls.text_param] = recipes_as_text(
            [recipe_from_dict(d) for d in params["targets"]], params["text_format"]
        )
        return params

    def _initial_targets(self) -> list[Recipe]:
        return []

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        wanted = [recipe_from_dict(d) for d in self.params["targets"]]
        return float(added_correctly(self.before, self._after(device), wanted, recipe_matches))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Broccoli")
        yield from add_recipes(ui, [recipe_from_dict(d) for d in self.params["targets"]])


class RecipeAddSingleRecipe(_RecipeAdd):
    """Add one recipe through the editor."""

    template = "Add the following recipes into the Broccoli app: {recipe}"

    complexity = 2.4
    difficulty = "easy"
    n_targets = 1


class RecipeAddMultipleRecipes(_RecipeAdd):
    """Add three recipes, one editor each."""

    template = "Add the following recipes into the Broccoli app: {recipes}"
    text_param = "recipes"

    complexity = 6.0
    difficulty = "medium"
    n_targets = 3


class _RecipeDelete(_RecipeTask):
    abstract = True
    template = "Delete the following recipes from Broccoli app: {titles}."
    family = "recipe_delete"
    n_targets = 1
    n_noise = 5

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        params = RECIPE_ROWS.delete(rng, cls.n_targets, n_noise=cls.n_noise)
        params["titles"] = ", ".join(d["title"] for d in params["targets"])
        return params

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        titles = {d["title"] for d in self.params["targets"]}
        target = {i for i, r in self.before.items() if r.title in titles}
        return float(removed_exactly(self.before, self._after(device), target))


class RecipeDeleteSingleRecipe(_RecipeDelete):
    """Delete one recipe from its detail screen (More options, Delete, confirm)."""

    complexity = 1.0
    difficulty = "easy"

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        title = self.params["targets"][0]["title"]
        yield ui.open_app("Broccoli")
        yield from ui.scroll_to(title, id="card_text_view_title", within={"id": "recycler_view"})
        yield ui.click(title, id="card_text_view_title")
        yield ui.click(desc="More options")
        yield ui.click("Delete")
        yield ui.click("Delete", cls="Button")


class RecipeDeleteMultipleRecipes(_RecipeDelete):
    """Delete three recipes (long press to select, then Delete)."""

    complexity = 2.4
    difficulty = "easy"
    n_targets = 3

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Broccoli")
        titles = [data["title"] for data in self.params["targets"]]
        yield from select_rows(ui, titles, "card_text_view_title", within={"id": "recycler_view"})
        yield ui.click(desc="Delete")
        yield ui.click("Delete", cls="Button")


class RecipeDeleteDuplicateRecipes(_RecipeTask):
    """Delete all but one copy of an exactly duplicated recipe."""

    template = (
        "Delete all but one of any recipes in the Broccoli app that are exact duplicates, ensuring at "
        "least one instance of each unique recipe remains"
    )
    complexity = 1.0
    difficulty = "easy"
    family = "recipe_dedup"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return RECIPE_ROWS.duplicate(rng, n_noise=5)

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(deduplicated(self.before, self._after(device), Recipe.content))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Broccoli")
        rows = rows_on_screen(ui, "card_text_view_title", ("card_text_view_description",))
        seen: set[tuple[str, str]] = set()
        for row in rows:
            key = (row["text"], field_text(row, "card_text_view_description"))
            if key in seen:
                yield JSONAction(action_type="long_press", index=row["index"])
                yield ui.click(desc="Delete")
                yield ui.click("Delete", cls="Button")
                return
            seen.add(key)
        raise OracleError("no duplicate recipe cards on screen")


class RecipeDeleteSingleWithRecipeWithNoise(RecipeDeleteSingleRecipe):
    """Delete one recipe among thirty (scroll to find it)."""

    complexity = 2.0
    difficulty = "easy"
    n_noise = 29


class RecipeDeleteMultipleRecipesWithNoise(_RecipeDelete):
    """Delete three recipes among thirty-two (scan the list, multi-select)."""

    complexity = 3.4
    difficulty = "medium"
    n_targets = 3
    n_noise = 29

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Broccoli")
        titles = [d["title"] for d in self.params["targets"]]
        yield from select_by_scanning(ui, titles, "card_text_view_title", "recycler_view")
        yield ui.click(desc="Delete")
        yield ui.click("Delete", cls="Button")


class RecipeAddMultipleRecipesFromMarkor(RecipeAddMultipleRecipes):
    """Multi-app: copy the recipes written in a Markor note into Broccoli."""

    template = "Add the recipes from recipes.txt in Markor to the Broccoli recipe app."
    complexity = 6.0
    difficulty = "hard"
    family = "recipe_add_from_markor"
    app_names = (APP_NAME, "markor")

    def file_recipes(self) -> list[Recipe]:
        """The recipes written into the note."""
        return [recipe_from_dict(d) for d in self.params["targets"]]

    def wanted_rows(self, rows: list[dict[str, str]]) -> list[dict[str, str]]:
        """The note's rows that the goal asks to add (all of them here)."""
        return rows

    def initialize(self, device: SimDroid) -> None:
        super().initialize(device)
        text = recipes_as_text(self.file_recipes(), self.params["text_format"], separator="\n\n")
        storage = device_storage(device)
        storage.mkdir(MARKOR_ROOT)
        storage.write(posixpath.join(MARKOR_ROOT, "recipes.txt"), text, mtime_ms=now_ms(device))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from read_markor_file(ui, "recipes.txt")
        rows = self.wanted_rows(parse_rows_text(markor_text(ui), RECIPE_KEYS, "Recipe"))
        recipes = [
            Recipe(
                r["title"],
                r["description"],
                r["servings"],
                r["preparationTime"],
                "",
                r["ingredients"],
                r["directions"],
            )
            for r in rows
        ]
        yield ui.open_app("Broccoli")
        yield from add_recipes(ui, recipes)


SPECIAL_INGREDIENTS = (
    "black garlic",
    "smoked paprika",
    "fresh basil",
    "lemon zest",
    "toasted sesame",
    "coconut milk",
    "maple syrup",
)


def _detail_signature(ui: UI) -> tuple[str, ...]:
    """Every field the recipe screen shows (what makes two recipes exact duplicates)."""
    ids = ("description", "servings", "preparation_time", "source", "ingredients", "directions")
    return tuple(ui.element(id=i).text or "" if ui.has(id=i) else "" for i in ids)


def _card_titles(ui: UI) -> list[str]:
    return [ui.elements[i].text or "" for i in ui.matches(id="card_text_view_title")]


def _delete_open_recipe(ui: UI) -> Iterator[JSONAction]:
    yield ui.click(desc="More options")
    yield ui.click("Delete")
    yield ui.click("Delete", cls="Button")


class RecipeDeleteMultipleRecipesWithConstraint(_RecipeDelete):
    """Delete the recipes whose directions use an ingredient (open each recipe to read its directions)."""

    template = "Delete the recipes from Broccoli app that use {ingredient} in the directions."
    complexity = 4.0
    difficulty = "hard"
    family = "recipe_delete_by_ingredient"
    n_noise = 7

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        ingredient = rng.choice(SPECIAL_INGREDIENTS)
        others = [i for i in SPECIAL_INGREDIENTS if i != ingredient]
        n_targets = rng.randint(2, 3)
        rows = distinct_recipes(rng, n_targets + cls.n_noise)
        finishes = [ingredient if k < n_targets else rng.choice(others) for k in range(len(rows))]
        rows = [
            dataclasses.replace(r, directions=f"{r.directions} Finish with {finish}.")
            for r, finish in zip(rows, finishes, strict=True)
        ]
        return {
            "ingredient": ingredient,
            "targets": [recipe_to_dict(r) for r in rows[:n_targets]],
            "noise": [recipe_to_dict(r) for r in rows[n_targets:]],
        }

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Broccoli")
        inspected: set[str] = set()
        for _ in range(60):
            fresh = [t for t in _card_titles(ui) if t not in inspected]
            if not fresh:
                before = ui.texts()
                yield ui.scroll("down", id="recycler_view")
                if ui.texts() == before:
                    return
                continue
            title = fresh[0]
            inspected.add(title)
            yield ui.click(title, id="card_text_view_title")
            directions = ui.element(id="directions").text or ""
            if self.params["ingredient"].lower() in directions.lower():
                yield from _delete_open_recipe(ui)
            else:
                yield ui.back()
        raise OracleError("the recipe list did not end")


class RecipeDeleteDuplicateRecipes2(_RecipeTask):
    """Deduplicate when recipes with the duplicate's title but other details exist (compare the details)."""

    template = (
        "Delete all but one of any recipes in the Broccoli app that are exact duplicates, ensuring at "
        "least one instance of each unique recipe remains"
    )
    complexity = 2.4
    difficulty = "medium"
    family = "recipe_dedup"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        params = RECIPE_ROWS.duplicate(rng, n_noise=6)
        target = recipe_from_dict(params["targets"][0])
        variants: list[Recipe] = []
        while len(variants) < 3:
            variant = random_recipe(rng, title=target.title)
            if variant != target and variant not in variants:
                variants.append(variant)
        params["noise"] += [recipe_to_dict(v) for v in variants]
        return params

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(deduplicated(self.before, self._after(device), Recipe.content))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Broccoli")
        title = None
        for _ in range(20):
            titles = _card_titles(ui)
            repeated = [t for k, t in enumerate(titles) if t in titles[:k]]
            if repeated:
                title = repeated[0]
                break
            before = ui.texts()
            yield ui.scroll("down", id="recycler_view")
            if ui.texts() == before:
                break
        if title is None:
            raise OracleError("no recipe title appears twice")
        yield ui.click(desc="Search")
        yield ui.type(title, id="search_src_text")
        seen: list[tuple[str, ...]] = []
        for k in range(len(ui.matches(title, id="card_text_view_title"))):
            yield ui.click(title, id="card_text_view_title", nth=k)
            signature = _detail_signature(ui)
            if signature in seen:
                yield from _delete_open_recipe(ui)
                return
            seen.append(signature)
            yield ui.back()
        raise OracleError(f"no two recipes titled {title!r} are identical")


class RecipeDeleteDuplicateRecipes3(RecipeDeleteDuplicateRecipes2):
    """Deduplicate in a long list (scroll) where same-title, same-description variants hide the copy."""

    complexity = 3.4
    difficulty = "medium"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        params = RECIPE_ROWS.duplicate(rng, n_noise=22)
        target = recipe_from_dict(params["targets"][0])
        variants: list[Recipe] = []
        while len(variants) < 5:
            variant = dataclasses.replace(
                random_recipe(rng, title=target.title), description=target.description
            )
            if variant != target and variant not in variants:
                variants.append(variant)
        params["noise"] += [recipe_to_dict(v) for v in variants]
        return params


class RecipeAddMultipleRecipesFromMarkor2(RecipeAddMultipleRecipesFromMarkor):
    """Multi-app: from a long Markor note, add only the recipes with a given preparation time."""

    template = (
        "Add the recipes from recipes.txt in Markor that take {prep_time} to prepare into the Broccoli "
        "recipe app."
    )
    family = "recipe_add_from_markor"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        prep_time = rng.choice(PREP_TIMES)
        params = RECIPE_ROWS.add(rng, cls.n_targets, n_noise=10)
        params["targets"] = [dict(d, preparation_time=prep_time) for d in params["targets"]]
        taken = {d["title"] for d in params["targets"]}
        others = [t for t in PREP_TIMES if t != prep_time]
        file_noise = [
            dataclasses.replace(r, preparation_time=rng.choice(others))
            for r in distinct_recipes(rng, 30, exclude_titles=taken)
        ]
        params["file_noise"] = [recipe_to_dict(r) for r in file_noise]
        params["file_order"] = rng.sample(range(33), 33)
        params["prep_time"] = prep_time
        return params

    def file_recipes(self) -> list[Recipe]:
        pool = [recipe_from_dict(d) for d in self.params["targets"] + self.params["file_noise"]]
        return [pool[i] for i in self.params["file_order"]]

    def wanted_rows(self, rows: list[dict[str, str]]) -> list[dict[str, str]]:
        return [r for r in rows if r["preparationTime"] == self.params["prep_time"]]
