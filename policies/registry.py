"""Every rule, listed explicitly (a test checks each rule module's rules are all here)."""

from __future__ import annotations

from mlopskit.policies.rule import Rule
from mlopskit.policies.rules import (
    alarm_notifications_encrypted,
    audit_cmk,
    audit_store_access_logging,
    audit_streamed,
    auth,
    availability,
    backups,
    containers,
    copy_receives_deletes,
    copy_retention_within_source,
    cost,
    data_capture,
    encryption,
    iam,
    keys,
    logging,
    model_monitoring,
    network,
    network_default_closed,
    network_flow_logs,
    protect,
    public_access,
    residency,
    schedule_cmk,
    storage,
    tags,
    workload_image_digest,
    workload_no_privilege_escalation,
    workload_non_root,
    workload_resource_limits,
)

RULES: tuple[Rule, ...] = (
    # encryption
    encryption.storage_cmk, encryption.container_registry_cmk, encryption.model_registry_cmk,
    encryption.endpoint_cmk, encryption.data_capture_cmk, encryption.monitoring_output_cmk,
    encryption.training_cmk, encryption.batch_output_cmk, encryption.workspace_cmk, encryption.backup_cmk,
    schedule_cmk.schedule_cmk, audit_cmk.audit_cmk, alarm_notifications_encrypted.alarm_notifications_encrypted,
    # keys
    keys.key_rotation, keys.key_deletion_protection, keys.key_no_public_access,
    # public access and networks
    public_access.storage_no_public_access, public_access.container_registry_no_public_access,
    public_access.model_registry_no_public_access, public_access.endpoint_no_public_access,
    network.ml_network_private, network.endpoint_private_network, network.training_private_network, network.batch_private_network,
    network.endpoint_network_isolation, network_flow_logs.network_flow_logs, network_default_closed.network_default_closed,
    # model monitoring
    model_monitoring.drift_monitoring, model_monitoring.endpoint_quality_monitoring, model_monitoring.endpoint_bias_monitoring,
    # storage and registries
    storage.storage_tls_only, storage.storage_versioning, storage.storage_retention,
    containers.container_immutable_tags, containers.container_scan_on_push,
    # logging and audit
    logging.audit_trail_present, logging.audit_data_events, logging.audit_log_retention,
    logging.storage_access_logging, logging.endpoint_audit_logging, logging.endpoint_alarms,
    audit_store_access_logging.audit_store_access_logging, audit_streamed.audit_streamed,
    # identity
    iam.iam_no_wildcard_actions, iam.iam_no_admin_roles, iam.iam_trust_restricted, iam.iam_resource_scoped,
    iam.iam_no_all_powerful_role, auth.endpoint_auth_required,
    # workload hardening (where the target runs containers it defines: a Kubernetes pod)
    workload_non_root.workload_non_root, workload_no_privilege_escalation.workload_no_privilege_escalation,
    workload_resource_limits.workload_resource_limits, workload_image_digest.workload_image_digest,
    # governance
    tags.tag_owner, tags.tag_cost_center, tags.tag_data_classification, residency.data_residency,
    protect.prod_protect_data,
    # resilience
    availability.prod_endpoint_ha, availability.deployment_auto_rollback,
    backups.backup_present, backups.backup_retention, backups.backup_cross_region,
    copy_receives_deletes.copy_receives_deletes, copy_retention_within_source.copy_retention_within_source,
    # personal data
    data_capture.data_capture_classification, data_capture.data_capture_sampling,
    # cost
    cost.instance_type_allowed, cost.gpu_count_cap, cost.endpoint_max_instances_cap,
    cost.training_scale_to_zero, cost.training_max_runtime, cost.budget_present, cost.budget_within_limit,
)

BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
