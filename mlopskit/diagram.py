"""The architecture of one deployment, read from its recorded graph, and drawn as a self-contained SVG.

Cloud-neutral: which component or resource is which part (training, artifact store, endpoint,
key, ...) and under which service name comes from the provider's ``DiagramMap``
(``Provider.diagram``, modules/diagram.py). From the graph come the nodes (one per top-level
component and part, split by region), which endpoint a node serves (the spec entry its component
recorded, read through the target's topology), what sits in the private network (what depends on, or is reached by, the network
component), what each key encrypts and which identity each part runs as (dependencies on the
key or identity). The data-flow edges follow the kit's pipeline (``FLOW``) between the nodes
the graph has.

The layout is a small layered one written for this shape: one column per flow stage, the
private network as a band across the top of the columns, shared services in a row below, the
backup region in its own box. All text is monospace with a known advance (``CHAR_EM``), so
every label is wrapped to fit its box by arithmetic, never clipped by the browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from mlopskit.modules.diagram import FLOW_COLUMNS, PER_ENDPOINT, ROLE_TITLES, SHARED_ROLES, DiagramMap, Role
from mlopskit.modules.graph import Graph, RecordedResource
from mlopskit.modules.topology import Topology

# The data flow between parts: (from, to, what moves). Per-endpoint parts connect only within
# the same endpoint (or to a part shared by all endpoints).
FLOW: tuple[tuple[Role, Role, str], ...] = (
    ("training", "artifacts", "model artifacts"),
    ("artifacts", "model_registry", "registered versions"),
    ("model_registry", "endpoint", "approved version"),
    ("container_registry", "endpoint", "images"),
    ("model_registry", "batch", "approved version"),
    ("artifacts", "batch", "input records; predictions back"),
    ("autoscaling", "endpoint", "scales"),
    ("endpoint", "data_capture", "requests, responses"),
    ("data_capture", "monitoring", "captured data"),
    ("monitoring", "alarms", "drift metrics"),
    ("endpoint", "alarms", "latency, errors"),
    ("alarms", "notifications", "alerts"),
    ("artifacts", "backups", "backed up"),
)

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
class Node:
    """One part of the deployment: a top-level component's resources playing one role in one region."""

    id: str
    role: Role
    label: str  # the component's name without the stack prefix
    services: list[str] = field(default_factory=list)
    urns: set[str] = field(default_factory=set)
    scope: str | None = None  # the endpoint node id this part serves
    backup: bool = False
    private: bool = False

    @property
    def title(self) -> str:
        return ROLE_TITLES[self.role]


@dataclass(frozen=True)
class Edge:
    """A data flow (``flow``), a key encrypting a part (``key``) or a part running as an identity (``identity``)."""

    source: str
    target: str
    kind: str
    label: str = ""


@dataclass
class Architecture:
    """Nodes and edges of one deployment, plus its boundaries."""

    cloud: str
    stack: str
    primary_region: str
    backup_region: str | None
    nodes: list[Node]
    edges: list[Edge]
    network: list[str]  # the private network's service names (empty: no private network)
    unmapped: list[str]  # component types the provider's map does not know (drawn as platform)
    roles: dict[str, Role] = field(default_factory=dict)  # resource urn -> the part it plays

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)


def _get(inputs: Any, path: str) -> Any:
    value = inputs
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


class _Map:
    """A provider's DiagramMap split by kind of key, for lookups per resource."""

    def __init__(self, mapping: DiagramMap) -> None:
        self.plain: dict[str, tuple[Role, str]] = {}
        self.valued: dict[str, list[tuple[str, str, Role, str]]] = {}
        self.aspects: dict[str, list[tuple[str, Role, str]]] = {}
        for key, entry in mapping.items():
            type_, _, selector = key.partition("#")
            if not selector:
                self.plain[type_] = entry
            elif "=" in selector:
                path, _, value = selector.partition("=")
                self.valued.setdefault(type_, []).append((path, value, *entry))
            else:
                self.aspects.setdefault(type_, []).append((selector, *entry))

    def role_of(self, resource: RecordedResource, top: RecordedResource) -> tuple[Role, str] | None:
        for path, value, role, service in self.valued.get(resource.type, ()):
            if str(_get(resource.inputs, path)) == value:
                return role, service
        return self.plain.get(f"{top.type}|{resource.type}") or self.plain.get(top.type)

    def aspects_of(self, resource: RecordedResource) -> list[tuple[Role, str]]:
        return [(role, service) for path, role, service in self.aspects.get(resource.type, ())
                if _get(resource.inputs, path)]


def _in_region(resource: RecordedResource, region: str, providers: dict[str, RecordedResource]) -> bool:
    """Whether a top-level string input of the resource (or of its explicit provider) names ``region``."""
    values = [v for v in resource.inputs.values() if isinstance(v, str)]
    provider = providers.get(resource.provider or "")
    if provider is not None:
        values += [v for v in provider.inputs.values() if isinstance(v, str)]
    return any(v.lower() == region.lower() for v in values)


