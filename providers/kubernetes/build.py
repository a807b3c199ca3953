"""Registers a whole stack on a Kubernetes cluster in the shape every target shares
(``providers.base.StackBuild``): one component per abstraction, wired through typed Args."""

from __future__ import annotations

import math

import pulumi
import pulumi_kubernetes as k8s

from mlopskit.modules.endpoint import Endpoint as EndpointSpec
from mlopskit.modules.topology import SIGNALS
from mlopskit.providers.base import BatchPlan, EndpointPlan, StackBuild, TrainingPlan, continuous_not_built
from mlopskit.providers.kubernetes.audit import Audit
from mlopskit.providers.kubernetes.autoscaling import Autoscaling, AutoscalingArgs
from mlopskit.providers.kubernetes.backups import Backups, BackupsArgs
from mlopskit.providers.kubernetes.batch import Batch, BatchArgs
from mlopskit.providers.kubernetes.budget import Budget, BudgetArgs
from mlopskit.providers.kubernetes.container_registry import ContainerRegistry, ContainerRegistryArgs
from mlopskit.providers.kubernetes.context import KubernetesContext, PodSize, stack_labels
from mlopskit.providers.kubernetes.endpoint import Endpoint, EndpointArgs
from mlopskit.providers.kubernetes.identity import Identity, IdentityArgs, account_name
from mlopskit.providers.kubernetes.images import batch_image, image_uri
from mlopskit.providers.kubernetes.keys import Keys, KeysArgs
from mlopskit.providers.kubernetes.model_registry import ModelRegistry, ModelRegistryArgs
from mlopskit.providers.kubernetes.monitoring import Monitoring, MonitoringArgs
from mlopskit.providers.kubernetes.namespace import Namespace, NamespaceArgs
from mlopskit.providers.kubernetes.network import NetworkArgs, PrivateNetwork
from mlopskit.providers.kubernetes.storage import ArtifactStore, StorageArgs
from mlopskit.providers.kubernetes.target import NAME, KubernetesPlacement
from mlopskit.providers.kubernetes.training import Training, TrainingArgs

#: The first traffic share of a new revision per strategy (the rest of a rollout is day 2's).
CANARY_START = {"canary": lambda ep: ep.deployment.canary_percent, "linear": lambda ep: ep.deployment.linear_step_percent,
                "blue-green": lambda ep: 0}


