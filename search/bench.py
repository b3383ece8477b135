"""The search benchmark: a synthetic catalogue, a hand-written SQL baseline, and a side-by-side timer.

``python manage.py benchsearch --size N`` drives it. The API is measured as clients get it (through
Django's request handling: top 20 with snippets, total count and facet counts); the baseline computes
the same page, count and facet counts with SQL written here by hand, on the same database, query by
query and interleaved with the API calls, so both see the same cache state. Every query's results are
compared, so the two cannot silently diverge.
"""

from __future__ import annotations

import bisect
import json
import random
import statistics
import string
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.test import Client

from licensedb.models import (
    Alias,
    Dataset,
    DatasetLicence,
    DistributionForm,
    EffectiveVerdict,
    Evidence,
    Licence,
    Modality,
    Organisation,
    SourcePlatform,
)
from licensedb.text import name_key
from licensedb.vocabulary import DISTRIBUTION_HELP, USE_KEYS, Distribution

from .text import similarity, tokens

CLASSES = ["rare", "medium", "frequent", "two_terms", "prefix", "typo"]

DOMAIN_WORDS = (
    "video videos dataset clips annotations captions youtube licence research commercial action "
    "recognition benchmark egocentric driving kitchen sports movies audio speech instructional camera "
    "frames labels train evaluation segmentation tracking human object scene people temporal "
    "retrieval question answering description creative commons attribution non-commercial terms "
    "agreement download urls features academic university lab released collected recorded hours"
).split()

CATEGORY_MIX = [("non_commercial", 40), ("research_only", 25), ("permissive", 15), ("unknown", 12), ("custom", 5), ("copyleft", 3)]
VERDICT_MIX = {
    "research": [("conditional", 45), ("allowed", 20), ("unclear", 30), ("prohibited", 5)],
    "commercial_training": [("prohibited", 60), ("unclear", 30), ("conditional", 6), ("allowed", 4)],
}
DEFAULT_MIX = [("prohibited", 35), ("unclear", 40), ("conditional", 15), ("allowed", 10)]


def _weighted(rng: random.Random, mix):
    values, weights = zip(*mix)
    return rng.choices(values, weights)[0]


class Vocabulary:
    """Domain words first, then a long tail of made-up words, drawn with Zipf-like frequencies."""

    def __init__(self, rng: random.Random, size: int = 40_000):
        seen = set(DOMAIN_WORDS)
        words = list(DOMAIN_WORDS)
        while len(words) < size:
            length = rng.randint(5, 10)
            word = "".join(rng.choice(string.ascii_lowercase) for _ in range(length))
            if word not in seen:
                seen.add(word)
                words.append(word)
        self.words = words
        cumulative, total = [], 0.0
        for rank in range(len(words)):
            total += 1.0 / (rank + 1) ** 1.05
            cumulative.append(total)
        self.cumulative = cumulative
        self.total = total
        self.rng = rng

    def sample(self, k: int) -> list[str]:
        draws = [self.rng.random() * self.total for _ in range(k)]
        return [self.words[bisect.bisect_left(self.cumulative, d)] for d in draws]

    def text(self, low: int, high: int) -> str:
        words = self.sample(self.rng.randint(low, high))
        return " ".join(words).capitalize() + "."


