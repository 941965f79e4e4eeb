"""Each file format, and every kind of bad input: a clear error naming the file,
and nothing else in the batch lost."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from bot.desk import Desk
from corpus.catalogue import Catalogue
from corpus.errors import LoadError
from corpus.fields import build_article
from corpus.ingest import IngestReport, ingest_paths
from corpus.models import Article
from corpus.registry import SourceError
from corpus.sources.folder import load_paths

LIMIT = 1_000_000

MD = """---
id: kr-ban
title: "Séoul suspend DeepSeek"
source: "Le Courrier"
url: "https://example.org/fr/kr-ban"
published: 2025-02-17
language: fr
---
# Séoul suspend DeepSeek

Le gouvernement sud-coréen a suspendu les **nouveaux téléchargements** de l’application.
Voir [le communiqué](https://example.org/c) pour les détails.
"""


def load_one(path: Path) -> list[Article | LoadError]:
    return list(load_paths([path], LIMIT))


def test_markdown_front_matter_and_markup(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_text(MD, "utf-8")
    [article] = load_one(f)
    assert isinstance(article, Article)
    assert article.id == "kr-ban"
    assert article.published == date(2025, 2, 17)
    assert article.language == "fr" and article.outlet == "Le Courrier"
    assert "**" not in article.text and "](" not in article.text and "#" not in article.text
    assert "nouveaux téléchargements de l’application" in article.text
    assert "le communiqué pour les détails" in article.text


def test_markdown_without_front_matter_gets_title_path_id_and_language(tmp_path: Path) -> None:
    f = tmp_path / "b.md"
    f.write_text("# Die Berliner Datenschutzbeauftragte\n\nDie Behörde hat DeepSeek bei Apple "
                 "und Google gemeldet, weil Daten nach China übertragen werden.\n", "utf-8")
    [article] = load_one(f)
    assert isinstance(article, Article)
    assert article.title == "Die Berliner Datenschutzbeauftragte"
    assert article.id.startswith("f-") and article.language == "de"
    [again] = load_one(f)
    assert again.id == article.id  # stable


def test_txt_and_html(tmp_path: Path) -> None:
    (tmp_path / "n.txt").write_text("Taiwan bans DeepSeek\n\nTaiwan's digital ministry barred "
                                    "government agencies from using the chatbot.", "utf-8")
    (tmp_path / "p.html").write_text(
        "<html lang='es'><head><title>T</title></head><body><nav>Inicio Menú</nav><article>"
        "<h1>España crea la AESIA</h1><p>El Gobierno aprobó el estatuto de la Agencia Española "
        "de Supervisión de la Inteligencia Artificial, con sede en A Coruña.</p><p>Es la primera "
        "agencia de este tipo en la Unión Europea, según el ministerio.</p></article>"
        "<footer>Aviso legal</footer></body></html>", "utf-8")
    txt, html = load_one(tmp_path / "n.txt"), load_one(tmp_path / "p.html")
    assert isinstance(txt[0], Article) and txt[0].title == "Taiwan bans DeepSeek"
    assert isinstance(html[0], Article)
    assert "A Coruña" in html[0].text and "Aviso legal" not in html[0].text
    assert "Inicio Menú" not in html[0].text
    assert html[0].language == "es"


def test_json_and_jsonl_records_keep_good_records_around_bad_ones(tmp_path: Path) -> None:
    good = {"id": "r1", "title": "Nvidia H20", "url": "https://example.org/h20",
            "published": "2025-04-16T09:00:00Z", "text": "Nvidia said it expects a charge of "
            "about 5.5 billion dollars on H20 chips."}
    lines = [json.dumps(good), "{not json", json.dumps({"id": "r2", "title": "no text"}),
             json.dumps({**good, "id": "r3", "published": "yesterday"}),
             json.dumps({**good, "id": None, "url": "https://example.org/other"})]
    (tmp_path / "f.jsonl").write_text("\n".join(lines), "utf-8")
    (tmp_path / "g.json").write_text(json.dumps([good, 5]), "utf-8")
    items = load_one(tmp_path / "f.jsonl")
    articles = [i for i in items if isinstance(i, Article)]
    errors = [str(i) for i in items if isinstance(i, LoadError)]
    assert articles[0].id == "r1" and articles[0].published == date(2025, 4, 16)
    assert articles[1].id.startswith("u-")  # derived from the URL
    assert len(errors) == 3
    assert any("f.jsonl:2" in e and "invalid JSON" in e for e in errors)
    assert any("f.jsonl:3" in e and "no 'text'" in e for e in errors)
    assert any("f.jsonl:4" in e and "not an ISO date" in e for e in errors)
    json_items = load_one(tmp_path / "g.json")
    assert isinstance(json_items[0], Article) and isinstance(json_items[1], LoadError)


def test_bad_files_each_get_a_clear_error_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "empty.md").write_text("", "utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "broken.md").write_text("---\ntitle: [unclosed\n---\nBody text here that is "
                                      "long enough to be an article.", "utf-8")
    (folder / "unclosed.md").write_text("---\ntitle: x\nBody without an end marker at all.",
                                        "utf-8")
    (folder / "latin1.txt").write_bytes("Le gouvernement a décidé, très tôt, "
                                        "d'interdire l'application.".encode("latin-1"))
    (folder / "bad-date.md").write_text("---\npublished: 17/02/2025\n---\nLong enough body "
                                        "text for an article about DeepSeek.", "utf-8")
    (folder / "good.md").write_text(MD, "utf-8")
    (folder / ".hidden.md").write_text(MD.replace("kr-ban", "hidden"), "utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    catalogue = Catalogue(tmp_path / "c.sqlite3")
    report = ingest_paths(catalogue, [folder, tmp_path / "missing"], LIMIT)
    assert report.added == 1 and catalogue.get("kr-ban") is not None
    assert catalogue.count() == 1
    by_file = {Path(e.split(":")[0]).name: e for e in report.errors}
    assert "empty" in by_file["empty.md"]
    assert "binary" in by_file["binary.txt"]
    assert "broken YAML front matter" in by_file["broken.md"]
    assert "never closed" in by_file["unclosed.md"]
    assert "encoding" in by_file["latin1.txt"] and "UTF-8" in by_file["latin1.txt"]
    assert "not an ISO date" in by_file["bad-date.md"]
    assert "no such file or folder" in by_file["missing"]
    assert len(report.errors) == 7  # hidden files and unsupported types inside folders: skipped


def test_explicit_unsupported_and_oversized_files(tmp_path: Path) -> None:
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000, "utf-8")
    [e1] = load_one(pdf)
    [e2] = list(load_paths([big], 100))
    assert isinstance(e1, LoadError) and "unsupported file type" in str(e1)
    assert isinstance(e2, LoadError) and "too large" in str(e2) and "big.txt" in str(e2)


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    f = tmp_path / "u.txt"
    f.write_bytes("Samsung stellte Gauss vor, ein generatives KI-Modell.".encode("utf-16"))
    [article] = load_one(f)
    assert isinstance(article, Article) and article.text.startswith("Samsung")


def test_one_malformed_file_is_its_own_error_and_every_later_file_is_stored(
        tmp_path: Path, desk: Desk) -> None:
    """Point 2: impossible dates, huge integers, deep nesting, a file name that is not UTF-8."""
    folder = desk.settings.sources_root / "hostile"
    folder.mkdir(parents=True)
    body = "Samsung unveiled its generative model Gauss in November, the company said."
    bad = {
        "a-month.md": f"---\npublished: 2025-13-45\n---\n{body}",
        "a-feb30.md": f"---\npublished: 2025-02-30\n---\n{body}",
        "a-bigint.md": f"---\nid: {'9' * 5000}\n---\n{body}",
        "a-deep.md": f"---\ntitle: {'[' * 20000}{']' * 20000}\n---\n{body}",
        "a-bigint.json": f'{{"id": {"9" * 5000}, "text": "{body}"}}',
        "a-deep.json": "[" * 100_000 + "]" * 100_000,
    }
    for name, text in bad.items():
        (folder / name).write_text(text, "utf-8")
    lines = [json.dumps({"id": "line-1", "text": body}), "[" * 50_000 + "]" * 50_000,
             json.dumps({"id": "line-3", "text": body})]
    (folder / "b-lines.jsonl").write_text("\n".join(lines), "utf-8")
    with open(os.path.join(os.fsencode(folder), b"c-caf\xe9.md"), "wb") as f:
        f.write(f"---\nid: latin-name\n---\n{body}".encode())
    (folder / "z-good.md").write_text(MD, "utf-8")

    source, report = desk.add_source("hostile", "test", within=desk.settings.sources_root)

    assert isinstance(report, IngestReport)
    stored = {a.id for a in desk.catalogue.articles()}
    assert stored == {"line-1", "line-3", "latin-name", "kr-ban"}
    assert report.added == 4 and len(report.errors) == len(bad) + 1
    for name in bad:
        [error] = [e for e in report.errors if f"{os.sep}{name}:" in e]
        assert "\n" not in error and "Traceback" not in error
    assert any("b-lines.jsonl:2" in e for e in report.errors)
    assert "not an ISO date" in next(e for e in report.errors if "a-feb30.md" in e)
    assert desk.registry.get(source.id).status == "partial"
    desk.refresh_folders()  # what the poller and /reindex do, again and again
    assert {a.id for a in desk.catalogue.articles()} == stored


def test_folder_sources_stay_inside_the_sources_folder(tmp_path: Path, desk: Desk) -> None:
    """Point 10: a link out of the sources folder is not followed; the sources folder itself
    is not a source laid over the others."""
    root = desk.settings.sources_root
    news, other = root / "news", root / "other"
    news.mkdir(parents=True)
    other.mkdir()
    (news / "kept.md").write_text(MD, "utf-8")
    (other / "sibling.md").write_text(MD.replace("kr-ban", "sibling"), "utf-8")
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.md").write_text(MD.replace("kr-ban", "secret"), "utf-8")
    (news / "leak.md").symlink_to(outside / "secret.md")
    (news / "leak-dir").symlink_to(outside, target_is_directory=True)
    (news / "link-to-other.md").symlink_to(other / "sibling.md")  # still inside: fine

    source, report = desk.add_source("news", "test", within=root)

    assert {a.id for a in desk.catalogue.articles()} == {"kr-ban", "sibling"}
    [error] = report.errors
    assert "leak.md" in error and "outside the sources folder" in error
    desk.refresh_folders()
    assert desk.catalogue.get("secret") is None
    for whole in (".", "", "./", "news/.."):
        with pytest.raises(SourceError):
            desk.add_source(whole, "test", within=root)
    assert [s.id for s in desk.registry.all()] == [source.id]


def test_a_load_error_names_the_field_at_fault() -> None:
    """Issue 12: a page with an odd date keeps its text (the feed's date stands in); the
    loaders tell that case by the error's `field`, not by words in its reason."""
    text = "Nvidia said the H20 needs an export licence from now on."
    with pytest.raises(LoadError, match="not an ISO date") as bad_date:
        build_article({"id": "x", "published": "yesterday"}, text, "x.md")
    assert bad_date.value.field == "published"
    with pytest.raises(LoadError, match="no usable characters") as bad_id:
        build_article({"id": "???", "published": "2025-02-17"}, text, "x.md")
    assert bad_id.value.field is None
