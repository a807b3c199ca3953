"""Log Analytics + Application Insights, and per endpoint: alerts, action group, drift monitor."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import applicationinsights, machinelearningservices as ml, monitor, operationalinsights

from mlopskit.modules.endpoint import Explainability
from mlopskit.providers.azure import names
from mlopskit.providers.azure.context import AzureContext
from mlopskit.providers.azure.limits import LOG_RETENTION_RANGE

TYPE = "mlopskit:azure:Monitoring"
ENDPOINT_TYPE = "mlopskit:azure:EndpointMonitoring"
ENDPOINT_NAMESPACE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
# The serverless Spark size the monitors run on (priced per run in providers/azure/cost.py).
SPARK_INSTANCE = "standard_e4s_v3"


@dataclass(frozen=True)
class MonitoringArgs:
    """How long logs are kept and whether they are reachable from the internet."""

    retention_days: int
    private: bool
    protect: bool = False  # prod: the workspace holds the audit and traffic logs


class Monitoring(pulumi.ComponentResource):
    """The stack's Log Analytics workspace (audit + traffic logs) and Application Insights."""

    def __init__(self, name: str, args: MonitoringArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("log_analytics"), opts)
        low, high = LOG_RETENTION_RANGE
        retention = max(low, min(args.retention_days, high))
        access = "Disabled" if args.private else "Enabled"
        self.workspace = operationalinsights.Workspace(
            f"{name}-logs",
            workspace_name=names.log_analytics(ctx.prefix),
            resource_group_name=ctx.resource_group_name,
            location=ctx.location,
            sku=operationalinsights.WorkspaceSkuArgs(name="PerGB2018"),
            retention_in_days=retention,
            # Queries still work from the portal through Azure Monitor private link scopes;
            # ingestion from Azure services is unaffected.
            public_network_access_for_query=access,
            public_network_access_for_ingestion="Enabled",
            tags=ctx.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        self.app_insights = applicationinsights.Component(
            f"{name}-appinsights",
            resource_name_=f"appi-{ctx.prefix}",
            resource_group_name=ctx.resource_group_name,
            location=ctx.location,
            kind="web",
            application_type="web",
            workspace_resource_id=self.workspace.id,
            ingestion_mode="LogAnalytics",
            # Entra ID only: no instrumentation-key ingestion from arbitrary clients.
            disable_local_auth=True,
            disable_ip_masking=False,
            retention_in_days=retention,
            public_network_access_for_query=access,
            tags=ctx.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"logAnalyticsId": self.workspace.id, "appInsightsId": self.app_insights.id})


@dataclass(frozen=True)
class EndpointMonitoringArgs:
    """Alarms, who is notified, and drift monitoring of one online endpoint."""

    endpoint_name: str  # physical name (the traffic log's EndpointName)
    endpoint_id: pulumi.Input[str]
    deployment_name: str
    latency_p99_ms: int | None
    error_rate_percent: float | None
    notify: tuple[str, ...]
    log_analytics_id: pulumi.Input[str]
    drift_schedule: str | None  # hourly | daily | None
    workspace_name: pulumi.Input[str]
    monitor_identity_id: pulumi.Input[str]
    explainability: Explainability | None = None  # monitoring.explainability


