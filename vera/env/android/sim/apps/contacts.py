"""Contacts (com.google.android.contacts): a searchable list, the "Create contact" editor, a detail card.

As in the real app: the list is sorted by name with a search field on top and a "Create contact"
button; the editor has First name / Last name / Company / Phone (with a label chooser: Mobile, Home,
Work, ...) / Email and a Save button, and asks before discarding typed details; the contact card shows
the number with Call and Text actions (Text opens the conversation in SMS Messenger) and a "More
options" menu with Delete.
"""

from __future__ import annotations

from collections.abc import Callable

from vera.env.android.sim import layout as L
from vera.env.android.sim.app import AlertDialog, App, Screen
from vera.env.android.sim.apps.contacts_model import PHONE_LABELS, Contact, ContactsBook
from vera.env.android.sim.apps.files_shared import MUTED, with_popup_menu
from vera.env.android.sim.toolkit.views import (
    Button,
    Column,
    EditText,
    FrameLayout,
    ImageButton,
    ListItem,
    RecyclerView,
    Row,
    ScrollView,
    Spacer,
    TextView,
    Toolbar,
    View,
)

ACCENT = (11, 87, 208)
PACKAGE = "com.google.android.contacts"
EDITOR_FIELDS = ("first_name", "last_name", "company", "phone", "email")


class ContactsApp(App):
    name = "contacts"
    label = "Contacts"
    package = PACKAGE
    pattern = r"contacts?( app)?$|google contacts"
    glyph = "C"
    color = ACCENT

    def create_state(self) -> ContactsBook:
        return ContactsBook()

    @property
    def book(self) -> ContactsBook:
        return self.state

    def main_screen(self) -> Screen:
        return ContactListScreen(self)


class ContactListScreen(Screen):
    """All contacts by name, filtered by the search field."""

    app: ContactsApp

    def __init__(self, app: ContactsApp) -> None:
        super().__init__(app)
        self.form["open_search_bar_text_view"] = ""

    def build(self) -> View:
        query = self.form.get("open_search_bar_text_view", "").strip().lower()
        contacts = [
            c
            for c in self.app.book.sorted()
            if not query or query in c.display_name.lower() or (query.isdigit() and query in c.phone)
        ]
        rows = [
            ListItem(
                c.display_name, id="contact_row", title_id="cliv_name_textview", on_click=self._open(c.id)
            )
            for c in contacts
        ]
        if not rows:
            message = "No contacts" if not query else f'No results for "{query}"'
            rows = [TextView(message, id="empty_list_message", color=MUTED, padding=L.PADDING)]
        content = Column(
            Toolbar("Contacts"),
            EditText(id="open_search_bar_text_view", hint="Search contacts", on_change=self.search),
            RecyclerView(*rows, id="contact_list"),
        )
        fab = ImageButton(
            "+",
            desc="Create contact",
            id="floating_action_button",
            on_click=self.create,
            width=170,
            height=170,
            gravity="bottom|end",
        )
        return FrameLayout(children=[content, fab])

    def search(self, text: str) -> None:
        self.scroll.clear()

    def create(self) -> None:
        self.push(ContactEditorScreen(self.app))

    def _open(self, contact_id: int) -> Callable[[], None]:
        def open_contact() -> None:
            self.push(ContactDetailScreen(self.app, contact_id))

        return open_contact


