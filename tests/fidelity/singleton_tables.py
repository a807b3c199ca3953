"""Each cloud's singletons (tests/fidelity/singletons.py) and the types whose identity the
cloud assigns (two stacks never collide on them, whatever their inputs)."""

from __future__ import annotations

from mlopskit.modules.graph import RecordedResource
from tests.fidelity.singletons import NEVER, OPT_IN, RETAIN, Singleton, adopts


def _own_scope(resource: RecordedResource) -> str | None:
    """A diagnostic setting is one per (target, name): on the stack's own resources it is the
    stack's; on the subscription (or anything outside the stack's resource group) it is shared."""
    uri = str(resource.inputs.get("resourceUri", ""))
    return None if "/resourceGroups/" in uri else f"a diagnostic setting of a shared resource ({uri})"


SINGLETONS: dict[str, dict[str, Singleton]] = {
    "gcp": {
        "gcp:vertex/aiMetadataStore:AiMetadataStore": Singleton("project and region (the `default` store)", NEVER),
        "gcp:projects/service:Service": Singleton("project and API", adopts("disableOnDestroy", False)),
        "gcp:projects/iAMAuditConfig:IAMAuditConfig": Singleton("project and audited service", RETAIN),
        "gcp:logging/projectBucketConfig:ProjectBucketConfig": Singleton("project (the `_Default` log bucket)", RETAIN),
        "gcp:projects/serviceIdentity:ServiceIdentity": Singleton("project and API (a service agent)", RETAIN),
        "gcp:projects/defaultServiceAccounts:DefaultServiceAccounts": Singleton("project", NEVER),
        "gcp:projects/organizationPolicy:OrganizationPolicy": Singleton("project and constraint", NEVER),
    },
    "aws": {
        "aws:ecr/replicationConfiguration:ReplicationConfiguration": Singleton("account and region", OPT_IN),
        "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration": Singleton("account and region", OPT_IN),
        "aws:ecr/registryPolicy:RegistryPolicy": Singleton("account and region", NEVER),
        "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock": Singleton("account", NEVER),
        "aws:ebs/encryptionByDefault:EncryptionByDefault": Singleton("account and region", NEVER),
        "aws:ebs/defaultKmsKey:DefaultKmsKey": Singleton("account and region", NEVER),
        "aws:iam/accountPasswordPolicy:AccountPasswordPolicy": Singleton("account", NEVER),
        "aws:iam/serviceLinkedRole:ServiceLinkedRole": Singleton("account and service (a service identity)", RETAIN),
        "aws:sagemaker/servicecatalogPortfolioStatus:ServicecatalogPortfolioStatus": Singleton("account and region",
                                                                                              NEVER),
    },
    "azure": {
        "azure-native:monitor:DiagnosticSetting": Singleton("target resource and name", _own_scope),
        "azure-native:security:Pricing": Singleton("subscription and plan (Defender)", NEVER),
    },
    # Every object the kubernetes target records is named by the kit inside the stack's own namespace
    # (the Velero Schedule in Velero's, named after that namespace): none is shared with another stack.
    "kubernetes": {},
}

#: Types named by the cloud (an id, a generated resource name): equal inputs are two resources.
CLOUD_NAMED: dict[str, frozenset[str]] = {
    "gcp": frozenset({"gcp:monitoring/notificationChannel:NotificationChannel",
                      "gcp:monitoring/alertPolicy:AlertPolicy", "gcp:storage/transferJob:TransferJob",
                      "gcp:billing/budget:Budget", "gcp:vertex/aiTensorboard:AiTensorboard"}),
    "aws": frozenset({"aws:kms/key:Key", "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/routeTable:RouteTable",
                      "aws:ec2/securityGroupRule:SecurityGroupRule", "aws:ec2/vpcEndpoint:VpcEndpoint"}),
    "azure": frozenset(),
    "kubernetes": frozenset(),
}
