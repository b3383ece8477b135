"""The product's vocabulary: uses, verdict values, layers and the enumerations of a catalogue entry.

Everything here is plain Python so that the verdict engine, the models, the API and the tests share
one definition. See ``../shared/domain.md`` for the meaning of each term.
"""

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Use:
    key: str
    label: str
    question: str
    explanation: str


USES: tuple[Use, ...] = (
    Use(
        "research",
        "Research",
        "May I use it for non-commercial research?",
        "Non-commercial research: training and evaluating models and publishing the results.",
    ),
    Use(
        "benchmark",
        "Benchmark",
        "May I evaluate a model on it and report the numbers?",
        "Evaluation only: measuring a model on the data and reporting the scores.",
    ),
    Use(
        "internal_commercial",
        "Internal commercial R&D",
        "May a company use it for internal R&D?",
        "Research and development inside a company that does not ship to customers.",
    ),
    Use(
        "commercial_training",
        "Commercial training",
        "May I train a model used in a commercial product?",
        "Training a model that is used in a commercial product or service.",
    ),
    Use(
        "model_release",
        "Model release",
        "May I publish weights trained on it?",
        "Publishing the weights of a model trained on the data.",
    ),
    Use(
        "redistribute_media",
        "Redistribute media",
        "May I share the videos, clips or frames?",
        "Sharing copies of the videos, clips or frames with others.",
    ),
    Use(
        "redistribute_metadata",
        "Redistribute metadata",
        "May I share the annotations, captions, features or URL lists?",
        "Sharing the annotations, captions, pre-extracted features or URL / ID lists.",
    ),
    Use(
        "derivative_dataset",
        "Derivative dataset",
        "May I publish a subset or a re-annotated version?",
        "Publishing a subset, a re-annotation or a new dataset built from this one.",
    ),
)
USE_KEYS: tuple[str, ...] = tuple(use.key for use in USES)
USES_BY_KEY: dict[str, Use] = {use.key: use for use in USES}


class UseChoice(models.TextChoices):
    RESEARCH = "research", "Research"
    BENCHMARK = "benchmark", "Benchmark"
    INTERNAL_COMMERCIAL = "internal_commercial", "Internal commercial R&D"
    COMMERCIAL_TRAINING = "commercial_training", "Commercial training"
    MODEL_RELEASE = "model_release", "Model release"
    REDISTRIBUTE_MEDIA = "redistribute_media", "Redistribute media"
    REDISTRIBUTE_METADATA = "redistribute_metadata", "Redistribute metadata"
    DERIVATIVE_DATASET = "derivative_dataset", "Derivative dataset"


assert tuple(UseChoice.values) == USE_KEYS, "UseChoice must list the uses in USES order"


