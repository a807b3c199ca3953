"""mlopskit: provision and check MLOps stacks on AWS, GCP and Azure from one spec.

The lower layers live in the repository's top-level folders ``modules/``, ``providers/`` and
``policies/`` but are imported as ``mlopskit.modules`` etc., the names the wheel installs them under
(pyproject's ``package-dir`` maps them), so the kit never claims those generic top-level names in a
user's environment. In a checkout, ``mlopskit/modules`` etc. are symbolic links to those folders.
"""

__version__ = "0.1.0"


def _register_bundled_targets() -> None:
    """Registers the targets bundled with the kit: importing ``mlopskit.providers`` imports each
    ``providers/<name>/target.py``. The target registry (``modules/targets.py``, a lower layer)
    runs this the first time it is read, so importing the kit costs nothing until then."""
    import mlopskit.providers  # noqa: F401  (imported for its registrations)


def _install() -> None:
    from mlopskit.modules import targets

    targets.add_loader(_register_bundled_targets)


_install()
