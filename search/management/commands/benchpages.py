"""python manage.py benchpages --size N: the page benchmark beside ``benchsearch`` (same machinery,
same synthetic catalogue and database): home, list, list page 50 with a filter, detail, compare,
licences, platforms, and the catalogue CSV's first byte and a worker's memory growth."""

from .benchsearch import Command as SearchCommand


class Command(SearchCommand):
    help = "Benchmark the pages and the CSV export over HTTP (gunicorn, production settings)."
    pages_default = True
    search_default = False
