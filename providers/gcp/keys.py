"""Customer-managed encryption keys: one Cloud KMS key ring and key per region used.

CMEK keys must live in the same location as the resource they protect, so the backup
region gets its own ring and key. The Google service agents that encrypt on the stack's
behalf (Cloud Storage, Artifact Registry, Vertex AI, BigQuery) are granted
encrypt/decrypt on each key itself, never on the project.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_gcp import kms

from mlopskit.providers.gcp.context import KMS_ROLE, GcpContext, child

TYPE = "mlopskit:gcp:Keys"


@dataclass
class RegionKeyArgs:
    """One region's key ring: where it lives and which provider creates it."""

    region: str
    provider: pulumi.ProviderResource


@dataclass
class KeysArgs:
    """Inputs of the Keys component."""

    prefix: str  # logical-name prefix (``credit-risk-prod``)
    project: str
    regions: list[RegionKeyArgs]
    enabled: bool  # encryption.customerManagedKeys
    rotation_days: int  # encryption.keyRotationDays
    hsm: bool  # the data key's protection level (keyProtectionLevel, else from the classification)
    protect: bool
    # A classification raised to restricted over a software key pinned by keyProtectionLevel:
    # an extra HSM key per region for new data (the existing key cannot change, see modules/encryption.py protection_plan).
    added_hsm: bool = False
    service_agents: dict[str, str] = field(default_factory=dict)  # short name -> email


class Keys(pulumi.ComponentResource):
    """Key rings and rotating crypto keys; ``key_ids`` maps region -> crypto key id."""

    key_ids: dict[str, pulumi.Output[str]]
    hsm_key_ids: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: KeysArgs, ctx: GcpContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, ctx.realises("keys"), opts)
        self.key_ids = {}
        self.hsm_key_ids = {}
        if args.enabled:
            for region_args in args.regions:
                self.key_ids[region_args.region] = self._region_key(args, region_args)
        self.register_outputs({"keyIds": self.key_ids, "hsmKeyIds": self.hsm_key_ids})

    def _region_key(self, args: KeysArgs, region_args: RegionKeyArgs) -> pulumi.Output[str]:
        region = region_args.region
        base = f"{args.prefix}-keys-{region}"
        # Key rings and keys can never be deleted in GCP, so both are protected in prod and
        # their names are deterministic (a recreate would collide, not duplicate).
        ring = kms.KeyRing(
            f"{base}-ring",
            name=f"{args.prefix}-{region}",
            location=region,
            project=args.project,
            opts=child(self, provider=region_args.provider, protect=args.protect),
        )
        key = self._crypto_key(f"{base}-key", f"{args.prefix}-data", ring, args, region_args, args.hsm)
        if args.added_hsm:
            # A new name: Cloud KMS never frees a key's name, and the software key stays, since
            # the data written so far is encrypted with it.
            self.hsm_key_ids[region] = self._crypto_key(
                f"{base}-hsm-key", f"{args.prefix}-data-hsm", ring, args, region_args, True).id
        return key.id

    def _crypto_key(self, logical: str, name: str, ring: kms.KeyRing, args: KeysArgs, region_args: RegionKeyArgs,
                    hsm: bool) -> kms.CryptoKey:
        base = logical.removesuffix("-key")
        key = kms.CryptoKey(
            logical,
            name=name,
            key_ring=ring.id,
            purpose="ENCRYPT_DECRYPT",
            rotation_period=f"{args.rotation_days * 86400}s",
            # Destroyed versions stay recoverable for 30 days: a mistaken destroy must
            # not make the stack's data unreadable at once.
            destroy_scheduled_duration="2592000s",
            version_template=kms.CryptoKeyVersionTemplateArgs(
                algorithm="GOOGLE_SYMMETRIC_ENCRYPTION",
                # Immutable in Cloud KMS (CryptoKeyVersionTemplate.protectionLevel): never
                # derived from a value that an ordinary edit changes, see modules/encryption.py protection_plan.
                protection_level="HSM" if hsm else "SOFTWARE",
            ),
            opts=child(self, provider=region_args.provider, protect=args.protect),
        )
        for agent, email in sorted(args.service_agents.items()):
            kms.CryptoKeyIAMMember(
                f"{base}-{agent}",
                crypto_key_id=key.id,
                role=KMS_ROLE,
                member=f"serviceAccount:{email}",
                opts=child(self, provider=region_args.provider),
            )
        return key

