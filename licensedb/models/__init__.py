"""Catalogue models, one module per concept.

- ``catalogue``: datasets, organisations, modalities, aliases, lineage
- ``licences``: licences and the licence lines of a dataset (with their history of validity)
- ``platforms``: source platforms and the verdicts of their terms
- ``evidence``: evidence behind verdicts and facts, and claims made elsewhere
- ``verdicts``: the curated per-use verdicts and the materialised effective verdicts
"""

from .audits import Audit
from .catalogue import Alias, Dataset, DistributionForm, Identifier, Lineage, Modality, Organisation
from .evidence import Claim, Evidence
from .licences import DatasetLicence, Licence
from .platforms import JurisdictionNote, PlatformVerdict, SourcePlatform
from .revision import Revision
from .trained import ModelAlias, ModelEffective, ModelLicence, TrainedModel, TrainingData, UndisclosedData, WeightsVerdict
from .verdicts import Condition, DatasetVerdict, EffectiveVerdict

__all__ = [
    "Alias",
    "Audit",
    "Claim",
    "Condition",
    "Dataset",
    "DistributionForm",
    "Identifier",
    "JurisdictionNote",
    "DatasetLicence",
    "DatasetVerdict",
    "EffectiveVerdict",
    "Evidence",
    "Licence",
    "Lineage",
    "Modality",
    "Organisation",
    "PlatformVerdict",
    "Revision",
    "SourcePlatform",
    "TrainedModel",
    "ModelAlias",
    "ModelLicence",
    "WeightsVerdict",
    "TrainingData",
    "UndisclosedData",
    "ModelEffective",
]
