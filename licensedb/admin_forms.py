"""Forms and formsets behind the curator admin: where the curation rules meet the curator."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from . import rules
from .models import Alias, Dataset, Lineage
from .text import name_key
from .vocabulary import Publication, Status


class DatasetAdminForm(forms.ModelForm):
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Dataset
        fields = "__all__"
        widgets = {"distribution": forms.CheckboxSelectMultiple, "modalities": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["edit_version"].initial = self.instance.version

    def clean_name(self):
        name = self.cleaned_data["name"]
        key = name_key(name)
        if not key:
            raise ValidationError("The name needs at least one letter or digit.")
        clash = Dataset.objects.filter(name_key=key).exclude(pk=self.instance.pk).first()
        if clash:
            raise ValidationError(f"Another dataset is already called this: {clash.name}.")
        alias = Alias.objects.filter(name_key=key).exclude(dataset_id=self.instance.pk).select_related("dataset").first()
        if alias:
            raise ValidationError(f"'{alias.name}' is already an alias of {alias.dataset.name}.")
        return name

    def _keep_untouched_text(self, cleaned: dict) -> None:
        """A browser sends a text area back with CRLF line ends and Django strips its ends: text that
        differs from the stored one only so was not edited, and keeps the stored value exactly (else
        every save would record "BibTeX changed")."""
        if not self.instance.pk:
            return
        for name, value in cleaned.items():
            stored = getattr(self.instance, name, None) if name in self.fields else None
            if isinstance(value, str) and isinstance(stored, str) and value != stored:
                if value.replace("\r\n", "\n").strip() == stored.replace("\r\n", "\n").strip():
                    cleaned[name] = stored

    def clean(self):
        cleaned = super().clean()
        self._keep_untouched_text(cleaned)
        if self.instance.pk and cleaned.get("edit_version") is None:
            raise ValidationError(rules.EDIT_VERSION_MISSING, code="edit_version_missing")
        conflict = rules.edit_conflict(self.instance, cleaned.get("edit_version"))
        if conflict:
            raise ValidationError(conflict, code="edit_conflict")
        status = cleaned.get("status")
        if status and status != Status.AVAILABLE:
            if not cleaned.get("status_date"):
                self.add_error("status_date", rules.TAKEDOWN_NEEDS_DATE)
            if not (cleaned.get("status_reason") or "").strip():
                self.add_error("status_reason", rules.TAKEDOWN_NEEDS_REASON)
        if (
            self.instance.pk
            and cleaned.get("publication") == Publication.DRAFT
            and self.instance.publication == Publication.PUBLISHED
        ):
            children = list(
                self.instance.derivatives.published().values_list("name", flat=True)  # type: ignore[attr-defined]
            )
            if children:
                self.add_error("publication", rules.DRAFT_WITH_PUBLISHED_CHILDREN.format(children=", ".join(children)))
        return cleaned


class VerdictFormSet(BaseInlineFormSet):
    """Verdicts other than `unclear` must cite evidence."""

    def clean(self):
        super().clean()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            value = form.cleaned_data.get("value")
            evidence = form.cleaned_data.get("evidence")
            if value and rules.verdict_needs_evidence(value, len(evidence or [])):
                form.add_error("evidence", rules.EVIDENCE_REQUIRED)


class AliasFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen: dict[str, str] = {}
        own_name_key = name_key(getattr(self.instance, "name", "") or "")
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("name"):
                continue
            key = name_key(data["name"])
            if not key:
                form.add_error("name", "An alias needs at least one letter or digit.")
            elif key == own_name_key:
                form.add_error("name", "This alias is the same as the dataset's name.")
            elif key in seen:
                form.add_error("name", f"Listed twice: '{seen[key]}' and '{data['name']}'.")
            else:
                seen[key] = data["name"]
                other = Dataset.objects.filter(name_key=key).exclude(pk=self.instance.pk).first()
                alias = Alias.objects.filter(name_key=key).exclude(dataset_id=self.instance.pk).select_related("dataset").first()
                if other:
                    form.add_error("name", f"This is the name of another dataset: {other.name}.")
                elif alias:
                    form.add_error("name", f"This is already an alias of {alias.dataset.name}.")


class LineageFormSet(BaseInlineFormSet):
    """No cycles, no self-derivation, and no published entry derived from a draft."""

    def clean(self):
        super().clean()
        child = self.instance
        parents: list[Dataset] = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("parent"):
                continue
            parent = data["parent"]
            if child.pk and parent.pk == child.pk:
                form.add_error("parent", "A dataset cannot be derived from itself.")
                continue
            parents.append(parent)
        if child.pk and parents:
            edges: dict[str, list[str]] = {}
            for child_slug, parent_slug in Lineage.objects.exclude(child=child).values_list(
                "child__slug", "parent__slug"
            ):
                edges.setdefault(child_slug, []).append(parent_slug)
            cycle = rules.lineage_cycle(child.slug, [p.slug for p in parents], edges)
            if cycle is not None:
                raise ValidationError(str(cycle))
        if child.publication == Publication.PUBLISHED:
            drafts = [p.name for p in parents if p.publication != Publication.PUBLISHED]
            if drafts:
                raise ValidationError(rules.PUBLISHED_FROM_DRAFT.format(parents=", ".join(drafts)))


class TrainingDataFormSet(BaseInlineFormSet):
    """A declared dataset needs the source where the creators declare it; a published model cannot
    declare a draft dataset."""

    def clean(self):
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("dataset"):
                continue
            if not data.get("evidence"):
                form.add_error("evidence", "Cite where the creators declare this dataset (the paper's data section, the model card).")
            if self.instance.publication == Publication.PUBLISHED and not data["dataset"].is_published:
                form.add_error("dataset", f"{data['dataset'].name} is a draft: publish it first, or keep the model as a draft.")


# --- the verdict grid ------------------------------------------------------------------------------


def evidence_label(evidence) -> str:
    """A source as a curator recognises it: what it is, where it is and where in it, when it was read."""
    read = evidence.accessed.isoformat() if evidence.accessed else "date unknown"
    return f"{evidence.get_kind_display()}: {evidence.url} — {evidence.location} (read {read})"


class EvidenceChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return evidence_label(obj)


class ConditionChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return f"{obj.name}: {obj.description}" if obj.description else obj.name


class VerdictCellForm(forms.ModelForm):
    """One cell of the grid: the verdict of one use on one layer, its conditions, evidence and note.

    Optionally a new source, saved with the verdict and cited by it, so that a curator who finds the
    terms while editing does not have to leave the cell (and lose what they typed) to record them.
    """

    new_url = forms.URLField(label="New source: URL", required=False, assume_scheme="https")
    new_location = forms.CharField(label="New source: where in it", required=False,
                                   help_text="Section, clause or lines.")
    new_kind = forms.ChoiceField(label="New source: kind", required=False, choices=[("", "—")])
    new_accessed = forms.DateField(label="New source: read on", required=False, help_text="YYYY-MM-DD")
    new_summary = forms.CharField(label="New source: what it says", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="In our own words; never paste its text.")

    class Meta:
        from .models import DatasetVerdict

        model = DatasetVerdict
        fields = ["value", "conditions", "evidence", "note"]
        widgets = {"value": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"evidence": EvidenceChoiceField, "conditions": ConditionChoiceField}

    NEW_FIELDS = ("new_url", "new_location", "new_kind", "new_accessed", "new_summary")

    def __init__(self, *args, dataset, **kwargs):
        from .models import Evidence
        from .vocabulary import EvidenceKind

        super().__init__(*args, **kwargs)
        self.dataset = dataset
        self.fields["evidence"].queryset = Evidence.objects.filter(dataset=dataset).order_by("key")
        self.fields["evidence"].required = False
        self.fields["conditions"].required = False
        self.fields["new_kind"].choices = [("", "—"), *EvidenceKind.choices]
        self.fields["value"].choices = [c for c in self.fields["value"].choices if c[0]]
        self.new_evidence = None

    def wants_new_source(self) -> bool:
        return any((self.cleaned_data.get(name) or "") not in ("", None) for name in self.NEW_FIELDS)

    def clean(self):
        from .models import Evidence
        from .vocabulary import Confidence

        cleaned = super().clean()
        if self.wants_new_source():
            for name in ("new_url", "new_location", "new_kind", "new_accessed", "new_summary"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, "Needed for the new source (or empty every 'New source' field).")
            if cleaned.get("new_url") and not rules.is_http_url(cleaned["new_url"]):
                self.add_error("new_url", rules.URL_NOT_HTTP)
            accessed = cleaned.get("new_accessed")
            if accessed and rules.access_date_in_future(accessed):
                self.add_error("new_accessed", rules.ACCESS_DATE_IN_FUTURE)
            if not any(name in self.errors for name in self.NEW_FIELDS):
                self.new_evidence = Evidence(
                    dataset=self.dataset, url=cleaned["new_url"], location=cleaned["new_location"],
                    kind=cleaned["new_kind"], accessed=accessed, summary=cleaned["new_summary"],
                    confidence=Confidence.HIGH,
                )
        value = cleaned.get("value")
        cited = len(cleaned.get("evidence") or []) + (1 if self.new_evidence is not None else 0)
        if value and rules.verdict_needs_evidence(value, cited):
            self.add_error("evidence", rules.EVIDENCE_REQUIRED_HERE)
        if value == "unclear" and not (cleaned.get("note") or "").strip():
            self.add_error("note", rules.UNCLEAR_NEEDS_NOTE)
        return cleaned

    def save(self, commit=True, reviewer: str = ""):
        verdict = super().save(commit=False)
        if self.new_evidence is not None:
            self.new_evidence.reviewer = reviewer
            self.new_evidence.save()
        verdict.save()
        self.save_m2m()
        if self.new_evidence is not None:
            verdict.evidence.add(self.new_evidence)
        return verdict
