"""SMS Messenger (com.simplemobiletools.smsmessenger): conversations, a thread view, new conversation.

As in Simple SMS Messenger: the main list shows one row per conversation (contact name or number,
the last message, its time), most recent first, with a "New conversation" button; a thread shows the
messages as bubbles (received on the left, sent on the right) with a "Type a message…" field and a Send
button; the new-conversation screen takes a number (Enter or the check button opens the thread) or
suggests matching contacts. Long-pressing a conversation selects it for deletion.
Names come from the Contacts app's database when it is installed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from vera.env.android.sim import layout as L
from vera.env.android.sim.app import AlertDialog, App, Screen
from vera.env.android.sim.apps.contacts_model import ContactsBook, digits
from vera.env.android.sim.apps.files_shared import MUTED, now_ms
from vera.env.android.sim.apps.sms_model import INBOX, SmsStore
from vera.env.android.sim.toolkit.views import (
    Column,
    EditText,
    FrameLayout,
    ImageButton,
    ListItem,
    RecyclerView,
    Row,
    Spacer,
    TextView,
    Toolbar,
    View,
)

ACCENT = (33, 150, 243)
PACKAGE = "com.simplemobiletools.smsmessenger"
_RECEIVED_BG = (236, 236, 240)
_SENT_BG = (208, 228, 255)


def time_label(ms: int, now: int) -> str:
    """Today's messages show the time, older ones the date (``Oct 12``)."""
    when = datetime.fromtimestamp(ms / 1000, UTC)
    today = datetime.fromtimestamp(now / 1000, UTC).date()
    if when.date() == today:
        hour = when.hour % 12 or 12
        return f"{hour}:{when.minute:02d} {'AM' if when.hour < 12 else 'PM'}"
    return f"{when.strftime('%b')} {when.day}"


class SmsApp(App):
    name = "simple sms messenger"
    label = "SMS Messenger"
    package = PACKAGE
    pattern = r"simple sms messenger|simple sms|sms messenger|sms|messages|messaging|text messages"
    glyph = "S"
    color = ACCENT

    def create_state(self) -> SmsStore:
        return SmsStore()

    @property
    def store(self) -> SmsStore:
        return self.state

    @property
    def contacts(self) -> ContactsBook:
        """The Contacts app's database, or an empty one when Contacts is not installed."""
        found = self.device.find_app("contacts") if self.device is not None else None
        return found.state if found is not None else ContactsBook()

    def main_screen(self) -> Screen:
        return ConversationsScreen(self)


class ConversationsScreen(Screen):
    """Conversations, most recent first; long press selects for deletion."""

    app: SmsApp

    def __init__(self, app: SmsApp) -> None:
        super().__init__(app)
        self.selected: list[str] = []

    def build(self) -> View:
        now = now_ms(self.device)
        book = self.app.contacts
        rows = []
        for conv in self.app.store.conversations():
            date = TextView(
                time_label(conv.last.date_ms, now),
                id="conversation_date",
                size=L.SMALL_TEXT_SIZE,
                color=MUTED,
                width=220,
                align="right",
            )
            rows.append(
                ListItem(
                    book.name_for(conv.address),
                    conv.last.body,
                    id="conversation_frame",
                    title_id="conversation_address",
                    subtitle_id="conversation_body_short",
                    trailing=date,
                    selected=conv.address in self.selected,
                    on_click=self._open(conv.address),
                    on_long_click=self._select(conv.address),
                )
            )
        if not rows:
            rows = [
                TextView(
                    "No stored conversations have been found",
                    id="no_conversations_placeholder",
                    color=MUTED,
                    padding=L.PADDING,
                )
            ]
        if self.selected:
            toolbar = Toolbar(
                f"{len(self.selected)} selected",
                on_back=self.clear,
                actions=[ImageButton("✕", desc="Delete", id="cab_delete", on_click=self.ask_delete)],
            )
        else:
            toolbar = Toolbar("SMS Messenger")
        content = Column(toolbar, RecyclerView(*rows, id="conversations_list"))
        fab = ImageButton(
            "+",
            desc="New conversation",
            id="conversations_fab",
            on_click=self.new_conversation,
            width=170,
            height=170,
            gravity="bottom|end",
        )
        return FrameLayout(children=[content, fab])

    def _open(self, address: str) -> Callable[[], None]:
        def open_conversation() -> None:
            if self.selected:
                self.branch("toggle")
                if address in self.selected:
                    self.selected.remove(address)
                else:
                    self.selected.append(address)
                return
            self.push(ThreadScreen(self.app, address))

        return open_conversation

    def _select(self, address: str) -> Callable[[], None]:
        def select_conversation() -> None:
            if address not in self.selected:
                self.selected.append(address)

        return select_conversation

    def clear(self) -> None:
        self.selected = []

    def on_back(self) -> bool:
        if self.selected:
            self.clear()
            return True
        return False

    def ask_delete(self) -> None:
        self.show_dialog(
            AlertDialog(
                "Delete",
                "Are you sure you want to delete the selected conversations?",
                buttons=[("No", None), ("Yes", self.delete)],
            )
        )

    def delete(self) -> None:
        for address in self.selected:
            self.app.store.delete_conversation(address)
        self.selected = []

    def new_conversation(self) -> None:
        self.push(NewConversationScreen(self.app))


