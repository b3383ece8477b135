"""The verdict grid of the curator admin: uses (in the public order) by layers, one cell per verdict.

``grid_rows`` lays out what a dataset's change page shows; ``error_summary`` lists every error of a
bound admin form and its inlines with the id of the field it belongs to, so the page can list them at
the top with links. Plain Python over model instances: the views in ``licensedb.admin`` render them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .vocabulary import LAYER_HELP, USES, Layer, VerdictValue

LAYERS: tuple[tuple[str, str], ...] = tuple(Layer.choices)


@dataclass
class Cell:
    use: str
    layer: str
    layer_label: str
    verdict: object | None  # DatasetVerdict or None when none is recorded

    @property
    def value(self) -> str:
        return self.verdict.value if self.verdict else ""

    @property
    def label(self) -> str:
        return self.verdict.get_value_display() if self.verdict else "Not recorded"

    @property
    def sources(self) -> int:
        return len(self.verdict.evidence.all()) if self.verdict else 0

    @property
    def conditions(self) -> list[str]:
        return [c.name for c in self.verdict.conditions.all()] if self.verdict else []


@dataclass
class Row:
    use: object  # vocabulary.Use
    cells: list[Cell]
    effective: str  # the public answer, "" when not computed yet


def grid_rows(verdicts, effective: dict[str, str] | None = None) -> list[Row]:
    """One row per use in the public order, one cell per layer."""
    by_key = {(v.use, v.layer): v for v in verdicts}
    effective = effective or {}
    return [
        Row(use, [Cell(use.key, layer, label, by_key.get((use.key, layer))) for layer, label in LAYERS], effective.get(use.key, ""))
        for use in USES
    ]


def layer_columns() -> list[tuple[str, str, str]]:
    return [(layer, label, LAYER_HELP.get(layer, "")) for layer, label in LAYERS]


def verdict_labels() -> dict[str, str]:
    return dict(VerdictValue.choices)


@dataclass(frozen=True)
class FormError:
    where: str  # "Summary", "Licence line 2: Licence", or "" for the whole form
    message: str
    anchor: str  # the id of the field (or group) on the page, "" when there is none


def _form_errors(form, where_prefix: str = "") -> list[FormError]:
    found = []
    for name, messages in form.errors.items():
        if name == "__all__":
            label, anchor = where_prefix.rstrip(": "), ""
        else:
            field = form.fields.get(name)
            label = where_prefix + str(field.label if field and field.label else name).capitalize()
            anchor = form[name].auto_id if name in form.fields else ""
        for message in messages:
            found.append(FormError(label, str(message), anchor))
    return found


def error_summary(form, formsets=()) -> list[FormError]:
    """Every error of ``form`` and of each inline formset, in page order, with the field's id."""
    found = _form_errors(form)
    for formset in formsets:
        name = str(formset.model._meta.verbose_name)
        for message in formset.non_form_errors():
            found.append(FormError(name.capitalize(), str(message), f"{formset.prefix}-group"))
        for number, item in enumerate(formset.forms, start=1):
            if item.errors:
                found += _form_errors(item, f"{name.capitalize()} {number}: ")
    return found
