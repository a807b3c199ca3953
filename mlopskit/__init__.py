"""mlopskit: provision and check MLOps stacks on AWS, GCP and Azure from one spec.

The lower layers live in the repository's top-level folders ``modules/``, ``providers/`` and
``policies/`` but are imported as ``mlopskit.modules`` etc., the names the wheel installs them under
(pyproject's ``package-dir`` maps them), so the kit never claims those generic top-level names in a
user's environment. In a checkout, ``mlopskit/modules`` etc. are symbolic links to those folders.
"""

__version__ = "0.1.0"
