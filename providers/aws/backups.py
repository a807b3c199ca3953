"""Backups: AWS Backup vault + plan + selection for the artifact bucket, copies to a vault
in the backup region, and continuous S3 (and ECR) replication to that region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_aws import backup, ecr, iam, s3

from mlopskit.modules.backup import Backups as BackupsSpec
from mlopskit.providers.aws.context import AwsContext, built, policy_json, service_trust
from mlopskit.providers.aws.storage import expire, logged, private_bucket

TYPE = "mlopskit:aws:Backups"
# Pulumi config key: ECR keeps ONE replication configuration per account and region, so a
# stack that manages it replaces every other stack's rules. Only the stack told to own it
# (`pulumi config set mlopskit:ecrReplication managed`) does; the others warn.
ECR_REPLICATION_CONFIG = "ecrReplication"
SCHEDULES = {"hourly": "cron(0 * ? * * *)", "daily": "cron(0 3 ? * * *)", "weekly": "cron(0 3 ? * SUN *)"}


@dataclass(frozen=True)
class BackupsArgs:
    """The spec's backup section and where copies go."""

    backups: BackupsSpec
    backup_region: str | None
    backup_role_arn: pulumi.Input[str]


class Backups(pulumi.ComponentResource):
    """Point-in-time recovery (vault) plus a warm copy in another region (replication)."""

    def __init__(self, name: str, args: BackupsArgs, ctx: AwsContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("backups"), opts)
        spec = args.backups
        protect = ctx.stack.is_prod
        data = pulumi.ResourceOptions(parent=self, protect=protect)
        child = pulumi.ResourceOptions(parent=self)
        cross = spec.cross_region and args.backup_region is not None
        self.vault = backup.Vault(f"{name}-vault", name=ctx.name("vault"), kms_key_arn=ctx.key_arn, opts=data)
        self.copy_vault = backup.Vault(f"{name}-copy-vault", name=ctx.name("vault-copy"), region=args.backup_region,
                                       kms_key_arn=ctx.backup_key_arn, opts=data) if cross else None
        lifecycle = backup.PlanRuleLifecycleArgs(delete_after=spec.retention_days)
        self.plan = backup.Plan(
            f"{name}-plan",
            name=ctx.name("backup"),
            rules=[backup.PlanRuleArgs(
                rule_name=spec.schedule,
                target_vault_name=self.vault.name,
                schedule=SCHEDULES[spec.schedule],
                start_window=60,
                completion_window=24 * 60,
                lifecycle=lifecycle,
                copy_actions=[backup.PlanRuleCopyActionArgs(
                    destination_vault_arn=self.copy_vault.arn,
                    # The copy action's own Args class (the gate and mypy found the rule's used here).
                    lifecycle=backup.PlanRuleCopyActionLifecycleArgs(delete_after=spec.retention_days),
                )] if self.copy_vault else None,
            )],
            opts=child,
        )
        # Artifacts and model files share the artifact bucket (models/ prefix), so one
        # selection covers both targets.
        self.selection = backup.Selection(
            f"{name}-selection",
            name=ctx.name("artifacts"),
            plan_id=self.plan.id,
            iam_role_arn=args.backup_role_arn,
            resources=[ctx.bucket_arn],
            opts=child,
        ) if {"artifacts", "models"} & set(spec.targets) else None
        if "models" in spec.targets:
            ctx.warn("backups.targets", "models: AWS Backup covers the model files under models/ in the artifact "
                     "bucket; SageMaker model package metadata itself has no backup and is rebuilt by re-registering")
        self.replica = None
        if cross and self.selection is not None:
            self.replica = self._replicate_bucket(name, args, ctx)
        owns_registry = pulumi.Config("mlopskit").get(ECR_REPLICATION_CONFIG) == "managed"
        if cross and "containers" in spec.targets and not owns_registry:
            ctx.warn("backups.targets", f"containers: ECR replication is one configuration per account and region, "
                     f"shared by every stack; mlopskit does not overwrite it unless this stack owns it (pulumi config "
                     f"set mlopskit:{ECR_REPLICATION_CONFIG} managed). Add a rule replicating repositories with prefix "
                     f"{ctx.prefix!r} to {args.backup_region} to the account's registry replication configuration")
        if cross and "containers" in spec.targets and owns_registry:
            # Registry-level setting, filtered to this stack's repository.
            ecr.ReplicationConfiguration(
                f"{name}-ecr-replication",
                replication_configuration=ecr.ReplicationConfigurationReplicationConfigurationArgs(rules=[
                    ecr.ReplicationConfigurationReplicationConfigurationRuleArgs(
                        destinations=[ecr.ReplicationConfigurationReplicationConfigurationRuleDestinationArgs(
                            region=args.backup_region, registry_id=ctx.account_id)],
                        repository_filters=[ecr.ReplicationConfigurationReplicationConfigurationRuleRepositoryFilterArgs(
                            filter=ctx.prefix, filter_type="PREFIX_MATCH")],
                    )]),
                opts=child,
            )
        self.register_outputs({"vault": self.vault.name, "replica": self.replica.bucket if self.replica else None})

    def _replicate_bucket(self, name: str, args: BackupsArgs, ctx: AwsContext) -> s3.Bucket:
        """A versioned, encrypted replica bucket in the backup region and the replication rule."""
        replica = private_bucket(
            f"{name}-replica",
            ctx.bucket("replica"),
            self,
            key_arn=ctx.backup_key_arn,
            versioning=True,
            protect=ctx.stack.is_prod,
            purpose="replica",
            region=args.backup_region,
        )
        # The replica forgets what the source forgets: noncurrent versions expire after the source's
        # retention (delete markers are replicated below, so an erased object becomes noncurrent here
        # too). Without this the copy of personal data would outlive the source without bound.
        expire(f"{name}-replica", replica.bucket, ctx.stack.storage.artifacts.retention_days, self,
               expire_current=False, region=args.backup_region)
        logged(f"{name}-replica-access-logs", replica.bucket, "replica-access-logs", self, ctx,
               prefix="replica/", region=args.backup_region)
        kms: list[dict[str, Any]] = []
        if ctx.key_arn is not None:
            kms = [
                {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": ctx.key_arn},
                {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:GenerateDataKey"], "Resource": ctx.backup_key_arn},
            ]
        role = iam.Role(
            f"{name}-replication",
            name=ctx.name("replication"),
            assume_role_policy=service_trust("s3.amazonaws.com", account_id=ctx.account_id),
            inline_policies=[iam.RoleInlinePolicyArgs(name="replication", policy=policy_json([
                {"Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": ctx.bucket_arn},
                {"Effect": "Allow", "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl",
                                               "s3:GetObjectVersionTagging"],
                 "Resource": pulumi.Output.concat(built(ctx.bucket_arn, "bucket_arn"), "/*")},
                {"Effect": "Allow", "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                 "Resource": pulumi.Output.concat(replica.bucket.arn, "/*")},
                *kms,
            ]))],
            opts=pulumi.ResourceOptions(parent=self),
        )
        s3.BucketReplicationConfig(
            f"{name}-replication",
            bucket=ctx.bucket_name,
            role=role.arn,
            rules=[s3.BucketReplicationConfigRuleArgs(
                id="to-backup-region",
                status="Enabled",
                filter=s3.BucketReplicationConfigRuleFilterArgs(prefix=""),
                # Deletions are replicated, so an erasure (GDPR art. 17) reaches the copy; the deleted
                # object stays recoverable there as a noncurrent version until the lifecycle above
                # expires it, exactly as in the source (AWS Backup keeps the point-in-time copies).
                delete_marker_replication=s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(status="Enabled"),
                source_selection_criteria=s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs(
                    sse_kms_encrypted_objects=s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs(
                        status="Enabled")) if ctx.key_arn is not None else None,
                destination=s3.BucketReplicationConfigRuleDestinationArgs(
                    bucket=replica.bucket.arn,
                    encryption_configuration=s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs(
                        replica_kms_key_id=ctx.backup_key_arn) if ctx.backup_key_arn is not None else None,
                ),
            )],
            # S3 refuses a replication configuration until both buckets are versioned.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[replica.versioning, *ctx.bucket_ready]),
        )
        return replica.bucket
