"""`mlopskit schema`, `--version` and the generated spec reference (docs/spec.md, docs/spec.schema.json).

Budget: no preview; well under a second.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

from mlopskit import __version__
from mlopskit.cli import main
from mlopskit.docs_gen import SCHEMA_FILE, generated, main as docs_main, stale
from mlopskit.modules import spec_schema as module
from mlopskit.modules.spec_schema import spec_schema, undocumented

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted(p for p in (ROOT / "stacks").glob("*.yaml") if not p.name.startswith("Pulumi."))
HEADER = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def _nodes(schema: dict) -> list[tuple[str, dict]]:
    return [("Stack", schema), *schema["$defs"].items()]


def test_cli_schema_prints_the_committed_schema(capsys) -> None:
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads((ROOT / SCHEMA_FILE).read_text())
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(printed)


def test_every_field_has_a_description() -> None:
    assert undocumented() == [], "describe these fields in modules/spec_docs.py"
    missing = [f"{name}.{field}" for name, node in _nodes(spec_schema())
               for field, prop in node.get("properties", {}).items() if not prop.get("description")]
    assert missing == []


def test_a_field_without_a_description_is_named(monkeypatch) -> None:
    descriptions = dict(module.DESCRIPTIONS)
    del descriptions["Autoscaling.maxInstances"]
    del descriptions["Compute.cpu"]  # documents TrainingCompute.cpu too
    monkeypatch.setattr(module, "DESCRIPTIONS", descriptions)
    named = undocumented()
    assert {"Autoscaling.maxInstances", "Compute.cpu", "TrainingCompute.cpu"} <= set(named)
    assert [n for n in named if n != "Autoscaling.maxInstances" and not n.endswith("Compute.cpu")] == []


def test_every_field_has_a_default_or_an_example() -> None:
    bare = [f"{name}.{field}" for name, node in _nodes(spec_schema())
            for field, prop in node.get("properties", {}).items() if "default" not in prop and "examples" not in prop]
    assert bare == []
    endpoint = spec_schema()["$defs"]["Endpoint"]["properties"]
    assert endpoint["autoscaling"]["default"] == {"minInstances": 1, "maxInstances": 1, "targetInvocationsPerInstance": 100}


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_bundled_specs_name_the_schema_and_satisfy_it(spec: Path) -> None:
    first = spec.read_text().splitlines()[0]
    match = HEADER.match(first)
    assert match, f"{spec.name} must start with '# yaml-language-server: $schema=../{SCHEMA_FILE}'"
    target = (spec.parent / match.group(1)).resolve()
    assert target == (ROOT / SCHEMA_FILE).resolve()
    jsonschema.validate(yaml.safe_load(spec.read_text()), json.loads(target.read_text()))


def test_the_schema_refuses_what_validate_refuses() -> None:
    schema = json.loads((ROOT / SCHEMA_FILE).read_text())
    data = yaml.safe_load(SPECS[0].read_text())
    data["endpoints"][0]["autoscaling"]["minimumInstances"] = 2  # an unknown field
    with pytest.raises(jsonschema.ValidationError, match="minimumInstances"):
        jsonschema.validate(data, schema)


def test_a_shorthand_the_models_accept_is_in_the_schema() -> None:
    """``image: <uri>`` for an artifact model is valid spec (read as {uri: ...}): the schema agrees."""
    from mlopskit.modules.endpoint import ModelSource

    data = {"source": "artifact", "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/serve:1.0",
            "artifactUri": "s3://acme-models/m.tar.gz"}
    ModelSource.model_validate(data)
    schema = json.loads((ROOT / SCHEMA_FILE).read_text())
    jsonschema.validate(data, {"$defs": schema["$defs"], "$ref": "#/$defs/ModelSource"})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "image": 7}, {"$defs": schema["$defs"], "$ref": "#/$defs/ModelSource"})


def test_generated_docs_are_current() -> None:
    """docs/spec.schema.json, docs/spec.md and docs/rules.md (the rules reference SARIF links to)."""
    assert stale() == [], "regenerate with: python -m mlopskit.docs_gen"
    assert docs_main(["--check"]) == 0


def test_a_stale_file_is_reported(tmp_path) -> None:
    for path, text in generated().items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    assert stale(tmp_path) == []
    (tmp_path / "docs" / "spec.md").write_text("old")
    assert stale(tmp_path) == ["docs/spec.md"]


def test_spec_reference_lists_every_field() -> None:
    text = (ROOT / "docs" / "spec.md").read_text()
    for name, node in _nodes(spec_schema()):
        assert f"\n## {name}\n" in text
        for field in node.get("properties", {}):
            assert f"| `{field}` |" in text


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"mlopskit {__version__}"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project.get("version", __version__) == __version__, "pyproject's version and mlopskit.__version__ differ"
