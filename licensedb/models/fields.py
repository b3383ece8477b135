"""Field helpers shared by the model modules."""

from django import forms
from django.core.validators import URLValidator
from django.db import models

http_url_validator = URLValidator(
    schemes=["http", "https"], message="Enter a web address that starts with http:// or https://."
)


class HttpURLFormField(forms.URLField):
    default_validators = [http_url_validator]
    default_error_messages = {"invalid": http_url_validator.message}


class HttpURLField(models.URLField):
    """A URL that must be http(s); forms assume https when the scheme is left out."""

    default_validators = [http_url_validator]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 500)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        kwargs.setdefault("form_class", HttpURLFormField)
        return super().formfield(**kwargs)


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
