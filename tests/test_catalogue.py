from __future__ import annotations

from pathlib import Path

import pytest

from corpus.catalogue import Catalogue
from corpus.errors import CatalogueError
from corpus.models import Article


def art(text: str = "Nvidia said the H20 needs an export licence.", **kw: object) -> Article:
    return Article(id="a1", title="H20", text=text, language="en", **kw)


def test_upsert_reports_changes_and_persists(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    cat = Catalogue(path)
    assert cat.upsert(art()) == "added"
    assert cat.upsert(art()) == "unchanged"
    assert cat.upsert(art("Nvidia said licences will be granted again.")) == "updated"
    again = Catalogue(path)
    stored = again.get("a1")
    assert stored is not None and stored.text.startswith("Nvidia said licences")
    assert again.hashes() == {"a1": stored.content_hash}
    assert again.delete(["a1"]) == 1 and again.count() == 0


def test_corrupt_catalogue_is_a_clear_error_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    garbage = b"this is not a database" * 100
    path.write_bytes(garbage)
    with pytest.raises(CatalogueError, match="unreadable"):
        Catalogue(path)
    assert path.read_bytes() == garbage
