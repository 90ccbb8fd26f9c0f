"""Broccoli recipe tasks (AndroidWorld's recipe.py names, templates and complexity).

Params are JSON-friendly: recipes travel as dicts of `Recipe` fields.
"""

from __future__ import annotations

import dataclasses
import random
from typing import Any

from vera.env.android.sim.apps.recipes_model import Recipe, distinct_recipes

APP_NAME = "broccoli app"


def recipe_to_dict(recipe: Recipe) -> dict[str, Any]:
    return dataclasses.asdict(recipe)


def recipe_from_dict(data: dict[str, Any]) -> Recipe:
    return Recipe(**data)


def recipes_as_text(recipes: list[Recipe], text_format: str) -> str:
    """AndroidWorld's goal text for rows: a CSV table or "Field: value" blocks."""
    if text_format == "csv":
        lines = ["title, description, servings, preparationTime, ingredients, directions"]
        lines += [f"{r.title}, {r.description}, {r.servings}, {r.preparation_time}, {r.ingredients}, "
                  f"{r.directions}" for r in recipes]
        return "\n".join(lines)
    return "  ".join(
        f"Recipe: {r.title}  description: {r.description}  servings: {r.servings}  "
        f"preparationTime: {r.preparation_time}  ingredients: {r.ingredients}  directions: {r.directions}"
        for r in recipes)


def add_params(rng: random.Random, n_targets: int, n_noise: int) -> dict[str, Any]:
    targets = distinct_recipes(rng, n_targets)
    noise = distinct_recipes(rng, n_noise, exclude_titles={r.title for r in targets})
    return {"recipes": [recipe_to_dict(r) for r in targets], "noise": [recipe_to_dict(r) for r in noise],
            "text_format": rng.choice(["csv", "text_block"])}


def delete_params(rng: random.Random, n_targets: int, n_noise: int) -> dict[str, Any]:
    rows = distinct_recipes(rng, n_targets + n_noise)
    return {"recipes": [recipe_to_dict(r) for r in rows[:n_targets]],
            "noise": [recipe_to_dict(r) for r in rows[n_targets:]]}


def duplicate_params(rng: random.Random, n_noise: int) -> dict[str, Any]:
    rows = distinct_recipes(rng, n_noise + 1)
    target = rows.pop()
    return {"recipes": [recipe_to_dict(target)] * 2, "noise": [recipe_to_dict(r) for r in rows]}