class KubernetesBuild(StackBuild):
    """Spec v1 onto KServe, batch/v1, RBAC, NetworkPolicy, Velero and the Prometheus operator."""

    cloud = NAME
    ctx: KubernetesContext

    def start(self) -> KubernetesContext:
        placement = self.stack.placement.of(NAME, KubernetesPlacement)
        if placement is None:
            raise ValueError("placement.kubernetes: required to build on kubernetes")
        self.placement = placement
        self.ctx = ctx = KubernetesContext(self.stack, placement=placement, labels=stack_labels(self.stack))
        provider = k8s.Provider(ctx.name("kubernetes"), context=placement.kube_context, namespace=placement.namespace)
        self.namespace = Namespace(ctx.name("namespace"), NamespaceArgs(protect=self.stack.is_prod), ctx,
                                   pulumi.ResourceOptions(providers=[provider]))
        # Everything else lives in the namespace: it waits for it.
        self.top = pulumi.ResourceOptions(providers=[provider], depends_on=[self.namespace])
        self.sized: list[tuple[PodSize, int]] = []  # every pod size built and its most pods at once
        self.outputs.update({"cluster": placement.cluster, "namespace": placement.namespace,
                             "region": placement.primary_region})
        return ctx

    # -- foundation ---------------------------------------------------------------------
    def foundation(self, endpoints: list[EndpointPlan]) -> None:
        ctx, stack, p = self.ctx, self.stack, self.placement
        Keys(ctx.name("keys"), KeysArgs(stack.encryption.customer_managed_keys), ctx, self.top)
        artifacts = stack.storage.artifacts
        ArtifactStore(ctx.name("artifacts"), StorageArgs(p.artifact_bucket, p.s3_endpoint, p.mlflow_tracking_uri,
                                                         p.image_registry, artifacts.versioning, artifacts.retention_days,
                                                         stack.is_prod), ctx, self.top)
        network = PrivateNetwork(ctx.name("network"), NetworkArgs(stack.network.private), ctx, self.top)
        containers = stack.registry.containers
        ContainerRegistry(ctx.name("images"), ContainerRegistryArgs(p.image_registry, p.pull_secret,
                                                                    containers.scan_on_push, containers.immutable_tags),
                          ctx, self.top)
        ModelRegistry(ctx.name("models"), ModelRegistryArgs(p.mlflow_tracking_uri, stack.registry.models.approval),
                      ctx, self.top)
        identity = Identity(ctx.name("identity"), IdentityArgs(list(stack.access.roles), p.pull_secret), ctx, self.top)
        # A pod names its ServiceAccount: created before it, or the first pods are refused; and no pod
        # runs before the default-deny policy, or its first minutes are unrestricted.
        self.pods = pulumi.ResourceOptions.merge(self.top, pulumi.ResourceOptions(depends_on=[identity, network]))

    # -- workloads ----------------------------------------------------------------------
    def training(self, plan: TrainingPlan) -> None:
        job, ctx = plan.job, self.ctx
        # Issue 31: the continuous pipeline (tuning, evaluation gate, registration) is built on AWS only so
        # far; the CronJob trains once per run, and each continuous-training field the job sets warns.
        continuous_not_built(ctx, plan, "Kubernetes")
        image = image_uri(job.image, self.placement)
        assert image is not None, "checked by KubernetesProvider.cloud_issues"
        self.sized.append((PodSize.of(plan.instance), job.compute.count))
        command = ["python", job.entrypoint, *(part for k, v in sorted(job.hyperparameters.items()) for part in (f"--{k}", v))]
        Training(ctx.name(job.name), TrainingArgs(
            job_name=job.name, image=image, command=command, size=PodSize.of(plan.instance), count=job.compute.count,
            spot=job.compute.spot, max_runtime_minutes=job.max_runtime_minutes, schedule=job.schedule,
            service_account=account_name("training"), env=ctx.store_env(), pull_secret=self.placement.pull_secret,
        ), ctx, self.pods)

    def endpoint(self, plan: EndpointPlan) -> None:
        spec, ctx = plan.spec, self.ctx
        strategy = spec.deployment.strategy
        if strategy == "shadow":
            ctx.warn(f"{plan.path}.deployment.strategy", "unsupported: KServe has no traffic mirroring; deployed "
                     "all-at-once instead")
        capture = self._capture(plan)
        storage = plan.model.reference if plan.model is not None else self._artifact(spec)
        image = image_uri(spec.model.image, self.placement) if spec.model.image is not None else None
        if not plan.awaiting_model:
            self.sized.append((PodSize.of(plan.instance), spec.autoscaling.max_instances))
        # The endpoint is built either way; while its package has no approved version it holds no
        # InferenceService (KServe's predictor needs a model), as every target builds no deployment.
        Endpoint(ctx.name(spec.name), EndpointArgs(
            endpoint_name=spec.name, size=PodSize.of(plan.instance), min_replicas=spec.autoscaling.min_instances,
            max_replicas=spec.autoscaling.max_instances,
            target_rps=max(1, math.ceil(spec.autoscaling.target_invocations_per_instance / 60)),
            canary_percent=CANARY_START[strategy](spec) if strategy in CANARY_START else None,
            model_format=spec.model.format, storage_uri=storage if image is None else None, image=image,
            capture_url=capture, service_account=account_name("serving"), pull_secret=self.placement.pull_secret,
            awaiting_model=plan.awaiting_model), ctx, self.pods)
        if not plan.awaiting_model:
            Autoscaling(ctx.name(spec.name, "scaling"), AutoscalingArgs(
                spec.name, spec.autoscaling.min_instances, spec.autoscaling.max_instances), ctx, self.top)
        self._monitoring(plan, capture is not None)

    def _artifact(self, spec: EndpointSpec) -> str | None:
        """An artifact model's storage URI: as given, or its path in the stack's bucket."""
        if spec.model.artifact_path is not None:
            return f"{self.placement.artifact_bucket.rstrip('/')}/{spec.model.artifact_path}"
        return spec.model.artifact_uri

    def _capture(self, plan: EndpointPlan) -> str | None:
        """Where the request logger posts, when capture is asked for and a sink is declared."""
        if not plan.spec.data_capture.enabled:
            return None
        if self.placement.capture_sink is None:
            self.ctx.warn(f"{plan.path}.dataCapture", "unsupported: no placement.kubernetes.captureSink declared for "
                          "KServe's request logger; nothing is captured")
            return None
        return self.placement.capture_sink

    def _monitoring(self, plan: EndpointPlan, captured: bool) -> None:
        """The endpoint's latency and error alerts. The kit's monitor job is not built on a cluster:
        ``mlopskit.monitor`` has no reader for what KServe's logger stores and no Prometheus publisher
        yet, so a CronJob would fail on every run; each section says so at its path instead."""
        spec, ctx = plan.spec, self.ctx
        for signal in SIGNALS:
            section = getattr(spec.monitoring, signal)
            if section is None or plan.awaiting_model:
                continue  # no model yet: the shared warning at the model version says so
            ctx.warn_unbuilt(f"{plan.path}.monitoring.{signal}", section,
                             "the kit's monitor job cannot run on a cluster yet (no reader for KServe's logged "
                             "requests, no Prometheus publisher in mlopskit.monitor)" if captured else
                             "nothing is captured on this cluster (dataCapture), so a monitor job has nothing to read",
                             "run `mlopskit monitor run` on exported captures (docs/kubernetes.md)")
        alarms = spec.monitoring.alarms
        Monitoring(ctx.name(spec.name, "monitoring"), MonitoringArgs(
            endpoint_name=spec.name, latency_p99_ms=alarms.latency_p99_ms, error_rate_percent=alarms.error_rate_percent,
            notify=list(spec.monitoring.notify), auto_rollback=bool(spec.deployment.auto_rollback)), ctx, self.pods)

    def batch(self, plan: BatchPlan) -> None:
        job, ctx = plan.job, self.ctx
        assert plan.model is not None
        self.sized.append((PodSize.of(plan.instance), job.compute.count))
        env = [*ctx.store_env(), k8s.core.v1.EnvVarArgs(name="MODEL_URI", value=plan.model.reference),
               k8s.core.v1.EnvVarArgs(name="BATCH_INPUT", value=job.input),
               k8s.core.v1.EnvVarArgs(name="BATCH_OUTPUT", value=job.output),
               k8s.core.v1.EnvVarArgs(name="BATCH_FORMAT", value=job.format)]
        Batch(ctx.name(job.name), BatchArgs(
            job_name=job.name, image=batch_image(self.placement),
            size=PodSize.of(plan.instance), count=job.compute.count, max_runtime_minutes=job.max_runtime_minutes,
            schedule=job.schedule, service_account=account_name("batch"), env=env, pull_secret=self.placement.pull_secret,
        ), ctx, self.pods)

    # -- what spans the stack -------------------------------------------------------------
    def finish(self) -> None:
        stack, ctx = self.stack, self.ctx
        if stack.backups is not None:
            Backups(ctx.name("backups"), BackupsArgs(stack.backups.schedule, stack.backups.retention_days,
                                                     self.placement.backup_location, stack.is_prod), ctx, self.top)
        Audit(ctx.name("audit"), ctx, self.top)
        if stack.budget is not None:
            cpu, memory, gpus = self._quota()
            Budget(ctx.name("budget"), BudgetArgs(stack.budget.monthly_limit_usd,
                                                  [int(t) for t in stack.budget.alert_thresholds_percent],
                                                  cpu, memory, gpus), ctx, self.top)

    def _quota(self) -> tuple[int, int, int]:
        """The namespace's ceiling: every pod the stack builds at its maximum scale (its own pods must
        fit); rounded up to whole vCPUs and GiB."""
        sizes = self.sized
        cpu = sum(size.cpu * count for size, count in sizes)
        memory = sum(size.memory_gib * count for size, count in sizes)
        gpus = sum(size.gpus * count for size, count in sizes)
        return cpu, math.ceil(memory), gpus

