"""BibTeX citations of datasets, for one entry, a selection or the whole catalogue.

A dataset's citation is the entry its creators ask for (stored with the entry, parsed with
bibtexparser), completed from what the catalogue knows when the entry lacks it (year, a URL, the DOI,
the arXiv id), or else a ``@misc`` entry built from the catalogue: the organisations as authors, the
year, the homepage. Text from the catalogue is escaped for BibTeX and LaTeX (a backslash becomes
``\\textbackslash{}``, braces ``\\textbraceleft{}``/``\\textbraceright{}`` so that BibTeX's own brace
counting still balances). In a file of several datasets every key is unique: an entry that two
datasets share (one paper, two datasets) is written once, and a different entry that reuses a key
gets a suffix (``Bain21b``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

import bibtexparser
from bibtexparser.bparser import BibTexParser

from .models import Dataset

_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL = re.compile(r"[\\{}%&$#_~^]")
FIELD_ORDER = ["title", "author", "editor", "booktitle", "journal", "volume", "number", "pages", "publisher",
               "organization", "institution", "howpublished", "year", "month", "note", "doi", "eprint",
               "archiveprefix", "primaryclass", "url"]


def escape(text: str) -> str:
    """Plain text as the value of a BibTeX field."""
    return _SPECIAL.sub(lambda m: _ESCAPES[m.group()], text or "")


def url_value(url: str) -> str:
    """A URL as a field value: characters that would unbalance BibTeX's braces percent-encoded."""
    return quote(url, safe=":/?&=#%+@,;!$'()*[]~.-_")


@dataclass
class Entry:
    type: str
    key: str
    fields: dict[str, str] = field(default_factory=dict)  # values are BibTeX text, without outer braces

    def render(self) -> str:
        order = {name: i for i, name in enumerate(FIELD_ORDER)}
        names = sorted(self.fields, key=lambda n: (order.get(n, len(order)), n))
        body = ",\n".join(f"  {name} = {{{self.fields[name]}}}" for name in names)
        return f"@{self.type}{{{self.key},\n{body}\n}}\n"

    def same_as(self, other: "Entry") -> bool:
        return (self.type, self.fields) == (other.type, other.fields)


def citation_key(dataset: Dataset) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", dataset.slug.title()) or f"dataset{dataset.pk}"


def _parse(text: str) -> list[Entry]:
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False, homogenize_fields=False)
    entries = []
    for raw in bibtexparser.loads(text, parser=parser).entries:
        raw = dict(raw)
        kind, key = raw.pop("ENTRYTYPE").lower(), raw.pop("ID")
        entries.append(Entry(kind, key, {name.lower(): str(value).strip() for name, value in raw.items() if str(value).strip()}))
    return entries


def _organisations(dataset: Dataset) -> str:
    return " and ".join("{" + escape(o.name) + "}" for o in dataset.organisations.all())


def _link(dataset: Dataset) -> str:
    return dataset.paper_url or dataset.arxiv_url or dataset.homepage


def _complete(entry: Entry, dataset: Dataset) -> None:
    """Add what the catalogue knows and the creators' entry leaves out."""
    fields = entry.fields
    if "author" not in fields and "editor" not in fields and _organisations(dataset):
        fields["author"] = _organisations(dataset)
    if "year" not in fields and dataset.year:
        fields["year"] = str(dataset.year)
    if dataset.doi and "doi" not in fields:
        fields["doi"] = escape(dataset.doi)
    if dataset.arxiv_id and "eprint" not in fields:
        fields["eprint"], fields["archiveprefix"] = escape(dataset.arxiv_id), "arXiv"
    if "url" not in fields and _link(dataset):
        fields["url"] = url_value(_link(dataset))


def entries(dataset: Dataset) -> list[Entry]:
    """The dataset's citation entries (usually one; some datasets ask for two papers to be cited)."""
    found = _parse(dataset.bibtex) if dataset.bibtex.strip() else []
    if found:
        _complete(found[0], dataset)
        return found
    entry = Entry("misc", citation_key(dataset), {"title": "{" + escape(dataset.name) + "}"})
    if _organisations(dataset):
        entry.fields["author"] = _organisations(dataset)
    if dataset.year:
        entry.fields["year"] = str(dataset.year)
    entry.fields["howpublished"] = "Dataset"
    if dataset.paper_title:
        entry.fields["note"] = escape("Described in: " + dataset.paper_title)
    if dataset.doi:
        entry.fields["doi"] = escape(dataset.doi)
    if dataset.arxiv_id:
        entry.fields["eprint"], entry.fields["archiveprefix"] = escape(dataset.arxiv_id), "arXiv"
    link = dataset.homepage or _link(dataset)
    if link:
        entry.fields["url"] = url_value(link)
    return [entry]


def unique(entries_list: Iterable[Entry]) -> list[Entry]:
    """Each entry once, every key distinct (BibTeX compares keys without regard to case)."""
    kept: list[Entry] = []
    by_key: dict[str, list[Entry]] = {}
    for entry in entries_list:
        same_key = by_key.setdefault(entry.key.casefold(), [])
        if any(entry.same_as(other) for other in same_key):
            continue  # the same paper, cited for two datasets
        if same_key:
            base, n = entry.key, 1
            while f"{base}{chr(ord('a') + n)}".casefold() in by_key:
                n += 1
            entry = Entry(entry.type, f"{base}{chr(ord('a') + n)}", entry.fields)
            by_key[entry.key.casefold()] = []
            same_key = by_key[entry.key.casefold()]
        same_key.append(entry)
        kept.append(entry)
    return kept


def render(datasets: Iterable[Dataset]) -> str:
    """A BibTeX file citing these datasets."""
    return "\n".join(entry.render() for entry in unique(e for d in datasets for e in entries(d)))
