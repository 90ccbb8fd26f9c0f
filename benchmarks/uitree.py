"""Parse time of a 10,000-node `uiautomator dump` (goal: <= 50 ms) with vera's parser.

Usage: python benchmarks/uitree.py [--nodes N] [--repeat R] [--json]
Prints one JSON object as its last line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from vera.env.android.uitree import parse_ui_xml


def make_dump(n_nodes: int) -> str:
    """A realistic dump: rows (clickable LinearLayout) with a title, a subtitle and a checkbox."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?><hierarchy rotation="0">',
             '<node index="0" text="" resource-id="" class="android.widget.FrameLayout" package="com.example" '
             'content-desc="" checkable="false" checked="false" clickable="false" enabled="true" '
             'focusable="false" focused="false" scrollable="true" long-clickable="false" password="false" '
             'selected="false" bounds="[0,0][1080,2400]">']
    made = 1
    row = 0
    while made < n_nodes:
        y = 100 + (row % 20) * 110
        parts.append(
            f'<node index="{row}" text="" resource-id="com.example:id/row" class="android.widget.LinearLayout" '
            'package="com.example" content-desc="" checkable="false" checked="false" clickable="true" '
            'enabled="true" focusable="true" focused="false" scrollable="false" long-clickable="true" '
            f'password="false" selected="false" bounds="[0,{y}][1080,{y + 100}]">'
        )
        for j, (cls, text) in enumerate((("android.widget.TextView", f"Item {row}"),
                                         ("android.widget.TextView", f"Subtitle &amp; more {row}"),
                                         ("android.widget.CheckBox", ""))):
            parts.append(
                f'<node index="{j}" text="{text}" resource-id="com.example:id/c{j}" class="{cls}" '
                'package="com.example" content-desc="" checkable="false" checked="false" clickable="false" '
                'enabled="true" focusable="false" focused="false" scrollable="false" long-clickable="false" '
                f'password="false" selected="false" bounds="[{20 + 300 * j},{y + 10}][{300 + 300 * j},{y + 90}]" />'
            )
        parts.append("</node>")
        made += 4
        row += 1
    parts.append("</node></hierarchy>")
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    dump = make_dump(args.nodes)
    parse_ui_xml(dump)  # warm-up
    times = []
    elements: list = []
    for _ in range(args.repeat):
        elements = []  # free the previous result outside the timed region
        start = time.perf_counter()
        elements = parse_ui_xml(dump)
        times.append((time.perf_counter() - start) * 1000)
    result = {
        "benchmark": "uitree", "nodes": dump.count("<node"), "elements": len(elements),
        "xml_bytes": len(dump), "median_ms": round(statistics.median(times), 2),
        "min_ms": round(min(times), 2), "goal_ms": 50.0,
    }
    if not args.json:
        print(f"parsed {result['nodes']} nodes in {result['median_ms']} ms (median of {args.repeat})")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
