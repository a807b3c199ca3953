"""The folders of the stack's artifact store that the kit itself writes or reads.

A user-chosen folder the stack writes to (``batch[].output``) or that a monitor reads as
labels (``monitoring.quality/bias.groundTruth``) must stay clear of them: a batch output
under ``code/`` would give the serving role, which every endpoint container runs as, write
access to the next training's code; under ``models/``, to the served models; a ground-truth
folder inside the endpoint's own capture folder would grade the model on its own answers.

Each folder is listed with the clouds whose provider uses it (the union is reserved on every
cloud, so a spec that is valid on one cloud stays valid on the others); the providers' own
prefixes are held to this table by tests/test_store_layout.py.
"""

from __future__ import annotations

#: folder -> what the kit keeps there (and on which clouds).
KIT_FOLDERS: dict[str, str] = {
    "code/": "training code archives (every cloud)",
    "models/": "models written by training and read by serving (every cloud)",
    "checkpoints/": "training checkpoints (AWS)",
    "experiments/": "experiment tracking artifacts (AWS MLflow)",
    "training/": "training job definitions and outputs (GCP)",
    "batch-jobs/": "batch job definitions (GCP)",
    "data-capture/": "endpoint request/response capture (AWS; one folder per endpoint)",
    "evaluation/": "training gates' predictions and evaluation files (AWS; one folder per job and run)",
}
#: Per-endpoint folders: the monitor jobs' configuration, reports and violations (AWS).
ENDPOINT_FOLDERS: tuple[str, ...] = ("monitoring/{endpoint}/", "data-capture/{endpoint}/")
#: Per-training-job folders: the input channel a training job reads (AWS), which a batch job
#: writing there would poison.
TRAINING_FOLDERS: tuple[str, ...] = ("data/{job}/",)


def overlaps(first: str, second: str) -> bool:
    """Whether two folders (each ending in ``/``) share objects: one contains the other."""
    return first.startswith(second) or second.startswith(first)


def reserved_folders(endpoints: list[str], jobs: list[str]) -> dict[str, str]:
    """Every folder the kit uses for a stack with these endpoint and training job names -> what it holds."""
    folders = dict(KIT_FOLDERS)
    for job in jobs:
        for pattern in TRAINING_FOLDERS:
            folders[pattern.format(job=job)] = f"training job {job}'s input data"
    for endpoint in endpoints:
        for pattern in ENDPOINT_FOLDERS:
            folders[pattern.format(endpoint=endpoint)] = f"endpoint {endpoint}'s " + (
                "monitoring reports" if pattern.startswith("monitoring/") else "captured traffic")
    return folders


def reserved_clash(folder: str, endpoints: list[str], jobs: list[str]) -> str | None:
    """Why ``folder`` may not be written or read as user data, or None when it is clear."""
    for reserved, purpose in reserved_folders(endpoints, jobs).items():
        if overlaps(folder, reserved):
            return f"{folder} overlaps {reserved}, the kit's folder for {purpose}"
    return None
