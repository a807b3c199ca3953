"""Terminal output with ``rich``: tables that fit the terminal and wrap, colour only where it helps.

Every renderer returns a string made for one ``Style``. The CLI picks the style from its
stdout: on a terminal, its width and colour (unless ``NO_COLOR`` is set, no-color.org); in a
pipe or a file, ``PLAIN``: no ANSI codes at a fixed width, so what a script or a test reads
does not depend on who ran it. JSON, SARIF and JUnit never go through here.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Literal

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from mlopskit.modules.cost import money

# Width of plain output: wide enough for the cost table's four columns without wrapping names.
PLAIN_WIDTH = 120

# Words that carry a verdict, and their colours (only on a colour terminal).
VERDICT_STYLES = {
    "pass": "green", "passed": "green", "PASSED": "bold green", "ok": "green", "OK": "bold green",
    "within": "green", "native": "green",
    "fail": "red", "failed": "red", "FAILED": "bold red", "EXCEEDED": "bold red", "unsupported": "red",
    "error": "bold red",
    "unknown": "yellow", "emulated": "yellow", "warning": "yellow", "WARNING": "bold yellow",
}


@dataclass(frozen=True)
class Style:
    """How output is rendered: colour or not, and the width tables must fit."""

    colour: bool
    width: int


PLAIN = Style(colour=False, width=PLAIN_WIDTH)


def detect(stream: IO[str]) -> Style:
    """The style for ``stream``: its terminal's width and colour, or PLAIN when it is not a terminal."""
    if not _isatty(stream):
        return PLAIN
    colour = not os.environ.get("NO_COLOR")  # no-color.org: present and not empty disables colour
    return Style(colour, shutil.get_terminal_size((PLAIN_WIDTH, 24)).columns)


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def render(parts: Iterable[RenderableType | str], style: Style = PLAIN) -> str:
    """``parts`` (tables, texts, plain strings) as one string for ``style``: lines without trailing blanks."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=style.width, force_terminal=style.colour, no_color=not style.colour,
                      color_system="standard" if style.colour else None, highlight=False, emoji=False,
                      markup=False, legacy_windows=False, force_jupyter=False, force_interactive=False)
    for part in parts:
        console.print(part, overflow="fold", crop=False)
    return "\n".join(line.rstrip() for line in buffer.getvalue().rstrip("\n").split("\n"))


Justify = Literal["left", "right", "center"]


def table(columns: Sequence[tuple[str, Justify]], rows: Iterable[Sequence[RenderableType | str]],
          title: str | None = None) -> Table:
    """A borderless table: a rule under the header, cells that wrap (never overflow into the next column)."""
    grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title=title, title_justify="left",
                 title_style="bold", header_style="bold")
    for header, justify in columns:
        grid.add_column(header, justify=justify, overflow="fold")
    for row in rows:
        grid.add_row(*row)
    return grid


def verdict(text: str) -> Text:
    """``text`` coloured by the verdict word it starts with (pass/fail/unknown, native/emulated/...)."""
    word = text.split(":", 1)[0].split(" ", 1)[0]
    return Text(text, style=VERDICT_STYLES.get(word, ""))


def usd(amount: Decimal) -> str:
    """Money as people read it: ``$12,345.68`` (JSON keeps ``money``'s plain decimal)."""
    return f"${Decimal(money(amount)):,.2f}"


__all__ = ["PLAIN", "PLAIN_WIDTH", "Justify", "Style", "detect", "render", "table", "usd", "verdict"]
