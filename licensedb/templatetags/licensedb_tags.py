from django import template
from django.utils.safestring import mark_safe

from ..rendering import render_markdown
from ..vocabulary import INHERITED_PREFIX, LAYER_HELP, RISK, USES_BY_KEY, VERDICT_HELP, Layer, VerdictValue

LAYER_LABELS = {**dict(Layer.choices), "code": "Code licence"}

register = template.Library()

ICONS = {
    VerdictValue.ALLOWED: "✓",
    VerdictValue.CONDITIONAL: "!",
    VerdictValue.UNCLEAR: "?",
    VerdictValue.PROHIBITED: "✕",
}


@register.filter
def markdown(text: str) -> str:
    return mark_safe(render_markdown(text))  # noqa: S308  (sanitised by nh3)


@register.inclusion_tag("includes/verdict.html")
def verdict(value: str, compact: bool = False):
    value = value or VerdictValue.UNCLEAR
    return {
        "value": value,
        "label": VerdictValue(value).label,
        "icon": ICONS.get(value, "?"),
        "help": VERDICT_HELP.get(value, ""),
        "compact": compact,
    }


@register.filter
def use_label(key: str) -> str:
    use = USES_BY_KEY.get(key)
    return use.label if use else key


@register.filter
def risk(value: str) -> int:
    return RISK.get(value, 2)


@register.simple_tag
def layer_label(layer: str, names: dict | None = None) -> str:
    if layer.startswith(INHERITED_PREFIX):
        slug = layer[len(INHERITED_PREFIX) :]
        return f"Inherited from {(names or {}).get(slug, slug)}"
    return LAYER_LABELS.get(layer, layer)


@register.filter
def layer_help(layer: str) -> str:
    if layer.startswith(INHERITED_PREFIX):
        return "The terms of a dataset this one was built from: they bind whatever is reused from it."
    return LAYER_HELP.get(layer, "")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None removes them)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    params.pop("page", None) if "page" not in changes else None
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def licence_term(key: str) -> str:
    from ..vocabulary import LICENCE_TERMS

    return LICENCE_TERMS.get(key, key.replace("_", " ").capitalize())


@register.filter
def verdict_help(value: str) -> str:
    return VERDICT_HELP.get(value, "")


def _edit_query(query_string: str, remove: tuple[str, str] | None = None, add: tuple[str, str] | None = None,
                replace: tuple[str, str] | None = None) -> str:
    from django.http import QueryDict

    params = QueryDict(query_string, mutable=True)
    params.pop("page", None) if (remove or add or (replace and replace[0] != "page")) else None
    if remove:
        params.setlist(remove[0], [v for v in params.getlist(remove[0]) if v != remove[1]])
    if add and add[1] not in params.getlist(add[0]):
        params.appendlist(add[0], add[1])
    if replace:
        params[replace[0]] = str(replace[1])
    return params.urlencode()


@register.simple_tag
def add_param(query_string: str, name: str, value: str) -> str:
    return _edit_query(query_string, add=(name, value))


@register.simple_tag
def remove_param(query_string: str, name: str, value: str) -> str:
    return _edit_query(query_string, remove=(name, value))


@register.simple_tag
def replace_param(query_string: str, name: str, value) -> str:
    return _edit_query(query_string, replace=(name, value))


@register.filter
def slice_after_colon(text: str) -> str:
    return text.split(":", 1)[1].strip() if ":" in text else ""


@register.filter
def attr_of(obj, name: str):
    """obj.<name>, for a name held in a variable (a use key on a stored answers row)."""
    return getattr(obj, name, None) if obj is not None else None


@register.filter
def model_use_label(key: str) -> str:
    from ..vocabulary import MODEL_USES_BY_KEY

    use = MODEL_USES_BY_KEY.get(key)
    return use.label if use else key


@register.filter
def day(value) -> str:
    """A date in the site's one format (``24 Nov 2026``); see licensedb.presentation.display_date."""
    from ..presentation import display_date

    return display_date(value)


@register.filter
def daytime(value) -> str:
    """A date-time in the site's one format (``24 Nov 2026, 10:14 UTC``)."""
    from ..presentation import display_date

    return display_date(value, with_time=True)


@register.filter
def source_title(evidence) -> str:
    """The link text of a source: what it is and where (never a truncated URL)."""
    from ..presentation import source_title as title

    return title(evidence)


@register.filter
def status_label(value: str) -> str:
    """A dataset status for people (``Taken down``), whatever form it arrives in."""
    from ..vocabulary import Status

    try:
        return Status(value).label
    except ValueError:
        return str(value).replace("_", " ").capitalize()


@register.filter
def condition_names(slugs, names) -> str:
    """Condition slugs as their names, joined (``Accept the terms of use, Keep it to yourself``)."""
    from ..presentation import condition_phrase

    names = {k: getattr(v, "name", v) for k, v in (names or {}).items()}
    return condition_phrase(list(slugs or ()), names)


@register.filter
def confidence_label(value: str) -> str:
    """``high`` as ``high (read in the primary source)``."""
    from ..vocabulary import Confidence

    try:
        level, _, how = Confidence(value).label.partition(": ")
    except ValueError:
        return str(value)
    return f"{level.lower()} ({how})" if how else level.lower()