class ContactEditorScreen(Screen):
    """ "Create contact": name, company, phone with its label, email; Save."""

    app: ContactsApp

    def __init__(self, app: ContactsApp) -> None:
        super().__init__(app)
        for field in EDITOR_FIELDS:
            self.form[field] = ""
        self.phone_label = "Mobile"

    def build(self) -> View:
        label = TextView(
            self.phone_label,
            id="phone_type",
            desc=f"{self.phone_label} Phone",
            width=300,
            height=L.EDIT_HEIGHT,
            padding=L.PADDING // 2,
            on_click=self.choose_label,
        )
        return Column(
            Toolbar(
                "Create contact",
                on_back=self.cancel,
                actions=[
                    Button("Save", id="editor_menu_save_button", width=240, on_click=self.save),
                ],
            ),
            ScrollView(
                EditText(id="first_name", hint="First name"),
                EditText(id="last_name", hint="Last name"),
                EditText(id="company", hint="Company"),
                Row(EditText(id="phone", hint="Phone", weight=1), label, height=L.EDIT_HEIGHT),
                EditText(id="email", hint="Email"),
                id="editor_scroll",
                spacing=24,
                padding=L.PADDING // 2,
            ),
        )

    def _typed(self) -> bool:
        return any(self.form.get(f, "").strip() for f in EDITOR_FIELDS)

    def choose_label(self) -> None:
        options = [
            TextView(
                option,
                id="label_option",
                height=L.ROW_HEIGHT - 30,
                padding=L.PADDING // 2,
                on_click=self._pick(option),
            )
            for option in PHONE_LABELS
        ]
        self.show_dialog(AlertDialog("Phone label", content=options, buttons=[("Cancel", None)]))

    def _pick(self, option: str) -> Callable[[], None]:
        def pick_label() -> None:
            self.phone_label = option
            self.dismiss_dialog()

        return pick_label

    def save(self) -> None:
        if not self._typed():
            self.branch("empty")
            self.toast("Contact is empty")
            self.finish()
            return
        contact = self.app.book.add(
            self.form["first_name"].strip(),
            self.form["last_name"].strip(),
            self.form["phone"].strip(),
            self.phone_label,
            self.form["email"].strip(),
        )
        self.toast(f"{contact.display_name} saved")
        self.finish()
        self.device.push_screen(self.app, ContactDetailScreen(self.app, contact.id))

    def cancel(self) -> None:
        if self._typed():
            self.branch("ask_discard")
            self.show_dialog(
                AlertDialog("Discard changes?", buttons=[("Cancel", None), ("Discard", self.finish)])
            )
            return
        self.finish()

    def on_back(self) -> bool:
        self.cancel()
        return True


class ContactDetailScreen(Screen):
    """One contact: name, number with Call/Text, a menu with Delete."""

    app: ContactsApp

    def __init__(self, app: ContactsApp, contact_id: int) -> None:
        super().__init__(app)
        self.contact_id = contact_id
        self.menu_open = False

    @property
    def contact(self) -> Contact | None:
        return self.app.book.get(self.contact_id)

    def build(self) -> View:
        contact = self.contact
        if contact is None:
            return Column(Toolbar("Contact", on_back=self.finish), TextView("Contact deleted", color=MUTED))
        number_rows: list[View] = []
        if contact.phone:
            number_rows.append(
                ListItem(
                    contact.phone,
                    contact.phone_label,
                    id="phone_row",
                    title_id="header",
                    subtitle_id="sub_header",
                    on_click=self.call,
                )
            )
        if contact.email:
            number_rows.append(ListItem(contact.email, "Email", id="email_row", title_id="header"))
        actions = Row(
            Button("Call", id="call_action", style="outlined", weight=1, on_click=self.call),
            Button("Text", id="text_action", style="outlined", weight=1, on_click=self.text),
            height=L.BUTTON_HEIGHT + 20,
            spacing=30,
            padding=L.PADDING // 2,
        )
        content = Column(
            Toolbar(
                "",
                on_back=self.finish,
                actions=[
                    ImageButton("⋮", desc="More options", id="action_more", on_click=self.open_menu),
                ],
            ),
            TextView(
                contact.display_name,
                id="large_title",
                size=L.TITLE_SIZE + 10,
                align="center",
                padding=L.PADDING,
            ),
            actions if contact.phone else None,
            ScrollView(*number_rows, id="detail_list"),
            Spacer(weight=0.01),
        )
        if self.menu_open:
            return with_popup_menu(content, [("Delete", self.ask_delete)], self.close_menu)
        return content

    def open_menu(self) -> None:
        self.menu_open = True

    def close_menu(self) -> None:
        self.menu_open = False

    def call(self) -> None:
        self.toast("Calling is not available on this device")

    def text(self) -> None:
        """Open this number's conversation in SMS Messenger, as the real Text button does."""
        contact = self.contact
        sms = self.device.find_app("simple sms messenger")
        if contact is None or sms is None:
            self.branch("no_sms_app")
            self.toast("No messaging app installed")
            return
        from vera.env.android.sim.apps.sms import ThreadScreen

        self.device.open_app(sms)
        self.device.push_screen(sms, ThreadScreen(sms, contact.phone))  # type: ignore[arg-type]

    def ask_delete(self) -> None:
        self.menu_open = False
        self.show_dialog(
            AlertDialog("Delete this contact?", buttons=[("Cancel", None), ("Delete", self.delete)])
        )

    def delete(self) -> None:
        self.app.book.delete(self.contact_id)
        self.toast("Contact deleted")
        self.finish()