class NewConversationScreen(Screen):
    """A number or a contact's name; matching contacts are suggested below."""

    app: SmsApp

    def __init__(self, app: SmsApp) -> None:
        super().__init__(app)
        self.form["new_conversation_address"] = ""
        self.focus = "new_conversation_address"

    def build(self) -> View:
        query = self.form.get("new_conversation_address", "").strip().lower()
        contacts = [
            c
            for c in self.app.contacts.sorted()
            if c.phone
            and (
                not query
                or query in c.display_name.lower()
                or (digits(query) and digits(query) in digits(c.phone))
            )
        ]
        rows = [
            ListItem(
                c.display_name,
                c.phone,
                id="item_contact_frame",
                title_id="item_contact_name",
                subtitle_id="item_contact_number",
                on_click=self._to(c.phone),
            )
            for c in contacts
        ]
        if not rows:
            rows = [
                TextView("No contacts found", id="no_contacts_placeholder", color=MUTED, padding=L.PADDING)
            ]
        return Column(
            Toolbar("New conversation", on_back=self.finish),
            Row(
                EditText(
                    id="new_conversation_address",
                    hint="Add Contact or Number…",
                    weight=1,
                    on_submit=self.confirm,
                ),
                ImageButton(
                    "✓", desc="Confirm selection", id="new_conversation_confirm", on_click=self.confirm
                ),
                height=L.EDIT_HEIGHT + 20,
                padding=10,
            ),
            RecyclerView(*rows, id="contacts_list"),
        )

    def confirm(self) -> None:
        typed = self.form.get("new_conversation_address", "").strip()
        if len(digits(typed)) < 3:
            matches = self.app.contacts.by_name(typed) if typed else []
            if not matches or not matches[0].phone:
                self.branch("invalid")
                self.toast("Please enter a valid phone number")
                return
            typed = matches[0].phone
        self._to(typed)()

    def _to(self, number: str) -> Callable[[], None]:
        def open_thread() -> None:
            self.finish()
            self.device.push_screen(self.app, ThreadScreen(self.app, number))

        return open_thread


class ThreadScreen(Screen):
    """One conversation's messages and the compose bar."""

    app: SmsApp

    def __init__(self, app: SmsApp, address: str) -> None:
        super().__init__(app)
        self.address = address
        self.form["thread_type_message"] = ""
        self.scroll["thread_messages_list"] = 10**6  # opens at the newest message

    def build(self) -> View:
        now = now_ms(self.device)
        conv = self.app.store.conversation(self.address)
        bubbles: list[View] = []
        for sms in conv.messages if conv is not None else ():
            body = TextView(
                sms.body,
                id="thread_message_body",
                width=760,
                padding=28,
                max_lines=12,
                background=_RECEIVED_BG if sms.box == INBOX else _SENT_BG,
            )
            stamp = TextView(
                time_label(sms.date_ms, now),
                id="thread_message_time",
                size=L.SMALL_TEXT_SIZE - 4,
                color=MUTED,
                width=760,
                align="left" if sms.box == INBOX else "right",
            )
            if sms.box == INBOX:
                bubbles.append(Column(Row(body, Spacer(weight=1)), Row(stamp, Spacer(weight=1)), padding=8))
            else:
                bubbles.append(Column(Row(Spacer(weight=1), body), Row(Spacer(weight=1), stamp), padding=8))
        title = self.app.contacts.name_for(self.address)
        compose = Row(
            EditText(id="thread_type_message", hint="Type a message…", weight=1, multiline=True, max_lines=3),
            ImageButton("▶", desc="Send", id="thread_send_message", on_click=self.send),
            height=L.EDIT_HEIGHT + 30,
            padding=10,
        )
        return Column(
            Toolbar(title, on_back=self.finish),
            TextView(self.address, id="thread_number", size=L.SMALL_TEXT_SIZE, color=MUTED, padding=12)
            if title != self.address
            else None,
            RecyclerView(*bubbles, id="thread_messages_list"),
            compose,
        )

    def send(self) -> None:
        body = self.form.get("thread_type_message", "").strip()
        if not body:
            self.branch("empty")
            return
        self.app.store.send(self.address, body, now_ms(self.device))
        self.form["thread_type_message"] = ""
        self.scroll["thread_messages_list"] = 10**6  # jump to the newest message
