"""Field helpers shared by the model modules."""

from django.core.validators import URLValidator
from django.db import models

http_url_validator = URLValidator(
    schemes=["http", "https"], message="Enter a web address that starts with http:// or https://."
)


def HttpURLField(**kwargs) -> models.URLField:  # noqa: N802  (reads like a field class)
    kwargs.setdefault("max_length", 500)
    return models.URLField(validators=[http_url_validator], **kwargs)


def choices_check(field: str, choices, name: str) -> models.CheckConstraint:
    """A database constraint that keeps an enumerated column within its choices."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": [value for value, _ in choices.choices]}), name=name
    )


def http_url_check(field: str, name: str, allow_blank: bool = True) -> models.CheckConstraint:
    condition = models.Q(**{f"{field}__startswith": "http://"}) | models.Q(
        **{f"{field}__startswith": "https://"}
    )
    if allow_blank:
        condition |= models.Q(**{field: ""})
    return models.CheckConstraint(condition=condition, name=name)
