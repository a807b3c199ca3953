"""What every Kubernetes component needs to know about the stack, and the pod every workload runs as.

Only facts derived from the spec live here (namespace, labels, store and registry references);
components receive the parts they need through their typed Args, never the whole Stack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from mlopskit.modules.stack import Stack
from mlopskit.providers.base import BuildContext
from mlopskit.providers.catalog.resolver import InstanceType
from mlopskit.providers.kubernetes.target import KubernetesPlacement

#: The label every object of the stack carries; NetworkPolicies select the stack's pods by it.
STACK_LABEL = "app.kubernetes.io/part-of"
#: What a pod is (serving, training, batch, monitor): the network flows are granted by it.
ROLE_LABEL = "mlopskit.dev/role"
#: Nodes the operator labelled with the GPU model they carry (docs/kubernetes.md): the kit does
#: not guess a device plugin's product label values, which differ between vendors and versions.
GPU_NODE_LABEL = "mlopskit.dev/gpu-type"
GPU_RESOURCE = "nvidia.com/gpu"  # the NVIDIA device plugin's extended resource name
#: Unprivileged user the kit's pods run as when the image does not say (Pod Security "restricted").
RUN_AS_USER = 10001


def label_value(value: str) -> str:
    """A Kubernetes label value: at most 63 of ``[A-Za-z0-9_.-]``, alphanumeric at both ends."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "_", value)[:63]
    return cleaned.strip("_.-") or "x"


def stack_labels(stack: Stack) -> dict[str, str]:
    """Labels every object carries (governance labels win over the user's own)."""
    meta = stack.metadata
    labels = {"owner": label_value(meta.owner), "cost-center": label_value(meta.cost_center),
              "data-classification": meta.data_classification, "environment": meta.environment,
              "app.kubernetes.io/managed-by": "mlopskit", STACK_LABEL: label_value(stack.name)}
    return {**{k: label_value(v) for k, v in meta.labels.items()}, **labels}


@dataclass
class KubernetesContext(BuildContext):
    """The stack plus its cluster placement, shared by all components of one build."""

    placement: KubernetesPlacement
    labels: dict[str, str]

    @property
    def namespace(self) -> str:
        return self.placement.namespace

    def meta(self, name: str, role: str | None = None, **extra: str) -> k8s.meta.v1.ObjectMetaArgs:
        """Object metadata: a fixed name (never Pulumi's random suffix: day 2 finds objects by it)."""
        labels = {**self.labels, **({ROLE_LABEL: role} if role else {}), **extra}
        return k8s.meta.v1.ObjectMetaArgs(name=name, namespace=self.namespace, labels=labels)

    def pod_labels(self, role: str) -> dict[str, str]:
        return {STACK_LABEL: self.labels[STACK_LABEL], ROLE_LABEL: role}

    def store_env(self) -> list[k8s.core.v1.EnvVarArgs]:
        """Where a workload finds the artifact store and the MLflow server (references, not created)."""
        env = [k8s.core.v1.EnvVarArgs(name="MLOPSKIT_ARTIFACTS", value=self.placement.artifact_bucket),
               k8s.core.v1.EnvVarArgs(name="MLFLOW_TRACKING_URI", value=self.placement.mlflow_tracking_uri)]
        if self.placement.s3_endpoint:
            env.append(k8s.core.v1.EnvVarArgs(name="MLFLOW_S3_ENDPOINT_URL", value=self.placement.s3_endpoint))
        return env


@dataclass(frozen=True)
class PodSize:
    """What one pod requests: the resolved size of a compute request (GPU count grown to hold a model)."""

    cpu: int
    memory_gib: float
    gpu_type: str | None = None
    gpus: int = 0

    @classmethod
    def of(cls, instance: InstanceType) -> PodSize:
        return cls(instance.vcpu, instance.memory_gib, instance.gpu_type, instance.gpu_count)

    def amounts(self) -> dict[str, str]:
        """Requests equal to limits (Guaranteed QoS): what is priced is what the pod can use."""
        amounts = {"cpu": str(self.cpu), "memory": f"{int(self.memory_gib * 1024)}Mi"}
        if self.gpus:
            amounts[GPU_RESOURCE] = str(self.gpus)
        return amounts


