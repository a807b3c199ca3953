"""A Vertex AI endpoint: CMEK, Private Service Connect when private, request/response capture.

Data capture is Vertex's request/response logging into a BigQuery table of the stack's capture
dataset (storage.py: CMEK-encrypted, rows expire after the compliance retention), sampled at
the spec's rate. Traffic and replicas live on the deployed model (see autoscaling.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_gcp import vertex

from mlopskit.providers.gcp.context import GcpContext, Grant, child, role_suffix
from mlopskit.providers.gcp.storage import capture_table

TYPE = "mlopskit:gcp:Endpoint"


@dataclass
class EndpointArgs:
    """Inputs of the Endpoint component."""

    prefix: str
    endpoint_name: str  # spec name
    endpoint_id: str  # deterministic numeric Vertex endpoint id
    project: str
    region: str
    kms_key: pulumi.Input[str] | None
    private: bool  # network.private
    capture: bool  # dataCapture.enabled
    sampling_percent: int  # dataCapture.samplingPercent
    capture_dataset: pulumi.Input[str] | None  # the stack's capture dataset (storage.py), None without endpoints
    labels: dict[str, str] = field(default_factory=dict)  # rollout facts for day-2 tooling
    grants: list[Grant] = field(default_factory=list)
    psc_network: pulumi.Input[str] | None = None  # the stack's VPC (projects/<p>/global/networks/<n>)
    streaming: bool = False  # endpoints[].streaming


class Endpoint(pulumi.ComponentResource):
    """``resource_name`` is ``projects/<p>/locations/<r>/endpoints/<id>``."""

    resource_name: pulumi.Output[str]

    def __init__(self, name: str, args: EndpointArgs, ctx: GcpContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("endpoint"), opts)
        # Vertex AI streams (streamRawPredict, SSE) from dedicated public endpoints and Private
        # Service Connect ones, not from the shared public one ("Choose an endpoint type").
        self.dedicated = args.streaming and not args.private
        logging_config = None
        self.capture_table: pulumi.Output[str] | None = None
        if args.capture and args.capture_dataset is not None:
            # The full table form: Vertex creates the table in the existing dataset ("When the
            # full table reference is specified, the Dataset must exist and table must not exist").
            table = capture_table(args.endpoint_name)
            output_uri = pulumi.Output.concat("bq://", args.project, ".", args.capture_dataset, ".", table)
            self.capture_table = output_uri
            logging_config = vertex.AiEndpointPredictRequestResponseLoggingConfigArgs(
                enabled=True,
                sampling_rate=args.sampling_percent / 100,
                bigquery_destination=vertex.AiEndpointPredictRequestResponseLoggingConfigBigqueryDestinationArgs(
                    output_uri=output_uri,
                ),
            )
        endpoint = vertex.AiEndpoint(
            f"{args.prefix}-{args.endpoint_name}-endpoint",
            name=args.endpoint_id,
            display_name=f"{args.prefix}-{args.endpoint_name}",
            description=f"mlopskit endpoint {args.endpoint_name}",
            project=args.project,
            location=args.region,
            region=args.region,
            labels=args.labels,
            encryption_spec=vertex.AiEndpointEncryptionSpecArgs(kms_key_name=args.kms_key) if args.kms_key is not None else None,
            # Private Service Connect, not VPC peering: a peered endpoint holds one model
            # only, and rollouts need two side by side. Only this project may connect, and
            # PSC automation creates the consumer forwarding rule in the stack's VPC.
            private_service_connect_config=(
                vertex.AiEndpointPrivateServiceConnectConfigArgs(
                    enable_private_service_connect=True, project_allowlists=[args.project],
                    psc_automation_configs=[vertex.AiEndpointPrivateServiceConnectConfigPscAutomationConfigArgs(
                        project_id=args.project, network=args.psc_network,
                    )] if args.psc_network is not None else None,
                )
                if args.private
                else None
            ),
            predict_request_response_logging_config=logging_config,
            # A dedicated endpoint answers on its own DNS name only, not the regional one.
            dedicated_endpoint_enabled=True if self.dedicated else None,
            opts=child(self),
        )
        for grant in args.grants:
            vertex.AiEndpointIamMember(
                f"{args.prefix}-{args.endpoint_name}-iam-{grant.key}-{role_suffix(grant.role)}",
                project=args.project,
                location=args.region,
                endpoint=endpoint.name,
                role=grant.role,
                member=grant.member,
                opts=child(self),
            )
        self.endpoint = endpoint
        self.resource_name = pulumi.Output.concat("projects/", args.project, "/locations/", args.region, "/endpoints/", endpoint.name)
        # A dedicated endpoint answers on its own DNS name only: clients need it to call it at all.
        self.dedicated_dns = endpoint.dedicated_endpoint_dns if self.dedicated else None
        self.register_outputs({"endpoint": self.resource_name, "captureTable": self.capture_table,
                               **({"dedicatedEndpointDns": self.dedicated_dns} if self.dedicated else {})})
