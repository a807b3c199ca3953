"""What every spec v1 field means: the descriptions and examples of ``mlopskit schema``.

Kept apart from the models (``modules/stack.py`` and the modules it imports) so that adding a
field and documenting it touch different lines; ``modules/spec_schema.py`` applies them to the
generated JSON Schema and ``tests/test_spec_schema.py`` fails naming any field without one.
Keys are ``"<Model>.<field as written in YAML>"``; an inherited field may be documented on its
base model (``Compute.cpu`` also documents ``TrainingCompute.cpu``).
"""

from __future__ import annotations

from typing import Any

DESCRIPTIONS: dict[str, str] = {
    # the root
    "Stack.apiVersion": "Spec version; always mlopskit/v1.",
    "Stack.kind": "Document kind; always Stack.",
    "Stack.metadata": "Who owns the stack and how sensitive its data is; every resource name and tag derives from it.",
    "Stack.compliance": "Compliance frameworks (presets of policy rules and settings) and region restrictions.",
    "Stack.budget": "Monthly spending limit with alert thresholds; `mlopskit cost` and the budget policy compare the estimate to it.",
    "Stack.placement": "Where the stack runs on each cloud; only the clouds given here can be built.",
    "Stack.network": "Network exposure; private by default.",
    "Stack.encryption": "Encryption at rest; customer-managed keys with rotation by default.",
    "Stack.storage": "Object storage for artifacts, datasets, captured data and model files.",
    "Stack.registry": "Model and container registry settings.",
    "Stack.training": "Training jobs (at most 1000); each name is unique once dashes are removed.",
    "Stack.endpoints": "Real-time inference endpoints (at most 1000); each name is unique once dashes are removed.",
    "Stack.batch": "Batch inference jobs (at most 1000): a registry model scoring files of the artifact store, on a schedule or on demand.",
    "Stack.backups": "Backups and cross-region copies; absent means none, except in prod where the defaults apply.",
    "Stack.waivers": "Findings of the kit's rules accepted for this stack, each with a reason and an optional expiry; a waived finding is still reported, marked waived, and no longer fails a run.",
    "Stack.experiments": "One experiment-tracking backend for the stack (managed MLflow on AWS, Vertex AI Experiments on "
                         "GCP, the workspace's MLflow on Azure); absent means none.",
    "Experiments.size": "Tracking backend capacity where the cloud sizes one (AWS MLflow tracking server); a warning elsewhere.",
    "Stack.access": "Access roles: abstract permissions granted to named principals, mapped to least privilege per cloud.",
    # metadata
    "Metadata.name": "Stack name: 3-24 lowercase letters, digits and dashes; with the environment it prefixes every resource name.",
    "Metadata.environment": "Deployment environment; prod turns on backups by default and stricter policy settings.",
    "Metadata.owner": "Owner's email address, applied as a tag/label.",
    "Metadata.costCenter": "Cost center applied as a tag/label for cost allocation.",
    "Metadata.dataClassification": "Sensitivity of the data; confidential and restricted are treated as personal data by the policies.",
    "Metadata.labels": "Extra tags/labels applied to every resource (GCP's label rules, the strictest, apply everywhere).",
    # compliance
    "Compliance.frameworks": "Compliance presets to enforce (gdpr, lgpd): residency, CMK, retention and audit rules.",
    "Compliance.allowedRegions": "When set, every regional resource must be in one of these regions.",
    "Compliance.retentionDays": "Days audit logs are kept.",
    # budget
    "Budget.monthlyLimitUsd": "Monthly limit in USD (above 0, at most 10,000,000).",
    "Budget.alertThresholdsPercent": "Percentages of the limit at which alerts fire (each within 0-100, at most 10).",
    # placement: each target brings the description of its entry and fields (modules/targets.py)
    # network, encryption, storage, registry
    "Network.private": "Keep every data path (training, endpoints, storage, registries) off the public internet.",
    "Encryption.customerManagedKeys": "Encrypt data at rest with keys the stack creates and controls, rather than provider-managed keys.",
    "Encryption.keyRotationDays": "Automatic key rotation period in days (90-2560, the range every cloud accepts).",
    "Encryption.keyProtectionLevel": ("Protection level of the stack's data key, software or hsm, recorded when the stack is "
                                      "first deployed: a key's protection level can never change, so once set a raised "
                                      "dataClassification adds an HSM key for new data and the existing key and the data "
                                      "it protects stay as they are. Unset: taken from dataClassification (the preview of "
                                      "a prod stack warns, because a later change of classification would replace the key)."),
    "Storage.artifacts": "The artifact store: datasets, code, model files and captured data.",
    "ArtifactStorage.versioning": "Keep earlier versions of overwritten or deleted objects.",
    "ArtifactStorage.retentionDays": "Days noncurrent object versions are kept before they expire.",
    "Registry.models": "The model registry.",
    "Registry.containers": "The container image registry.",
    "ModelRegistry.approval": "How a registered model version becomes deployable: a human approves it (manual) or registration does (automatic).",
    "ContainerRegistry.scanOnPush": "Scan images for vulnerabilities when they are pushed.",
    "ContainerRegistry.immutableTags": "Refuse to overwrite an existing image tag.",
    # training
    "TrainingJob.name": "Job name: 2-24 lowercase letters, digits and dashes, starting with a letter.",
    "TrainingJob.image": "The training container: a framework image resolved per cloud, or an explicit image URI.",
    "TrainingJob.entrypoint": "Script or module the container runs (a relative path such as train.py).",
    "TrainingJob.code": ("Local directory of training code, relative to the spec file and inside its tree, packaged and "
                         "uploaded to the artifact store; required with a framework image. Links out of it, unreadable files "
                         "and more than 256 MiB (MLOPSKIT_CODE_MAX_BYTES) are refused; environments, build output, hidden "
                         "files and the patterns of its .mlopskitignore are left out (docs/spec-references.md)."),
    "TrainingJob.compute": "Instances the job runs on.",
    "TrainingJob.maxRuntimeMinutes": "Hard stop for a job, in minutes (at most 28 days).",
    "TrainingJob.hyperparameters": "Hyperparameters passed to the job as strings (at most 100).",
    "TrainingJob.schedule": "Cron expression (5 fields, UTC) to retrain on a schedule; absent means on demand.",
    "TrainingJob.tuning": ("Hyperparameter tuning: runs of the job with values of the tuned parameters chosen by a "
                           "search strategy; the best by the objective is evaluated and registered (absent: one run)."),
    "TrainingJob.evaluation": ("The validation gate: the candidate's metrics on a hold-out set, computed by the kit's "
                               "own evaluator with the monitor's metric functions, each held to a minimum, and "
                               "optionally compared with the model an endpoint serves; absent means no gate."),
    "TrainingJob.register": "The model package each run registers into, and how a registered version is approved.",
    "Tuning.objective": "The metric the tuning service optimises and its direction.",
    "Tuning.parameters": ("Hyperparameter name -> range to search (at most 30): integer or continuous with min, max "
                          "and scale linear or log, or categorical with values; a name is never also a fixed hyperparameter."),
    "Tuning.maxTrials": "Most training runs one tuning run starts (1-500); a grid stops at its number of combinations.",
    "Tuning.parallelTrials": "Training runs at a time (1-100, at most maxTrials); fewer learn more from each other under bayesian.",
    "Tuning.strategy": ("How values are chosen: bayesian, random or grid. Each cloud limits grid and bayesian "
                        "(`mlopskit validate --provider` names the field it refuses)."),
    "Tuning.earlyStopping": "Stop trials that are unlikely to beat the best so far, where the cloud's tuning service can.",
    "Objective.metric": ("Name of the metric the training script prints as `<name>=<number>` on its own line "
                         "(e.g. validation-auc=0.91); each cloud's tuning service reads it from the job's log."),
    "Objective.goal": "maximize or minimize the metric.",
    "ParameterRange.type": "integer (whole numbers from min to max), continuous (real numbers from min to max) or categorical (one of values, as text).",
    "ParameterRange.min": "Smallest value tried (integer and continuous; above 0 with scale log).",
    "ParameterRange.max": "Largest value tried (integer and continuous; above min).",
    "ParameterRange.scale": "linear (default), or log to search orders of magnitude evenly (integer and continuous).",
    "ParameterRange.values": "The values tried (categorical only; 1-30, distinct).",
    "Evaluation.holdout": ("Folder of the stack's artifact store holding the hold-out set: features.csv (the model's "
                           "input rows, no header) and labels.csv (one label per row, same order); never one of the "
                           "kit's own folders."),
    "Evaluation.problemType": "What the model predicts: binary-classification, multiclass-classification or regression.",
    "Evaluation.minimums": ("Metric (the names of monitoring.quality) -> the value the candidate must reach: at least "
                            "it for scores (accuracy, precision, recall, f1, auc, r2), at most it for errors (mae, rmse); "
                            "only metrics of problemType."),
    "Evaluation.against": "Also require the candidate to beat the model serving an endpoint on every gated metric.",
    "Evaluation.notify": "Email addresses told when a run's gate fails (at most 20).",
    "Against.endpoint": "The endpoint whose serving model is compared, as endpoints[i]; it serves register.package.",
    "Against.margin": "How much better the candidate must be on each metric (0-1, in the metric's units; 0: at least as good).",
    "Register.package": "Registry package (model group) the run registers into; an endpoint serving it can roll the new version out.",
    "Register.approval": ("manual: registered pending a person's approval (or rejected when the gate fails); "
                          "automatic-when-gate-passes: approved by the pipeline when every gated metric passes."),
    "Image.framework": "Framework whose managed image is used; required unless uri is given.",
    "Image.version": "Framework version; required with framework.",
    "Image.uri": "Explicit container image reference (registry/repository:tag or @digest); excludes framework, version and repository.",
    "Image.repository": "Cloud-neutral image: a repository of the container registry the stack creates on each cloud; give tag or digest with it.",
    "Image.tag": "Tag of the repository image (with repository; exclusive with digest).",
    "Image.digest": "Digest of the repository image, sha256:<64 hex> (with repository; exclusive with tag).",
    "Compute.instanceType": "Explicit instance type per cloud; wins over the generic size on that cloud.",
    "Compute.cpu": "Generic size: vCPUs per instance (resolved to the cheapest matching instance type per cloud).",
    "Compute.memoryGiB": "Generic size: memory per instance in GiB.",
    "Compute.gpu": "GPUs per instance, for a generic size.",
    "TrainingCompute.count": "Number of instances a job runs on (at most 64).",
    "TrainingCompute.spot": "Use managed spot / low-priority capacity where the cloud offers it.",
    "Gpu.type": "GPU model.",
    "Gpu.count": "GPUs per instance (1-8).",
    "Gpu.memoryGiB": "Minimum memory of each GPU in GiB (tells apart variants such as A100 40 and 80 GB).",
    # endpoints
    "Endpoint.name": "Endpoint name: 2-24 lowercase letters, digits and dashes, starting with a letter.",
    "Endpoint.model": "The model the endpoint serves.",
    "Endpoint.compute": "Instances the endpoint runs on.",
    "Endpoint.autoscaling": "Instance range and the load the scaling policy targets.",
    "Endpoint.deployment": "How a new model version replaces the live one, and whether alarms roll it back.",
    "Endpoint.dataCapture": "Prediction logging: a sample of requests and responses written to storage.",
    "Endpoint.streaming": "Stream responses as the model produces them (an LLM's tokens; the serving container must "
                          "stream): SageMaker InvokeEndpointWithResponseStream, Vertex AI streamRawPredict, Azure ML "
                          "with a longer request timeout.",
    "Endpoint.monitoring": "Drift, quality, bias and explainability monitoring, alarms and who is notified.",
    "ModelSource.source": "Where the model comes from: a registry package version or a raw artifact.",
    "ModelSource.package": "Registry package (model group) name; required when source is registry.",
    "ModelSource.version": "Registry version to serve, or latest-approved; required when source is registry.",
    "ModelSource.image": "Serving container image for an artifact model: a URI string or {repository, tag | digest} in the stack's own registry.",
    "ModelSource.artifactUri": "Fully qualified model artifact location (s3://, gs:// or https://); with source artifact, give it or artifactPath.",
    "ModelSource.artifactPath": "Cloud-neutral model artifact: a directory of model files relative to the root of the stack's artifact store.",
    "ModelSource.sizeGiB": "Size of the model's weights in GiB: the resolver picks GPUs that hold them with headroom, and large models get a longer start-up allowance.",
    "ModelSource.format": "What the artifact holds where a cloud's deployment depends on it: mlflow (Azure ML deploys it without a serving image) or custom.",
    "Autoscaling.minInstances": "Instances kept running at all times (1-100); prod endpoints need at least 2 by policy.",
    "Autoscaling.maxInstances": "Most instances the endpoint scales out to (1-100, not below minInstances).",
    "Autoscaling.targetInvocationsPerInstance": "Invocations per instance per minute the target-tracking policy aims for.",
    "Deployment.strategy": "Rollout strategy for a new model version.",
    "Deployment.canaryPercent": "Traffic share the canary receives first (strategy canary only).",
    "Deployment.linearStepPercent": "Traffic share moved at each step (strategy linear only).",
    "Deployment.mirrorPercent": "Share of live requests copied to the shadow variant, whose responses are discarded (strategy shadow only).",
    "Deployment.waitMinutes": "Minutes to watch the alarms between steps and before the old version is removed.",
    "Deployment.autoRollback": "Roll a rollout back automatically when an alarm fires.",
    "DataCapture.enabled": "Capture requests and responses.",
    "DataCapture.samplingPercent": "Share of requests captured (1-100).",
    "Monitoring.drift": "Scheduled data-drift monitoring over captured predictions; absent means none.",
    "Monitoring.alarms": "Alarm thresholds; they notify and, with deployment.autoRollback, stop a rollout.",
    "Monitoring.notify": "Email addresses notified by alarms and budget alerts (at most 20).",
    "Drift.schedule": "How often drift is computed.",
    "Drift.features": "The request's feature names in the order the model reads them (captured CSV requests have no "
                      "header); absent: the baseline's header names them.",
    "Drift.categorical": "The features read as categories (chi-square and category shares); the others are numeric.",
    "Drift.baseline": "Folder of the stack's artifact store holding the reference data (CSV with a header); absent: "
                      "monitoring/<endpoint>/baseline/.",
    "Drift.thresholds": "psi: a feature drifts above this PSI (default 0.2); driftShare: alarm when the share of drifted "
                        "features exceeds it (default 0.2); nullRate, typeErrorRate, outOfRangeRate: alarm when the worst "
                        "feature's rate exceeds it (absent: no alarm).",
    "Monitoring.engine": "kit (default): the kit's own monitor job on the cloud's job service computes drift, quality, "
                         "bias and explainability; managed: the cloud's own monitoring service, where it is open to new "
                         "customers and runs in the stack's network.",
    "Monitoring.quality": "Scheduled model-quality monitoring: captured predictions compared with ground-truth labels, "
                          "one alarm per metric threshold; absent means none (needs dataCapture.enabled).",
    "Quality.groundTruth": ("Folder of the stack's artifact store where the labels of served predictions are written; never one of "
                            "the kit's own folders (code/, models/, data-capture/, monitoring/<endpoint>/, ...: docs/validation.md)."),
    "Quality.problemType": "What the model predicts: binary-classification, multiclass-classification or regression.",
    "Quality.thresholds": "Metric -> alarm threshold: scores (accuracy, precision, recall, f1, auc, r2) alarm below it, "
                          "errors (mae, rmse) above it; only metrics of the problem type.",
    "Quality.schedule": "How often quality is computed and its alarms evaluated.",
    "Quality.label": "Column of the ground truth holding the true outcome (default label).",
    "Quality.idField": "Column of the ground truth holding the id of the served prediction it labels (default inference_id).",
    "Quality.labelDelayHours": "Hours after a prediction before its label is expected: younger predictions are not judged.",
    "Monitoring.bias": "Scheduled bias monitoring: post-training bias metrics of served predictions per sensitive facet, "
                       "one alarm per metric threshold; absent means none (needs dataCapture.enabled).",
    "Bias.baseline": "Folder of the stack's artifact store where a baselining run wrote its results (analysis.json): "
                     "violations are judged against them.",
    "Bias.groundTruth": ("Folder of the stack's artifact store where the labels of served predictions are written; never one of "
                         "the kit's own folders (code/, models/, data-capture/, monitoring/<endpoint>/, ...: docs/validation.md)."),
    "Bias.label": "Column of the ground truth holding the outcome.",
    "Bias.positiveLabel": "The favourable value of the label (default 1).",
    "Bias.features": "The request's feature names in the order the model reads them (captured requests have no header).",
    "Bias.facets": "The sensitive features among features whose groups are compared (at most 10): a name for a "
                   "categorical facet, {name, valueOrThreshold} for a numeric one.",
    "Bias.thresholds": "Bias metric -> alarm threshold in (0, 1]: disparate impact (DI) alarms below it, the "
                       "differences (DPPL, AD, RD, DAR, DRR, DCA, DCR) above it.",
    "Bias.schedule": "How often bias is computed and its alarms evaluated.",
    "Bias.idField": "Column of the ground truth holding the id of the served prediction it labels (default inference_id).",
    "Bias.labelDelayHours": "Hours after a prediction before its label is expected: younger predictions are not judged.",
    "BiasFacet.name": "The sensitive feature (one of features).",
    "BiasFacet.valueOrThreshold": "A numeric facet's threshold: rows above it form the group examined.",
    "Monitoring.explainability": "Scheduled feature-attribution drift monitoring: the features' attributions on served "
                                 "requests compared with the baseline's; absent means none (needs dataCapture.enabled).",
    "Explainability.baseline": "Folder of the stack's artifact store holding the labelled baseline data and a "
                               "baselining run's results (analysis.json).",
    "Explainability.label": "What the model predicts: the label column of the baseline data.",
    "Explainability.features": "The request's feature names in the order the model reads them.",
    "Explainability.threshold": "Alarm when the nDCG of the attribution ranking against the baseline falls below this (0-1].",
    "Explainability.schedule": "How often attributions are computed and compared.",
    "Alarms.latencyP99Ms": "Alarm when the 99th-percentile latency exceeds this many milliseconds; absent means no latency alarm.",
    "Alarms.errorRatePercent": "Alarm when the share of failed requests exceeds this percentage.",
    # batch inference
    "BatchJob.name": "Job name: 2-24 lowercase letters, digits and dashes, starting with a letter.",
    "BatchJob.model": "The registry model version the job scores with.",
    "BatchJob.input": "Folder of the stack's artifact store whose files are scored (e.g. batch/input/).",
    "BatchJob.format": ("Format of the input files: csv (default; a header line, then one record per line), jsonl "
                        "(one JSON record per line) or parquet. Each cloud reads what its batch deployment can: "
                        "Vertex AI batch prediction reads csv and jsonl, Azure ML's MLflow batch deployments csv and "
                        "parquet, SageMaker Batch Transform all three (csv and jsonl split by line, a parquet file "
                        "sent whole); a format the placed cloud cannot read is refused."),
    "BatchJob.output": ("Folder of the artifact store the predictions are written to; must not overlap input, another "
                        "job's output or one of the kit's own folders (code/, models/, monitoring/<endpoint>/, ...: "
                        "docs/validation.md)."),
    "BatchJob.compute": "Instances a run uses.",
    "BatchJob.maxRuntimeMinutes": "Hard stop for one run, in minutes (at most 3 days) where the cloud has one; the estimate prices this many instance-hours per run.",
    "BatchJob.schedule": "Cron expression (5 fields, UTC) for scheduled runs; absent means on demand (mlopskit batch run).",
    "BatchModel.package": "Registry package (model group) name.",
    "BatchModel.version": "Registry version to use, or latest-approved.",
    "BatchCompute.count": "Instances a run spreads its files over (at most 100).",
    # backups, access
    "Backups.schedule": "How often backups run.",
    "Backups.retentionDays": "Days each backup is kept.",
    "Backups.crossRegion": "Copy backups to the placement's backup region.",
    "Backups.targets": "What is backed up: artifacts, models, containers.",
    "Access.roles": "Access roles (at most 50).",
    "AccessRole.name": "Role name: 2-24 lowercase letters, digits and dashes, starting with a letter.",
    "AccessRole.principals": "Who holds the role: user:<email>, group:<email> or serviceAccount:<email or name>; never a wildcard.",
    "AccessRole.permissions": "Abstract permissions the role grants; each cloud maps them to least-privilege actions "
                              "(experiments.read / experiments.write need an experiments section).",
    # waivers
    "Waiver.rule": "The id of the rule whose finding is accepted (`mlopskit policy --list`).",
    "Waiver.resource": "The resource name as the finding reports it; a glob (`credit-risk-prod-backup-*`). A waiver names a resource, a specPath, or both.",
    "Waiver.specPath": "The spec field the finding points at (`network.private`), as SARIF and the reports show it.",
    "Waiver.provider": "Only findings on this target (aws, gcp, azure); every target when absent.",
    "Waiver.reason": "Why the finding is accepted: one line, shown with the finding in every report (SARIF suppression justification).",
    "Waiver.expires": "The last day the waiver holds (YYYY-MM-DD); afterwards the spec is invalid until the waiver is renewed or removed.",
}