def resources(size: PodSize) -> k8s.core.v1.ResourceRequirementsArgs:
    return k8s.core.v1.ResourceRequirementsArgs(requests=size.amounts(), limits=size.amounts())


def node_placement(size: PodSize, spot: bool = False) -> dict[str, Any]:
    """Node selector and tolerations: GPUs on nodes labelled with their model, spot on spot nodes.

    The spot label and taint are the operator's convention (docs/kubernetes.md); the kit asks for
    them and tolerates them, it cannot create spot capacity from inside a namespace."""
    selector: dict[str, str] = {}
    tolerations: list[k8s.core.v1.TolerationArgs] = []
    if size.gpus and size.gpu_type:
        selector[GPU_NODE_LABEL] = size.gpu_type
        tolerations.append(k8s.core.v1.TolerationArgs(key=GPU_RESOURCE, operator="Exists", effect="NoSchedule"))
    if spot:
        selector["mlopskit.dev/capacity"] = "spot"
        tolerations.append(k8s.core.v1.TolerationArgs(key="mlopskit.dev/capacity", operator="Equal", value="spot",
                                                      effect="NoSchedule"))
    return {"node_selector": selector or None, "tolerations": tolerations or None}


def restricted_container() -> k8s.core.v1.SecurityContextArgs:
    """Pod Security "restricted": no privilege escalation, every capability dropped, read-only root fs."""
    return k8s.core.v1.SecurityContextArgs(
        allow_privilege_escalation=False, read_only_root_filesystem=True, run_as_non_root=True,
        capabilities=k8s.core.v1.CapabilitiesArgs(drop=["ALL"]),
        seccomp_profile=k8s.core.v1.SeccompProfileArgs(type="RuntimeDefault"))


def restricted_pod() -> k8s.core.v1.PodSecurityContextArgs:
    return k8s.core.v1.PodSecurityContextArgs(
        run_as_non_root=True, run_as_user=RUN_AS_USER, run_as_group=RUN_AS_USER, fs_group=RUN_AS_USER,
        seccomp_profile=k8s.core.v1.SeccompProfileArgs(type="RuntimeDefault"))


def scratch() -> tuple[list[k8s.core.v1.VolumeArgs], list[k8s.core.v1.VolumeMountArgs]]:
    """A writable /tmp: the root filesystem is read-only."""
    return ([k8s.core.v1.VolumeArgs(name="tmp", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs())],
            [k8s.core.v1.VolumeMountArgs(name="tmp", mount_path="/tmp")])


@dataclass(frozen=True)
class PodArgs:
    """One workload's pod: image, command, size and where it may run."""

    role: str
    image: str
    command: list[str]
    size: PodSize
    service_account: str
    env: list[k8s.core.v1.EnvVarArgs]
    spot: bool = False
    pull_secret: str | None = None


def pod_template(ctx: KubernetesContext, args: PodArgs, restart: str = "Never") -> k8s.core.v1.PodTemplateSpecArgs:
    """The pod template every Job, CronJob and monitor runs: restricted, sized, non-root."""
    volumes, mounts = scratch()
    container = k8s.core.v1.ContainerArgs(
        name=args.role, image=args.image, command=args.command, env=args.env, resources=resources(args.size),
        security_context=restricted_container(), volume_mounts=mounts)
    return k8s.core.v1.PodTemplateSpecArgs(
        metadata=k8s.meta.v1.ObjectMetaArgs(labels=ctx.pod_labels(args.role)),
        spec=k8s.core.v1.PodSpecArgs(
            containers=[container], restart_policy=restart, service_account_name=args.service_account,
            automount_service_account_token=False, security_context=restricted_pod(), volumes=volumes,
            image_pull_secrets=[k8s.core.v1.LocalObjectReferenceArgs(name=args.pull_secret)] if args.pull_secret else None,
            **node_placement(args.size, args.spot)))


def child(parent: pulumi.Resource, **extra: Any) -> pulumi.ResourceOptions:
    """Options of a component's child: parented to it (the provider is inherited)."""
    return pulumi.ResourceOptions(parent=parent, **extra)
