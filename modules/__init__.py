"""mlopskit spec v1: the cloud-agnostic description of an MLOps stack.

Nothing here imports a cloud SDK; providers map these models onto each cloud.
"""

from mlopskit.modules.access import PERMISSIONS, Access, AccessRole
from mlopskit.modules.backup import Backups
from mlopskit.modules.budget import Budget
from mlopskit.modules.compliance import Compliance
from mlopskit.modules.compute import Compute, Gpu, InstanceTypes, TrainingCompute
from mlopskit.modules.encryption import Encryption
from mlopskit.modules.endpoint import (
    Alarms,
    Autoscaling,
    DataCapture,
    Deployment,
    Drift,
    Endpoint,
    ModelSource,
    Monitoring,
)
from mlopskit.modules.errors import SpecError, SpecIssue
from mlopskit.modules.loader import load_stack, parse_stack
from mlopskit.modules.metadata import Metadata
from mlopskit.modules.network import Network
from mlopskit.modules.placement import Placement, Regional, TargetPlacement
from mlopskit.modules.registry import ContainerRegistry, ModelRegistry, Registry
from mlopskit.modules.stack import Stack
from mlopskit.modules.storage import ArtifactStorage, Storage
from mlopskit.modules.training import Image, TrainingJob

__all__ = [
    "PERMISSIONS", "Access", "AccessRole", "Alarms", "ArtifactStorage", "Autoscaling", "Backups", "Budget", "Compliance", "Compute", "ContainerRegistry",
    "DataCapture", "Deployment", "Drift", "Encryption", "Endpoint", "Gpu", "Image",
    "InstanceTypes", "Metadata", "ModelRegistry", "ModelSource", "Monitoring", "Network", "Placement",
    "Regional", "Registry", "SpecError", "SpecIssue", "Stack", "Storage", "TargetPlacement", "TrainingCompute", "TrainingJob",
    "load_stack", "parse_stack",
]
