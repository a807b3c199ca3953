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

import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError

from mlopskit.modules.base import SpecModel
from mlopskit.modules.errors import SpecError, SpecIssue, issues_from_validation
from mlopskit.modules.loader import load_yaml, read_spec_text
from mlopskit.modules.metadata import DataClassification
from mlopskit.policies.context import Settings
from mlopskit.policies.packs import ENFORCEMENTS

_SETTING_NAMES = {f.name for f in fields(Settings)}
_Days = Annotated[int, Field(ge=0, le=36500)]
_Count = Annotated[int, Field(ge=0, le=100_000)]
_Environment = Literal["dev", "staging", "prod"]
_Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]


class _SettingsFile(SpecModel):
    """The ``settings:`` of a policy config, typed and ranged like spec fields (a NaN cap would
    silently turn its rule off; a string where a number belongs would crash the rule)."""

    residency: list[Annotated[str, StringConstraints(pattern=r"^[a-z]{2,8}$")]] | None = Field(None, max_length=50)
    allowed_regions: list[_Name] | None = Field(None, max_length=200)
    max_key_rotation_days: Annotated[int, Field(ge=1, le=36500)] | None = None
    min_audit_retention_days: _Days | None = None
    min_backup_retention_days: _Days | None = None
    min_storage_retention_days: _Days | None = None
    max_sampling_percent: Annotated[float, Field(ge=0, le=100)] | None = None
    capture_forbidden_classifications: list[DataClassification] | None = None
    cross_region_backup: bool | None = None
    max_vcpu: dict[_Environment, _Count] | None = None
    max_gpus: dict[_Environment, _Count] | None = None
    max_endpoint_instances: dict[_Environment, _Count] | None = None
    allowed_instance_types: dict[_Environment, list[_Name]] | None = None

    def overrides(self) -> dict[str, Any]:
        """The given settings in the types ``Settings`` holds."""
        out: dict[str, Any] = {}
        for name in self.model_fields_set:
            value = getattr(self, name)
            if name in ("residency", "capture_forbidden_classifications"):
                value = frozenset(value)
            elif name == "allowed_regions":
                value = tuple(value)
            elif name == "allowed_instance_types":
                value = {env: tuple(types) for env, types in value.items()}
            out[name] = value
        return out


def _settings(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SpecError([SpecIssue(where, "must be a mapping")])
    unknown = [SpecIssue(f"{where}.{name}", "unknown setting") for name in value
               if not isinstance(name, str) or _snake(name) not in _SETTING_NAMES]
    if unknown:
        raise SpecError(unknown)
    try:
        # Keys as written (camelCase aliases or snake_case names): errors name what the file says.
        parsed = _SettingsFile.model_validate(value)
    except ValidationError as error:
        raise SpecError(issues_from_validation(error, tuple(where.split(".")))) from None
    return parsed.overrides()


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
                try:
                    settings = _settings(value, f"{source}.settings")
                except SpecError as error:
                    issues += error.issues
                continue
            if not isinstance(key, str) or (key != "all" and key not in BY_ID):
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
        """Read like a spec (modules/loader.py): a bounded regular UTF-8 file, bounded depth and
        aliases, unique keys (JSON is read as the YAML it is a subset of); errors name the file."""
        try:
            data = load_yaml(read_spec_text(path), str(path))
            return cls.from_mapping(data or {}, source="config")
        except SpecError as error:
            raise error.about(path) from None
