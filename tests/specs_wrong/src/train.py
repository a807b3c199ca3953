"""Example training entry point for stacks/credit-risk.yaml (training[0].code: ./src).

Runs unchanged on the three clouds' prebuilt XGBoost images: each cloud passes the
hyperparameters as ``--name value`` flags and says where data and the model go through
its own environment variables (SageMaker SM_*, Vertex AI AIP_*; on Azure ML the kit's
command passes the folders explicitly).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import xgboost as xgb
from features import load_rows


def _first_env(*names: str, default: str) -> str:
    return next((os.environ[n] for n in names if os.environ.get(n)), default)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max_depth", type=int, default=6)
    parser.add_argument("--num_round", type=int, default=100)
    parser.add_argument("--data", default=_first_env("SM_CHANNEL_TRAIN", "AIP_TRAINING_DATA_URI", default="data"))
    parser.add_argument("--model-dir", default=_first_env("SM_MODEL_DIR", "AIP_MODEL_DIR", default="outputs"))
    args, _unknown = parser.parse_known_args()

    features, labels = load_rows(args.data)
    train = xgb.DMatrix(features, label=labels)
    booster = xgb.train({"max_depth": args.max_depth, "objective": "binary:logistic"}, train, args.num_round)

    model_dir = Path(args.model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    booster.save_model(str(model_dir / "model.json"))


if __name__ == "__main__":
    main()