# Shorthand forms a model's "before" validator reads, which the generated schema cannot see:
# added to the field's accepted types so editors do not flag a valid spec.
ALSO_ACCEPTS: dict[str, dict[str, Any]] = {
    "ModelSource.image": {"type": "string", "description": "An image URI, read as {uri: ...}."},
}

# Examples for the fields a spec must give (no default) and for values whose form is not obvious.
EXAMPLES: dict[str, list[Any]] = {
    "Waiver.rule": ["batch-private-network"],
    "Waiver.reason": ["Vertex AI batch prediction jobs take no network; a VPC Service Controls perimeter keeps their results in the project"],
    "Stack.apiVersion": ["mlopskit/v1"],
    "Stack.kind": ["Stack"],
    "Stack.metadata": [{"name": "credit-risk", "environment": "prod", "owner": "ml-platform@example.com",
                        "costCenter": "cc-1234", "dataClassification": "confidential"}],
    "Stack.budget": [{"monthlyLimitUsd": 6000, "alertThresholdsPercent": [50, 80, 100]}],
    "Stack.training": [[{"name": "train-xgb", "image": {"framework": "xgboost", "version": "1.7-1"},
                         "entrypoint": "train.py", "code": "./src", "compute": {"cpu": 4, "memoryGiB": 16}}]],
    "Stack.endpoints": [[{"name": "scoring", "model": {"source": "registry", "package": "credit-risk",
                                                       "version": "latest-approved"},
                          "compute": {"cpu": 4, "memoryGiB": 16}}]],
    "Metadata.name": ["credit-risk"],
    "Metadata.environment": ["prod"],
    "Metadata.owner": ["ml-platform@example.com"],
    "Metadata.costCenter": ["cc-1234"],
    "Metadata.dataClassification": ["confidential"],
    "Metadata.labels": [{"team": "risk"}],
    "Compliance.frameworks": [["gdpr"]],
    "Compliance.allowedRegions": [["eu-west-1", "europe-west4", "westeurope"]],
    "Budget.monthlyLimitUsd": [6000],
    "TrainingJob.name": ["train-xgb"],
    "TrainingJob.image": [{"framework": "xgboost", "version": "1.7-1"}],
    "TrainingJob.entrypoint": ["train.py"],
    "TrainingJob.compute": [{"cpu": 4, "memoryGiB": 16}],
    "TrainingJob.hyperparameters": [{"max_depth": "6", "eta": "0.2"}],
    "TrainingJob.schedule": ["0 3 * * 1"],
    "TrainingJob.tuning": [{"objective": {"metric": "validation-auc", "goal": "maximize"}, "maxTrials": 20,
                            "parallelTrials": 2, "parameters": {"max_depth": {"type": "integer", "min": 3, "max": 10},
                                                                "eta": {"type": "continuous", "min": 0.01, "max": 0.3,
                                                                        "scale": "log"}}}],
    "TrainingJob.evaluation": [{"holdout": "holdout/churn/", "problemType": "binary-classification",
                                "minimums": {"auc": 0.8}, "against": {"endpoint": "endpoints[0]", "margin": 0.01}}],
    "TrainingJob.register": [{"package": "churn", "approval": "automatic-when-gate-passes"}],
    "Objective.metric": ["validation-auc"],
    "Evaluation.holdout": ["holdout/churn/"],
    "Evaluation.minimums": [{"auc": 0.8, "f1": 0.6}, {"rmse": 3.0}],
    "Against.endpoint": ["endpoints[0]"],
    "Register.package": ["churn"],
    "Evaluation.problemType": ["binary-classification"],
    "Tuning.objective": [{"metric": "validation-auc", "goal": "maximize"}],
    "Tuning.parameters": [{"max_depth": {"type": "integer", "min": 3, "max": 10},
                           "booster": {"type": "categorical", "values": ["gbtree", "dart"]}}],
    "Tuning.maxTrials": [20],
    "Objective.goal": ["maximize"],
    "ParameterRange.type": ["integer", "categorical"],
    "Image.uri": ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/train:1.4"],
    "Image.repository": ["credit-risk-train"],
    "Image.tag": ["1.4.0"],
    "TrainingJob.code": ["./src"],
    "ModelSource.artifactPath": ["models/credit-risk/3"],
    "Gpu.type": ["T4"],
    "Endpoint.name": ["scoring"],
    "Endpoint.model": [{"source": "registry", "package": "credit-risk", "version": "latest-approved"}],
    "Endpoint.compute": [{"cpu": 4, "memoryGiB": 16}],
    "ModelSource.source": ["registry"],
    "ModelSource.version": ["latest-approved", 3],
    "ModelSource.artifactUri": ["s3://acme-models/credit-risk/model.tar.gz"],
    "Monitoring.notify": [["ml-oncall@example.com"]],
    "Stack.experiments": [{"size": "small"}],
    "Monitoring.quality": [{"groundTruth": "monitoring/labels/", "problemType": "binary-classification",
                            "thresholds": {"accuracy": 0.85, "auc": 0.8}, "schedule": "daily"}],
    "Quality.groundTruth": ["monitoring/labels/"],
    "Quality.problemType": ["binary-classification"],
    "Quality.thresholds": [{"accuracy": 0.85, "auc": 0.8}, {"mae": 2.5}],
    "Monitoring.bias": [{"baseline": "monitoring/baseline/bias/", "groundTruth": "monitoring/labels/", "label": "churned",
                         "features": ["age", "tenure", "plan"], "facets": ["age"], "thresholds": {"DPPL": 0.1, "DI": 0.8}}],
    "Bias.baseline": ["monitoring/baseline/bias/"],
    "Bias.groundTruth": ["monitoring/labels/"],
    "Bias.label": ["churned"],
    "Bias.features": [["age", "tenure", "plan"]],
    "Bias.facets": [["gender", {"name": "age", "valueOrThreshold": 40}]],
    "BiasFacet.name": ["age"],
    "Drift.thresholds": [{"psi": 0.2, "driftShare": 0.25, "nullRate": 0.05}],
    "Drift.features": [["age", "tenure", "plan"]],
    "Drift.categorical": [["plan"]],
    "Drift.baseline": ["monitoring/baseline/drift/"],
    "Explainability.baseline": ["monitoring/baseline/explainability/"],
    "Explainability.label": ["churned"],
    "Bias.thresholds": [{"DPPL": 0.1, "DI": 0.8}],
    "Monitoring.explainability": [{"baseline": "monitoring/baseline/explainability/", "label": "churned",
                                   "features": ["age", "tenure", "plan"], "threshold": 0.9}],
    "Explainability.features": [["age", "tenure", "plan"]],
    "Stack.batch": [[{"name": "nightly", "model": {"package": "credit-risk"}, "input": "batch/input/",
                      "output": "batch/output/", "compute": {"cpu": 4, "memoryGiB": 16}, "schedule": "0 2 * * *"}]],
    "BatchJob.name": ["nightly"],
    "BatchJob.model": [{"package": "credit-risk", "version": "latest-approved"}],
    "BatchJob.input": ["batch/input/"],
    "BatchJob.output": ["batch/output/"],
    "BatchJob.compute": [{"cpu": 4, "memoryGiB": 16, "count": 2}],
    "BatchModel.package": ["credit-risk"],
    "ModelSource.sizeGiB": [26],
    "Access.roles": [[{"name": "data-scientist", "principals": ["group:ds@example.com"],
                       "permissions": ["artifacts.read", "training.submit"]}]],
    "AccessRole.name": ["data-scientist"],
    "AccessRole.principals": [["group:ds@example.com", "serviceAccount:ci-deployer"]],
    "AccessRole.permissions": [["artifacts.read", "training.submit"]],
}
