"""The architecture of one deployment (``mlopskit.diagram.model``), read from its recorded graph.

Cloud-neutral: which component or resource is which part (training, artifact store, endpoint,
key, ...) and under which service name comes from the provider's ``DiagramMap``
(``Provider.diagram``, modules/diagram.py). From the graph come the nodes (one per top-level
component and part, split by region), which endpoint a node serves (the spec entry its component
recorded, read through the target's topology), what sits in the private network (what depends on, or is reached by, the network
component), what each key encrypts and which identity each part runs as (dependencies on the
key or identity). The data-flow edges follow the kit's pipeline (``FLOW``) between the nodes
the graph has.
"""

from __future__ import annotations

from typing import Any

from mlopskit.diagram.model import Architecture, Edge, Node
from mlopskit.modules.diagram import PER_ENDPOINT, DiagramMap, Role
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

