"""`vera sim ...`: SimDroid tools (other helpers add commands here, e.g. `vera sim adb`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="SimDroid tools", no_args_is_help=True)


@app.command("apps")
def apps_command(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List the apps installed on a fresh SimDroid."""
    from vera.env.android.sim.registry import app_classes

    rows = [{"name": c.name, "label": c.label, "package": c.package} for c in app_classes()]
    if as_json:
        typer.echo(json.dumps({"apps": rows}))
        return
    for row in rows:
        typer.echo(f"{row['label']:<24} {row['package']:<48} ({row['name']})")


@app.command("show")
def show_command(
    task: Annotated[str, typer.Option(help="Task whose initial screen to show.")],
    seed: Annotated[int, typer.Option(help="Params seed.")] = 0,
    open_app: Annotated[str | None, typer.Option("--open", help="Open this app first.")] = None,
    png: Annotated[Path | None, typer.Option(help="Write the screenshot here.")] = None,
) -> None:
    """Print a task's goal and the UI dump of its first screen (optionally save the screenshot)."""
    from PIL import Image

    from vera.env.android.sim.device import SimDroid
    from vera.env.android.sim.registry import get_task_class

    instance = get_task_class(task).from_seed(seed)
    device = SimDroid()
    instance.initialize(device)
    device.go_home_and_reset()
    if open_app:
        device.start_app(open_app)
    typer.echo(f"goal: {instance.goal}")
    typer.echo(device.ui_xml())
    if png is not None:
        Image.fromarray(device.screenshot()).save(png)
        typer.echo(f"screenshot: {png}")
