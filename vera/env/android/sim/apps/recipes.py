"""Broccoli (com.flauschcode.broccoli): a recipe book with the usual Android list/detail/editor flow.

The "Recipes" list shows one card per recipe (title and description, alphabetical) with a search
action and a "+" button; tapping a card opens the recipe (servings, preparation time, ingredients,
directions) whose toolbar has Favorite, Edit and "More options" (Delete, Share); Delete asks for
confirmation. Long-pressing cards selects them for a bulk Delete. The editor has one field per
recipe property and a Save check in the toolbar.
"""

from __future__ import annotations

import dataclasses

from vera.env.android.sim import layout as L
from vera.env.android.sim.app import AlertDialog, App, Screen
from vera.env.android.sim.apps.calendar_icons import IconButton
from vera.env.android.sim.apps.multi_select import MultiSelection
from vera.env.android.sim.apps.popup_menu import with_popup_menu
from vera.env.android.sim.apps.recipes_model import Recipe, RecipeBook
from vera.env.android.sim.toolkit.views import (
    Column,
    EditText,
    FrameLayout,
    ImageButton,
    RecyclerView,
    Row,
    ScrollView,
    Spacer,
    TextView,
    Toolbar,
    View,
)

_ACCENT = (76, 175, 80)
_MUTED = (96, 96, 104)
_CARD = (241, 248, 233)

FIELDS: tuple[tuple[str, str, str, bool], ...] = (
    # (Recipe attribute, view id, hint, multi-line)
    ("title", "edit_text_title", "Title", False),
    ("description", "edit_text_description", "Description", False),
    ("servings", "edit_text_servings", "Servings", False),
    ("preparation_time", "edit_text_preparation_time", "Preparation time", False),
    ("source", "edit_text_source", "Source", False),
    ("ingredients", "edit_text_ingredients", "Ingredients", True),
    ("directions", "edit_text_directions", "Directions", True),
)


class BroccoliApp(App):
    """The app: its state is a `RecipeBook`."""

    name = "broccoli app"
    label = "Broccoli"
    package = "com.flauschcode.broccoli"
    pattern = r"broccoli|recipe app|broccoli app|broccoli recipe app"
    glyph = "B"
    color = _ACCENT

    def create_state(self) -> RecipeBook:
        return RecipeBook()

    @property
    def book(self) -> RecipeBook:
        return self.state

    def main_screen(self) -> Screen:
        return RecipeListScreen(self)


class RecipeListScreen(MultiSelection, Screen):
    """All recipes as cards; search filters by title; long press selects for deletion."""

    app: BroccoliApp

    def __init__(self, app: BroccoliApp) -> None:
        super().__init__(app)
        self.searching = False
        self.selected: list[int] = []

    def open_recipe(self, recipe_id: int) -> None:
        if self.tap_selects(recipe_id):
            return
        self.push(RecipeDetailScreen(self.app, recipe_id))

    def ask_delete_selected(self) -> None:
        count = len(self.selected)
        self.confirm_delete_selected(
            "Delete recipes" if count > 1 else "Delete recipe",
            f"Do you really want to delete {count} recipes?"
            if count > 1
            else "Do you really want to delete this recipe?",
        )

    def delete_item(self, recipe_id: int) -> None:
        self.app.book.delete(recipe_id)

    def start_search(self) -> None:
        self.searching = True
        self.form["search_src_text"] = ""

    def close_search(self) -> None:
        self.searching = False
        self.form["search_src_text"] = ""

    def add_recipe(self) -> None:
        self.push(RecipeEditScreen(self.app, None))

    def on_back(self) -> bool:
        if self.drop_selection():
            return True
        if self.searching:
            self.close_search()
            return True
        return False

    def build(self) -> View:
        if self.selected:
            toolbar = Toolbar(
                f"{len(self.selected)} selected",
                on_back=self.clear_selection,
                actions=[
                    IconButton("trash", id="action_delete", desc="Delete", on_click=self.ask_delete_selected)
                ],
            )
        elif self.searching:
            toolbar = Row(
                ImageButton("←", desc="Collapse", on_click=self.close_search),
                EditText(id="search_src_text", hint="Search", weight=1.0),
                id="toolbar",
                height=L.TOOLBAR_HEIGHT,
                background=(243, 237, 247),
            )
        else:
            toolbar = Toolbar(
                "Recipes",
                actions=[ImageButton("⌕", id="action_search", desc="Search", on_click=self.start_search)],
            )
        query = self.form.get("search_src_text", "").strip().lower() if self.searching else ""
        cards: list[View] = []
        for row in self.app.book.alphabetical():
            recipe = row.recipe
            if query and query not in recipe.title.lower():
                continue
            cards.append(
                Column(
                    TextView(recipe.title, id="card_text_view_title", bold=True, max_lines=2),
                    TextView(
                        recipe.description,
                        id="card_text_view_description",
                        size=L.SMALL_TEXT_SIZE,
                        color=_MUTED,
                        max_lines=2,
                    ),
                    id="card_view",
                    padding=L.PADDING // 2,
                    background=_CARD,
                    selected=row.recipe_id in self.selected,
                    on_click=lambda i=row.recipe_id: self.open_recipe(i),
                    on_long_click=lambda i=row.recipe_id: self.select(i),
                )
            )
        if not cards:
            cards.append(
                TextView(
                    "No recipes found" if query else "Add your first recipe with +",
                    id="empty_text",
                    align="center",
                    color=_MUTED,
                    padding=60,
                )
            )
        fab = (
            None
            if self.selected
            else ImageButton(
                "+",
                id="fab",
                desc="Add recipe",
                on_click=self.add_recipe,
                width=170,
                height=170,
                gravity="bottom|end",
            )
        )
        return FrameLayout(
            children=[Column(toolbar, RecyclerView(*cards, id="recycler_view", spacing=16, padding=16)), fab]
        )


