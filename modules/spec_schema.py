"""The JSON Schema of spec v1 (``mlopskit schema``), generated from the pydantic models.

Pydantic gives the structure, types, bounds and plain defaults; this adds what editors and the
reference page (docs/spec.md) need on every field: a description and an example from
``modules/spec_docs.py``, and the defaults pydantic leaves out (those made by a factory, such as
a whole default section). ``undocumented()`` lists the fields still missing a description.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from mlopskit.modules import compute, placement, targets
from mlopskit.modules.base import SpecModel
from mlopskit.modules.spec_docs import ALSO_ACCEPTS, DESCRIPTIONS, EXAMPLES
from mlopskit.modules.stack import Stack

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://github.com/mlopskit/mlopskit/blob/main/docs/spec.schema.json"


def _descriptions() -> dict[str, str]:
    """``spec_docs``'s descriptions and those the registered targets bring for their entries."""
    found = dict(DESCRIPTIONS)
    for target in targets.targets():
        found[f"Placement.{target.name}"] = target.placement_doc
        if target.instance_type_pattern is not None:
            found[f"InstanceTypes.{target.name}"] = target.instance_type_doc
        found.update(target.spec_docs)
    return found


def _examples() -> dict[str, Any]:
    """``spec_docs``'s examples and the registered targets' (the first target's placement)."""
    found: dict[str, Any] = dict(EXAMPLES)
    registered = targets.targets()
    if registered:
        found["Stack.placement"] = [{registered[0].name: dict(registered[0].placement_example)}]
    types = {t.name: t.instance_type_example for t in registered if t.instance_type_example is not None}
    if types:
        found["Compute.instanceType"] = [types]
    for target in registered:
        found.update(target.spec_examples)
    return found


def fields_of(model: type[BaseModel]) -> type[BaseModel]:
    """The model whose ``model_fields`` describe ``model``: itself, or for a model whose entries are the
    registered targets' (``placement``, ``instanceType``) its typed stand-in with one field per target.
    Anything that walks the spec's fields (the schema, field-coverage tests) walks through this."""
    stand_ins: dict[type[BaseModel], Callable[[], type[SpecModel]]] = {
        placement.Placement: placement.schema_model, compute.InstanceTypes: compute.schema_model}
    make = stand_ins.get(model)
    return make() if make is not None else model


def _models(root: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Every model reachable from ``root`` by its class name (the names pydantic gives ``$defs``),
    each described by ``fields_of``."""
    found: dict[str, type[BaseModel]] = {}
    todo: list[Any] = [root]
    while todo:
        kind = todo.pop()
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            if kind.__name__ in found:
                continue
            name, kind = kind.__name__, fields_of(kind)
            found[name] = kind
            todo += [field.annotation for field in kind.model_fields.values()]
        else:
            todo += list(typing.get_args(kind))
    return found


def _key(model: type[BaseModel], alias: str, name: str | None = None) -> str | None:
    """The ``spec_docs`` key documenting ``model``'s field: the model's own (``name``: the name it is
    documented under, for a stand-in), else a base model's."""
    descriptions = _descriptions()
    for cls_name in [name or model.__name__, *(cls.__name__ for cls in model.__mro__)]:
        key = f"{cls_name}.{alias}"
        if key in descriptions:
            return key
    return None


def _fields(model: type[BaseModel]) -> Iterator[tuple[str, FieldInfo]]:
    for name, field in model.model_fields.items():
        yield field.alias or name, field


def _default(field: FieldInfo) -> Any:
    """A field's default as JSON (a factory's value too); ``...`` when it has none."""
    if field.is_required():
        return ...
    value = field.get_default(call_default_factory=True, validated_data={})
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, (list, tuple)):
        return [v.model_dump(mode="json", by_alias=True) if isinstance(v, BaseModel) else v for v in value]
    return value


def undocumented() -> list[str]:
    """``Model.field`` of every spec field without a description (an empty list when complete)."""
    return sorted(f"{name}.{alias}" for name, model in _models(Stack).items()
                  for alias, _ in _fields(model) if _key(model, alias, name) is None)


def spec_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a spec v1 YAML document."""
    schema = Stack.model_json_schema(by_alias=True)
    models = _models(Stack)
    descriptions, examples = _descriptions(), _examples()
    definitions: dict[str, Any] = schema.get("$defs", {})
    for name, model in models.items():
        node = schema if model is Stack else definitions.get(name)
        if node is None:
            continue
        if model.__doc__:
            node["description"] = " ".join(model.__doc__.split())
        for alias, field in _fields(model):
            prop = node["properties"][alias]
            key = _key(model, alias, name)
            if key is not None:
                prop["description"] = descriptions[key]
                if key in examples:
                    prop["examples"] = examples[key]
            shorthand = ALSO_ACCEPTS.get(f"{name}.{alias}")
            if shorthand is not None:
                options = prop.pop("anyOf", None) or [{k: prop.pop(k) for k in ("$ref", "type") if k in prop}]
                prop["anyOf"] = [*options, shorthand]
            default = _default(field)
            if default is not ...:
                prop["default"] = default
    if "backups" in schema["properties"]:
        schema["properties"]["backups"]["default"] = None  # prod's default is applied by the loader
    return {"$schema": DRAFT, "$id": SCHEMA_ID, **schema, "title": "mlopskit spec v1"}
