"""Emitted XML round-trips any text through vera's parser (property test)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vera.env.android.sim.app import App, Screen
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.toolkit import Column, ImageButton, TextView, View
from vera.env.android.uitree import parse_ui_xml

# XML 1.0 cannot carry most control characters; Android strips them from dumps too.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t"),
               max_size=40)


class Echo(Screen):
    label = ""
    desc = ""

    def build(self) -> View:
        return Column(TextView(self.label, id="echo", max_lines=50),
                      ImageButton("x", desc=self.desc, id="button"))


class EchoApp(App):
    name, label, package = "echo", "Echo", "org.example.echo"

    def main_screen(self) -> Screen:
        return Echo(self)


@settings(max_examples=60, deadline=None)
@given(TEXT.filter(lambda t: t.strip() == t or "\n" not in t), TEXT)
def test_text_and_desc_round_trip(label: str, desc: str) -> None:
    device = SimDroid([EchoApp])
    device.start_app("Echo")
    screen = device.screen()
    assert isinstance(screen, Echo)
    screen.label, screen.desc = label, desc
    device.invalidate()
    elements = parse_ui_xml(device.ui_xml(), element_filter="all")
    echo = next(e for e in elements if e.resource_id == "org.example.echo:id/echo")
    button = next(e for e in elements if e.resource_id == "org.example.echo:id/button")
    assert (echo.text or "") == label
    assert (button.content_description or "") == desc


def test_fast_elements_equal_the_parsed_xml_on_every_oracle_step() -> None:
    """`SimDroid.ui_elements()` is exactly what the XML path gives, on every screen the oracles visit."""
    from vera.env.android.env import AndroidEnv
    from vera.env.android.sim.oracle import UI
    from vera.env.android.sim.registry import task_classes

    checked = 0
    for name in sorted(task_classes()):
        task = task_classes()[name].from_seed(0)
        device = SimDroid()
        task.initialize(device)
        device.go_home_and_reset()
        env = AndroidEnv(device)
        for action in task.solve(UI(env)):
            assert device.ui_elements() == parse_ui_xml(device.ui_xml(), screen_size=device.size())
            checked += 1
            env.execute_action(action)
    assert checked > 200
