"""UI flow tests for the Broccoli recipe app."""

import pytest

from vera.env.android.env import AndroidEnv
from vera.env.android.sim.apps.recipes import BroccoliApp
from vera.env.android.sim.apps.recipes_model import Recipe
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.oracle import UI


@pytest.fixture
def phone():
    device = SimDroid([BroccoliApp])
    book = device.app("broccoli app").state
    book.add(Recipe("Shakshuka", "Eggs in tomato sauce", "2 servings", "30 mins", "", "eggs", "Simmer."))
    book.add(Recipe("Greek Salad", "Fresh", "4 servings", "10 mins", "", "feta", "Chop."))
    env = AndroidEnv(device)
    device.start_app("recipe app")
    return device, env, UI(env), book


def test_aliases_and_alphabetical_cards(phone):
    device, env, ui, book = phone
    for alias in ("broccoli", "Broccoli", "recipe app", "broccoli app"):
        assert device.find_app(alias) is device.app("broccoli app")
    titles = [ui.elements[i].text for i in ui.matches(id="card_text_view_title")]
    assert titles == ["Greek Salad", "Shakshuka"]


def test_add_recipe_with_every_field(phone):
    device, env, ui, book = phone
    env.execute_action(ui.click(desc="Add recipe"))
    values = {
        "edit_text_title": "Pancakes",
        "edit_text_description": "Fluffy",
        "edit_text_servings": "3 servings",
        "edit_text_preparation_time": "20 mins",
        "edit_text_source": "Grandma",
        "edit_text_ingredients": "flour, milk",
        "edit_text_directions": "Whisk and fry.",
    }
    for view_id, value in values.items():
        for action in ui.scroll_to(id=view_id, within={"id": "edit_scroll"}):
            env.execute_action(action)
        env.execute_action(ui.type(value, id=view_id))
    env.execute_action(ui.click(desc="Save"))
    assert book.get(3) == Recipe(
        "Pancakes", "Fluffy", "3 servings", "20 mins", "Grandma", "flour, milk", "Whisk and fry."
    )


def test_save_without_title_is_refused(phone):
    device, env, ui, book = phone
    env.execute_action(ui.click(desc="Add recipe"))
    env.execute_action(ui.click(desc="Save"))
    assert ui.has("Please enter a title") and len(book.rows) == 2


def test_detail_menu_delete_favorite_and_edit(phone):
    device, env, ui, book = phone
    env.execute_action(ui.click("Shakshuka", id="card_text_view_title"))
    assert ui.element(id="servings").text == "Servings: 2 servings"
    env.execute_action(ui.click(desc="Add to favorites"))
    assert book.get(1).favorite and ui.has(desc="Remove from favorites")
    env.execute_action(ui.click(desc="Edit"))
    env.execute_action(ui.type("45 mins", id="edit_text_preparation_time"))
    env.execute_action(ui.click(desc="Save"))
    assert book.get(1).preparation_time == "45 mins" and book.get(1).favorite
    env.execute_action(ui.click(desc="More options"))
    env.execute_action(ui.click("Delete"))
    env.execute_action(ui.click("Cancel"))
    assert book.get(1) is not None
    env.execute_action(ui.click(desc="More options"))
    env.execute_action(ui.click("Delete"))
    env.execute_action(ui.click("Delete", cls="Button"))
    assert book.get(1) is None and ui.has("Recipes")


def test_search_filters_by_title(phone):
    device, env, ui, book = phone
    env.execute_action(ui.click(desc="Search"))
    env.execute_action(ui.type("greek", id="search_src_text"))
    assert [ui.elements[i].text for i in ui.matches(id="card_text_view_title")] == ["Greek Salad"]
    env.execute_action(ui.back())  # Enter already hid the keyboard: BACK closes the search
    assert len(ui.matches(id="card_text_view_title")) == 2 and ui.has("Recipes")