class _Parts:
    """The nodes of one graph, built in one pass, and which node depends on which."""

    def __init__(self, graph: Graph, mapping: DiagramMap, backup_region: str | None) -> None:
        self.graph = graph
        self.table = _Map(mapping)
        self.prefix = f"{graph.stack}-"
        self.nodes: dict[str, Node] = {}
        self.member: dict[str, list[Node]] = {}  # resource urn -> the nodes it is part of
        self.unmapped: set[str] = set()
        self.roles: dict[str, Role] = {}
        self.top_of: dict[str, RecordedResource] = {}
        for resource in graph.resources:
            top = resource
            while top.parent is not None:
                top = graph.by_urn(top.parent)
            self.top_of[resource.urn] = top
        providers = {r.name: r for r in graph.resources if r.type.startswith("pulumi:providers:")}
        for resource in graph.resources:
            if self._drawn(resource):
                backup = backup_region is not None and resource.custom and _in_region(resource, backup_region, providers)
                self._place(resource, backup)
        self.by_top: dict[str, list[Node]] = {}
        for node in self.nodes.values():
            self.by_top.setdefault(self.top(node).urn, []).append(node)
        for resource in graph.resources:
            if not resource.custom and resource.urn not in self.member:
                # A component's own dependencies speak for every part it holds.
                self.member[resource.urn] = self.by_top.get(self.top_of[resource.urn].urn, [])
        self.depends = self._dependencies()

    def top(self, node: Node) -> RecordedResource:
        return self.top_of[next(iter(node.urns))]

    def _drawn(self, resource: RecordedResource) -> bool:
        """Cloud resources, and a top-level component without any (drawn as itself)."""
        if resource.type.startswith("pulumi:providers:") or resource.type == "pulumi:pulumi:Stack":
            return False
        if resource.custom:
            return True
        return resource.parent is None and not any(d.custom for d in self.graph.descendants(resource))

    def _place(self, resource: RecordedResource, backup: bool) -> None:
        top = self.top_of[resource.urn]
        mapped = self.table.role_of(resource, top)
        if mapped is None:  # never dropped: an unmapped component is drawn as platform, and listed
            self.unmapped.add(top.type)
        role, service = mapped or ("platform", top.type.rsplit(":", 1)[-1])
        self._add(resource, role, service, backup)
        self.roles[resource.urn] = role
        for role, service in self.table.aspects_of(resource):
            self._add(resource, role, service, backup)

    def _add(self, resource: RecordedResource, role: Role, service: str, backup: bool) -> None:
        label = self.top_of[resource.urn].name.removeprefix(self.prefix)
        node_id = f"{role}:{label}" + (":backup" if backup else "")
        node = self.nodes.setdefault(node_id, Node(node_id, role, label, backup=backup))
        if service not in node.services:
            node.services.append(service)
        node.urns.add(resource.urn)
        self.member.setdefault(resource.urn, []).append(node)

    def _dependencies(self) -> dict[str, set[str]]:
        """Node id -> the nodes it depends on (any resource of one on any resource of the other)."""
        depends: dict[str, set[str]] = {n: set() for n in self.nodes}
        for resource in self.graph.resources:
            for dependency in resource.dependencies:
                for a in self.member.get(resource.urn, ()):
                    depends[a.id].update(b.id for b in self.member.get(dependency, ()) if b.id != a.id)
        return depends

    def classify(self, topology: Topology) -> None:
        """Which node sits in the private network, and which endpoint each per-endpoint part serves:
        the endpoint whose spec entry its component recorded (``topology``)."""
        network_ids = {n.id for n in self.nodes.values() if n.role == "network"}
        depends = self.depends
        endpoint_of_entry: dict[str, str] = {}
        for node in sorted(self.nodes.values(), key=lambda n: n.id):
            origin = topology.origin(next(iter(node.urns)))
            if node.role == "endpoint" and not node.backup and origin is not None:
                endpoint_of_entry.setdefault(origin.entry, node.id)
        for node in self.nodes.values():
            # The platform (APIs, resource group) is what the network itself is built on, not in it.
            node.private = node.role != "platform" and (bool(depends[node.id] & network_ids)
                                                        or any(node.id in depends[n] for n in network_ids))
            if node.role in PER_ENDPOINT:
                origin = topology.origin(next(iter(node.urns)))
                node.scope = endpoint_of_entry.get(origin.entry) if origin is not None else None


def _flow_edges(drawn: list[Node]) -> list[Edge]:
    """FLOW between the nodes of the primary region, per-endpoint parts only within their endpoint;
    the only way into the backup region is the primary backups' copy."""
    edges = []
    for source_role, target_role, what in FLOW:
        for a in (n for n in drawn if n.role == source_role and not n.backup):
            for b in (n for n in drawn if n.role == target_role and n.id != a.id):
                if b.backup or (a.scope and b.scope and a.scope != b.scope):
                    continue
                edges.append(Edge(a.id, b.id, "flow", what))
    for a in (n for n in drawn if n.role == "backups" and not n.backup):
        edges += [Edge(a.id, b.id, "flow", "copies") for b in drawn if b.backup and b.role == "backups"]
    return edges


def architecture(graph: Graph, mapping: DiagramMap, primary_region: str, backup_region: str | None,
                 topology: Topology) -> Architecture:
    """The parts of ``graph`` and how they connect (see the module docstring); ``topology`` is the
    target's index of the graph (``Provider.topology``)."""
    parts = _Parts(graph, mapping, backup_region)
    parts.classify(topology)
    drawn = [n for n in parts.nodes.values() if n.role != "network"]
    edges = _flow_edges(drawn)
    for kind, edge_kind in (("keys", "key"), ("identity", "identity")):
        for a in (n for n in drawn if n.role == kind):
            edges += [Edge(a.id, b.id, edge_kind) for b in drawn
                      if b.role not in (kind, "platform") and a.id in parts.depends[b.id]]
    network = [s for n in parts.nodes.values() if n.role == "network" for s in n.services]
    return Architecture(graph.provider, graph.stack, primary_region, backup_region,
                        sorted(drawn, key=lambda n: n.id), sorted(set(edges), key=lambda e: (e.kind, e.source, e.target)),
                        network, sorted(parts.unmapped), parts.roles)


# ---------------------------------------------------------------- layout and SVG


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


__all__ = ["Architecture", "Edge", "Node", "architecture", "legend", "text_width", "to_svg", "wrap"]
