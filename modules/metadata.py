"""Who owns a stack and how sensitive its data is."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from mlopskit.modules.base import Email, SpecModel

Environment = Literal["dev", "staging", "prod"]
DataClassification = Literal["public", "internal", "confidential", "restricted"]

# Label keys and values follow GCP's rules, the strictest of the three clouds, so the
# same labels can be applied verbatim everywhere.
LabelKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,62}$")]
LabelValue = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{0,63}$")]


class Metadata(SpecModel):
    """Identity of the stack; every resource name and tag derives from it."""

    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{2,23}$")]
    environment: Environment
    owner: Email
    cost_center: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
    data_classification: DataClassification
    labels: dict[LabelKey, LabelValue] = Field(default_factory=dict, max_length=32)

    @property
    def prefix(self) -> str:
        """Name prefix shared by every resource of this stack (``credit-risk-prod``)."""
        return f"{self.name}-{self.environment}"

    @property
    def sensitive(self) -> bool:
        """True for data that must be handled as personal/high-business-impact data."""
        return self.data_classification in ("confidential", "restricted")
