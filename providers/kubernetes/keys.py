"""Keys on a cluster: what a namespace cannot own.

Encryption at rest of Secrets (etcd) is the API server's ``EncryptionConfiguration`` and the
volumes' is the storage class's: neither can be set from inside a namespace. The component
records nothing; the feature table says "unsupported" and the facts leave the CMK questions
unknown (a rule never passes on them).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from mlopskit.providers.kubernetes.context import KubernetesContext

TYPE = "mlopskit:kubernetes:Keys"


@dataclass(frozen=True)
class KeysArgs:
    """Inputs of the Keys component."""

    customer_managed: bool  # the spec's encryption.customerManagedKeys


class Keys(pulumi.ComponentResource):
    """No key is created: the cluster's operator owns encryption at rest."""

    def __init__(self, name: str, args: KeysArgs, ctx: KubernetesContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("keys"), opts)
        if args.customer_managed:
            ctx.warn("encryption.customerManagedKeys", "unsupported: a namespace cannot own encryption at rest (etcd "
                     "EncryptionConfiguration, storage classes); the cluster's operator must provide it")
        self.register_outputs({})