def add_verdicts(seed: int = 7) -> None:
    """Give every dataset and platform of a synthetic catalogue per-use verdicts backed by evidence, then
    compute the effective verdicts with the real engine (for load tests of pages that explain them)."""
    from licensedb import verdict_store
    from licensedb.models import DatasetVerdict, PlatformVerdict

    rng = random.Random(seed)
    # bulk inserts throughout: no per-row signal recomputes verdicts or re-indexes along the way
    # (one refresh of the whole catalogue at the end does it once)
    with transaction.atomic():
        platforms = list(SourcePlatform.objects.all())
        Evidence.objects.bulk_create([
            Evidence(platform=platform, key="terms", url=f"https://example.org/{platform.slug}/terms", location="terms",
                     accessed="2026-11-01", kind="terms_page", summary="The platform's terms.", confidence="high")
            for platform in platforms])
        terms = dict(Evidence.objects.filter(platform__isnull=False, key="terms").values_list("platform_id", "pk"))
        platform_verdicts = PlatformVerdict.objects.bulk_create([
            PlatformVerdict(platform=platform, use=use, value=_weighted(rng, VERDICT_MIX.get(use, DEFAULT_MIX)))
            for platform in platforms for use in USE_KEYS])
        platform_verdicts = list(PlatformVerdict.objects.filter(platform__in=platforms))
        PlatformThrough = PlatformVerdict.evidence.through
        PlatformThrough.objects.bulk_create([
            PlatformThrough(platformverdict_id=v.pk, evidence_id=terms[v.platform_id]) for v in platform_verdicts])
        first_evidence = dict(Evidence.objects.filter(dataset__isnull=False, key="source-0").values_list("dataset_id", "pk"))
        verdicts = [
            DatasetVerdict(dataset_id=dataset_id, use=use, layer="dataset_terms",
                           value=_weighted(rng, VERDICT_MIX.get(use, DEFAULT_MIX)))
            for dataset_id in first_evidence for use in USE_KEYS
        ]
        DatasetVerdict.objects.bulk_create(verdicts, batch_size=5000)
        if not all(v.pk for v in verdicts):  # databases that do not return ids from a bulk insert
            ids = {(d, u): pk for pk, d, u in DatasetVerdict.objects.values_list("pk", "dataset_id", "use")}
            for v in verdicts:
                v.pk = ids[(v.dataset_id, v.use)]
        Through = DatasetVerdict.evidence.through
        Through.objects.bulk_create(
            [Through(datasetverdict_id=v.pk, evidence_id=first_evidence[v.dataset_id]) for v in verdicts
             if v.value != "unclear"], batch_size=5000)
    verdict_store.refresh()


