"""Terminal output with ``rich``: tables that fit the terminal and wrap, colour only where it helps.

Every renderer returns a string made for one ``Style``. The CLI picks the style from its
stdout: on a terminal, its width and colour (unless ``NO_COLOR`` is set, no-color.org); in a
pipe or a file, ``PLAIN``: no ANSI codes at a fixed width, so what a script or a test reads
does not depend on who ran it. JSON, SARIF and JUnit never go through here.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Literal

from rich import box
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
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
    "unknown": "yellow", "emulated": "yellow", "kit": "cyan", "warning": "yellow", "WARNING": "bold yellow",
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


def wrap_words(text: Text, width: int) -> list[Text]:
    """``text`` cut into lines of at most ``width`` between words, never inside one: a word longer
    than the line (a resource name, a path) stands whole on its own line and runs past the edge."""
    out: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        starts, line_start = [], 0
        for word in re.finditer(r"\S+", paragraph.plain):
            if word.end() - line_start > width and word.start() > line_start:
                starts.append(word.start())
                line_start = word.start()
        for line in paragraph.divide(starts) if starts else [paragraph]:
            line.rstrip()
            line.no_wrap, line.overflow = True, "ignore"
            out.append(line)
    return out


def render(parts: Iterable[RenderableType | str], style: Style = PLAIN) -> str:
    """``parts`` (tables, texts, plain strings) as one string for ``style``: lines without trailing
    blanks, words never broken (texts wrap between words, tables are ``FittedTable``s)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=style.width, force_terminal=style.colour, no_color=not style.colour,
                      color_system="standard" if style.colour else None, highlight=False, emoji=False,
                      markup=False, legacy_windows=False, force_jupyter=False, force_interactive=False)
    for part in parts:
        if isinstance(part, str | Text):
            for line in wrap_words(Text(part) if isinstance(part, str) else part, style.width):
                console.print(line, crop=False)
        else:
            console.print(part, crop=False)
    return "\n".join(line.rstrip() for line in buffer.getvalue().rstrip("\n").split("\n"))


Justify = Literal["left", "right", "center"]
# Between two columns of a borderless table: each cell's padding on either side and the blank divider.
_GUTTER = 3


def _plain(cell: RenderableType | str) -> str:
    return cell.plain if isinstance(cell, Text) else cell if isinstance(cell, str) else ""


def _longest_word(cell: RenderableType | str) -> int:
    return max((len(word) for word in _plain(cell).split()), default=0)


class FittedTable:
    """A table that never breaks a word: identifiers (rule ids, resource names, instance types) have
    no spaces, so every column is at least as wide as its longest word and text wraps only between
    words. When those widths do not fit the width at hand, each row becomes a block of
    ``header: value`` lines instead, so nothing is split or shortened at any width."""

    def __init__(self, columns: Sequence[tuple[str, Justify]], rows: Iterable[Sequence[RenderableType | str]],
                 title: str | None = None) -> None:
        self.columns = list(columns)
        self.rows = [list(row) for row in rows]
        self.title = title

    def widths(self, max_width: int) -> list[int] | None:
        """Each column's width: its whole longest cell when all fit; else the widest columns are narrowed
        first, none below its longest word; None when even the words do not fit."""
        cells = [[header, *(row[i] for row in self.rows)] for i, (header, _) in enumerate(self.columns)]
        least = [max(map(_longest_word, column)) for column in cells]
        most = [max(max(len(line) for line in _plain(c).splitlines() or [""]) for c in column) for column in cells]
        room = max_width - _GUTTER * (len(self.columns) - 1)

        def capped(cap: int) -> list[int]:  # the widest columns give way first, never below their longest word
            return [max(n, min(m, cap)) for m, n in zip(most, least, strict=True)]

        if sum(least) > room:
            return None
        low, high = 0, max(most)  # the largest cap that fits
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if sum(capped(middle)) <= room else (low, middle - 1)
        return capped(low)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = self.widths(options.max_width)
        if widths is not None:
            yield self._grid(widths)
        else:
            yield from self._blocks(options.max_width)

    def _grid(self, widths: list[int]) -> Table:
        grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title=self.title, title_justify="left",
                     title_style="bold", header_style="bold")
        for (header, justify), width in zip(self.columns, widths, strict=True):
            grid.add_column(header, justify=justify, overflow="fold", width=width)
        for row in self.rows:
            grid.add_row(*row)
        return grid

    def _blocks(self, width: int) -> Iterable[RenderableType]:
        if self.title:
            yield Text(self.title, style="bold")
        for row in self.rows:
            for (header, _), cell in zip(self.columns, row, strict=True):
                if _plain(cell):
                    yield from wrap_words(Text.assemble((f"{header or '-'}: ", "bold"),
                                                        cell if isinstance(cell, Text) else str(cell)), width)
            yield Text("")


def table(columns: Sequence[tuple[str, Justify]], rows: Iterable[Sequence[RenderableType | str]],
          title: str | None = None) -> FittedTable:
    """A borderless table: a rule under the header, words never broken (``FittedTable``)."""
    return FittedTable(columns, rows, title)


# Upper-case verdict words later in a text escalate its colour: "within ($6,000.00); WARNING: exceeded
# at max" is a warning, not a pass. Lower-case words later on ("0 unknown") are counts, not verdicts.
_ESCALATIONS = {"WARNING": 1, "FAILED": 2, "EXCEEDED": 2}


def verdict(text: str) -> Text:
    """``text`` coloured by the verdict word it starts with (pass/fail/unknown, native/emulated/...),
    or by the gravest upper-case verdict word in it when that is graver."""
    word = text.split(":", 1)[0].split(" ", 1)[0]
    later = [w for w in re.findall(r"[A-Z]+", text) if w in _ESCALATIONS]
    worst = max(later, key=_ESCALATIONS.__getitem__, default=None)
    if worst is not None and _ESCALATIONS[worst] > _ESCALATIONS.get(word, 0):
        word = worst
    return Text(text, style=VERDICT_STYLES.get(word, ""))


def usd(amount: Decimal) -> str:
    """Money as people read it: ``$12,345.68`` (JSON keeps ``money``'s plain decimal)."""
    return f"${Decimal(money(amount)):,.2f}"


__all__ = ["PLAIN", "PLAIN_WIDTH", "FittedTable", "Justify", "Style", "detect", "render", "table", "usd", "verdict"]
