"""A small, fictional FOURTH target ("fourth"), defined only in the test suite.

It proves that a target plugs into the kit without any edit outside its own package: it
registers a descriptor (``target.py``) with a region catalog, a price source covering every
instance type it records, compute resolution, a feature table and a diagram entry, and
``tests/test_fourth_target.py`` runs validate, preview, policy, cost and compare on it through
``mlopskit.cli.main``. The cloud, its services, regions and prices are invented for the test:
nothing here describes a real provider.
"""
