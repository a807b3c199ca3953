"""The registry: unique ids, every rule module's rules registered, every rule in the baseline pack."""

from __future__ import annotations

import importlib
import pkgutil

import policies.rules
from policies.packs.baseline import ENTRIES
from policies.registry import BY_ID, RULES
from policies.rule import Rule


def test_at_least_40_rules_with_unique_ids() -> None:
    assert len(RULES) == 56
    assert len(BY_ID) == len(RULES)


def test_every_rule_defined_in_a_rule_module_is_registered() -> None:
    defined = set()
    for module_info in pkgutil.iter_modules(policies.rules.__path__):
        module = importlib.import_module(f"policies.rules.{module_info.name}")
        defined |= {value.id for value in vars(module).values() if isinstance(value, Rule)}
    assert defined == set(BY_ID)


def test_baseline_pack_covers_exactly_the_registered_rules() -> None:
    assert set(ENTRIES) == set(BY_ID)
