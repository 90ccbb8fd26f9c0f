"""uiautomator XML parsing: AndroidWorld fields, the element filter, and clear errors on bad dumps."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vera.env.android.types import UIElement
from vera.env.android.uitree import is_element_visible, parse_bounds, parse_ui_xml
from vera.errors import ParseError

DUMP = """<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<hierarchy rotation="0">
  <node index="0" text="" resource-id="" class="android.widget.FrameLayout" package="com.android.settings"
        content-desc="" checkable="false" checked="false" clickable="false" enabled="true" focusable="false"
        focused="false" scrollable="false" long-clickable="false" password="false" selected="false"
        bounds="[0,0][1080,2400]">
    <node index="0" text="" resource-id="com.android.settings:id/recycler_view"
          class="androidx.recyclerview.widget.RecyclerView" package="com.android.settings" content-desc=""
          checkable="false" checked="false" clickable="false" enabled="true" focusable="true" focused="false"
          scrollable="true" long-clickable="false" password="false" selected="false" bounds="[0,200][1080,2300]">
      <node index="0" text="" resource-id="" class="android.widget.LinearLayout" package="com.android.settings"
            content-desc="" checkable="false" checked="false" clickable="true" enabled="true" focusable="true"
            focused="false" scrollable="false" long-clickable="false" password="false" selected="false"
            bounds="[0,200][1080,400]">
        <node index="0" text="Wi‑Fi &amp; more" resource-id="android:id/title" class="android.widget.TextView"
              package="com.android.settings" content-desc="" checkable="false" checked="false" clickable="false"
              enabled="true" focusable="false" focused="false" scrollable="false" long-clickable="false"
              password="false" selected="false" bounds="[40,250][700,350]" />
        <node index="1" text="" resource-id="android:id/switch_widget" class="android.widget.Switch"
              package="com.android.settings" content-desc="Wi-Fi" checkable="true" checked="true"
              clickable="true" enabled="true" focusable="true" focused="false" scrollable="false"
              long-clickable="false" password="false" selected="false" bounds="[900,260][1040,340]" />
      </node>
      <node index="1" text="Search" resource-id="com.android.settings:id/search" class="android.widget.EditText"
            package="com.android.settings" content-desc="" checkable="false" checked="false" clickable="true"
            enabled="true" focusable="true" focused="true" scrollable="false" long-clickable="true"
            password="false" selected="false" bounds="[0,400][1080,520]" />
    </node>
  </node>
</hierarchy>
UI hierchary dumped to: /dev/tty"""


def test_parses_androidworld_fields_and_filter() -> None:
    elements = parse_ui_xml(DUMP, screen_size=(1080, 2400))
    # Kept: the scrollable list, the two leaves of the row, the edit text; dropped: root and the row.
    assert [e.class_name for e in elements] == [
        "androidx.recyclerview.widget.RecyclerView", "android.widget.TextView", "android.widget.Switch",
        "android.widget.EditText",
    ]
    title, switch, search = elements[1], elements[2], elements[3]
    assert title.text == "Wi‑Fi & more"
    assert title.resource_name == "android:id/title"
    assert switch.content_description == "Wi-Fi"
    assert switch.is_checkable and switch.is_checked and switch.is_clickable
    assert switch.bbox_pixels.x_min == 900 and switch.bbox_pixels.y_max == 340
    assert switch.bbox is not None and switch.bbox.x_max == pytest.approx(1040 / 1080)
    assert search.is_editable and search.is_focused and search.is_long_clickable
    assert elements[0].is_scrollable
    assert all(e.package_name == "com.android.settings" for e in elements)


def test_filter_all_keeps_every_node() -> None:
    assert len(parse_ui_xml(DUMP, element_filter="all")) == 6


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("", "no <hierarchy>"),
        ("ERROR: could not get idle state.", "no <hierarchy>"),
        (DUMP[: len(DUMP) // 2], "truncated"),
        ("<hierarchy><node bounds='[0,0][1,1]'></hierarchy>", "not well-formed"),
        ("<hierarchy><node class='x' /></hierarchy>", "no bounds"),
        ("<hierarchy><node bounds='0,0,1,1' /></hierarchy>", "malformed bounds"),
    ],
)
def test_bad_dumps_give_clear_errors(xml: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_ui_xml(xml)


def test_non_text_input_is_rejected() -> None:
    with pytest.raises(ParseError, match="must be text"):
        parse_ui_xml(b"<hierarchy/>")  # type: ignore[arg-type]


def test_visibility_check() -> None:
    elements = parse_ui_xml(DUMP)
    assert all(is_element_visible(e, (1080, 2400)) for e in elements)
    assert not is_element_visible(elements[2], (800, 2400))
    assert not is_element_visible(UIElement(), (1080, 2400))


coords = st.integers(min_value=0, max_value=3000)
node_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)


@given(
    nodes=st.lists(
        st.tuples(node_text, node_text, coords, coords, coords, coords, st.booleans(), st.booleans()),
        min_size=1, max_size=25,
    )
)
def test_round_trip_of_generated_dumps(nodes: list[tuple[str, str, int, int, int, int, bool, bool]]) -> None:
    parts = ['<hierarchy rotation="0">']
    for text, desc, x1, y1, x2, y2, clickable, checked in nodes:
        parts.append(
            f'<node text={quoteattr(text)} content-desc={quoteattr(desc)} class="android.widget.TextView" '
            f'clickable="{str(clickable).lower()}" checked="{str(checked).lower()}" '
            f'bounds="[{x1},{y1}][{x2},{y2}]" />'
        )
    parts.append("</hierarchy>")
    elements = parse_ui_xml("".join(parts))
    assert len(elements) == len(nodes)
    for element, (text, desc, x1, y1, x2, y2, clickable, checked) in zip(elements, nodes, strict=True):
        assert element.text == (text or None)
        assert element.content_description == (desc or None)
        assert (element.bbox_pixels.x_min, element.bbox_pixels.y_min) == (x1, y1)
        assert (element.bbox_pixels.x_max, element.bbox_pixels.y_max) == (x2, y2)
        assert element.is_clickable is clickable and element.is_checked is checked


@given(st.text(max_size=60))
def test_arbitrary_text_never_crashes_with_anything_but_parse_error(text: str) -> None:
    try:
        parse_ui_xml(text)
    except ParseError:
        pass


@given(coords, coords, coords, coords)
def test_parse_bounds(x1: int, y1: int, x2: int, y2: int) -> None:
    box = parse_bounds(f"[{x1},{y1}][{x2},{y2}]")
    assert (box.x_min, box.y_min, box.x_max, box.y_max) == (x1, y1, x2, y2)
