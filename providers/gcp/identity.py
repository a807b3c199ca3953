"""Identity: service accounts per workload and per access role, and least-privilege grants.

The abstract permissions map to predefined roles granted on the resource (bucket,
repository, endpoint) by the component owning that resource; this component only
creates the accounts, the narrow custom roles Vertex needs, and the few grants that
have no resource to live on. Vertex AI models and custom jobs have no resource-level
IAM, so those permissions become narrow custom roles on the project (and a warning
says so). Basic roles (owner/editor/viewer) and ``roles/aiplatform.admin`` are never used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_gcp import projects, serviceaccount

from mlopskit.modules.access import AccessRole
from mlopskit.modules.errors import SpecIssue
from mlopskit.modules.naming import short_hash
from mlopskit.providers.gcp.context import GcpContext, Grant, child, role_suffix

TYPE = "mlopskit:gcp:Identity"

# Custom roles: only the Vertex permissions each abstract permission needs.
CUSTOM_ROLES: dict[str, tuple[str, ...]] = {
    "endpointInvoker": ("aiplatform.endpoints.get", "aiplatform.endpoints.predict"),
    "endpointDeployer": (
        "aiplatform.endpoints.get",
        "aiplatform.endpoints.deploy",
        "aiplatform.endpoints.undeploy",
        "aiplatform.endpoints.update",
    ),
    "modelReader": ("aiplatform.models.get", "aiplatform.models.list"),
    "modelRegistrar": ("aiplatform.models.get", "aiplatform.models.list", "aiplatform.models.upload"),
    "modelPromoter": ("aiplatform.models.get", "aiplatform.models.list", "aiplatform.models.update"),
    # Cloud Scheduler and `mlopskit batch run` submit batch jobs that read the model they score.
    "batchSubmitter": (
        "aiplatform.batchPredictionJobs.create",
        "aiplatform.batchPredictionJobs.get",
        "aiplatform.batchPredictionJobs.list",
        "aiplatform.batchPredictionJobs.cancel",
        "aiplatform.models.get",
    ),
    # Vertex AI Experiments: runs' metrics in the stack's TensorBoard, their parameters as
    # metadata-store contexts (permission names from the aiplatform v1 REST reference).
    "experimentReader": (
        "aiplatform.tensorboards.get", "aiplatform.tensorboards.list",
        "aiplatform.tensorboardExperiments.get", "aiplatform.tensorboardExperiments.list",
        "aiplatform.tensorboardRuns.get", "aiplatform.tensorboardRuns.list",
        "aiplatform.tensorboardTimeSeries.get", "aiplatform.tensorboardTimeSeries.list",
        "aiplatform.tensorboardTimeSeries.read",
        "aiplatform.metadataStores.get", "aiplatform.contexts.get", "aiplatform.contexts.list",
    ),
    "experimentWriter": (
        "aiplatform.tensorboards.get",
        "aiplatform.tensorboardExperiments.create", "aiplatform.tensorboardExperiments.get",
        "aiplatform.tensorboardExperiments.write",
        "aiplatform.tensorboardRuns.create", "aiplatform.tensorboardRuns.get", "aiplatform.tensorboardRuns.update",
        "aiplatform.tensorboardTimeSeries.create", "aiplatform.tensorboardTimeSeries.get",
        "aiplatform.metadataStores.get", "aiplatform.contexts.create", "aiplatform.contexts.get",
        "aiplatform.contexts.update",
        # What aiplatform.start_run() calls besides (google-cloud-aiplatform's metadata package):
        # the experiment is found with Context.list, the run joins it with add_context_children,
        # its TensorBoard run is an Artifact (created, looked up, updated) attached with
        # add_context_artifacts_and_executions; the region's `default` store is get_or_create'd
        # (the stack does not create it: providers/gcp/experiments.py).
        "aiplatform.contexts.list", "aiplatform.contexts.addContextChildren",
        "aiplatform.contexts.addContextArtifactsAndExecutions",
        "aiplatform.artifacts.create", "aiplatform.artifacts.get", "aiplatform.artifacts.update",
        "aiplatform.metadataStores.create",
    ),
    # `rollout` watches the endpoint's alert policies (Cloud Monitoring projects.alerts.list),
    # which have no resource-level IAM either (custom-role support of the permission UNCONFIRMED).
    "alertReader": ("monitoring.alerts.list",),
    "trainingSubmitter": (
        "aiplatform.customJobs.create",
        "aiplatform.customJobs.get",
        "aiplatform.customJobs.list",
        "aiplatform.customJobs.cancel",
    ),
}

# permission -> (scope, role). Scopes: artifacts/backups bucket, repository, endpoint,
# project (no resource-level IAM exists), training-sa/serving-sa (act as the workload).
PERMISSION_GRANTS: dict[str, tuple[tuple[str, str], ...]] = {
    "artifacts.read": (("artifacts", "roles/storage.objectViewer"),),
    # Creates objects, never deletes one (objectUser could): as on AWS (s3:PutObject) and Azure
    # (a condition refuses blob deletes). GCS counts an overwrite as a delete, so it creates only.
    "artifacts.write": (("artifacts", "roles/storage.objectCreator"),),
    "models.read": (("project", "custom:modelReader"),),
    "models.register": (("project", "custom:modelRegistrar"),),
    "models.promote": (("project", "custom:modelPromoter"),),
    # `train` and `batch run` read the job bodies `pulumi up` stored (GRANT_FOLDERS) and submit them
    # as the training and batch accounts (tests/fidelity/gcp/test_permissions.py).
    "training.submit": (("project", "custom:trainingSubmitter"), ("training-sa", "roles/iam.serviceAccountUser"),
                        ("artifacts", "roles/storage.objectViewer"), ("project", "custom:batchSubmitter"),
                        ("batch-sa", "roles/iam.serviceAccountUser")),
    "endpoints.invoke": (("endpoint", "custom:endpointInvoker"),),
    "endpoints.deploy": (
        ("endpoint", "custom:endpointDeployer"),
        ("project", "custom:modelReader"),
        ("serving-sa", "roles/iam.serviceAccountUser"),
        ("project", "custom:alertReader"),
    ),
    "logs.read": (("project", "roles/logging.privateLogViewer"),),
    # `backup verify` lists and compares every artifact, restores under restore-check/ and deletes
    # what it restored there (GRANT_FOLDERS): objectCreator could neither list nor delete.
    "backups.restore": (("backups", "roles/storage.objectViewer"), ("artifacts", "roles/storage.objectViewer"),
                        ("artifacts", "roles/storage.objectUser")),
    "experiments.read": (("project", "custom:experimentReader"),),
    "experiments.write": (("project", "custom:experimentWriter"),),
}

# (permission, scope, role) -> the only folders of the bucket the grant covers (an IAM condition).
GRANT_FOLDERS: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("training.submit", "artifacts", "roles/storage.objectViewer"): ("training/", "batch-jobs/"),
    ("backups.restore", "artifacts", "roles/storage.objectUser"): ("restore-check/",),
}

FORBIDDEN_ROLES = frozenset({"roles/owner", "roles/editor", "roles/viewer", "roles/aiplatform.admin"})

WORKLOADS = {
    "training": "Runs Vertex AI custom training jobs",
    "serving": "Runs the models deployed on Vertex AI endpoints",
    "scheduler": "Submits scheduled training jobs from Cloud Scheduler",
}
BATCH_WORKLOAD = "Runs Vertex AI batch prediction jobs"
MONITOR_WORKLOAD = "Runs the kit's monitor jobs (Vertex AI custom jobs) of the endpoints"
# The monitor job's project-level roles: BigQuery runs a query as a job of the project (no
# narrower scope exists for bigquery.jobs.create), and Cloud Monitoring custom metrics are written
# to the project (metricWriter cannot be limited to the contract's metric-type prefix; the job
# writes only custom.googleapis.com/mlopskit/monitor/*, mlopskit/monitor/contract.py).
MONITOR_PROJECT_ROLES = ("roles/bigquery.jobUser", "roles/monitoring.metricWriter")

# Folders of the artifacts bucket each workload's jobs read and write (docs/permissions.md):
# training reads its code and data and writes its outputs (baseOutputDirectory training/<job>/),
# model files and checkpoints; serving reads model files. Never the captures or another job's
# outputs, so a compromised container cannot read what the endpoints captured.
TRAINING_READS = ("code/", "data/")
TRAINING_WRITES = ("training/", "models/", "checkpoints/")
SERVING_READS = ("models/",)


@dataclass
class IdentityArgs:
    """Inputs of the Identity component."""

    prefix: str
    project: str
    account_ids: dict[str, str]  # workload or role name -> service account id
    roles: list[AccessRole] = field(default_factory=list)  # access.roles
    has_backups: bool = False
    batch: bool = False  # the stack has batch jobs: a "batch" account (in account_ids) runs them
    experiments: bool = False  # the stack has a TensorBoard: training jobs log their runs to it
    batch_inputs: tuple[str, ...] = ()  # batch[].input folders
    batch_outputs: tuple[str, ...] = ()  # batch[].output folders
    # The kit monitor jobs' folders (modules/monitor_job.py): baseline, labels and settings they
    # read, the report folders they write; empty: no endpoint has a kit monitor job (no account).
    monitor_reads: tuple[str, ...] = ()
    monitor_writes: tuple[str, ...] = ()


class Identity(pulumi.ComponentResource):
    """Service accounts and grants; ``grants[scope]`` are bound by the resource owners."""

    emails: dict[str, pulumi.Output[str]]
    grants: dict[str, list[Grant]]
    warnings: list[SpecIssue]

    def __init__(self, name: str, args: IdentityArgs, ctx: GcpContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("identity"), opts)
        self.args = args
        self.warnings = []
        self.emails = {}
        self.accounts: dict[str, serviceaccount.Account] = {}
        self.grants = {"artifacts": [], "backups": [], "repository": [], "endpoint": [], "capture": []}
        self._custom: dict[str, projects.IAMCustomRole] = {}
        self._seen: set[tuple[str, ...]] = set()

        for workload, description in WORKLOADS.items():
            self._account(workload, description)
        if args.batch:
            self._account("batch", BATCH_WORKLOAD)
        if args.monitor_writes:
            self._account("monitor", MONITOR_WORKLOAD)
        for role in args.roles:
            self._account(role.name, f"Access role {role.name} (mlopskit)")

        training = self._sa_member("training")
        serving = self._sa_member("serving")
        scheduler = self._sa_member("scheduler")
        # IAM conditions on object name prefixes: each grant covers its folders only.
        self.grants["artifacts"] += [
            Grant(training, "roles/storage.objectViewer", "training", TRAINING_READS),
            Grant(training, "roles/storage.objectUser", "training", TRAINING_WRITES),
            Grant(serving, "roles/storage.objectViewer", "serving", SERVING_READS),
        ]
        self.grants["repository"] += [
            Grant(training, "roles/artifactregistry.reader", "training"),
            Grant(serving, "roles/artifactregistry.reader", "serving"),
        ]
        # Cloud Scheduler creates custom jobs (project scope: custom jobs have no
        # resource-level IAM) that run as the training account.
        self._project_grant(Grant(scheduler, "custom:trainingSubmitter", "scheduler"))
        self._act_as("training", Grant(scheduler, "roles/iam.serviceAccountUser", "scheduler"))
        if args.experiments:
            # Training code logs its runs (TensorBoard and metadata have no resource-level IAM).
            self._project_grant(Grant(training, "custom:experimentWriter", "training"))
        if args.batch:
            # Batch jobs read their inputs and write predictions in their output folders
            # (conditioned grants) and are submitted by the scheduler, which acts as the batch account.
            batch = self._sa_member("batch")
            self.grants["artifacts"] += [
                Grant(batch, "roles/storage.objectViewer", "batch", tuple(dict.fromkeys(args.batch_inputs))),
                Grant(batch, "roles/storage.objectUser", "batch", tuple(dict.fromkeys(args.batch_outputs))),
            ]
            self._project_grant(Grant(scheduler, "custom:batchSubmitter", "scheduler"))
            self._act_as("batch", Grant(scheduler, "roles/iam.serviceAccountUser", "scheduler"))
        if args.monitor_writes:
            self._monitor(scheduler)

        for index, role in enumerate(args.roles):
            self._role(index, role)
        self.register_outputs({"serviceAccounts": self.emails})

    def _monitor(self, scheduler: pulumi.Output[str]) -> None:
        """The monitor account reads the captures (the dataset: Storage binds it), the baseline,
        labels and settings folders, writes only the report folders (objectUser: each run
        overwrites its report, which Cloud Storage counts as a delete), pulls the kit's image and
        writes metrics; the scheduler submits its jobs (trainingSubmitter) acting as it."""
        monitor = self._sa_member("monitor")
        self.grants["artifacts"] += [
            Grant(monitor, "roles/storage.objectViewer", "monitor", self.args.monitor_reads),
            Grant(monitor, "roles/storage.objectUser", "monitor", self.args.monitor_writes),
        ]
        self.grants["repository"].append(Grant(monitor, "roles/artifactregistry.reader", "monitor"))
        self.grants["capture"].append(Grant(monitor, "roles/bigquery.dataViewer", "monitor"))
        for role in MONITOR_PROJECT_ROLES:
            self._project_grant(Grant(monitor, role, "monitor"))
        self._act_as("monitor", Grant(scheduler, "roles/iam.serviceAccountUser", "scheduler"))

    # -- building blocks -------------------------------------------------------------

    def _wanted(self, index: int, role: AccessRole) -> dict[tuple[str, str], tuple[str, ...]]:
        """(scope, role) -> folders for every grant the role's permissions need; one grant per
        scope and role, whole-bucket when any permission needs the whole bucket."""
        wanted: dict[tuple[str, str], tuple[str, ...]] = {}
        for permission in role.permissions:
            for scope, role_ref in PERMISSION_GRANTS[permission]:
                if scope == "backups" and not self.args.has_backups:
                    self.warnings.append(SpecIssue(
                        f"access.roles[{index}].permissions",
                        f"{permission}: the stack has no backups section, so there is no backup bucket to grant on",
                    ))
                    continue
                if scope == "batch-sa" and not self.args.batch:
                    continue  # no batch jobs: no batch account to act as
                folders = GRANT_FOLDERS.get((permission, scope, role_ref), ())
                known = wanted.get((scope, role_ref))
                wanted[(scope, role_ref)] = () if known == () or (known is not None and not folders) else (
                    tuple(dict.fromkeys((*(known or ()), *folders))))
        return wanted

    def _account(self, key: str, description: str) -> None:
        account = serviceaccount.Account(
            f"{self.args.prefix}-identity-{key}",
            account_id=self.args.account_ids[key],
            display_name=f"{self.args.prefix} {key}",
            description=description,
            project=self.args.project,
            opts=child(self),
        )
        self.accounts[key] = account
        self.emails[key] = account.email

    def _sa_member(self, key: str) -> pulumi.Output[str]:
        return self.emails[key].apply(lambda email: f"serviceAccount:{email}")

    def role_name(self, role: str) -> str:
        """The full role name; ``custom:X`` becomes this stack's custom role X (created once)."""
        if not role.startswith("custom:"):
            return role
        short = role.split(":", 1)[1]
        role_id = f"mlopskit_{self.args.prefix.replace('-', '_')}_{short}"
        if short not in self._custom:
            self._custom[short] = projects.IAMCustomRole(
                f"{self.args.prefix}-identity-role-{short.lower()}",
                role_id=role_id,
                project=self.args.project,
                title=f"{self.args.prefix} {short}",
                description=f"mlopskit least-privilege role {short}",
                permissions=list(CUSTOM_ROLES[short]),
                stage="GA",
                opts=child(self),
            )
        return f"projects/{self.args.project}/roles/{role_id}"

    def _project_grant(self, grant: Grant) -> None:
        role = self.role_name(grant.role)
        if (grant.key, role) in self._seen:
            return  # two permissions may need the same role (deploy and read both read models)
        self._seen.add((grant.key, role))
        projects.IAMMember(
            f"{self.args.prefix}-identity-{grant.key}-{role_suffix(role)}",
            project=self.args.project,
            role=role,
            member=grant.member,
            opts=child(self, depends_on=list(self._custom.values())),
        )

    def _act_as(self, workload: str, grant: Grant) -> None:
        if (grant.key, workload) in self._seen:
            return
        self._seen.add((grant.key, workload))
        serviceaccount.IAMMember(
            f"{self.args.prefix}-identity-{grant.key}-actas-{workload}",
            service_account_id=self.accounts[workload].name,
            role=grant.role,
            member=grant.member,
            opts=child(self),
        )

    def _role(self, index: int, role: AccessRole) -> None:
        members: list[tuple[str, pulumi.Input[str]]] = [(f"{role.name}-sa", self._sa_member(role.name))]
        members += [(f"{role.name}-{short_hash(p)}", p) for p in role.principals]
        project_scoped: list[str] = []
        for (scope, role_ref), folders in self._wanted(index, role).items():
            for key, member in members:
                grant = Grant(member, role_ref, key)
                if scope == "project":
                    self._project_grant(grant)
                elif scope.endswith("-sa"):
                    self._act_as(scope.removesuffix("-sa"), grant)
                elif (scope, key, role_ref) not in self._seen:
                    self._seen.add((scope, key, role_ref))
                    self.grants[scope].append(Grant(member, self.role_name(role_ref), key, folders))
        for permission in role.permissions:
            if any(scope == "project" for scope, _ in PERMISSION_GRANTS[permission]) and permission not in project_scoped:
                project_scoped.append(permission)
        if project_scoped:
            self.warnings.append(SpecIssue(
                f"access.roles[{index}].permissions",
                f"{', '.join(project_scoped)}: Vertex AI models, custom jobs and logs have no resource-level IAM "
                f"on GCP, so role {role.name} gets narrow custom/predefined roles on project {self.args.project} "
                "(never a basic role)",
            ))
