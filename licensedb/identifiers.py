"""External identifiers: how a Hugging Face id, a GitHub URL, an arXiv id, a DOI or a web address is
written in many ways and matched as one.

Plain Python, no database. ``normalise(kind, value)`` gives the key an :class:`~licensedb.models.Identifier`
is stored and matched under; ``parse_reference(text)`` reads any reference a person or a pipeline might
hand us (``OpenGVLab/InternVid``, ``hf://datasets/...``, ``https://github.com/o/r/tree/main/x``,
``arXiv:2307.06942v2``, ``https://doi.org/...``) into the ``(kind, key)`` pairs it could mean, for the
resolver (``licensedb.resolver``).
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from .vocabulary import IdentifierKind

HF = IdentifierKind.HUGGINGFACE.value
HF_MODEL = IdentifierKind.HUGGINGFACE_MODEL.value
GITHUB = IdentifierKind.GITHUB.value
ARXIV = IdentifierKind.ARXIV.value
DOI = IdentifierKind.DOI.value
URL = IdentifierKind.URL.value
PWC = IdentifierKind.PAPERSWITHCODE.value

_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
_ARXIV_NEW = re.compile(r"^(\d{4}\.\d{4,5})(v\d+)?$")
_ARXIV_OLD = re.compile(r"^([a-z-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_PWC_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _strip(value: str) -> str:
    return (value or "").strip().strip("<>\"'").strip()


def _repo(value: str, what: str) -> str:
    value = value.strip("/")
    if value.endswith(".git"):
        value = value[: -len(".git")]
    if not _REPO.match(value):
        raise ValueError(f"A {what} is written owner/name, e.g. OpenGVLab/InternVid.")
    return value.lower()


def _arxiv(value: str) -> str:
    value = re.sub(r"^arxiv:\s*", "", value, flags=re.IGNORECASE)
    if value.lower().endswith(".pdf"):
        value = value[:-4]
    match = _ARXIV_NEW.match(value) or _ARXIV_OLD.match(value)
    if not match:
        raise ValueError("An arXiv id looks like 2307.06942 (a version such as v2 may follow).")
    return match.group(1).lower()


def _doi(value: str) -> str:
    value = re.sub(r"^doi:\s*", "", value, flags=re.IGNORECASE)
    value = unquote(value)
    if not _DOI.match(value):
        raise ValueError("A DOI starts with 10. and a registrant code, e.g. 10.1109/CVPR.2016.571.")
    return value.lower()


def _url(value: str) -> str:
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise ValueError("Enter a web address that starts with http:// or https://.")
    host = parts.netloc.lower()
    if host.startswith("www."):
        host = host[4:]
    path = parts.path.rstrip("/").lower()  # compared without case, like the other identifiers
    if path.endswith(("/index.html", "/index.htm", "/index.php")):
        path = path.rsplit("/", 1)[0]
    key = host + path
    if parts.query:
        key += "?" + parts.query.lower()
    if parts.fragment:  # one page may carry several datasets' downloads under anchors
        key += "#" + parts.fragment.lower()
    return key


def normalise(kind: str, value: str) -> str:
    """The key an identifier is matched under. Raises ValueError with a message a curator can act on."""
    value = _strip(value)
    if not value:
        raise ValueError("Give the identifier.")
    parsed = {kind_ for kind_, _ in parse_reference(value)} if "://" in value or value.startswith("hf:") else set()
    if kind in (HF, HF_MODEL):
        if parsed:
            for kind_, key in parse_reference(value):
                if kind_ == kind or (kind_ in (HF, HF_MODEL) and kind in (HF, HF_MODEL)):
                    return key
            raise ValueError("That is not a Hugging Face address: give owner/name.")
        return _repo(value, "Hugging Face repository")
    if kind == GITHUB:
        if parsed:
            for kind_, key in parse_reference(value):
                if kind_ == GITHUB:
                    return key
            raise ValueError("That is not a GitHub address: give owner/repository.")
        return _repo(value, "GitHub repository")
    if kind == ARXIV:
        if parsed:
            for kind_, key in parse_reference(value):
                if kind_ == ARXIV:
                    return key
        return _arxiv(value)
    if kind == DOI:
        if parsed:
            for kind_, key in parse_reference(value):
                if kind_ == DOI:
                    return key
        return _doi(value)
    if kind == PWC:
        if parsed:
            for kind_, key in parse_reference(value):
                if kind_ == PWC:
                    return key
        if not _PWC_SLUG.match(value.lower()):
            raise ValueError("A Papers with Code dataset is named by its slug, e.g. kinetics-400-1.")
        return value.lower()
    if kind == URL:
        return _url(value)
    raise ValueError(f"Unknown identifier kind '{kind}'.")


def url_of(kind: str, value: str) -> str:
    """A link for an identifier."""
    try:
        key = normalise(kind, value)
    except ValueError:
        return ""
    if kind == HF:
        return f"https://huggingface.co/datasets/{_strip(value) if _REPO.match(_strip(value)) else key}"
    if kind == HF_MODEL:
        return f"https://huggingface.co/{_strip(value) if _REPO.match(_strip(value)) else key}"
    if kind == GITHUB:
        return f"https://github.com/{_strip(value) if _REPO.match(_strip(value)) else key}"
    if kind == ARXIV:
        return f"https://arxiv.org/abs/{key}"
    if kind == DOI:
        return f"https://doi.org/{key}"
    if kind == PWC:
        return f"https://paperswithcode.com/dataset/{key}"
    value = _strip(value)
    return value if "://" in value else "https://" + value


def parse_reference(text: str) -> list[tuple[str, str]]:
    """Every (kind, key) a reference could mean, most specific first; [] when it names no identifier.

    A bare ``owner/name`` could be a Hugging Face dataset or model or a GitHub repository: all three
    are returned, and the resolver says which one matched.
    """
    text = _strip(text)
    if not text:
        return []
    lower = text.lower()
    if lower.startswith("hf://"):
        rest = text[5:]
        if rest.lower().startswith("datasets/"):
            return _try(HF, "/".join(rest.split("/")[1:3]))
        if rest.lower().startswith("models/"):
            return _try(HF_MODEL, "/".join(rest.split("/")[1:3]))
        return _try(HF, "/".join(rest.split("/")[:2])) + _try(HF_MODEL, "/".join(rest.split("/")[:2]))
    if lower.startswith(("arxiv:",)):
        return _try(ARXIV, text)
    if lower.startswith("doi:") or _DOI.match(text):
        return _try(DOI, text)
    if lower.startswith("git@github.com:"):
        return _try(GITHUB, text.split(":", 1)[1])
    if _ARXIV_NEW.match(text):
        return _try(ARXIV, text)
    if "://" in text or re.match(r"^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+/", lower):
        return _parse_url(text)
    if _REPO.match(text):
        return [(HF, text.lower()), (HF_MODEL, text.lower()), (GITHUB, text.lower())]
    return []


def _try(kind: str, value: str) -> list[tuple[str, str]]:
    try:
        return [(kind, normalise(kind, value))]
    except ValueError:
        return []


def _parse_url(text: str) -> list[tuple[str, str]]:
    url = text if "://" in text else "https://" + text
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    segments = [unquote(s) for s in parts.path.split("/") if s]
    found: list[tuple[str, str]] = []
    if host == "huggingface.co" and segments:
        if segments[0] == "datasets" and len(segments) >= 3:
            found += _try(HF, "/".join(segments[1:3]))
        elif segments[0] not in ("datasets", "spaces", "docs", "papers") and len(segments) >= 2:
            found += _try(HF_MODEL, "/".join(segments[:2]))
        elif segments[0] == "papers" and len(segments) >= 2:
            found += _try(ARXIV, segments[1])
    elif host in ("github.com", "raw.githubusercontent.com") and len(segments) >= 2:
        found += _try(GITHUB, "/".join(segments[:2]))
    elif host.endswith(".github.io") and host != "github.io":
        owner = host[: -len(".github.io")]
        repo = segments[0] if segments else host
        found += _try(GITHUB, f"{owner}/{repo}")
    elif host in ("arxiv.org", "export.arxiv.org") and len(segments) >= 2 and segments[0] in ("abs", "pdf", "html"):
        found += _try(ARXIV, "/".join(segments[1:]))
    elif host in ("doi.org", "dx.doi.org") and segments:
        found += _try(DOI, "/".join(segments))
    elif host == "paperswithcode.com" and len(segments) >= 2 and segments[0] == "dataset":
        found += _try(PWC, segments[1])
    try:
        found.append((URL, _url(text)))
    except ValueError:
        pass
    return found
