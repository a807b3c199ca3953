"""The architecture of one deployment as data: its parts (nodes), how they connect (edges) and
its boundaries. Built by ``mlopskit.diagram.build``, drawn by ``mlopskit.diagram.render``; a test
reads it without drawing anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mlopskit.modules.diagram import ROLE_TITLES, Role


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

