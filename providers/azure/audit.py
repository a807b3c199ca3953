"""Audit: diagnostic settings sending control- and data-plane logs to Log Analytics."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import monitor

from mlopskit.providers.azure.context import AzureContext

TYPE = "mlopskit:azure:Audit"


@dataclass
class AuditArgs:
    """Resources to audit: name -> (resource id, category group)."""

    log_analytics_id: pulumi.Input[str]
    targets: dict[str, tuple[pulumi.Input[str], str]] = field(default_factory=dict)


class Audit(pulumi.ComponentResource):
    """One diagnostic setting per audited resource (workspace, vault, blob service, ...)."""

    def __init__(self, name: str, args: AuditArgs, ctx: AzureContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("audit"), opts)
        self.settings: dict[str, monitor.DiagnosticSetting] = {}
        for target, (resource_id, group) in args.targets.items():
            self.settings[target] = monitor.DiagnosticSetting(
                f"{name}-{target}",
                name=f"{ctx.prefix}-audit",
                resource_uri=resource_id,
                workspace_id=args.log_analytics_id,
                # Resource-specific tables: queryable per service, and what alert rules use.
                log_analytics_destination_type="Dedicated",
                logs=[monitor.DiagnosticsLogSettingsArgs(category_group=group, enabled=True)],
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({"diagnosticSettings": {t: s.id for t, s in self.settings.items()}})
