"""Search tables. The indexer (``search.indexer``) is the only writer; never edit them by hand.

On SQLite an FTS5 external-content table (``search_fts``) mirrors ``search_document`` through
triggers, and an FTS5 trigram table indexes the name vocabulary. On PostgreSQL the document carries a
weighted ``tsvector`` (a generated column with a GIN index) and the vocabulary a pg_trgm index. Both
are created by this app's migrations.
"""

from django.db import models

from licensedb.vocabulary import VerdictValue


class SearchDocument(models.Model):
    """One published dataset as search sees it: weighted text fields plus what a result row shows."""

    id = models.BigIntegerField(primary_key=True)  # the dataset's id
    slug = models.CharField(max_length=120)
    name_key = models.CharField(max_length=200)
    keys = models.TextField(help_text="' key1 key2 ': name keys of the name and every alias")
    year = models.PositiveSmallIntegerField(null=True)
    status = models.CharField(max_length=20)
    # weighted text fields (FTS5 columns / tsvector parts, most important first)
    title = models.TextField()
    aliases = models.TextField(blank=True)
    variants = models.TextField(blank=True)
    organisations = models.TextField(blank=True)
    licences = models.TextField(blank=True)
    platforms = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    details = models.TextField(blank=True)
    # effective verdicts, shown with every result
    research = models.CharField(max_length=20, choices=VerdictValue.choices)
    benchmark = models.CharField(max_length=20, choices=VerdictValue.choices)
    internal_commercial = models.CharField(max_length=20, choices=VerdictValue.choices)
    commercial_training = models.CharField(max_length=20, choices=VerdictValue.choices)
    model_release = models.CharField(max_length=20, choices=VerdictValue.choices)
    redistribute_media = models.CharField(max_length=20, choices=VerdictValue.choices)
    redistribute_metadata = models.CharField(max_length=20, choices=VerdictValue.choices)
    derivative_dataset = models.CharField(max_length=20, choices=VerdictValue.choices)

    class Meta:
        db_table = "search_document"
        # the listing of an empty query (and of a filter alone) is in name order: read from an index
        indexes = [models.Index(fields=["name_key", "id"], name="search_document_listing")]


class SearchFacetValue(models.Model):
    """One value of one facet ("platform", "youtube"); documents point at it by id, so that facet
    counts group small integers rather than pairs of strings."""

    facet = models.CharField(max_length=30)
    value = models.CharField(max_length=120)

    class Meta:
        db_table = "search_facet_value"
        constraints = [models.UniqueConstraint(fields=["facet", "value"], name="search_facet_value_unique")]


class SearchFacet(models.Model):
    """A document has a facet value."""

    doc = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    value = models.ForeignKey(SearchFacetValue, on_delete=models.CASCADE, db_constraint=False, related_name="+")

    class Meta:
        db_table = "search_facet"
        indexes = [
            models.Index(fields=["value", "doc"], name="search_facet_filter"),
            models.Index(fields=["doc", "value"], name="search_facet_count"),
        ]


class SearchTerm(models.Model):
    """A word from dataset names and aliases, for "did you mean" suggestions."""

    term = models.CharField(max_length=60, unique=True)
    documents = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "search_term"



class SearchName(models.Model):
    """A name key of a document's name (``alias`` false) or of one of its aliases: the indexed lookup
    behind the name tiers of the ranking (exact name, exact alias, start of a name or alias)."""

    key = models.CharField(max_length=200)
    doc = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    alias = models.BooleanField(default=False)

    class Meta:
        db_table = "search_name"
        indexes = [
            models.Index(fields=["key", "doc"], name="search_name_key"),
            models.Index(fields=["doc"], name="search_name_doc"),
        ]


class SearchCompound(models.Model):
    """A compound word found in the catalogue ("noncommercial" from "non-commercial", "hdvila" from
    "HD-VILA-100M") with its parts, so that every spelling of it is read as the same query term."""

    joined = models.CharField(max_length=60, unique=True)
    parts = models.CharField(max_length=200, help_text="the parts, separated by spaces")

    class Meta:
        db_table = "search_compound"


class SearchLexeme(models.Model):
    """An index term of PostgreSQL's document vectors (a lexeme), with the documents holding it when
    the vocabulary was last read whole. PostgreSQL keeps no vocabulary a query can look a prefix up
    in, so the backend keeps this one for the top lists (``search.toplists``): read at a rebuild, added
    to on every index write, never pruned in between. SQLite reads FTS5's own (fts5vocab) and leaves
    this table empty."""

    term = models.TextField(unique=True)
    documents = models.PositiveIntegerField(default=0, help_text="documents holding it at the last rebuild (0: added since)")

    class Meta:
        db_table = "search_lexeme"


class SearchTopTerm(models.Model):
    """An index term found in so many documents that ranking all of them would cost more than the
    rest of the page: its best-scoring documents are kept in ``SearchTop`` (``search.toplists``)."""

    term = models.CharField(max_length=200, unique=True)
    documents = models.PositiveIntegerField(help_text="documents that contained the term when it was listed")
    # the facet counts of a search for the term alone, as the bounded count gives them (JSON: counts
    # and whether they are lower bounds), for the count bound they were taken with
    facets = models.TextField(blank=True)
    count_limit = models.PositiveIntegerField(null=True)

    class Meta:
        db_table = "search_top_term"


class SearchTop(models.Model):
    """One of a frequent term's best-scoring documents, with its full-text score for the term alone
    (the vendor's own: lower is better on SQLite, as bm25() returns it)."""

    term = models.ForeignKey(SearchTopTerm, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    doc = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    score = models.FloatField()

    class Meta:
        db_table = "search_top"
        indexes = [
            models.Index(fields=["term", "score", "doc"], name="search_top_rank"),
        ]
