"""The architecture model (``mlopskit.diagram.model``) drawn as one self-contained SVG.

The layout is a small layered one written for this shape: one column per flow stage, the
private network as a band across the top of the columns, shared services in a row below, the
backup region in its own box. All text is monospace with a known advance (``CHAR_EM``), so
every label is wrapped to fit its box by arithmetic, never clipped by the browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from mlopskit.diagram.model import Architecture, Edge, Node
from mlopskit.modules.diagram import FLOW_COLUMNS, SHARED_ROLES

# Font: every <text> uses FONT; a glyph of DejaVu Sans Mono advances 1233/2048 em (Liberation
# Mono and Courier New 1229/2048), so CHAR_EM (rounded up) bounds the width of any label in any of them.
FONT = "DejaVu Sans Mono, Liberation Mono, Courier New, monospace"
CHAR_EM = 0.603
TITLE_PX, SERVICE_PX, LABEL_PX = 12.0, 11.0, 10.0
WIDTH = 1400
NODE_W, PAD = 146, 7
COLUMN_W = (WIDTH - 60) / len(FLOW_COLUMNS)
GAP = 12


def text_width(text: str, size: float) -> float:
    """Width of ``text`` at ``size`` px in FONT (monospace: characters x advance)."""
    return len(text) * CHAR_EM * size


def wrap(text: str, size: float, width: float) -> list[str]:
    """``text`` in lines no wider than ``width`` at ``size`` px (breaks at spaces, then hard)."""
    limit = max(1, int(width / (CHAR_EM * size)))
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > limit:  # a word longer than the box: break after a hyphen, else cut
            if current:
                lines.append(current)
                current = ""
            cut = word.rfind("-", 0, limit) + 1 or limit
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}".strip()
        if len(candidate) <= limit:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]



@dataclass
class _Box:
    node: Node
    x: float
    y: float
    lines: list[tuple[str, float, str]]  # text, size, weight/colour class

    @property
    def height(self) -> float:
        return PAD * 2 + sum(size + 3 for _, size, _ in self.lines)


def _lines(node: Node) -> list[tuple[str, float, str]]:
    inner = NODE_W - 2 * PAD
    lines = [(t, TITLE_PX, "title") for t in wrap(node.title, TITLE_PX, inner)]
    for service in node.services:
        lines += [(t, SERVICE_PX, "service") for t in wrap(service, SERVICE_PX, inner)]
    label = node.label + (" (private network)" if node.private and node.role not in _COLUMN_OF else "")
    lines += [(t, LABEL_PX, "label") for t in wrap(label, LABEL_PX, inner)]
    return lines


_COLUMN_OF: dict[str, int] = {role: i for i, roles in enumerate(FLOW_COLUMNS) for role in roles}
_ORDER = {role: i for i, role in enumerate([r for roles in FLOW_COLUMNS for r in roles] + list(SHARED_ROLES))}


def _stack(boxes: list[_Box], top: float) -> float:
    """Place ``boxes`` one under the other from ``top``; the y below the last."""
    y = top
    for box in boxes:
        box.y = y
        y += box.height + GAP
    return y


def _row(boxes: list[_Box], left: float, right: float, top: float) -> float:
    """Place ``boxes`` left to right from ``top``, wrapping at ``right``; the y below the last row."""
    x, y, row_h = left, top, 0.0
    for box in boxes:
        if x + NODE_W > right and x > left:
            x, y, row_h = left, y + row_h + GAP, 0.0
        box.x, box.y = x, y
        x += NODE_W + 20
        row_h = max(row_h, box.height)
    return y + row_h + GAP if boxes else top


def _band(boxes: list[_Box], left: float, top: float) -> float:
    """Place ``boxes`` in their flow columns from ``top``, one row per endpoint so that each
    endpoint's chain reads along a line (parts serving no single endpoint join the first row);
    the y below the last row."""
    scopes = sorted({b.node.scope for b in boxes if b.node.scope})
    y = top
    for row in range(max(1, len(scopes))):
        bottom = y
        for column in range(len(FLOW_COLUMNS)):
            members = sorted((b for b in boxes if _COLUMN_OF[b.node.role] == column
                              and (scopes.index(b.node.scope) if b.node.scope in scopes else 0) == row),
                             key=lambda b: _sort_key(b.node))
            for b in members:
                b.x = left + column * COLUMN_W + (COLUMN_W - NODE_W) / 2
            bottom = max(bottom, _stack(members, y))
        y = bottom
    return y


def _sort_key(node: Node) -> tuple[int, str, str]:
    return (_ORDER.get(node.role, 99), node.scope or "", node.label)


def to_svg(arch: Architecture, accent: str = "#374151") -> str:
    """The architecture as one SVG (no scripts, no external fonts or images)."""
    left = 30.0
    flow = [n for n in arch.nodes if n.role in _COLUMN_OF and not n.backup]
    shared = [n for n in arch.nodes if n.role not in _COLUMN_OF and not n.backup]
    backup = [n for n in arch.nodes if n.backup]
    boxes: dict[str, _Box] = {}

    def box(node: Node) -> _Box:
        boxes[node.id] = _Box(node, 0, 0, _lines(node))
        return boxes[node.id]

    y = 46.0  # below the region's title
    network_bottom = _band([box(n) for n in flow if n.private], left, y + 22)  # below the network's title
    if not any(n.private for n in flow) and not arch.network:
        network_bottom = y  # no private network: nothing above the public band
    flow_bottom = _band([box(n) for n in flow if not n.private], left, network_bottom + 14)
    shared_top = flow_bottom + 26
    shared_bottom = _row([box(n) for n in sorted(shared, key=_sort_key)], left, WIDTH - 30, shared_top)
    region_bottom = shared_bottom + 4
    backup_top = region_bottom + 20 + 30
    backup_bottom = _row([box(n) for n in sorted(backup, key=_sort_key)], left, WIDTH - 30, backup_top) if backup else backup_top
    height = (backup_bottom + 14) if backup else region_bottom + 14

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="architecture" width="{WIDTH}" height="{height:.0f}" '
           f'viewBox="0 0 {WIDTH} {height:.0f}" font-family="{FONT}" data-char-advance-em="{CHAR_EM}" '
           f'role="img" aria-label="architecture of {escape(arch.stack)} on {escape(arch.cloud)}">',
           "<defs>"
           '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
           '<path d="M0,0 L10,5 L0,10 z" fill="#374151"/></marker>'
           '<marker id="arrow-key" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto">'
           '<path d="M0,0 L10,5 L0,10 z" fill="#b45309"/></marker>'
           '<marker id="arrow-identity" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto">'
           '<path d="M0,0 L10,5 L0,10 z" fill="#7c3aed"/></marker>'
           "</defs>"]
    # Boundaries first: the region, the private network, the backup region.
    out.append(_boundary("region", 8, 8, WIDTH - 16, region_bottom - 8, f"primary region {arch.primary_region}",
                         accent, "#f9fafb"))
    if network_bottom > y:
        title = "private network" + (f": {', '.join(arch.network)}" if arch.network else "")
        out.append(_boundary("network", 18, y, WIDTH - 36, network_bottom - y, title, "#059669", "#ecfdf5", dashed=True))
    out.append(_text(left, flow_bottom + 18, "shared services", LABEL_PX, "#6b7280"))
    if backup:
        out.append(_boundary("region backup", 8, region_bottom + 20, WIDTH - 16, backup_bottom - region_bottom - 20,
                             f"backup region {arch.backup_region}", accent, "#f9fafb"))
    # Edges under the nodes: a box hides the part of a line that crosses it.
    for edge in arch.edges:
        if edge.source in boxes and edge.target in boxes:
            out.append(_edge(edge, boxes[edge.source], boxes[edge.target]))
    for b in boxes.values():
        out.append(_node(b, accent))
    out.append("</svg>")
    return "".join(out)


def _text(x: float, y: float, text: str, size: float, fill: str, weight: str = "normal", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return (f'<text{klass} x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" font-weight="{weight}" fill="{fill}">'
            f"{escape(text)}</text>")


def _boundary(kind: str, x: float, y: float, w: float, h: float, title: str, stroke: str, fill: str,
              dashed: bool = False) -> str:
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    inner = w - 2 * PAD
    shown = wrap(title, LABEL_PX + 1, inner)[0]  # one line: the title is cut at its box, never past it
    return (f'<g class="boundary {kind}"><rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="8" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.2"{dash}/>'
            + _text(x + PAD, y + 15, shown, LABEL_PX + 1, stroke, "bold", "boundary-title") + "</g>")


def _node(b: _Box, accent: str) -> str:
    n = b.node
    parts = [f'<g class="node" data-id="{escape(n.id)}" data-role="{n.role}" data-scope="{escape(n.scope or "")}">',
             f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{NODE_W}" height="{b.height:.1f}" rx="5" fill="#ffffff" '
             f'stroke="{accent}" stroke-width="1.4"/>']
    y = b.y + PAD
    colours = {"title": (accent, "bold"), "service": ("#111827", "normal"), "label": ("#6b7280", "normal")}
    for text, size, kind in b.lines:
        y += size
        fill, weight = colours[kind]
        parts.append(_text(b.x + PAD, y, text, size, fill, weight, kind))
        y += 3
    parts.append("</g>")
    return "".join(parts)


def _edge(edge: Edge, a: _Box, b: _Box) -> str:
    """A curve from ``a`` to ``b``: sideways between columns, vertical within one or to a row below."""
    if b.x > a.x + NODE_W / 2:
        x1, y1, x2, y2 = a.x + NODE_W, a.y + a.height / 2, b.x, b.y + b.height / 2
        mid = (x1 + x2) / 2
        d = f"M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
    else:
        down = b.y > a.y
        x1, y1 = a.x + NODE_W / 2, (a.y + a.height if down else a.y)
        x2, y2 = b.x + NODE_W / 2, (b.y if down else b.y + b.height)
        bend = (y2 - y1) / 2
        d = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{y1 + bend:.1f} {x2:.1f},{y2 - bend:.1f} {x2:.1f},{y2:.1f}"
    style = {"flow": ('#374151', "1.6", "", "arrow"),
             "key": ("#b45309", "1", ' stroke-dasharray="4 3" stroke-opacity="0.7"', "arrow-key"),
             "identity": ("#7c3aed", "1", ' stroke-dasharray="1 3" stroke-opacity="0.7"', "arrow-identity")}[edge.kind]
    title = f"<title>{escape(edge.source)} → {escape(edge.target)}{': ' + escape(edge.label) if edge.label else ''}</title>"
    return (f'<path class="edge {edge.kind}" data-from="{escape(edge.source)}" data-to="{escape(edge.target)}" d="{d}" '
            f'fill="none" stroke="{style[0]}" stroke-width="{style[1]}"{style[2]} marker-end="url(#{style[3]})">{title}</path>')


def legend() -> str:
    """One line explaining the lines of the diagram (HTML)."""
    return ('<p class="muted">Solid arrows: data flow. <span style="color:#b45309">Dashed: a key encrypts that part.</span> '
            '<span style="color:#7c3aed">Dotted: the part runs as that identity.</span> Green band: the private network; '
            "boxes: the primary and backup regions.</p>")