class EndpointMonitoring(pulumi.ComponentResource):
    """Alert rules day-2 tooling watches during a rollout, and the drift monitor schedule."""

    def __init__(self, name: str, args: EndpointMonitoringArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(ENDPOINT_TYPE, name, ctx.realises("monitoring"), opts)
        self.action_group: monitor.ActionGroup | None = None
        if args.notify:
            self.action_group = monitor.ActionGroup(
                f"{name}-notify",
                action_group_name=f"ag-{args.endpoint_name}",
                resource_group_name=ctx.resource_group_name,
                location="global",
                group_short_name=names.action_group_short(args.endpoint_name),
                enabled=True,
                email_receivers=[
                    monitor.MicrosoftCommonEmailReceiverArgs(name=f"email-{i}", email_address=email, use_common_alert_schema=True)
                    for i, email in enumerate(args.notify)
                ],
                tags=ctx.tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
        action_ids = [self.action_group.id] if self.action_group else []
        self.alerts: dict[str, pulumi.CustomResource] = {}
        if args.latency_p99_ms is not None:
            self.alerts["latency"] = monitor.MetricAlert(
                f"{name}-latency",
                rule_name=f"{args.endpoint_name}-latency-p99",
                resource_group_name=ctx.resource_group_name,
                location="global",
                description=f"p99 latency above {args.latency_p99_ms} ms",
                severity=2,
                enabled=True,
                scopes=[args.endpoint_id],
                evaluation_frequency="PT1M",
                window_size="PT5M",
                auto_mitigate=True,
                criteria=monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs(
                    odata_type="Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                    all_of=[monitor.MetricCriteriaArgs(
                        criterion_type="StaticThresholdCriterion",
                        name="latency-p99",
                        metric_namespace=ENDPOINT_NAMESPACE,
                        metric_name="RequestLatency_P99",
                        operator="GreaterThan",
                        threshold=args.latency_p99_ms,
                        time_aggregation="Average",
                    )],
                ),
                actions=[monitor.MetricAlertActionArgs(action_group_id=i) for i in action_ids],
                tags=ctx.tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
        if args.error_rate_percent is not None:
            # Azure publishes request counts, not an error rate: a log alert computes the
            # percentage of 5xx responses from the endpoint's traffic log (sent to Log
            # Analytics by the audit diagnostic setting).
            query = (
                "AmlOnlineEndpointTrafficLog\n"
                f"| where EndpointName == \"{args.endpoint_name}\"\n"
                "| summarize total = count(), errors = countif(toint(ResponseCode) >= 500)\n"
                "| extend errorRatePercent = iff(total == 0, 0.0, 100.0 * errors / total)"
            )
            self.alerts["errors"] = monitor.ScheduledQueryRule(
                f"{name}-errors",
                rule_name=f"{args.endpoint_name}-error-rate",
                resource_group_name=ctx.resource_group_name,
                location=ctx.location,
                kind="LogAlert",
                description=f"5xx error rate above {args.error_rate_percent:g}%",
                severity=1,
                enabled=True,
                scopes=[args.log_analytics_id],
                evaluation_frequency="PT5M",
                window_size="PT5M",
                auto_mitigate=True,
                criteria=monitor.ScheduledQueryRuleCriteriaArgs(all_of=[monitor.ConditionArgs(
                    query=query,
                    time_aggregation="Maximum",
                    metric_measure_column="errorRatePercent",
                    operator="GreaterThan",
                    threshold=args.error_rate_percent,
                    failing_periods=monitor.ConditionFailingPeriodsArgs(
                        number_of_evaluation_periods=1, min_failing_periods_to_alert=1,
                    ),
                )]),
                actions=monitor.ActionsArgs(action_groups=action_ids),
                tags=ctx.tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.drift: ml.Schedule | None = None
        if args.drift_schedule is not None:
            self.drift = self._drift(name, args, ctx)
        self.explainability: ml.Schedule | None = None
        if args.explainability is not None:
            self.explainability = self._explainability(name, args, ctx)
        self.register_outputs({
            "alertRuleIds": {kind: alert.id for kind, alert in self.alerts.items()},
            "actionGroupId": self.action_group.id if self.action_group else None,
        })

    def _drift(self, name: str, args: EndpointMonitoringArgs, ctx: AzureContext) -> ml.Schedule:
        hourly = args.drift_schedule == "hourly"
        # The data collector registers captured inputs as `<endpoint>-<deployment>-model_inputs`;
        # the reference is the same stream one window earlier (no training set is named in the
        # spec), so the signal flags a change in the live input distribution.
        captured = _captured(args, "model_inputs")
        window = _window(hourly)
        threshold = ml.MonitoringThresholdArgs(value=0.1)
        signal = ml.DataDriftMonitoringSignalArgs(
            signal_type="DataDrift",
            production_data=ml.RollingInputDataArgs(
                input_data_type="Rolling", job_input_type="uri_folder", uri=captured,
                data_context="model_inputs", window_offset="P0D", window_size=window,
            ),
            reference_data=ml.RollingInputDataArgs(
                input_data_type="Rolling", job_input_type="uri_folder", uri=captured,
                data_context="model_inputs", window_offset=window, window_size="P7D",
            ),
            metric_thresholds=[
                ml.NumericalDataDriftMetricThresholdArgs(
                    data_type="Numerical", metric="JensenShannonDistance", threshold=threshold,
                ),
                ml.CategoricalDataDriftMetricThresholdArgs(
                    data_type="Categorical", metric="JensenShannonDistance", threshold=threshold,
                ),
            ],
        )
        return self._schedule(f"{name}-drift", names.monitor_schedule(args.endpoint_name, "drift"),
                              f"{args.endpoint_name} data drift",
                              hourly, {"data-drift": signal}, args, ctx)

    def _explainability(self, name: str, args: EndpointMonitoringArgs, ctx: AzureContext) -> ml.Schedule:
        """A feature-attribution drift signal: the attributions on the captured requests and
        predictions against the baseline data's, alerting when their nDCG falls below the threshold."""
        spec = args.explainability
        assert spec is not None
        hourly = spec.schedule == "hourly"
        window = _window(hourly)
        production = [ml.RollingInputDataArgs(input_data_type="Rolling", job_input_type="uri_folder",
                                              uri=_captured(args, context), data_context=context,
                                              window_offset="P0D", window_size=window)
                      for context in ("model_inputs", "model_outputs")]
        signal = ml.FeatureAttributionDriftMonitoringSignalArgs(
            signal_type="FeatureAttributionDrift",
            production_data=production,
            # The baseline folder of the artifacts container, through the workspace datastore, read
            # as an MLTable (its folder holds an MLTable file) as Microsoft's docs, SDK sample and
            # the azureml-assets component (baseline_data: mltable) read it; the label column is
            # named on the reference data, where the signal looks for it. Not confirmed: model
            # monitoring documents credential-based (SAS) datastores only, and `artifacts` is
            # identity-based (docs/lifecycle.md).
            reference_data=ml.FixedInputDataArgs(input_data_type="Fixed", job_input_type="mltable",
                                                 uri=names.batch_datastore_path(spec.baseline), data_context="training",
                                                 columns={"target_column": spec.label}),
            feature_importance_settings=ml.FeatureImportanceSettingsArgs(mode="Enabled", target_column=spec.label),
            metric_threshold=ml.FeatureAttributionMetricThresholdArgs(
                metric="NormalizedDiscountedCumulativeGain", threshold=ml.MonitoringThresholdArgs(value=spec.threshold)),
        )
        return self._schedule(f"{name}-explainability", names.monitor_schedule(args.endpoint_name, "explainability"),
                              f"{args.endpoint_name} feature attribution drift", hourly,
                              {"feature-attribution-drift": signal}, args, ctx)

    def _schedule(self, name: str, schedule_name: str, display: str, hourly: bool, signals: dict[str, object],
                  args: EndpointMonitoringArgs, ctx: AzureContext) -> ml.Schedule:
        """An Azure ML schedule creating a monitor with ``signals`` on serverless Spark, as the
        monitoring identity, every hour or every day at 02:00 UTC."""
        return ml.Schedule(
            name,
            name=schedule_name,
            resource_group_name=ctx.resource_group_name,
            workspace_name=args.workspace_name,
            properties=ml.SchedulePropertiesArgs(
                display_name=display,
                is_enabled=True,
                trigger=ml.RecurrenceTriggerArgs(
                    trigger_type="Recurrence",
                    frequency="Hour" if hourly else "Day",
                    interval=1,
                    schedule=None if hourly else ml.RecurrenceScheduleArgs(hours=[2], minutes=[0]),
                    time_zone="UTC",
                ),
                action=ml.CreateMonitorActionArgs(
                    action_type="CreateMonitor",
                    monitor_definition=ml.MonitorDefinitionArgs(
                        compute_configuration=ml.MonitorServerlessSparkComputeArgs(
                            compute_type="ServerlessSpark",
                            instance_type=SPARK_INSTANCE,
                            runtime_version="3.4",
                            compute_identity=ml.ManagedComputeIdentityArgs(
                                compute_identity_type="ManagedIdentity",
                                identity=ml.ManagedServiceIdentityArgs(
                                    type="UserAssigned", user_assigned_identities=[args.monitor_identity_id],
                                ),
                            ),
                        ),
                        signals=signals,  # the signal Args classes of the callers
                        alert_notification_settings=ml.MonitorNotificationSettingsArgs(
                            email_notification_settings=ml.MonitorEmailNotificationSettingsArgs(emails=list(args.notify)),
                        ) if args.notify else None,
                    ),
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )


def _captured(args: EndpointMonitoringArgs, context: str) -> str:
    """The data asset the deployment's data collector registers for ``context`` (model_inputs,
    model_outputs): ``<endpoint>-<deployment>-<context>``."""
    return f"azureml:{args.endpoint_name}-{args.deployment_name}-{context}:1"


def _window(hourly: bool) -> str:
    return "PT1H" if hourly else "P1D"
