"""The kit's own monitor job of one endpoint on Azure ML (docs/monitoring.md): an Azure ML schedule
creating a command job that runs ``python -m mlopskit.monitor`` on a scale-to-zero AmlCompute
cluster, and an Azure Monitor metric alert on each published metric with a threshold.

Why a command job schedule: it is the job service the kit already uses for training (a cron
schedule creating a command job on the stack's cluster, in its managed network). The job's code
is the monitor package alone, uploaded as a code asset as training code is; its libraries come
from the kit's image (``mlopskit/monitor/Dockerfile``) in the stack's own container registry: an
Azure ML environment built from a package index cannot be built from a private workspace, and the
image needs no outbound access at run time. Until the image is pushed, runs fail to start.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import machinelearningservices as ml, monitor

from mlopskit.modules import monitor_job
from mlopskit.modules.endpoint import Endpoint
from mlopskit.monitor import contract
from mlopskit.providers.azure import names
from mlopskit.providers.azure.code import MONITOR_CODE, CodeUpload, archive_asset
from mlopskit.providers.azure.context import AzureContext
from mlopskit.providers.azure.storage import CONTAINER
from mlopskit.providers.azure.training import ClusterArgs, cluster
from mlopskit.providers.packaging import monitor_archive

TYPE = "mlopskit:azure:MonitorJob"
#: The kit's image in the stack's registry (docs/monitoring.md says how to build and push it).
IMAGE_REPOSITORY = "mlopskit-monitor"
IMAGE_TAG = "0.1.0"
#: Where the job's inputs are mounted and its report written (contract.PATH_OVERRIDES point there).
ROOT = "/mnt/monitor"
#: The datastore Azure ML creates with every workspace over its default blob container, where the
#: data collector writes: ``modelDataCollector/<endpoint>/<deployment>/<collection>/yyyy/MM/dd/HH/``
#: (how-to-collect-production-data). NOT confirmed against a stored page here: the path is the one
#: Microsoft's data collection docs give for payload logging to the workspace's blob store.
CAPTURE_DATASTORE = "workspaceblobstore"
CAPTURE_FOLDER = "modelDataCollector/"
#: Azure Monitor metric alert windows (MetricAlert windowSize accepts PT1M..PT1H, PT6H, PT12H, P1D;
#: evaluationFrequency at most PT1H): a daily job's value is looked for over a day, every hour.
_WINDOW = {"hourly": "PT1H", "daily": "P1D"}


@dataclass(frozen=True)
class MonitorJobArgs:
    """One endpoint's job: its Azure ML endpoint name, where it runs, as whom, who is told."""

    endpoint: Endpoint
    endpoint_name: str  # the online endpoint's physical name (the data collector's folder)
    deployment_name: str  # the live deployment (the collector writes one folder per deployment)
    stack_name: str
    workspace_name: pulumi.Input[str]
    workspace_id: pulumi.Input[str]  # the resource the custom metrics attach to (and the alerts' scope)
    vm_size: str  # the job's cluster size, resolved in the region
    private: bool
    identity_id: pulumi.Input[str]
    identity_client_id: pulumi.Input[str]
    registry_login_server: pulumi.Input[str]
    action_group_id: pulumi.Input[str] | None