class VerdictValue(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    CONDITIONAL = "conditional", "Conditional"
    UNCLEAR = "unclear", "Unclear"
    PROHIBITED = "prohibited", "Prohibited"


# Ordered by risk: the most restrictive value wins.
RISK: dict[str, int] = {
    VerdictValue.ALLOWED: 0,
    VerdictValue.CONDITIONAL: 1,
    VerdictValue.UNCLEAR: 2,
    VerdictValue.PROHIBITED: 3,
}

VERDICT_HELP: dict[str, str] = {
    VerdictValue.ALLOWED: "The terms permit it.",
    VerdictValue.CONDITIONAL: "Permitted if the listed conditions are met.",
    VerdictValue.UNCLEAR: "The sources say nothing, or contradict each other.",
    VerdictValue.PROHIBITED: "The terms forbid it.",
}


class Layer(models.TextChoices):
    """Layers a curator records a verdict on. Inherited layers are computed, never stored."""

    DATASET_TERMS = "dataset_terms", "Dataset terms"
    PLATFORM_TERMS = "platform_terms", "Platform terms"
    RIGHTS_IN_WORKS = "rights_in_works", "Rights in the works"


class PlatformLayer(models.TextChoices):
    """The layers a platform records defaults for."""

    PLATFORM_TERMS = "platform_terms", "Platform terms"
    RIGHTS_IN_WORKS = "rights_in_works", "Rights in the works"


LAYER_HELP: dict[str, str] = {
    "dataset_terms": "The licence or terms of the release itself: annotations, captions, features, lists, and the videos when the creators distribute them.",
    "platform_terms": "The contract of the platform the videos come from. It binds whoever fetches the videos from the platform, and nobody else.",
    "rights_in_works": "The rights of the people who own the videos (copyright, or the licence an uploader chose). They follow the videos wherever they are hosted.",
    "code": "The licence of the code. Recorded so that it is never mistaken for the data licence; it never decides a verdict.",
}


INHERITED_PREFIX = "inherited:"


class LicenceLayer(models.TextChoices):
    DATASET_TERMS = "dataset_terms", "Dataset terms"
    CODE = "code", "Code licence"


# The catalogue's record for "the creators state no licence": kept so that the finding has evidence,
# but it is not a licence, and no interface presents it as one (SPDX calls it NONE).
NO_LICENCE_SLUG = "unknown"


class LicenceCategory(models.TextChoices):
    PERMISSIVE = "permissive", "Permissive"
    COPYLEFT = "copyleft", "Copyleft / share-alike"
    NON_COMMERCIAL = "non_commercial", "Non-commercial"
    RESEARCH_ONLY = "research_only", "Research only"
    CUSTOM = "custom", "Custom"
    UNKNOWN = "unknown", "Unknown"


LICENCE_TERMS: dict[str, str] = {
    "commercial_use": "Commercial use",
    "research_use": "Research use",
    "modification": "Modification",
    "distribution": "Distribution",
    "redistribution": "Redistribution",
    "derivatives": "Sharing derivatives",
    "private_use": "Private use",
    "model_training": "Model training",
    "attribution": "Attribution",
    "share_alike": "Share alike",
    "agreement": "Signed or accepted agreement",
    "notice": "Keep the licence notice",
    "non_commercial": "Non-commercial use only",
    "state_changes": "State changes",
    "no_endorsement": "No endorsement",
    "same_terms_downstream": "Same terms for recipients",
}


class Distribution(models.TextChoices):
    """The forms a release takes; an entry may have several, or none established."""

    VIDEO_FILES = "video_files", "Video files"
    URL_LIST = "url_list", "URL or ID lists"
    FEATURES = "features", "Pre-extracted features"
    ANNOTATIONS_ONLY = "annotations_only", "Annotations only"


DISTRIBUTION_HELP: dict[str, str] = {
    "video_files": "The creators hand out copies of the videos or clips.",
    "url_list": "Links or platform IDs: you fetch the videos yourself.",
    "features": "Pre-extracted features: no videos needed.",
    "annotations_only": "Labels or captions only: the videos have to be obtained elsewhere.",
}


class IdentifierKind(models.TextChoices):
    HUGGINGFACE = "huggingface", "Hugging Face dataset"
    HUGGINGFACE_MODEL = "huggingface_model", "Hugging Face model"
    GITHUB = "github", "GitHub repository"
    ARXIV = "arxiv", "arXiv"
    DOI = "doi", "DOI"
    URL = "url", "Web address"
    PAPERSWITHCODE = "paperswithcode", "Papers with Code"


class Access(models.TextChoices):
    OPEN = "open", "Open download"
    GATED = "gated", "Gated by agreement or form"
    ON_REQUEST = "on_request", "On request"
    UNAVAILABLE = "unavailable", "Not available"
    UNKNOWN = "unknown", "Not established"


class Status(models.TextChoices):
    AVAILABLE = "available", "Available"
    WITHDRAWN = "withdrawn", "Withdrawn"
    TAKEN_DOWN = "taken_down", "Taken down"


class Publication(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Confidence(models.TextChoices):
    HIGH = "high", "High: read in the primary source"
    MEDIUM = "medium", "Medium: secondary or indirect source"
    LOW = "low", "Low: inferred"


class EvidenceKind(models.TextChoices):
    LICENCE_FILE = "licence_file", "Licence file"
    README = "readme", "README"
    PROJECT_PAGE = "project_page", "Project page"
    PAPER = "paper", "Paper"
    TERMS_PAGE = "terms_page", "Terms page"
    AGREEMENT = "agreement", "Licence agreement"
    LEGAL_TEXT = "legal_text", "Legal text"
    OTHER = "other", "Other"


class ClaimSource(models.TextChoices):
    HUGGINGFACE = "huggingface", "Hugging Face"
    PAPERSWITHCODE = "paperswithcode", "Papers with Code"
    GITHUB = "github", "GitHub"
    DPI = "dpi", "Data Provenance Initiative"
    OTHER = "other", "Other catalogue"


class PlatformKind(models.TextChoices):
    VIDEO_PLATFORM = "video_platform", "Video platform"
    PHOTO_PLATFORM = "photo_platform", "Photo and video platform"
    STOCK_FOOTAGE = "stock_footage", "Stock footage"
    BROADCAST = "broadcast", "Films and broadcast"
    OWN_RECORDINGS = "own_recordings", "Own recordings"
    SOCIAL_MEDIA = "social_media", "Social media"
    AI_GENERATED = "ai_generated", "AI-generated"
    WEB = "web", "Other websites"


def choice_values(choices: type[models.TextChoices]) -> list[str]:
    return [value for value, _ in choices.choices]


# --- models ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelUse:
    key: str
    label: str
    question: str
    explanation: str
    data_use: str  # the dataset use whose answer the training data passes on to the weights


MODEL_USES: tuple[ModelUse, ...] = (
    ModelUse(
        "commercial_use",
        "Use the weights commercially",
        "May I use this model in a commercial product or service?",
        "Running the model, or building on it, in a product or service that makes money.",
        "commercial_training",
    ),
    ModelUse(
        "redistribute_weights",
        "Redistribute the weights",
        "May I share the weights?",
        "Publishing or passing on copies of the weights.",
        "model_release",
    ),
    ModelUse(
        "release_derivative",
        "Release a fine-tuned derivative",
        "May I fine-tune it and release the result?",
        "Fine-tuning or otherwise adapting the model and publishing the derived weights.",
        "model_release",
    ),
)
MODEL_USE_KEYS: tuple[str, ...] = tuple(use.key for use in MODEL_USES)
MODEL_USES_BY_KEY: dict[str, ModelUse] = {use.key: use for use in MODEL_USES}

# In an audit, a model on the list answers the model use that matches the dataset use asked about.
MODEL_USE_FOR_DATASET_USE: dict[str, str] = {
    "commercial_training": "commercial_use",
    "internal_commercial": "commercial_use",
    "model_release": "release_derivative",
    "derivative_dataset": "release_derivative",
    "redistribute_media": "redistribute_weights",
    "redistribute_metadata": "redistribute_weights",
}


class ModelUseChoice(models.TextChoices):
    COMMERCIAL_USE = "commercial_use", "Use the weights commercially"
    REDISTRIBUTE_WEIGHTS = "redistribute_weights", "Redistribute the weights"
    RELEASE_DERIVATIVE = "release_derivative", "Release a fine-tuned derivative"


assert tuple(ModelUseChoice.values) == MODEL_USE_KEYS


class ModelKind(models.TextChoices):
    TEXT_TO_VIDEO = "text_to_video", "Text to video"
    IMAGE_TO_VIDEO = "image_to_video", "Image to video"
    VIDEO_GENERATION = "video_generation", "Video generation"
    VIDEO_LANGUAGE = "video_language", "Video-language model"
    VIDEO_ENCODER = "video_encoder", "Video encoder"
    WORLD_MODEL = "world_model", "World model"


class Disclosure(models.TextChoices):
    FULL = "full", "Full list of training data"
    PARTIAL = "partial", "Partial"
    NONE = "none", "Not disclosed"


class TrainingRole(models.TextChoices):
    PRETRAINING = "pretraining", "Pre-training"
    FINETUNING = "finetuning", "Fine-tuning"
    EVALUATION = "evaluation", "Evaluation only"


class UndisclosedKind(models.TextChoices):
    INTERNAL = "internal", "Internal data"
    LICENSED = "licensed", "Licensed data"
    UNDISCLOSED = "undisclosed", "Undisclosed sources"
    NOT_CATALOGUED = "not_catalogued", "Named, not in the catalogue"
