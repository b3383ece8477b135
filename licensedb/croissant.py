"""A dataset's licence terms as a Croissant 1.0 document (JSON-LD), valid for MLCommons' mlcroissant.

Besides the metadata Croissant recommends (licence, citation, publication date, version), every use's
effective verdict is stated twice: in words in ``usageInfo`` (one CreativeWork per use), and as an ODRL
policy (W3C's Open Digital Rights Language, ``odrl:hasPolicy``) that a machine can evaluate: a use
that is allowed is an ``odrl:permission``, a conditional one a permission with its conditions as
``odrl:duty``, a prohibited one an ``odrl:prohibition``; an unclear one is neither. The uses and
conditions are terms of this site's own vocabulary, whose namespace is the site's vocabulary page
(``<site>/vocab/#``), where each term is defined.

Licences are named by SPDX identifier (``LicenseRef-<slug>`` for one not on the SPDX list); when the
creators state no licence the licence is SPDX's ``NONE``, and when the catalogue records none,
``NOASSERTION``, each with what that means. licensedb does not track the releases of a dataset, so the
document's ``version`` is that of the catalogue record it describes, which goes up with every edit.
"""

from __future__ import annotations

from . import bibtex, licensing
from .models import Condition, Dataset
from .verdicts import Effective
from .vocabulary import INHERITED_PREFIX, USES, LicenceLayer, VerdictValue

CONFORMS_TO = "http://mlcommons.org/croissant/1.0"

# Croissant 1.0's standard @context (as MLCommons publishes it), plus the vocabularies used here.
CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
    "odrl": "http://www.w3.org/ns/odrl/2/",
    "prov": "http://www.w3.org/ns/prov#",
}

NO_LICENCE = {
    licensing.NONE: "The creators state no licence for the data: nothing is granted beyond what the law allows.",
    licensing.NOASSERTION: "licensedb has not established under which licence the data is released.",
}


def vocabulary_namespace(base_url: str) -> str:
    return f"{base_url}/vocab/#"


def _licences(dataset: Dataset, page: str) -> list[dict]:
    current = [l for l in dataset.licence_lines.all() if l.valid_until is None and l.layer == LicenceLayer.DATASET_TERMS]
    stated = licensing.stated(current)
    if not stated:
        value = licensing.spdx_expression(current)
        return [{"@type": "sc:CreativeWork", "@id": f"{page}#licences-h", "identifier": value, "name": value,
                 "description": NO_LICENCE[value]}]
    licences, seen = [], set()
    for line in stated:
        licence = line.licence
        if licence.pk in seen:  # one licence over several parts of a release is one licence
            continue
        seen.add(licence.pk)
        iri = f"https://spdx.org/licenses/{licence.spdx_id}.html" if licence.spdx_id else (licence.url or f"{page}#licences-h")
        item = {"@type": "sc:CreativeWork", "@id": iri, "identifier": licence.spdx, "name": licence.name}
        if licence.url:
            item["url"] = licence.url
        if line.scope or licence.summary:
            item["description"] = line.scope or licence.summary
        licences.append(item)
    return licences


def _policy(dataset_iri: str, explanation: dict[str, Effective]) -> dict:
    permissions, prohibitions = [], []
    for use in USES:
        result = explanation[use.key]
        rule = {"odrl:action": {"@id": f"ldb:{use.key}"}}
        if result.value == VerdictValue.ALLOWED:
            permissions.append(rule)
        elif result.value == VerdictValue.CONDITIONAL:
            rule["odrl:duty"] = [{"odrl:action": {"@id": f"ldb:condition-{c}"}} for c in result.conditions]
            permissions.append(rule)
        elif result.value == VerdictValue.PROHIBITED:
            prohibitions.append(rule)
    # The policy's target is the dataset that has it (odrl:hasPolicy); naming it again as odrl:target
    # would make the document refer to its own root, which mlcroissant cannot expand.
    policy = {"@id": f"{dataset_iri}#policy", "@type": "odrl:Set"}
    if permissions:
        policy["odrl:permission"] = permissions
    if prohibitions:
        policy["odrl:prohibition"] = prohibitions
    return policy


def document(dataset: Dataset, explanation: dict[str, Effective], base_url: str) -> dict:
    conditions = dict(Condition.objects.values_list("slug", "name"))
    page = base_url + dataset.get_absolute_url()
    ns = vocabulary_namespace(base_url)
    usage = []
    for use in USES:
        result = explanation[use.key]
        text = f"{use.label}: {result.value}"
        if result.conditions:
            text += " (" + ", ".join(conditions.get(c, c) for c in result.conditions) + ")"
        decided = result.decided_by
        text += "; decided by " + (
            f"the terms inherited from {decided[len(INHERITED_PREFIX):]}" if decided.startswith(INHERITED_PREFIX)
            else decided.replace("_", " ")
        )
        usage.append({"@type": "sc:CreativeWork", "@id": f"{page}#use-{use.key}", "name": use.key,
                      "description": text, "url": f"{page}#use-{use.key}",
                      "ldb:use": {"@id": f"ldb:{use.key}"}, "ldb:verdict": {"@id": f"ldb:{result.value}"}})
    version = f"{dataset.version}.0.0"
    doc = {
        "@context": {**CONTEXT, "ldb": ns},
        "@type": "sc:Dataset",
        "@id": page,
        "conformsTo": CONFORMS_TO,
        "name": dataset.name,
        "description": dataset.summary,
        "url": dataset.homepage or page,
        "version": version,
        "cr:sdVersion": version,
        "license": _licences(dataset, page),
        "citeAs": bibtex.render([dataset]),
        "usageInfo": usage,
        "odrl:hasPolicy": _policy(page, explanation),
        "conditionsOfAccess": dataset.get_access_display() + (f". {dataset.access_note}" if dataset.access_note else ""),
        "isAccessibleForFree": dataset.access in ("open", "gated"),
        "creator": [{"@type": "sc:Organization", "name": o.name} for o in dataset.organisations.all()],
        "ldb:platformTerms": [
            {"@type": "sc:CreativeWork", "name": f"{p.name} terms", "@id": p.terms_url or base_url + p.get_absolute_url()}
            for p in dataset.platforms.all() if p.terms_apply
        ],
        "prov:wasDerivedFrom": [{"@id": base_url + p.get_absolute_url(), "name": p.name} for p in dataset.derived_from.published()],
        "sdPublisher": {"@type": "sc:Organization", "name": "licensedb", "url": base_url + "/"},
        "sdDatePublished": dataset.last_reviewed.isoformat() if dataset.last_reviewed else None,
    }
    if dataset.year:
        doc["datePublished"] = str(dataset.year)
    return {k: v for k, v in doc.items() if v not in (None, [], "")}
