"""The registry: unique ids, every rule module's rules registered, every rule in the baseline pack."""

from __future__ import annotations

import pkgutil

import mlopskit.policies.rules
from mlopskit.policies.packs.baseline import ENTRIES
from mlopskit.policies.registry import BY_ID, RULES
from mlopskit.policies.rule import Rule


def test_rule_ids_are_unique() -> None:
    assert RULES
    assert len(BY_ID) == len(RULES)


def test_every_rule_defined_in_a_rule_module_is_registered() -> None:
    # The registry imports each rule module by name: a module file it does not import is
    # missing from the package's attributes, and so fails here.
    defined = set()
    for module_info in pkgutil.iter_modules(mlopskit.policies.rules.__path__):
        module = getattr(mlopskit.policies.rules, module_info.name, None)
        assert module is not None, f"policies/rules/{module_info.name}.py is not imported by policies/registry.py"
        defined |= {value.id for value in vars(module).values() if isinstance(value, Rule)}
    assert defined == set(BY_ID)


def test_baseline_pack_covers_exactly_the_registered_rules() -> None:
    assert set(ENTRIES) == set(BY_ID)
