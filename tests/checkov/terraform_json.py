"""A recorded AWS or GCP graph as Terraform JSON (``*.tf.json``), for Checkov's own checks.

pulumi-aws and pulumi-gcp are bridged from the Terraform providers, so every recorded resource
is a Terraform resource under another spelling. The conversion undoes Pulumi's renames:

- the type token ``aws:<module>/<name>:<Name>`` becomes ``aws_<module>_<name>`` (``gcp:`` ->
  ``google_``), except where Terraform's name differs (``TYPE_EXCEPTIONS``; the ``ec2`` module's
  resources have no module prefix in Terraform, ``MODULE_PREFIX``);
- input names go from camelCase to snake_case;
- Pulumi pluralises a Terraform block that may repeat (``rule`` -> ``rules``): lists of objects
  get their singular name back (``singular``) unless Terraform's own name is plural
  (``PLURAL_IN_TERRAFORM``);
- Pulumi's ``protect`` option becomes ``lifecycle { prevent_destroy = true }``;
- the mocks' concrete ids and ARNs of other recorded resources become references
  (``${aws_kms_key.<name>.arn}``), so Checkov's graph checks see the same connections
  (a flow log attached to a VPC, a bucket's lifecycle) that the program makes.

Every mapping table of the conversion is in this module and nowhere else. It lives under
tests/ because only the Checkov gate uses it, and because it names the clouds' Terraform
types, which the kit's layers keep inside providers/<cloud>/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from mlopskit.modules.facts import plain
from mlopskit.modules.graph import Graph, RecordedResource

# Pulumi package -> Terraform provider name.
PROVIDER = {"aws": "aws", "gcp": "google"}
# Pulumi module -> the prefix its resources carry in Terraform ("" = none).
MODULE_PREFIX = {
    ("aws", "ec2"): "",
    ("gcp", "projects"): "project",
    ("gcp", "serviceaccount"): "service_account",
    ("gcp", "artifactregistry"): "artifact_registry",
    ("gcp", "servicenetworking"): "service_networking",
    ("gcp", "cloudscheduler"): "cloud_scheduler",
    ("gcp", "networkconnectivity"): "network_connectivity",
    ("gcp", "vertex"): "vertex",
}
# Type tokens whose Terraform name does not follow from the rules above.
TYPE_EXCEPTIONS = {
    "aws:cloudtrail/trail:Trail": "aws_cloudtrail",
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": "aws_s3_bucket_replication_configuration",
    "aws:s3/bucketObjectv2:BucketObjectv2": "aws_s3_object",
    "aws:cloudcontrol/resource:Resource": "aws_cloudcontrolapi_resource",
    "gcp:serviceaccount/account:Account": "google_service_account",
    "gcp:serviceaccount/iAMMember:IAMMember": "google_service_account_iam_member",
}
# Recorded types with no Terraform resource (Pulumi's own, or the kit's dynamic resources).
SKIPPED_PREFIXES = ("pulumi:", "pulumi-python:")
# List-of-object inputs whose Terraform name is plural as well (so Pulumi kept it): left as they are.
PLURAL_IN_TERRAFORM = {
    "production_variants", "shadow_production_variants", "conditions", "threshold_rules", "ingress", "egress",
    "data_capture_config", "capture_options", "capture_content_type_header", "containers",
}
# Outputs of a recorded resource that other inputs may carry: output key -> Terraform attribute.
REFERENCED_OUTPUTS = (("arn", "arn"), ("keyId", "key_id"), ("id", "id"))
# Shorter values than this are never rewritten inside a longer string (an id such as "vpc-1a2b" is
# only replaced when it is the whole value; ARNs and resource paths are also replaced within text).
_MIN_EMBEDDED = 20


def snake(name: str) -> str:
    """``kmsMasterKeyId`` -> ``kms_master_key_id``; ``s3BucketName`` -> ``s3_bucket_name``."""
    name = name.replace("iAM", "Iam").replace("IAM", "Iam")
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def singular(name: str) -> str:
    """Terraform's name of a block Pulumi pluralised (``inline_policies`` -> ``inline_policy``)."""
    if name in PLURAL_IN_TERRAFORM or not name.endswith("s"):
        return name
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("sses"):
        return name[:-2]
    return name[:-1]


