"""Cloud providers. Each is imported only when asked for: the Pulumi provider packages
are hundreds of MB and a preview on one cloud should not pay for the other two.

Which targets exist is the target registry's (``modules/targets.py``): every package here with a
``target.py`` registers its descriptor when this package is first imported, and a target defined
elsewhere registers itself. This module is the only place that imports by a computed name.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module
from pathlib import Path
from typing import Any

from mlopskit.modules import targets
from mlopskit.modules.placement import Cloud
from mlopskit.modules.provider import Provider


def _register_bundled() -> None:
    """Import ``providers/<name>/target.py`` of every bundled target (each registers its descriptor).
    A target's package ``__init__`` stays free of any SDK, so this costs no cloud SDK import."""
    for found in pkgutil.iter_modules(__path__):
        if found.ispkg and (Path(__file__).parent / found.name / "target.py").is_file():
            import_module(f"{__name__}.{found.name}.target")


_register_bundled()


class ProviderUnavailable(LookupError):
    """The cloud is known but its provider is not part of this build of the kit."""


def load(path: str) -> Any:
    """The object a descriptor names as ``"package.module:name"`` (a provider class, a catalog builder)."""
    module_name, attribute = path.split(":")
    return getattr(import_module(module_name), attribute)


def get_provider(cloud: Cloud) -> Provider:
    """A fresh provider instance for ``cloud``."""
    found = targets.find(cloud)
    if found is None:
        raise ValueError(f"unknown provider {cloud!r} (choose from {', '.join(targets.names())})")
    module_name = found.provider.split(":")[0]
    try:
        provider_class = load(found.provider)
    except ModuleNotFoundError as error:
        if error.name == module_name:
            raise ProviderUnavailable(f"provider {cloud!r} is not implemented yet") from None
        raise
    provider: Provider = provider_class()
    return provider


def available_clouds() -> list[Cloud]:
    """Clouds whose provider package is present."""
    out = []
    for cloud in targets.names():
        try:
            get_provider(cloud)
        except ProviderUnavailable:
            continue
        out.append(cloud)
    return out
