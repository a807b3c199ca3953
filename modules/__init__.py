"""mlopskit spec v1: the cloud-agnostic description of an MLOps stack.

Nothing here imports a cloud SDK; providers map these models onto each cloud.
"""

from modules.access import PERMISSIONS, Access, AccessRole
from modules.backup import Backups
from modules.budget import Budget
from modules.compliance import Compliance
from modules.compute import Compute, Gpu, InstanceTypes, TrainingCompute
from modules.encryption import Encryption
from modules.endpoint import (
    Alarms,
    Autoscaling,
    DataCapture,
    Deployment,
    Drift,
    Endpoint,
    ModelSource,
    Monitoring,
)
from modules.errors import SpecError, SpecIssue
from modules.loader import load_stack, parse_stack
from modules.metadata import Metadata
from modules.network import Network
from modules.placement import CLOUDS, AwsPlacement, AzurePlacement, GcpPlacement, Placement
from modules.registry import ContainerRegistry, ModelRegistry, Registry
from modules.stack import Stack
from modules.storage import ArtifactStorage, Storage
from modules.training import Image, TrainingJob

__all__ = [
    "CLOUDS", "PERMISSIONS", "Access", "AccessRole", "Alarms", "ArtifactStorage", "Autoscaling",
    "AwsPlacement", "AzurePlacement", "Backups", "Budget", "Compliance", "Compute", "ContainerRegistry",
    "DataCapture", "Deployment", "Drift", "Encryption", "Endpoint", "GcpPlacement", "Gpu", "Image",
    "InstanceTypes", "Metadata", "ModelRegistry", "ModelSource", "Monitoring", "Network", "Placement",
    "Registry", "SpecError", "SpecIssue", "Stack", "Storage", "TrainingCompute", "TrainingJob",
    "load_stack", "parse_stack",
]
