"""What a cloud tells the architecture diagram: which of its resources play which part.

The drawing (``mlopskit.diagram``) is cloud-neutral: it reads the recorded graph and asks the
provider's ``DiagramMap`` (``Provider.diagram``) what each component or resource type is and
which of the cloud's services it is. A new component only needs an entry here-shaped in its
provider's ``diagram.py``; ``contract_gaps`` names every component token left unmapped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

# The parts of the picture. Flow roles are drawn left to right in this order (one column
# each); the rest are shared services drawn in a row below the flow.
Role = Literal[
    "training", "artifacts", "container_registry", "model_registry", "endpoint", "autoscaling", "batch",
    "data_capture", "monitoring", "alarms", "notifications",
    "keys", "identity", "network", "backups", "audit", "budget", "platform",
]
FLOW_COLUMNS: tuple[tuple[Role, ...], ...] = (
    ("training",),
    ("artifacts", "container_registry"),
    ("model_registry",),
    ("endpoint", "autoscaling", "batch"),
    ("data_capture",),
    ("monitoring",),
    ("alarms",),
    ("notifications",),
)
SHARED_ROLES: tuple[Role, ...] = ("keys", "identity", "backups", "audit", "budget", "platform")
ROLE_TITLES: Mapping[Role, str] = {
    "training": "Training", "artifacts": "Artifact store", "container_registry": "Container registry",
    "model_registry": "Model registry", "endpoint": "Endpoint", "autoscaling": "Autoscaling", "batch": "Batch inference",
    "data_capture": "Data capture", "monitoring": "Monitoring", "alarms": "Alarms",
    "notifications": "Notifications", "keys": "Keys", "identity": "Identity", "network": "Private network",
    "backups": "Backups", "audit": "Audit", "budget": "Budget", "platform": "Platform",
}
# Roles that belong to one endpoint: their nodes are tied to the endpoint they are connected to.
PER_ENDPOINT: frozenset[Role] = frozenset({"endpoint", "autoscaling", "data_capture", "monitoring", "alarms",
                                           "notifications"})

#: key -> (role, the cloud's service name). A key is one of
#: - a component type token (``mlopskit:<cloud>:Endpoint``): every resource under it;
#: - ``<component token>|<resource type>``: resources of that type under that component,
#:   overriding the component's entry (the SNS topic of the monitoring component: notifications);
#: - ``<resource type>#<dotted.input.path>=<value>``: resources of that type whose input has that
#:   value, overriding both (a schedule that creates a monitor, not a training job);
#: - ``<resource type>#<dotted.input.path>``: an aspect set in the resource's inputs (the data
#:   capture of an endpoint configuration), drawn as a node of its own besides the resource's.
DiagramMap = Mapping[str, tuple[Role, str]]
