"""Cloud providers. Each is imported only when asked for: the Pulumi provider packages
are hundreds of MB and a preview on one cloud should not pay for the other two."""

from __future__ import annotations

from importlib import import_module

from mlopskit.modules.placement import CLOUDS, Cloud
from mlopskit.modules.provider import Provider

_IMPLEMENTATIONS: dict[Cloud, str] = {
    "aws": "mlopskit.providers.aws:AwsProvider",
    "gcp": "mlopskit.providers.gcp:GcpProvider",
    "azure": "mlopskit.providers.azure:AzureProvider",
}


class ProviderUnavailable(LookupError):
    """The cloud is known but its provider is not part of this build of the kit."""


def get_provider(cloud: Cloud) -> Provider:
    """A fresh provider instance for ``cloud``."""
    if cloud not in CLOUDS:
        raise ValueError(f"unknown provider {cloud!r} (choose from {', '.join(CLOUDS)})")
    module_name, class_name = _IMPLEMENTATIONS[cloud].split(":")
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name == module_name:
            raise ProviderUnavailable(f"provider {cloud!r} is not implemented yet") from None
        raise
    return getattr(module, class_name)()


def available_clouds() -> list[Cloud]:
    """Clouds whose provider package is present."""
    out = []
    for cloud in CLOUDS:
        try:
            get_provider(cloud)
        except ProviderUnavailable:
            continue
        out.append(cloud)
    return out