def terraform_type(token: str) -> str | None:
    """The Terraform resource type of a Pulumi type token (None: no Terraform resource)."""
    if token.startswith(SKIPPED_PREFIXES) or token in TYPE_EXCEPTIONS:
        return TYPE_EXCEPTIONS.get(token)
    package, rest = token.split(":", 1)
    module, name = rest.split(":", 1)[0].split("/")
    prefix = MODULE_PREFIX.get((package, module), module)
    parts = [PROVIDER[package], *([prefix] if prefix else []), snake(name)]
    return "_".join(parts)


def _label(name: str) -> str:
    """A Terraform resource name from a Pulumi logical name (letters, digits, "_" and "-")."""
    label = re.sub(r"[^A-Za-z0-9_-]", "_", name)
    return label if re.match(r"[A-Za-z_]", label) else f"r_{label}"


class _References:
    """Concrete output values of the recorded resources -> ``${type.name.attribute}``."""

    def __init__(self, named: Iterable[tuple[str, str, RecordedResource]]) -> None:
        self.exact: dict[str, str] = {}
        seen: dict[str, int] = {}
        for tf_type, label, resource in named:
            for output, attribute in REFERENCED_OUTPUTS:
                value = resource.outputs.get(output)
                if isinstance(value, str) and value:
                    seen[value] = seen.get(value, 0) + 1
                    self.exact.setdefault(value, f"${{{tf_type}.{label}.{attribute}}}")
        # A value two resources share (a name that is also another's id) names neither.
        self.exact = {value: ref for value, ref in self.exact.items() if seen[value] == 1}
        embedded = sorted((v for v in self.exact if len(v) >= _MIN_EMBEDDED), key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(v) for v in embedded)) if embedded else None

    def rewrite(self, value: str) -> str:
        if value in self.exact:
            return self.exact[value]
        if self.pattern is None:
            return value
        return self.pattern.sub(lambda m: self.exact[m.group(0)], value)


def _convert(value: Any, refs: _References) -> Any:
    value = plain(value)
    if isinstance(value, dict):
        return {_key(k, v): _convert(v, refs) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [_convert(v, refs) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # the mocks record every number as a float
    if isinstance(value, str):
        return refs.rewrite(value)
    if hasattr(value, "path"):
        return str(value.path)  # a pulumi FileAsset (an uploaded object's source): its file
    return value


def _key(name: str, value: Any) -> str:
    key = snake(name)
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return singular(key)
    return key


def convert(graph: Graph) -> dict[str, Any]:
    """The graph's custom resources as a Terraform JSON document (``{"resource": {type: {name: body}}}``)."""
    named: list[tuple[str, str, RecordedResource]] = []
    labels: dict[tuple[str, str], int] = {}
    for resource in graph.resources:
        tf_type = terraform_type(resource.type) if resource.custom else None
        if tf_type is None:
            continue
        label = _label(resource.name)
        count = labels[(tf_type, label)] = labels.get((tf_type, label), 0) + 1
        named.append((tf_type, label if count == 1 else f"{label}_{count}", resource))
    refs = _References(named)
    document: dict[str, dict[str, Any]] = {}
    for tf_type, label, resource in named:
        body = _convert(resource.inputs, refs)
        if resource.protect:
            # Pulumi's ``protect`` is Terraform's ``prevent_destroy``: both refuse to delete the resource.
            body["lifecycle"] = {"prevent_destroy": True}
        document.setdefault(tf_type, {})[label] = body
    return {"resource": document}


def write(graph: Graph, path: str) -> None:
    """``convert(graph)`` into ``path`` (a ``.tf.json`` file)."""
    with open(path, "w", encoding="utf-8") as out:
        json.dump(convert(graph), out, indent=1, sort_keys=True)
