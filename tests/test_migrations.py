"""The move to two content layers keeps what was stored: a database migrated from before it keeps
its distribution values (now forms, history included) and its dataset-level content verdicts (now
rights in the works)."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(db: Path, *args):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]


def test_a_database_from_before_the_split_is_migrated_without_loss(tmp_path):
    db = tmp_path / "old.sqlite3"
    manage(db, "migrate", "licensedb", "0005", "-v0")
    with sqlite3.connect(db) as con:
        con.execute("INSERT INTO licensedb_dataset (slug, name, name_key, summary, year, homepage, paper_title, paper_url, arxiv_id, doi, bibtex, size_note, distribution, access, access_note, status, status_reason, lineage_note, curation_note, publication, created, updated, version) "
                    "VALUES ('old-set', 'Old Set', 'oldset', 's', 2020, '', '', '', '', '', '', '', 'features', 'open', '', 'available', '', '', '', 'published', '2026-01-01', '2026-01-01', 1)")
        con.execute("INSERT INTO licensedb_dataset (slug, name, name_key, summary, year, homepage, paper_title, paper_url, arxiv_id, doi, bibtex, size_note, distribution, access, access_note, status, status_reason, lineage_note, curation_note, publication, created, updated, version) "
                    "VALUES ('vague-set', 'Vague Set', 'vagueset', 's', 2020, '', '', '', '', '', '', '', 'unknown', 'open', '', 'available', '', '', '', 'published', '2026-01-01', '2026-01-01', 1)")
        dataset_id = con.execute("SELECT id FROM licensedb_dataset WHERE slug='old-set'").fetchone()[0]
        con.execute("INSERT INTO licensedb_historicaldataset (id, slug, name, summary, year, homepage, paper_title, paper_url, arxiv_id, doi, bibtex, size_note, distribution, access, access_note, status, status_reason, lineage_note, curation_note, publication, created, history_date, history_type) "
                    f"VALUES ({dataset_id}, 'old-set', 'Old Set', 's', 2020, '', '', '', '', '', '', '', 'url_list', 'open', '', 'available', '', '', '', 'published', '2026-01-01', '2026-01-01', '+')")
        con.execute(f"INSERT INTO licensedb_datasetverdict (dataset_id, use, layer, value, note) VALUES ({dataset_id}, 'commercial_training', 'content_terms', 'allowed', 'licensed footage')")
    manage(db, "migrate", "-v0")
    with sqlite3.connect(db) as con:
        forms = con.execute("SELECT distributionform_id FROM licensedb_dataset_distribution d JOIN licensedb_dataset s ON s.id = d.dataset_id WHERE s.slug='old-set'").fetchall()
        assert forms == [("features",)]
        assert con.execute("SELECT COUNT(*) FROM licensedb_dataset_distribution d JOIN licensedb_dataset s ON s.id = d.dataset_id WHERE s.slug='vague-set'").fetchone()[0] == 0
        history = con.execute(f"SELECT distributionform_id FROM licensedb_historicaldataset_distribution WHERE dataset_id={dataset_id}").fetchall()
        assert history == [("url_list",)]  # the past state is kept in the history
        layers = con.execute(f"SELECT layer, value, note FROM licensedb_datasetverdict WHERE dataset_id={dataset_id}").fetchall()
        assert layers == [("rights_in_works", "allowed", "licensed footage")]
