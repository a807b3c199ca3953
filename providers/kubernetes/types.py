"""The type tokens the kubernetes target records: Pulumi's ``kubernetes:<apiVersion>:<Kind>``.

Core objects come from pulumi-kubernetes' typed classes; custom resources (KServe, Velero,
prometheus-operator) are ``kubernetes.apiextensions.CustomResource``, whose token is built the same way.
"""

from __future__ import annotations

NAMESPACE = "kubernetes:core/v1:Namespace"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"
RESOURCE_QUOTA = "kubernetes:core/v1:ResourceQuota"
LIMIT_RANGE = "kubernetes:core/v1:LimitRange"
ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role"
ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
CRON_JOB = "kubernetes:batch/v1:CronJob"
INFERENCE_SERVICE = "kubernetes:serving.kserve.io/v1beta1:InferenceService"
VELERO_SCHEDULE = "kubernetes:velero.io/v1:Schedule"
PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
PROVIDER = "pulumi:providers:kubernetes"

#: Every core object type (validated against the Kubernetes OpenAPI schema by tests/fidelity/kubernetes).
CORE = (NAMESPACE, CONFIG_MAP, SERVICE_ACCOUNT, RESOURCE_QUOTA, LIMIT_RANGE, ROLE, ROLE_BINDING, NETWORK_POLICY,
        CRON_JOB)
#: Every custom resource type (validated against its CRD's openAPIV3Schema).
CUSTOM = (INFERENCE_SERVICE, VELERO_SCHEDULE, PROMETHEUS_RULE)
