"""The example app and task of APPS.md, kept as real code (installed only by tests)."""

import random
from dataclasses import dataclass, field

from vera.env.android.sim.app import AlertDialog, App, Screen
from vera.env.android.sim.task import Task
from vera.env.android.sim.toolkit import (
    Button,
    Column,
    EditText,
    FrameLayout,
    ImageButton,
    ListItem,
    RecyclerView,
    TextView,
    Toolbar,
    View,
)


@dataclass
class BookmarksState:                      # the app's data: tasks read and write THIS, never the screens
    titles: list[str] = field(default_factory=list)

class BookmarksApp(App):
    name = "bookmarks"                     # key for device.app("bookmarks") and Task.app_names
    label = "Bookmarks"                    # launcher label; open_app("Bookmarks") matches it
    package = "org.example.bookmarks"      # real package name of the modelled app when there is one
    pattern = "bookmarks|bookmark app"     # AndroidWorld open_app alias regex (re.match on lower-cased name)
    glyph, color = "B", (11, 87, 208)      # launcher icon

    def create_state(self) -> BookmarksState:
        return BookmarksState()

    def main_screen(self) -> Screen:
        return BookmarkList(self)

class BookmarkList(Screen):
    def build(self) -> View:               # called after every event: build from state, never cache views
        rows = [ListItem(t, on_click=self._open(t), on_long_click=self._ask_delete(t), id="bookmark")
                for t in self.app.state.titles]
        empty = TextView("No bookmarks yet", id="empty") if not rows else None
        content = Column(
            Toolbar("Bookmarks"),
            empty,                                          # None children are skipped
            RecyclerView(*rows, id="list"),                  # scrollable; id keys its scroll offset
        )
        fab = ImageButton("+", desc="Add bookmark", id="fab", on_click=self.add,
                          width=170, height=170, gravity="bottom|end")   # floats over the list
        return FrameLayout(children=[content, fab])

    def add(self) -> None:                 # a handler: change state and/or navigate
        self.push(EditBookmark(self.app))

    def _open(self, title: str):
        def open_bookmark() -> None:
            self.toast(f"Opening {title}")
        return open_bookmark

    def _ask_delete(self, title: str):
        def ask() -> None:
            self.show_dialog(AlertDialog("Delete bookmark?", title,
                                         buttons=[("Cancel", None), ("Delete", lambda: self._delete(title))]))
        return ask

    def _delete(self, title: str) -> None:
        self.branch("delete")              # count a branch in device.coverage()
        self.app.state.titles.remove(title)

class EditBookmark(Screen):
    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.form["title"] = ""            # EditText(value=None) keeps its text in self.form[id]

    def build(self) -> View:
        return Column(
            Toolbar("New bookmark", on_back=self.finish),
            EditText(id="title", hint="Title"),
            Button("Save", id="save", on_click=self.save),
        )

    def save(self) -> None:
        title = self.form["title"].strip()
        if not title:
            self.branch("empty")
            self.toast("Title is empty")
            return
        self.app.state.titles.append(title)
        self.finish()                      # back to the list, which rebuilds from state



class BookmarksAddBookmark(Task):          # class name = task name (AndroidWorld's name when it exists)
    template = 'Add a bookmark titled "{title}".'
    complexity = 1.2                       # step budget = int(10 * complexity); copy AndroidWorld's
    app_names = ("bookmarks",)             # first app is the group; a multi-app task lists several
    difficulty = "easy"                    # easy | medium | hard (default derived from complexity)
    family = "bookmarks_add"               # tasks sharing a skill share a family (splits are by family)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict:
        return {"title": rng.choice(["News", "Recipes", "Weather"]) + f" {rng.randint(1, 99)}"}

    def initialize(self, device) -> None:  # the device is fresh; write app state directly here
        device.app("bookmarks").state.titles = ["Maps", "Mail"]

    def is_successful(self, device, answer: str = "") -> float:
        return 1.0 if self.params["title"] in device.app("bookmarks").state.titles else 0.0

    def solve(self, ui):                   # the oracle: UI only, one JSONAction per yield
        yield ui.open_app("Bookmarks")
        yield ui.click(desc="Add bookmark")
        yield ui.type(self.params["title"], id="title")   # tap + clear + type + Enter (AndroidWorld input_text)
        yield ui.click(text="Save")
