"""Broccoli (com.flauschcode.broccoli) recipe-book state model, no UI.

A recipe has the fields of the real app's ``recipes`` table that AndroidWorld's tasks use: title,
description, servings, preparation time, source, ingredients, directions, favorite.
"""

from __future__ import annotations

import random
from dataclasses import astuple, dataclass, field

from vera.env.android.sim.apps.expense_model import fuzzy_equal

RECIPE_TITLES: tuple[str, ...] = (
    "Chicken Alfredo Pasta",
    "Quinoa Salad with Vegetables",
    "Butternut Squash Soup",
    "Chicken Caesar Salad Wrap",
    "Zucchini Noodles with Pesto",
    "Garlic Butter Shrimp",
    "Lentil Soup",
    "Thai Peanut Noodle Salad",
    "Classic Margherita Pizza",
    "Tomato Basil Bruschetta",
    "Avocado Toast with Egg",
    "Beef Stir Fry",
    "Vegetable Curry",
    "Greek Salad",
    "Mushroom Risotto",
    "Banana Pancakes",
    "Black Bean Tacos",
    "Salmon with Lemon Dill",
    "Caprese Sandwich",
    "Shakshuka",
    "Chicken Tikka Masala",
    "Spinach and Feta Quiche",
    "Pulled Pork Sliders",
    "Falafel Wrap",
    "Minestrone",
    "Teriyaki Salmon Bowl",
    "Stuffed Bell Peppers",
    "Eggplant Parmesan",
    "Pad Thai",
    "French Onion Soup",
    "Blueberry Muffins",
    "Chickpea Curry",
    "Tuna Nicoise Salad",
    "Beef Tacos",
    "Pumpkin Risotto",
    "Honey Garlic Chicken",
    "Vegetable Lasagna",
    "Sweet Potato Fries",
    "Miso Ramen",
    "Apple Crumble",
)

DESCRIPTIONS: tuple[str, ...] = (
    "A delicious and healthy choice for any time of the day.",
    "A quick and easy meal, perfect for busy weekdays.",
    "An ideal recipe for experimenting with different flavors and ingredients.",
    "A comforting classic that the whole family will love.",
    "Light, fresh and ready in no time.",
)

SERVINGS: tuple[str, ...] = (
    "1 serving",
    "2 servings",
    "3-4 servings",
    "4 servings",
    "6 servings",
    "8 servings",
)
PREP_TIMES: tuple[str, ...] = ("10 mins", "15 mins", "20 mins", "30 mins", "45 mins", "1 hr", "2 hrs")
INGREDIENTS: tuple[str, ...] = (
    "as desired",
    "to your liking",
    "per individual taste",
    "as needed",
    "adjust to taste",
)
DIRECTIONS: tuple[str, ...] = (
    "Mix everything in a bowl and serve chilled.",
    "Saute onions and garlic, add the rest and simmer for twenty minutes.",
    "Bake at 200 degrees until golden, then rest for five minutes.",
    "Cook the pasta, toss with the sauce and top with cheese.",
    "Grill on medium heat, turning once, and season to taste.",
    "Blend until smooth and season with salt and pepper.",
)


@dataclass(frozen=True)
class Recipe:
    """One recipe."""

    title: str
    description: str = ""
    servings: str = ""
    preparation_time: str = ""
    source: str = ""
    ingredients: str = ""
    directions: str = ""
    favorite: bool = False

    def content(self) -> tuple[object, ...]:
        """All fields: two recipes with equal content are exact duplicates."""
        return astuple(self)


FREE_FORM_FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "servings",
    "preparation_time",
    "source",
    "ingredients",
    "directions",
)


@dataclass
class RecipeRow:
    recipe_id: int
    recipe: Recipe


@dataclass
class RecipeBook:
    """The app's recipe table with auto-increment ids."""

    rows: list[RecipeRow] = field(default_factory=list)
    next_id: int = 1

    def add(self, recipe: Recipe) -> int:
        row_id = self.next_id
        self.rows.append(RecipeRow(row_id, recipe))
        self.next_id += 1
        return row_id

    def delete(self, recipe_id: int) -> bool:
        for i, row in enumerate(self.rows):
            if row.recipe_id == recipe_id:
                del self.rows[i]
                return True
        return False

    def replace(self, recipe_id: int, recipe: Recipe) -> bool:
        """Overwrite a recipe in place (an edit); False when no such row exists."""
        for row in self.rows:
            if row.recipe_id == recipe_id:
                row.recipe = recipe
                return True
        return False

    def get(self, recipe_id: int) -> Recipe | None:
        return next((r.recipe for r in self.rows if r.recipe_id == recipe_id), None)

    def alphabetical(self) -> list[RecipeRow]:
        """The list as Broccoli shows it: by title, then id."""
        return sorted(self.rows, key=lambda r: (r.recipe.title.lower(), r.recipe_id))

    def snapshot(self) -> dict[int, Recipe]:
        return {r.recipe_id: r.recipe for r in self.rows}


def random_recipe(rng: random.Random, title: str | None = None) -> Recipe:
    return Recipe(
        title=title or rng.choice(RECIPE_TITLES),
        description=rng.choice(DESCRIPTIONS),
        servings=rng.choice(SERVINGS),
        preparation_time=rng.choice(PREP_TIMES),
        ingredients=rng.choice(INGREDIENTS),
        directions=rng.choice(DIRECTIONS),
    )


def distinct_recipes(rng: random.Random, count: int, exclude_titles: set[str] | None = None) -> list[Recipe]:
    """`count` random recipes with titles unique among themselves and not in `exclude_titles`."""
    pool = [t for t in RECIPE_TITLES if t not in (exclude_titles or set())]
    return [random_recipe(rng, title) for title in rng.sample(pool, count)]


def recipe_matches(actual: Recipe, wanted: Recipe) -> bool:
    """Free-form fields equal up to fuzzy matching; the favorite flag exactly."""
    return actual.favorite == wanted.favorite and all(
        fuzzy_equal(getattr(actual, name), getattr(wanted, name)) for name in FREE_FORM_FIELDS
    )
