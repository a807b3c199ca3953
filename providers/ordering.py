"""A component's ``depends_on`` made to hold for everything inside it.

Pulumi honours ``depends_on`` only for the resource it is given to: a component given
``depends_on=[services]`` is registered after the services, but its children are created
as soon as their own inputs are known (the Python SDK's ``Resource.__init__``: children
inherit a parent's providers, protect and transformations, never its dependencies). The builds express "every component waits for the APIs / keys / identities
it uses" on the component, so this stack transformation copies each resource's explicit
dependencies down to its descendants. The ordering gate (tests/fidelity/ordering.py)
checks the result on the recorded graph.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import pulumi
from pulumi.runtime.settings import get_root_resource

# What each registered resource waits for explicitly (its own depends_on plus its
# ancestors'), and its parent: kept per resource object for its children to read.
_WAITS: weakref.WeakKeyDictionary[pulumi.Resource, tuple[pulumi.Resource, ...]] = weakref.WeakKeyDictionary()
#: The type prefix of the kit's own components.
KIT_TYPES = "mlopskit:"
_PARENTS: weakref.WeakKeyDictionary[pulumi.Resource, pulumi.Resource] = weakref.WeakKeyDictionary()


def _explicit(opts: pulumi.ResourceOptions) -> tuple[pulumi.Resource, ...]:
    """The resources in ``opts.depends_on`` (an Output of a list is left to the SDK)."""
    depends = opts.depends_on
    if isinstance(depends, pulumi.Resource):
        return (depends,)
    if isinstance(depends, Sequence):
        return tuple(d for d in depends if isinstance(d, pulumi.Resource))
    return ()


def _ancestors(parent: pulumi.Resource | None) -> list[pulumi.Resource]:
    chain: list[pulumi.Resource] = []
    while parent is not None:
        chain.append(parent)
        parent = _PARENTS.get(parent)
    return chain


def inherit_depends_on(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
    """Add the parent's (inherited) explicit dependencies to ``args.resource``'s own.

    Only the kit's own tree is touched: a top-level ``mlopskit:`` component and what is inside
    it (a team's program around ``MlopsStack`` keeps Pulumi's own semantics). A dependency that
    is one of the resource's ancestors is left out: waiting for a component means waiting for
    all its children, the resource itself among them.
    """
    parent = args.opts.parent
    if parent is None or parent not in _WAITS:
        if args.type_.startswith(KIT_TYPES):
            _WAITS[args.resource] = _explicit(args.opts)
        return None
    own = _explicit(args.opts)
    _PARENTS[args.resource] = parent
    ancestors = _ancestors(parent)
    extra = tuple(d for d in _WAITS[parent] if d not in own and all(d is not a for a in ancestors))
    _WAITS[args.resource] = own + extra
    if not extra:
        return None
    opts = pulumi.ResourceOptions.merge(args.opts, pulumi.ResourceOptions(depends_on=list(extra)))
    return pulumi.ResourceTransformationResult(args.props, opts)


def register() -> None:
    """Apply ``inherit_depends_on`` to every resource the program registers from now on (once per
    program: a second stack built in the same program shares it)."""
    root = get_root_resource()
    if root is not None and inherit_depends_on in (root._transformations or []):
        return
    pulumi.runtime.register_stack_transformation(inherit_depends_on)
