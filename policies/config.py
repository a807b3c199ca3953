"""Policy config files, in the shape of CrossGuard's ``--policy-pack-config``.

```yaml
all: advisory                       # optional: default enforcement for every rule
storage-versioning: disabled        # a rule id -> advisory | mandatory | disabled
tag-owner: {enforcementLevel: mandatory}
settings:                           # mlopskit only: thresholds (policies.context.Settings fields)
  allowedInstanceTypes: {dev: [ml.m5.large]}
```
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from mlopskit.modules.errors import SpecError, SpecIssue
from mlopskit.policies.context import Settings
from mlopskit.policies.packs import ENFORCEMENTS

_SETTING_NAMES = {f.name for f in fields(Settings)}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(frozen=True)
class PolicyConfig:
    """Enforcement overrides by rule id (``all`` for every rule) and setting overrides."""

    enforcement: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, data: Any, source: str = "config") -> PolicyConfig:
        from mlopskit.policies.registry import BY_ID

        if not isinstance(data, dict):
            raise SpecError([SpecIssue(source, "must be a mapping of rule id to enforcement")])
        enforcement: dict[str, str] = {}
        settings: dict[str, Any] = {}
        issues: list[SpecIssue] = []
        for key, value in data.items():
            if key == "settings":
                if not isinstance(value, dict):
                    issues.append(SpecIssue(f"{source}.settings", "must be a mapping"))
                    continue
                for name, setting in value.items():
                    snake = _snake(name)
                    if snake not in _SETTING_NAMES:
                        issues.append(SpecIssue(f"{source}.settings.{name}", "unknown setting"))
                    else:
                        settings[snake] = setting
                continue
            if key != "all" and key not in BY_ID:
                issues.append(SpecIssue(f"{source}.{key}", "unknown rule id"))
                continue
            level = value.get("enforcementLevel") if isinstance(value, dict) else value
            if level not in ENFORCEMENTS:
                issues.append(SpecIssue(f"{source}.{key}", f"enforcement must be one of {', '.join(ENFORCEMENTS)}"))
                continue
            enforcement[key] = level
        if issues:
            raise SpecError(issues)
        return cls(enforcement, settings)

    @classmethod
    def load(cls, path: str | Path) -> PolicyConfig:
        path = Path(path)
        if not path.is_file():
            raise SpecError([SpecIssue("", f"{path}: policy config not found")])
        text = path.read_text(encoding="utf-8")
        try:
            data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        except (ValueError, yaml.YAMLError) as error:
            raise SpecError([SpecIssue("", f"{path}: not valid YAML/JSON ({error.__class__.__name__})")]) from None
        return cls.from_mapping(data or {}, source=path.name)
