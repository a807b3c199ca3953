"""mlopskit: provision and check MLOps stacks on AWS, GCP and Azure from one spec."""

__version__ = "0.1.0"
