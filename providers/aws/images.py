"""SageMaker framework image URIs, from the offline catalog extracted from sagemaker-core.

The kit reads the catalog's CSV rather than depending on the SageMaker SDK: sagemaker-core
pulls pandas, scipy and more, all for a lookup table.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from mlopskit.modules.training import Image

CATALOG = Path(__file__).resolve().parent.parent / "catalog" / "aws_images.csv"


@lru_cache(maxsize=1)
def _rows() -> dict[tuple[str, str, str, str], tuple[str, str, str]]:
    with CATALOG.open(newline="", encoding="utf-8") as handle:
        return {
            (r["image"], r["scope"], r["version"], r["region"]): (r["account"], r["repository"], r["tag"])
            for r in csv.DictReader(handle)
        }


def image_uri(image: str, scope: str, version: str, region: str) -> str | None:
    """``<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>``, or None if not catalogued."""
    row = _rows().get((image, scope, version, region))
    if row is None:
        return None
    account, repository, tag = row
    return f"{account}.dkr.ecr.{region}.amazonaws.com/{repository}:{tag}"


def versions(image: str, scope: str) -> list[str]:
    """Catalogued versions of a framework image."""
    return sorted({v for (i, s, v, _r) in _rows() if i == image and s == scope})


# <account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag|@digest]
_ECR_URI = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/([a-z0-9._/-]+?)(?::[\w.-]+|@sha256:[0-9a-f]+)?$")


def repository_arn(uri: str) -> str | None:
    """The ECR repository ARN an image URI is pulled from; None when it is not an ECR image."""
    match = _ECR_URI.match(uri)
    if match is None:
        return None
    account, region, china, repository = match.groups()
    return f"arn:{'aws-cn' if china else 'aws'}:ecr:{region}:{account}:repository/{repository}"


def stack_image(repository_url: str, image: Image) -> str:
    """Where AWS pulls a cloud-neutral ``{repository, tag | digest}`` image from.

    The stack has one ECR repository (its IAM, scanning, immutability and KMS settings
    cover every image), so the image's repository name becomes the tag's prefix:
    ``fraud-train:1.4.0`` is pushed as ``<repositoryUrl>:fraud-train-1.4.0``. A digest
    identifies the image by itself: ``<repositoryUrl>@sha256:...``.
    """
    if image.digest is not None:
        return f"{repository_url}@{image.digest}"
    tag = f"{(image.repository or '').replace('/', '-')}-{image.tag}"
    return f"{repository_url}:{tag[:128]}"