def generate(size: int, seed: int = 20261124) -> dict:
    """Fill the (empty) database with a synthetic catalogue of ``size`` published datasets."""
    rng = random.Random(seed)
    vocab = Vocabulary(rng)
    # rare words, like the specific names real entries carry: each lands in a handful of entries
    rare_pool = [f"{vocab.words[rng.randint(60, 5000)][:4]}{i:x}q" for i in range(max(200, size // 4))]
    with transaction.atomic():
        # the forms a migration creates, which a flush of the database removes
        for form in Distribution:
            DistributionForm.objects.get_or_create(
                slug=form.value, defaults={"name": form.label, "description": DISTRIBUTION_HELP[form.value]})
        orgs = Organisation.objects.bulk_create(
            [Organisation(slug=f"org-{i}", name=f"{vocab.words[200 + i].capitalize()} Institute {i}") for i in range(400)]
        )
        licences = []
        for i, (category, weight) in enumerate(CATEGORY_MIX * 4):
            licences.append(Licence(slug=f"bench-licence-{i}", name=f"Bench {category.replace('_', ' ')} licence {i}",
                                    category=category, summary=vocab.text(10, 30)))
        licences = Licence.objects.bulk_create(licences)
        by_category: dict[str, list[Licence]] = {}
        for lic in licences:
            by_category.setdefault(lic.category, []).append(lic)
        platforms = SourcePlatform.objects.bulk_create(
            [SourcePlatform(slug=f"platform-{i}", name=f"Platform {vocab.words[300 + i].capitalize()}", kind="video_platform")
             for i in range(12)]
        )
        modalities = Modality.objects.bulk_create([Modality(slug=f"mod-{i}", name=f"Modality {i}") for i in range(10)])

        datasets, doc_words = [], Counter()
        name_words: set[str] = set()
        for i in range(size):
            first, second = vocab.words[rng.randint(60, 8000)], vocab.words[rng.randint(60, 8000)]
            # two words, as most dataset names are ("Something Something", "Moments in Time"), so
            # that each is a word of the index that a typo can be corrected to
            name = f"{first.capitalize()} {second.capitalize()}-{i}"
            name_words.update({first, second})
            summary = vocab.text(60, 160)[:-1] + " " + " ".join(rng.sample(rare_pool, 2)) + "."
            doc_words.update(set(tokens(summary)))
            datasets.append(Dataset(
                slug=f"bench-{i}", name=name, name_key=name_key(name), summary=summary,
                year=rng.randint(2008, 2025),
                access=rng.choice(["open", "open", "gated", "on_request"]),
                status=_weighted(rng, [("available", 94), ("withdrawn", 3), ("taken_down", 3)]),
                publication="published",
            ))
            if datasets[-1].status != "available":
                datasets[-1].status_date = "2024-02-23"
                datasets[-1].status_reason = "Withdrawn by the creators."
        datasets = Dataset.objects.bulk_create(datasets, batch_size=2000)

        aliases, lines, evidence, effective = [], [], [], []
        org_links, platform_links, modality_links, form_links = [], [], [], []
        Through = Dataset
        for ds in datasets:
            for j in range(rng.choice([0, 1, 1, 2])):
                alias = f"{ds.name.split('-')[0][:6].upper()}{j}-{ds.pk}"
                aliases.append(Alias(dataset=ds, name=alias, name_key=name_key(alias)))
            category = _weighted(rng, CATEGORY_MIX)
            lines.append(DatasetLicence(dataset=ds, licence=rng.choice(by_category[category]), layer="dataset_terms"))
            if rng.random() < 0.4:
                lines.append(DatasetLicence(dataset=ds, licence=rng.choice(by_category["permissive"]), layer="code"))
            for k in range(2):
                text = vocab.text(40, 90)
                doc_words.update(set(tokens(text)))
                evidence.append(Evidence(dataset=ds, key=f"source-{k}", url=f"https://example.org/{ds.slug}/{k}",
                                         location="section 1", accessed="2026-11-01", kind="readme",
                                         summary=text, confidence="high"))
            effective.append(EffectiveVerdict(
                dataset=ds, decided_by={},
                **{use: _weighted(rng, VERDICT_MIX.get(use, DEFAULT_MIX)) for use in USE_KEYS},
            ))
            org_links += [Through.organisations.through(dataset_id=ds.pk, organisation_id=o.pk) for o in rng.sample(orgs, rng.randint(1, 2))]
            platform_links += [Through.platforms.through(dataset_id=ds.pk, sourceplatform_id=p.pk) for p in rng.sample(platforms, rng.randint(1, 2))]
            modality_links += [Through.modalities.through(dataset_id=ds.pk, modality_id=m.pk) for m in rng.sample(modalities, rng.randint(1, 3))]
            form = rng.choice(["url_list", "url_list", "video_files", "features", "annotations_only"])
            form_links.append(Through.distribution.through(dataset_id=ds.pk, distributionform_id=form))
        Alias.objects.bulk_create(aliases, batch_size=5000)
        DatasetLicence.objects.bulk_create(lines, batch_size=5000)
        Evidence.objects.bulk_create(evidence, batch_size=5000)
        EffectiveVerdict.objects.bulk_create(effective, batch_size=5000)
        Dataset.organisations.through.objects.bulk_create(org_links, batch_size=5000)
        Dataset.platforms.through.objects.bulk_create(platform_links, batch_size=5000)
        Dataset.modalities.through.objects.bulk_create(modality_links, batch_size=5000)
        Dataset.distribution.through.objects.bulk_create(form_links, batch_size=5000)

    return pick_queries(size, doc_words, sorted(name_words), rng)


def pick_queries(size: int, df: Counter, name_words: list[str], rng: random.Random, per_class: int = 15) -> dict:
    """Query terms by how many documents contain them, so each class means the same at every size."""
    words = [w for w in df if w.isalnum() and len(w) >= 5 and w not in DOMAIN_WORDS]

    def band(low: float, high: float) -> list[str]:
        chosen = [w for w in words if low <= df[w] <= high]
        rng.shuffle(chosen)
        return sorted(chosen[:per_class])

    rare = band(2, max(5, size * 0.0002))
    medium = band(size * 0.005, size * 0.02)
    frequent = [w for w in DOMAIN_WORDS if len(w) >= 5][:per_class] if size >= 1 else []
    frequent = sorted(w for w in frequent if df.get(w, 0) >= size * 0.1)[:per_class] or band(size * 0.1, size)
    pairs = [f"{a} {b}" for a, b in zip(medium, reversed(medium))][:per_class]
    prefixes = sorted({w[:4] for w in medium if w[:4] not in df})[:per_class]
    typos = []
    for word in rng.sample(name_words, min(len(name_words), per_class * 4)):
        if len(word) < 6:
            continue
        broken = word[:2] + word[3:]  # drop the third letter
        if broken not in df and broken not in name_words:
            typos.append(broken)
        if len(typos) == per_class:
            break
    return {"rare": rare, "medium": medium, "frequent": frequent, "two_terms": pairs, "prefix": prefixes, "typo": typos}


# --- the hand-written baseline --------------------------------------------------------------------

FACETS_SQL = (
    "WITH m AS ({matched}) SELECT v.facet, v.value, c.n FROM (SELECT f.value_id, COUNT(*) AS n FROM m "
    "JOIN search_facet f ON f.doc_id = m.id GROUP BY f.value_id) c JOIN search_facet_value v ON v.id = c.value_id"
)
VERDICT_COLUMNS = ", ".join(f"d.{use}" for use in USE_KEYS)


def _sqlite_match(words: list[str], prefix: bool, any_word: bool = False) -> str:
    parts = [f'"{w}"' for w in words]
    if prefix:
        parts[-1] = f'("{words[-1]}" OR "{words[-1]}"*)'
    return (" OR " if any_word else " AND ").join(parts)


def _pg_match(words: list[str], prefix: bool, any_word: bool = False) -> str:
    parts = [f"'{w}'" for w in words]
    if prefix:
        parts[-1] = f"('{words[-1]}' | '{words[-1]}':*)"
    return (" | " if any_word else " & ").join(parts)


def raw_page(cursor, vendor: str, words: list[str], prefix: bool, any_word: bool = False) -> tuple[list[str], int]:
    """Top 20 with snippets, plus count and facet counts, straight in SQL."""
    key = "".join(words)
    if vendor == "sqlite":
        match = _sqlite_match(words, prefix, any_word)
        cursor.execute(
            "WITH hits AS (SELECT d.id, d.slug, d.title, d.year, d.status, " + VERDICT_COLUMNS + ", "
            "CASE WHEN instr(d.keys, ' ' || ? || ' ') > 0 THEN 0 WHEN instr(d.keys, ' ' || ?) > 0 THEN 1 ELSE 2 END AS tier, "
            "bm25(search_fts, 10.0, 8.0, 6.0, 3.0, 3.0, 2.0, 1.0, 0.25) AS score, d.name_key AS nk "
            "FROM search_fts JOIN search_document d ON d.id = search_fts.rowid WHERE search_fts MATCH ? "
            "ORDER BY tier, CASE WHEN tier < 2 THEN length(nk) ELSE 0 END, score, nk, d.id LIMIT 20) "
            "SELECT hits.slug, snippet(search_fts, 6, char(2), char(3), '…', 18), snippet(search_fts, 7, char(2), char(3), '…', 18) "
            "FROM hits JOIN search_fts ON search_fts.rowid = hits.id WHERE search_fts MATCH ? "
            "ORDER BY hits.tier, CASE WHEN hits.tier < 2 THEN length(hits.nk) ELSE 0 END, hits.score, hits.nk, hits.id",
            [key, key, match, match],
        )
        slugs = [row[0] for row in cursor.fetchall()]
        cursor.execute(FACETS_SQL.format(matched="SELECT rowid AS id FROM search_fts WHERE search_fts MATCH ?"), [match])
    else:
        match = _pg_match(words, prefix, any_word)
        headline = "StartSel=\x02, StopSel=\x03, MaxWords=32, MinWords=14, MaxFragments=1, FragmentDelimiter=\" … \""
        cursor.execute(
            "WITH q AS (SELECT to_tsquery('english', %s) AS query), hits AS (SELECT * FROM (SELECT d.id, d.slug, "
            "d.summary, d.details, CASE WHEN position(' ' || %s || ' ' in d.keys) > 0 THEN 0 "
            "WHEN position(' ' || %s in d.keys) > 0 THEN 1 ELSE 2 END AS tier, ts_rank_cd(d.vector, q.query, 1) AS score, "
            "d.name_key AS nk, " + VERDICT_COLUMNS + " FROM search_document d, q WHERE d.vector @@ q.query) r "
            "ORDER BY tier, CASE WHEN tier < 2 THEN length(nk) ELSE 0 END, score DESC, nk, id LIMIT 20) "
            "SELECT hits.slug, ts_headline('english', hits.summary, q.query, %s), ts_headline('english', hits.details, q.query, %s) "
            "FROM hits, q ORDER BY hits.tier, CASE WHEN hits.tier < 2 THEN length(hits.nk) ELSE 0 END, hits.score DESC, hits.nk, hits.id",
            [match, key, key, headline, headline],
        )
        slugs = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            FACETS_SQL.format(matched="SELECT d.id FROM search_document d WHERE d.vector @@ to_tsquery('english', %s)"),
            [match],
        )
    facets = cursor.fetchall()
    count = sum(n for facet, _, n in facets if facet == "status")
    return slugs, count


def raw_similar(cursor, vendor: str, word: str) -> str | None:
    if vendor == "sqlite":
        grams = " OR ".join(f'"{word[i:i + 3]}"' for i in range(len(word) - 2))
        cursor.execute(
            "SELECT t.term FROM search_term_trigram JOIN search_term t ON t.id = search_term_trigram.rowid "
            "WHERE search_term_trigram MATCH ? ORDER BY bm25(search_term_trigram) LIMIT 60", [grams])
        scored = sorted(((similarity(word, t), t) for (t,) in cursor.fetchall()), key=lambda x: (-x[0], x[1]))
        return scored[0][1] if scored and scored[0][0] >= 0.3 else None
    cursor.execute("SELECT term FROM search_term WHERE term %% %s ORDER BY similarity(term, %s) DESC, term LIMIT 1", [word, word])
    row = cursor.fetchone()
    return row[0] if row else None


def raw_exists(cursor, vendor: str, word: str) -> bool:
    if vendor == "sqlite":
        cursor.execute("SELECT 1 FROM search_fts WHERE search_fts MATCH ? LIMIT 1", [f'"{word}"'])
    else:
        cursor.execute("WITH m AS MATERIALIZED (SELECT d.id FROM search_document d WHERE d.vector @@ "
                       "to_tsquery('english', %s)) SELECT 1 FROM m LIMIT 1", [f"'{word}'"])
    return cursor.fetchone() is not None


def raw_search(vendor: str, query_class: str, q: str) -> tuple[list[str], int]:
    """The same page the API returns for these single-word and two-word queries, in plain SQL:
    a prefix on the last word, a correction for words found nowhere, then any-word matching."""
    words = q.split()
    with connection.cursor() as cursor:
        slugs, count = raw_page(cursor, vendor, words, prefix=True)
        if count < 3:
            fixed = [w if len(w) < 4 or raw_exists(cursor, vendor, w) else (raw_similar(cursor, vendor, w) or w) for w in words]
            if fixed != words:
                alt_slugs, alt_count = raw_page(cursor, vendor, fixed, prefix=False)
                if alt_count > count and count == 0:
                    slugs, count = alt_slugs, alt_count
            if count == 0 and len(words) > 1:
                alt_slugs, alt_count = raw_page(cursor, vendor, words, prefix=True, any_word=True)
                if alt_count:
                    slugs, count = alt_slugs, alt_count
    return slugs, count


# --- timing ---------------------------------------------------------------------------------------


@dataclass
class Timing:
    api: list[float]
    raw: list[float]
    mismatches: int = 0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def measure(queries: dict[str, list[str]], repeat: int = 3) -> dict[str, Timing]:
    vendor = connection.vendor
    client = Client()
    results: dict[str, Timing] = {}
    for query_class in CLASSES:
        timing = Timing([], [])
        for q in queries.get(query_class, []):
            client.get("/api/v1/search/", {"q": q})  # warm-up
            raw_search(vendor, query_class, q)
            for _ in range(repeat):
                start = time.perf_counter()
                response = client.get("/api/v1/search/", {"q": q})
                timing.api.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                slugs, count = raw_search(vendor, query_class, q)
                timing.raw.append((time.perf_counter() - start) * 1000)
            body = response.json()
            if [r["slug"] for r in body["results"]] != slugs or body["count"] != count:
                timing.mismatches += 1
        results[query_class] = timing
    return results


def report(results: dict[str, Timing], out) -> float:
    header = f"{'class':<10} {'queries':>7} {'api p50':>9} {'api p95':>9} {'raw p50':>9} {'raw p95':>9} {'p50 ratio':>9}  mismatches"
    out.write(header + "\n")
    everything_api, everything_raw = [], []
    for query_class in CLASSES:
        t = results[query_class]
        if not t.api:
            out.write(f"{query_class:<10} {'-':>7}\n")
            continue
        everything_api += t.api
        everything_raw += t.raw
        a50, a95, r50, r95 = (percentile(t.api, 50), percentile(t.api, 95), percentile(t.raw, 50), percentile(t.raw, 95))
        out.write(f"{query_class:<10} {len(t.api):>7} {a50:>7.1f}ms {a95:>7.1f}ms {r50:>7.1f}ms {r95:>7.1f}ms {a50 / r50:>9.2f}  {t.mismatches}\n")
    ratio = statistics.median(everything_api) / statistics.median(everything_raw)
    out.write(f"overall p50 ratio api/raw = {ratio:.2f}\n")
    return ratio


def save_queries(path: Path, queries: dict) -> None:
    path.write_text(json.dumps(queries, indent=1))


def load_queries(path: Path) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None