class RecipeDetailScreen(Screen):
    """One recipe; Favorite, Edit and a More-options menu (Delete, Share)."""

    app: BroccoliApp

    def __init__(self, app: BroccoliApp, recipe_id: int) -> None:
        super().__init__(app)
        self.recipe_id = recipe_id
        self.menu_open = False

    def toggle_favorite(self) -> None:
        recipe = self.app.book.get(self.recipe_id)
        if recipe is not None:
            self.app.book.replace(self.recipe_id, dataclasses.replace(recipe, favorite=not recipe.favorite))

    def edit(self) -> None:
        self.push(RecipeEditScreen(self.app, self.recipe_id))

    def open_menu(self) -> None:
        self.menu_open = True

    def close_menu(self) -> None:
        self.menu_open = False

    def share(self) -> None:
        self.menu_open = False
        self.toast("No app can perform this action")

    def ask_delete(self) -> None:
        self.menu_open = False
        self.show_dialog(
            AlertDialog(
                "Delete recipe",
                "Do you really want to delete this recipe?",
                buttons=(("Cancel", None), ("Delete", self.delete)),
            )
        )

    def delete(self) -> None:
        self.app.book.delete(self.recipe_id)
        self.finish()

    def on_back(self) -> bool:
        if self.menu_open:
            self.menu_open = False
            return True
        return False

    def on_resume(self) -> None:
        if self.app.book.get(self.recipe_id) is None:
            self.finish()

    def build(self) -> View:
        recipe = self.app.book.get(self.recipe_id) or Recipe("")
        toolbar = Toolbar(
            recipe.title,
            on_back=self.finish,
            actions=[
                IconButton(
                    "star" if recipe.favorite else "star_outline",
                    id="action_favorite",
                    desc="Remove from favorites" if recipe.favorite else "Add to favorites",
                    on_click=self.toggle_favorite,
                ),
                IconButton("pencil", id="action_edit", desc="Edit", on_click=self.edit),
                ImageButton("⋮", id="action_more", desc="More options", on_click=self.open_menu),
            ],
        )
        parts: list[View] = []
        if recipe.description:
            parts.append(TextView(recipe.description, id="description", max_lines=6))
        facts = Row(
            TextView(
                f"Servings: {recipe.servings}" if recipe.servings else "",
                id="servings",
                size=L.SMALL_TEXT_SIZE,
                weight=1.0,
            ),
            TextView(
                f"Preparation time: {recipe.preparation_time}" if recipe.preparation_time else "",
                id="preparation_time",
                size=L.SMALL_TEXT_SIZE,
                weight=1.3,
            ),
            height=100,
        )
        parts.append(facts)
        if recipe.source:
            parts.append(
                TextView(f"Source: {recipe.source}", id="source", size=L.SMALL_TEXT_SIZE, color=_MUTED)
            )
        parts += [
            TextView("Ingredients", bold=True, padding=8),
            TextView(recipe.ingredients, id="ingredients", max_lines=20),
            TextView("Directions", bold=True, padding=8),
            TextView(recipe.directions, id="directions", max_lines=30),
        ]
        screen = Column(toolbar, ScrollView(*parts, id="recipe_details", padding=L.PADDING, spacing=16))
        if not self.menu_open:
            return screen
        return with_popup_menu(screen, [("Delete", self.ask_delete), ("Share", self.share)], self.close_menu)


class RecipeEditScreen(Screen):
    """Create or edit a recipe: one field per property; Save in the toolbar."""

    app: BroccoliApp

    def __init__(self, app: BroccoliApp, recipe_id: int | None) -> None:
        super().__init__(app)
        self.recipe_id = recipe_id
        existing = app.book.get(recipe_id) if recipe_id is not None else None
        self.favorite = existing.favorite if existing else False
        for attribute, view_id, _hint, _multi in FIELDS:
            self.form[view_id] = getattr(existing, attribute) if existing else ""

    def save(self) -> None:
        values = {attribute: self.form.get(view_id, "").strip() for attribute, view_id, _h, _m in FIELDS}
        if not values["title"]:
            self.branch("missing-title")
            self.toast("Please enter a title")
            return
        recipe = Recipe(**values, favorite=self.favorite)
        if self.recipe_id is None:
            self.branch("insert")
            self.app.book.add(recipe)
        else:
            self.branch("update")
            self.app.book.replace(self.recipe_id, recipe)
        self.finish()

    def build(self) -> View:
        toolbar = Toolbar(
            "New recipe" if self.recipe_id is None else "Edit recipe",
            on_back=self.finish,
            actions=[ImageButton("✓", id="action_save", desc="Save", on_click=self.save)],
        )
        fields: list[View] = [
            EditText(id=view_id, hint=hint, multiline=multi) for _attribute, view_id, hint, multi in FIELDS
        ]
        return Column(
            toolbar, ScrollView(*fields, Spacer(height=60), id="edit_scroll", padding=L.PADDING, spacing=16)
        )