def image_uri(login_server: pulumi.Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.concat(login_server, f"/{IMAGE_REPOSITORY}:{IMAGE_TAG}")


def captures_uri(endpoint_name: str, deployment_name: str) -> str:
    """The live deployment's collector folder (model_inputs and model_outputs below it)."""
    return f"azureml://datastores/{CAPTURE_DATASTORE}/paths/{CAPTURE_FOLDER}{endpoint_name}/{deployment_name}/"


def input_folders(spec: Endpoint) -> dict[str, str]:
    """Job input name -> artifacts-container folder (besides the captures)."""
    folders = {"baseline": monitor_job.baseline_prefix(spec), "config": monitor_job.config_key(spec).rpartition("/")[0] + "/"}
    labels = monitor_job.labels_prefix(spec)
    if labels is not None:
        folders["labels"] = labels
    return folders


def environment(args: MonitorJobArgs, location: str) -> dict[str, pulumi.Input[str]]:
    """The entry point's variables (contract.ENV): Azure Monitor publisher on the workspace, whose
    region names the ingestion host."""
    return {
        "MONITOR_TARGET": "azure", "MONITOR_STACK": args.stack_name, "MONITOR_ENDPOINT": args.endpoint.name,
        "MONITOR_CAPTURE_FORMAT": "azure", "MONITOR_ROOT": ROOT,
        "MONITOR_AZURE_RESOURCE_ID": args.workspace_id, "MONITOR_AZURE_REGION": location,
        # DefaultAzureCredential picks the user-assigned identity by its client id (azure-identity).
        "AZURE_CLIENT_ID": args.identity_client_id, "OMP_NUM_THREADS": "1",
    }


def command(spec: Endpoint) -> str:
    """Each mounted input's path into the contract's variable, then the entry point. Azure ML
    substitutes ``${{inputs.x}}``/``${{outputs.x}}`` in a command job's command (as training's flags
    use it); whether it also substitutes them in environment variables is NOT confirmed, so the
    command sets the path variables itself (``env`` runs without a shell)."""
    paths = {"MONITOR_CAPTURES": "${{inputs.captures}}", "MONITOR_BASELINE": "${{inputs.baseline}}",
             "MONITOR_CONFIG": "${{inputs.config}}/monitor.json", "MONITOR_REPORT": "${{outputs.report}}"}
    if monitor_job.labels_prefix(spec) is not None:
        paths["MONITOR_LABELS"] = "${{inputs.labels}}"
    assigned = " ".join(f"{k}={v}" for k, v in paths.items())
    return f"env {assigned} python -m mlopskit.monitor"


def compute_name(endpoint: str) -> str:
    """The job's own cluster (never a training or batch job's name: those carry no ``monitor-``)."""
    return names.compute(f"monitor-{endpoint}")


def job_definition(args: MonitorJobArgs, location: str, code_id: pulumi.Input[str],
                   environment_id: pulumi.Input[str], compute_id: pulumi.Input[str], prefix: str) -> ml.CommandJobArgs:
    spec = args.endpoint
    read = lambda uri: ml.UriFolderJobInputArgs(job_input_type="uri_folder", uri=uri, mode="ReadOnlyMount")  # noqa: E731
    inputs = {"captures": read(captures_uri(args.endpoint_name, args.deployment_name)),
              **{name: read(names.batch_datastore_path(folder)) for name, folder in input_folders(spec).items()}}
    return ml.CommandJobArgs(
        job_type="Command",
        command=command(spec),
        code_id=code_id,
        environment_id=environment_id,
        environment_variables=environment(args, location),
        compute_id=compute_id,
        experiment_name=f"monitor-{spec.name}",
        display_name=f"{prefix} {spec.name} monitor",
        inputs=inputs,
        outputs={"report": ml.UriFolderJobOutputArgs(
            job_output_type="uri_folder", uri=names.batch_datastore_path(monitor_job.report_prefix(spec)),
            mode="ReadWriteMount")},
        limits=ml.CommandJobLimitsArgs(
            job_limits_type="Command", timeout=f"PT{monitor_job.MAX_RUNTIME_S[monitor_job.schedule(spec)] // 60}M"),
        resources=ml.JobResourceConfigurationArgs(instance_count=1),
        identity=ml.ManagedIdentityArgs(identity_type="Managed", resource_id=args.identity_id),
        tags={"stack": prefix, "endpoint": spec.name, monitor_job.SIGNALS_TAG: monitor_job.signals_tag(spec)},
    )


def alert_name(endpoint_name: str, alarm: monitor_job.MonitorAlarm) -> str:
    return f"{endpoint_name}-monitor-{alarm.slug}"


def criterion(args: MonitorJobArgs, alarm: monitor_job.MonitorAlarm) -> monitor.MetricCriteriaArgs:
    """What the alert on ``alarm`` watches: the contract's namespace, metric name and dimensions.
    A facet's values are data (per_series): ``*`` splits the alert per value, each judged alone."""
    values = {"Stack": args.stack_name, "Endpoint": args.endpoint.name}
    dimensions = [monitor.MetricDimensionArgs(name=name, operator="Include", values=[values.get(name, "*")])
                  for name in contract.published_dimensions("azure", alarm.metric)]
    return monitor.MetricCriteriaArgs(
        criterion_type="StaticThresholdCriterion",
        name=alarm.slug,
        metric_namespace=contract.published_namespace("azure"),
        metric_name=contract.published_name("azure", alarm.metric),
        dimensions=dimensions,
        operator="LessThan" if alarm.below else "GreaterThan",
        threshold=alarm.threshold,
        time_aggregation="Minimum" if alarm.below else "Maximum",
        # The metric exists only once the job has published it: skipMetricValidation "allows creating
        # an alert rule on a custom metric that isn't yet emitted" (MetricCriteria, Azure Monitor
        # SDK reference, learn.microsoft.com). metricNamespace/metricName/dimensions: the same page.
        skip_metric_validation=True,
    )


def settings_upload(name: str, spec: Endpoint, stack_name: str, account: str, parent: pulumi.Resource) -> CodeUpload:
    """``monitor.json`` in the endpoint's config folder of the artifacts container (as on AWS)."""
    text = json.dumps(monitor_job.settings(stack_name, spec), sort_keys=True)
    return CodeUpload(f"{name}-config-code-upload", {
        "accountUrl": f"https://{account}.blob.core.windows.net/", "container": CONTAINER,
        "prefix": monitor_job.config_key(spec).rpartition("/")[0] + "/", "archive": "",
        "files": {"monitor.json": text}, "sha256": hashlib.sha256(text.encode()).hexdigest(),
    }, pulumi.ResourceOptions(parent=parent))


class MonitorJob(pulumi.ComponentResource):
    """The settings file, the monitor's code, the kit's image as an environment, the schedule, the alerts."""

    def __init__(self, name: str, args: MonitorJobArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("monitor"), opts)
        spec = args.endpoint
        account = names.storage_account(ctx.prefix)
        # Scale to zero between runs: one node for at most the run's time limit per schedule tick.
        self.compute = cluster(f"{name}-cluster", compute_name(spec.name), ClusterArgs(
            args.vm_size, False, 1, args.private, args.workspace_name, args.identity_id), ctx, self)
        self.config = settings_upload(name, spec, args.stack_name, account, self)
        self.code = archive_asset(name, f"{MONITOR_CODE}-{spec.name}", f"{MONITOR_CODE}/{spec.name}", monitor_archive(),
                                  account, CONTAINER, args.workspace_name, ctx, self)
        self.environment = ml.EnvironmentVersion(
            f"{name}-environment",
            name=f"{IMAGE_REPOSITORY}-{spec.name}",
            version=IMAGE_TAG.replace(".", "-"),
            workspace_name=args.workspace_name,
            resource_group_name=ctx.resource_group_name,
            properties=ml.EnvironmentVersionPropertiesArgs(
                image=image_uri(args.registry_login_server), os_type="Linux",
                description="the kit's monitor image (mlopskit/monitor/Dockerfile), pushed to the stack's registry"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        definition = job_definition(args, ctx.location, self.code.id, self.environment.id, self.compute.id, ctx.prefix)
        self.schedule = ml.Schedule(
            f"{name}-schedule",
            name=names.monitor_schedule(args.endpoint_name, "monitor"),
            workspace_name=args.workspace_name,
            resource_group_name=ctx.resource_group_name,
            properties=ml.SchedulePropertiesArgs(
                display_name=f"{ctx.prefix} {spec.name} monitor job",
                is_enabled=True,
                trigger=ml.CronTriggerArgs(trigger_type="Cron", expression=monitor_job.CRON[monitor_job.schedule(spec)],
                                           time_zone="UTC"),
                action=ml.JobScheduleActionArgs(action_type="CreateJob", job_definition=definition),
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.config]),
        )
        self.alerts = [self._alert(name, args, alarm, ctx) for alarm in monitor_job.alarms(spec)]
        self.register_outputs({"scheduleId": self.schedule.id, "alertIds": [a.id for a in self.alerts]})

    def _alert(self, name: str, args: MonitorJobArgs, alarm: monitor_job.MonitorAlarm, ctx: AzureContext) -> monitor.MetricAlert:
        schedule = monitor_job.schedule(args.endpoint)
        return monitor.MetricAlert(
            f"{name}-{alarm.slug}",
            rule_name=alert_name(args.endpoint_name, alarm),
            resource_group_name=ctx.resource_group_name,
            location="global",
            description=f"{alarm.metric} of {args.endpoint.name} {'below' if alarm.below else 'above'} "
                        f"{alarm.threshold:g} (the kit's monitor job)",
            severity=2,
            enabled=True,
            scopes=[args.workspace_id],
            evaluation_frequency="PT1H",
            window_size=_WINDOW[schedule],
            # No value in the window (no run, no labels yet) is no verdict: the alert resolves itself.
            auto_mitigate=True,
            criteria=monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs(
                odata_type="Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                all_of=[criterion(args, alarm)],
            ),
            actions=[monitor.MetricAlertActionArgs(action_group_id=args.action_group_id)] if args.action_group_id else [],
            tags=ctx.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
