"""Web ingestion end to end: feeds and article pages from a real HTTP server on 127.0.0.1.

Everything is real: the test server (tests/feed_server.py) speaks HTTP over a
socket, newsdesk fetches with its own fetcher, stores in its SQLite
catalogue, embeds with the real model and answers from a real FAISS index.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import random
import re
import subprocess
import sys
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import make_settings
from feed_server import (
    Behaviour,
    FeedServer,
    Resource,
    Story,
    atom,
    endless,
    entry,
    never_answers,
    rdf,
    redirect,
    rss2,
    slow_headers,
    trickle,
)

from bot.desk import Desk
from corpus.catalogue import Catalogue
from corpus.chunker import chunk
from corpus.errors import NewsdeskError
from corpus.fetcher import Fetcher, FetchError, FetchSettings
from corpus.ids import id_from_url
from corpus.netguard import ALLOW_SETTING, HostPolicy, UnsafeURL
from corpus.poll import SourceOutcome
from corpus.registry import SourceError
from index.embedder import Embedder

# -- the news: a few sentences each, as a wire service would write them ---------------------

MERIDIAN = Story(
    "/ai/meridian-lisbon-research-centre.html", "en",
    "Meridian Labs opens Lisbon research centre for small language models",
    "By Hannah Cole, technology correspondent", datetime(2025, 3, 4, 9, 30, tzinfo=UTC), [
        "Meridian Labs, the Dublin-based AI start-up, has opened a research centre in Lisbon "
        "that will employ 140 engineers by the end of next year, the company said on Tuesday.",
        "The new centre will focus on small language models that run on laptops and phones "
        "without a cloud connection. Chief executive Orla Brennan said the team would release "
        "its first model, called Tern, under an open licence in the spring.",
        "Portugal's digital ministry helped the company find a site near the Tagus river and "
        "offered grants to train local graduates. Meridian already employs 60 people in Dublin "
        "and 25 in Berlin.",
    ],
    summary="Dublin start-up Meridian Labs opens a Lisbon research centre for small language "
            "models that run on laptops and phones without the cloud.")

VOLTAIC = Story(
    "/chips/voltaic-kestrel-2.html", "en",
    "Voltaic unveils Kestrel-2, an inference chip for data centres",
    "By Samir Haddad", datetime(2025, 3, 5, 14, 0, tzinfo=UTC), [
        "Voltaic Semiconductor unveiled on Wednesday an inference chip that it says runs large "
        "language models at a third of the power drawn by current graphics processors.",
        "The chip, named Kestrel-2, pairs 96 gigabytes of high-bandwidth memory with a compiler "
        "that splits a model across up to 64 cards. Voltaic plans to start volume shipments of "
        "Kestrel-2 in the third quarter of this year.",
        "Chief technology officer Daniel Okafor said two European cloud providers had already "
        "placed orders, without naming them.",
    ],
    summary="Voltaic Semiconductor's Kestrel-2 inference chip promises to run language models "
            "at a third of the power of today's graphics processors.")

# the same page after the publisher's correction: the shipping date moved
VOLTAIC_DELAYED = replace(VOLTAIC, paragraphs=[
    VOLTAIC.paragraphs[0],
    "The chip, named Kestrel-2, pairs 96 gigabytes of high-bandwidth memory with a compiler "
    "that splits a model across up to 64 cards. Voltaic now says volume shipments of Kestrel-2 "
    "will not begin before January, after its packaging supplier in Penang failed a "
    "reliability audit.",
    VOLTAIC.paragraphs[2],
])

BRUME = Story(
    "/fr/brume-leve-45-millions.html", "fr",
    "La start-up parisienne Brume lève 45 millions d'euros pour son assistant médical",
    "Par Camille Roussel", datetime(2025, 3, 6, 8, 0, tzinfo=UTC), [
        "Brume, une jeune pousse parisienne fondée en 2022, a annoncé jeudi une levée de fonds "
        "de 45 millions d'euros menée par le fonds lyonnais Alto Capital.",
        "L'entreprise développe un assistant qui rédige les comptes rendus de consultation à "
        "partir de l'enregistrement de la conversation entre le médecin et le patient. Une "
        "trentaine d'hôpitaux français l'utilisent déjà.",
        "Sa présidente, Claire Vasseur, veut doubler les effectifs d'ici à la fin de l'année et "
        "ouvrir un bureau à Montréal. « Les médecins passent encore deux heures par jour sur la "
        "paperasse », a-t-elle déclaré.",
        "La CNIL rappelle que les données de santé traitées par ce type d'outil doivent être "
        "hébergées par un prestataire certifié.",
    ],
    summary="La jeune pousse parisienne Brume lève 45 millions d'euros pour son assistant qui "
            "rédige les comptes rendus de consultation des médecins.")

NORDLICHT = Story(
    "/de/nordlicht-rechenzentrum-leipzig.html", "de",
    "Münchner KI-Firma Nordlicht baut Rechenzentrum in Leipzig",
    "Von Jonas Weber", datetime(2025, 3, 3, 7, 15, tzinfo=UTC), [
        "Das Münchner KI-Unternehmen Nordlicht hat am Montag angekündigt, in Leipzig ein "
        "Rechenzentrum für das Training großer Sprachmodelle zu bauen.",
        "Die Anlage soll 2027 in Betrieb gehen und mit ihrer Abwärme ein benachbartes "
        "Wohnviertel heizen. Nordlicht beziffert die Investition auf 1,2 Milliarden Euro.",
        "Vorstandschefin Miriam Falk sagte, Europa brauche eigene Rechenkapazität, um nicht von "
        "amerikanischen Cloud-Anbietern abhängig zu sein. Der Freistaat Sachsen unterstützt das "
        "Projekt mit Fördermitteln.",
        "Kritiker verweisen auf den hohen Strombedarf. Nordlicht will den Strom zu großen Teilen "
        "aus einem Solarpark in der Lausitz beziehen.",
    ],
    summary="Das Münchner KI-Unternehmen Nordlicht investiert 1,2 Milliarden Euro in ein "
            "Rechenzentrum in Leipzig, das ab 2027 Sprachmodelle trainieren soll.")

ALBA = Story(
    "/es/alba-robotica-almacenes.html", "es",
    "Alba Robótica prueba brazos guiados por IA en almacenes de Zaragoza",
    "Por Lucía Serrano", datetime(2025, 3, 7, 10, 0, tzinfo=UTC), [
        "La empresa aragonesa Alba Robótica ha comenzado a probar brazos robóticos guiados por "
        "un modelo de visión en tres almacenes logísticos de Zaragoza.",
        "Según la compañía, los robots clasifican 1.800 paquetes por hora y aprenden a "
        "reconocer objetos nuevos con una docena de fotografías.",
        "Los sindicatos han pedido que la empresa explique cómo afectará el proyecto a los "
        "turnos de noche.",
    ],
    summary="Alba Robótica prueba en Zaragoza brazos robóticos guiados por un modelo de visión "
            "que clasifican 1.800 paquetes por hora.")

# a partner site republishing Brume's story: its own headline, byline and closing line
BRUME_SYNDICATED = replace(
    BRUME, path="/partner/sante-brume-45-millions.html",
    title="Santé : l'assistant de Brume séduit les investisseurs",
    byline="Par la rédaction de Courrier Tech, avec Test Wire",
    paragraphs=[*BRUME.paragraphs,
                "Cet article a d'abord été publié par Test Wire et est reproduit avec son "
                "autorisation."],
    site="Courrier Tech")

FAST = {"host_delay": 0.0, "fetch_timeout": 2.0, "fetch_deadline": 5.0}


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as s:
        yield s


def web_desk(tmp_path: Path, embedder: Embedder, allow_hosts: str = "127.0.0.1",
             **overrides: object) -> Desk:
    settings = make_settings(tmp_path / "home", allow_hosts=allow_hosts,
                             **{**FAST, **overrides})
    return Desk(settings, embedder=embedder)


def publish(server: FeedServer, stories: list[Story], feed_path: str = "/feed.xml",
            fmt: Callable[..., Resource] = rss2, host: str = "127.0.0.1") -> str:
    """Serve the stories' pages and a feed listing them; the feed URL."""
    for story in stories:
        server.serve(story.path, story.page())
    server.serve(feed_path, fmt("Test Wire", server.url("/", host),
                                [entry(server, s, host) for s in stories]))
    return server.url(feed_path, host)


def article_id(server: FeedServer, story: Story, host: str = "127.0.0.1") -> str:
    return id_from_url(server.url(story.path, host))


def assert_verbatim(desk: Desk, answer_citations: list) -> None:
    for c in answer_citations:
        assert desk.article(c.article_id).text[c.start:c.end] == c.excerpt


# -- 1. add a feed, back-fill, index, ask -----------------------------------------------------

def test_added_feed_is_back_filled_indexed_and_cited(
        tmp_path: Path, embedder: Embedder, server: FeedServer) -> None:
    desk = web_desk(tmp_path, embedder)
    stories = [MERIDIAN, VOLTAIC, BRUME, NORDLICHT]
    feed_url = publish(server, stories)

    source, outcome = desk.add_source(feed_url, "test")

    assert source.kind == "feed"
    assert isinstance(outcome, SourceOutcome)
    assert (outcome.status, outcome.items, outcome.added, outcome.errors) == ("ok", 4, 4, [])
    stored = {a.id: a for a in desk.catalogue.articles()}
    assert set(stored) == {article_id(server, s) for s in stories}
    for story in stories:
        article = stored[article_id(server, story)]
        assert article.url == server.url(story.path)
        assert article.language == story.lang
        assert article.published == story.published.date()
        assert story.paragraphs[0] in article.text and not article.summary_only
    for request in server.requests:  # every request says who is asking
        assert request.user_agent.startswith("newsdesk/")
    state = desk.registry.get(source.id)
    assert (state.status, state.item_count, state.last_error) == ("ok", 4, None)
    assert state.etag == server.routes["/feed.xml"].tag

    stats = desk.reindex()
    assert stats.changed and stats.articles_embedded == 4

    answer = desk.ask("How many engineers will Meridian Labs employ at its Lisbon centre?")
    assert not answer.abstained
    first = answer.citations[0]
    assert first.url == server.url(MERIDIAN.path)
    assert first.url.startswith(f"http://127.0.0.1:{server.port}/")
    assert first.article_id == article_id(server, MERIDIAN)
    assert "140 engineers" in first.excerpt
    assert_verbatim(desk, answer.citations)

    german = desk.ask("Wie viel investiert Nordlicht in das Rechenzentrum in Leipzig?")
    assert german.citations[0].url == server.url(NORDLICHT.path)
    assert "1,2 Milliarden Euro" in german.citations[0].excerpt
    assert_verbatim(desk, german.citations)


def test_feed_formats_rss2_atom_and_rdf_are_all_read(
        tmp_path: Path, embedder: Embedder, server: FeedServer) -> None:
    desk = web_desk(tmp_path, embedder)
    for fmt, news in ((rss2, MERIDIAN), (atom, BRUME), (rdf, NORDLICHT)):
        story = replace(news, path=f"/{fmt.__name__}/story")
        feed_url = publish(server, [story], f"/{fmt.__name__}.xml", fmt)
        source, outcome = desk.add_source(feed_url, "test")
        assert source.kind == "feed", fmt.__name__
        assert (outcome.status, outcome.added) == ("ok", 1), (fmt.__name__, outcome)
        article = desk.article(article_id(server, story))
        assert article.url == server.url(story.path)
        assert article.title == story.title
        assert article.language == story.lang
        assert article.published == story.published.date()
    assert desk.catalogue.count() == 3


# -- 2. an unchanged feed costs one 304 and no embedding ------------------------------------

def test_unchanged_feed_gets_a_304_and_nothing_is_re_embedded(
        tmp_path: Path, embedder: Embedder, server: FeedServer) -> None:
    desk = web_desk(tmp_path, embedder)
    source, _ = desk.add_source(publish(server, [MERIDIAN, NORDLICHT]), "test")
    assert desk.reindex().changed
    server.forget()

    assert desk.fetch() == []  # just fetched: nothing is due yet, nothing is requested
    assert server.requests == []

    (outcome,) = desk.fetch(due_only=False)

    assert outcome.status == "not modified" and not outcome.changed
    tag = server.routes["/feed.xml"].tag
    assert [(r.path, r.if_none_match, r.status) for r in server.requests] == \
        [("/feed.xml", tag, 304)]  # one conditional request; no page is fetched again
    assert desk.registry.get(source.id).status == "not modified"
    assert desk.catalogue.count() == 2
    stats = desk.reindex()
    assert stats.changed is False and stats.passages_embedded == 0


# -- 3. a changed story is re-fetched and re-embedded alone ------------------------------------

def test_changed_item_is_refetched_and_re_embedded_alone(
        tmp_path: Path, embedder: Embedder, server: FeedServer) -> None:
    desk = web_desk(tmp_path, embedder)
    feed_url = publish(server, [MERIDIAN, VOLTAIC], "/atom.xml", atom)
    desk.add_source(feed_url, "test")
    desk.reindex()
    question = "When will Voltaic start volume shipments of the Kestrel-2 chip?"
    before = desk.ask(question)
    assert before.citations[0].url == server.url(VOLTAIC.path)
    assert "third quarter" in before.citations[0].excerpt
    voltaic_id = article_id(server, VOLTAIC)
    old_page_tag = server.routes[VOLTAIC.path].tag

    # the publisher bumps <updated> of Meridian's item but the page is the same: a 304
    later = VOLTAIC.published + timedelta(days=1)
    server.serve("/atom.xml", atom("Test Wire", server.url("/"), [
        entry(server, MERIDIAN, updated=later), entry(server, VOLTAIC)]))
    server.forget()
    (outcome,) = desk.fetch(due_only=False)
    assert (outcome.status, outcome.updated, outcome.unchanged) == ("ok", 0, 2)
    assert [(r.if_none_match, r.status) for r in server.requested(MERIDIAN.path)] == \
        [(server.routes[MERIDIAN.path].tag, 304)]
    assert server.requested(VOLTAIC.path) == []  # its item did not change
    assert desk.reindex().changed is False

    # now Voltaic corrects its story: new page text, new <updated>
    server.serve(VOLTAIC.path, VOLTAIC_DELAYED.page())
    server.serve("/atom.xml", atom("Test Wire", server.url("/"), [
        entry(server, MERIDIAN, updated=later), entry(server, VOLTAIC, updated=later)]))
    server.forget()
    (outcome,) = desk.fetch(due_only=False)

    assert (outcome.status, outcome.updated, outcome.unchanged, outcome.added) == \
        ("ok", 1, 1, 0)
    assert [(r.if_none_match, r.status) for r in server.requested(VOLTAIC.path)] == \
        [(old_page_tag, 200)]
    assert server.requested(MERIDIAN.path) == []
    stored = desk.article(voltaic_id)
    assert "Penang" in stored.text and "third quarter" not in stored.text

    stats = desk.reindex()
    assert stats.changed and stats.articles_embedded == 1 and stats.articles_reused == 1
    assert stats.passages_embedded == len(chunk(stored))

    after = desk.ask(question)
    cited = after.citations[0]
    assert cited.article_id == voltaic_id
    assert "January" in cited.excerpt and "third quarter" not in cited.excerpt
    assert_verbatim(desk, after.citations)


# -- 4. a syndicated copy is a duplicate, never a second citation ---------------------------

def test_syndicated_copy_on_another_host_is_a_duplicate_and_never_cited(
        tmp_path: Path, embedder: Embedder, server: FeedServer) -> None:
    desk = web_desk(tmp_path, embedder, allow_hosts="127.0.0.1,localhost")
    desk.add_source(publish(server, [BRUME, NORDLICHT]), "test")
    original = article_id(server, BRUME)

    partner_feed = publish(server, [BRUME_SYNDICATED, ALBA], "/partner/feed.xml",
                           host="localhost")
    _, outcome = desk.add_source(partner_feed, "test")

    assert (outcome.status, outcome.added, outcome.duplicates) == ("ok", 2, 1)
    assert {r.host for r in server.requested(BRUME_SYNDICATED.path)} == \
        {f"localhost:{server.port}"}
    copy = article_id(server, BRUME_SYNDICATED, "localhost")
    copy_article = desk.catalogue.get(copy)
    assert copy_article is not None and copy_article.url.startswith("http://localhost:")
    assert copy_article.text != desk.article(original).text  # a near, not an exact, copy
    assert desk.catalogue.web_state(copy).duplicate_of == original
    assert desk.catalogue.web_state(original).duplicate_of is None
    alba = article_id(server, ALBA, "localhost")  # the partner's own story is kept
    assert desk.catalogue.web_state(alba).duplicate_of is None
    kept = {a.id for a in desk.catalogue.articles()}
    assert kept == {original, article_id(server, NORDLICHT), alba}

    stats = desk.reindex()
    assert stats.articles_total == 3
    for question in ("Combien d'argent Brume a-t-elle levé ?",
                     "Which fund led the investment in the Paris start-up Brume?"):
        answer = desk.ask(question)
        assert not answer.abstained, question
        assert answer.citations[0].article_id == original, question
        assert copy not in {c.article_id for c in answer.citations}
        assert copy_article.url not in {c.url for c in answer.citations}
        assert_verbatim(desk, answer.citations)


# -- 4b. an article two sources list stays until neither does -------------------------------

def test_removing_a_source_keeps_every_article_another_source_lists(
        tmp_path: Path, embedder: Embedder, server: FeedServer) -> None:
    """Issue 11: a feed, an article URL and a second feed share Meridian's story; it stays
    while any of them lists it, whichever way each one met it (stored, 304, same item)."""
    desk = web_desk(tmp_path, embedder)
    feed, _ = desk.add_source(publish(server, [MERIDIAN, VOLTAIC]), "test")
    page, outcome = desk.add_source(server.url(MERIDIAN.path), "test")
    assert outcome.status == "not modified"  # the feed stored the page: one conditional GET
    other, outcome = desk.add_source(publish(server, [MERIDIAN, BRUME], "/other.xml"), "test")
    assert (outcome.added, outcome.unchanged) == (1, 1)  # the same item as the first feed's
    meridian = article_id(server, MERIDIAN)
    assert desk.catalogue.sources_of(meridian) == {feed.id, page.id, other.id}

    _, removed = desk.remove_source(feed.id)
    assert removed == 1  # Voltaic's story: no other source lists it
    kept = {a.id for a in desk.catalogue.articles()}
    assert kept == {meridian, article_id(server, BRUME)}
    desk.reindex()
    answer = desk.ask("How many engineers will Meridian Labs employ at its Lisbon centre?")
    assert answer.citations[0].article_id == meridian
    assert_verbatim(desk, answer.citations)

    assert desk.remove_source(other.id)[1] == 1  # Brume's; the URL source still lists Meridian
    assert [a.id for a in desk.catalogue.articles()] == [meridian]
    assert desk.remove_source(page.id)[1] == 1
    assert desk.catalogue.count() == 0


# -- 5. unreachable or forbidden pages: the feed's summary stands in ---------------------------

def test_missing_or_robots_disallowed_page_falls_back_to_the_feed_summary(
        tmp_path: Path, embedder: Embedder, server: FeedServer) -> None:
    desk = web_desk(tmp_path, embedder)
    private = replace(MERIDIAN, path="/private/meridian.html")
    gone = replace(BRUME, path="/fr/gone.html")
    short = replace(ALBA, path="/es/gone-too.html", summary="Robots en Zaragoza.")
    server.serve("/robots.txt", Resource(
        b"User-agent: *\nDisallow: /private/\n", "text/plain", etag=False))
    server.serve(NORDLICHT.path, NORDLICHT.page())
    server.serve(private.path, private.page())  # there, but robots.txt forbids it
    feed_url = server.serve("/rdf.xml", rdf("Test Wire", server.url("/"), [
        entry(server, s) for s in (NORDLICHT, private, gone, short)]))

    source, outcome = desk.add_source(feed_url, "test")

    assert server.requested(private.path) == []  # never requested at all
    assert [r.status for r in server.requested("/robots.txt")] == [200]
    assert [r.status for r in server.requested(gone.path)] == [404]
    assert (outcome.items, outcome.added, outcome.summaries) == (4, 3, 2)
    assert outcome.status == "partial" and len(outcome.errors) == 1
    assert server.url(short.path) in outcome.errors[0]
    assert "no usable summary" in outcome.errors[0]
    recorded = desk.registry.get(source.id)
    assert recorded.status == "partial" and "no usable summary" in recorded.last_error

    page = desk.article(article_id(server, NORDLICHT))
    assert not page.summary_only and NORDLICHT.paragraphs[1] in page.text
    for story in (private, gone):
        article = desk.article(article_id(server, story))
        assert article.summary_only
        assert article.text == story.summary
        assert article.url == server.url(story.path)
        assert article.title == story.title
        assert article.published == story.published.date()
    assert desk.catalogue.get(article_id(server, short)) is None


# -- 6. hostile servers: the error is recorded, the other sources go on -----------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [\n  <!ENTITY lol0 "lol">\n'
    + "".join(f'  <!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
    + ']>\n<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
    '<link>http://127.0.0.1/lol</link><description>&lol9;</description></item></channel></rss>\n'
).encode()

MALFORMED = (b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
             b'<title>Test Wire</title></chanel><item><<title>>Kestrel-2 ships</titel>'
             b'<link>http://127.0.0.1/x</lnk></itm></rss')

BINARY = b"\x89PNG\r\n\x1a\n" + bytes(random.Random(7).randrange(256) for _ in range(60_000))


@dataclass
class Hostile:
    kind: str  # what the source was while it was healthy: "feed" or "url"
    routes: Callable[[str], dict[str, Resource | Behaviour]]  # path -> what the server does
    error: str  # in the recorded last_error


HOSTILE = {
    "malformed-xml": Hostile(
        "feed", lambda p: {p: Resource(MALFORMED, "application/rss+xml")},
        "not a readable RSS or Atom feed"),
    "billion-laughs": Hostile(
        "feed", lambda p: {p: Resource(BILLION_LAUGHS, "application/rss+xml")},
        "declares XML entities; refused"),
    "one-gigabyte-declared": Hostile(
        "feed", lambda p: {p: endless(declared_length=1_073_741_824)},
        "is too large (1,073,741,824 bytes; the limit is 200,000)"),
    "endless-body": Hostile(
        "feed", lambda p: {p: endless()}, "is too large (over 200,000 bytes)"),
    "binary-as-html": Hostile(
        "url", lambda p: {p: Resource(BINARY, "text/html; charset=utf-8")},
        "the page is binary data, not HTML"),
    "redirect-loop": Hostile(
        "feed", lambda p: {p: redirect(p + "/next"), p + "/next": redirect(p)},
        "too many redirects"),
    "never-answers": Hostile(
        "feed", lambda p: {p: never_answers}, "did not answer in time"),
    "trickles-forever": Hostile(
        "feed", lambda p: {p: trickle}, "is too slow"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_server_fails_its_source_only(
        case: str, tmp_path: Path, embedder: Embedder, server: FeedServer) -> None:
    hostile = HOSTILE[case]
    desk = web_desk(tmp_path, embedder, fetch_max_bytes=200_000, fetch_timeout=1.0,
                    fetch_deadline=2.0)
    # while it was healthy, the source was added and its story stored
    if hostile.kind == "feed":
        location = publish(server, [VOLTAIC], "/turns-hostile")
        kept = article_id(server, VOLTAIC)
    else:
        location = server.serve("/turns-hostile", VOLTAIC.page())
        kept = id_from_url(location)
    bad, first = desk.add_source(location, "test")
    assert bad.kind == hostile.kind and first.added == 1
    # a healthy feed added after it, so it is fetched after the hostile one
    healthy, _ = desk.add_source(publish(server, [MERIDIAN], "/healthy.xml"), "test")
    before = desk.catalogue.count()
    assert before == 2

    for path, route in hostile.routes("/turns-hostile").items():
        server.serve(path, route)
    publish(server, [MERIDIAN, NORDLICHT], "/healthy.xml")  # one new story
    started = time.monotonic()
    outcomes = {o.source_id: o for o in desk.fetch(due_only=False)}
    elapsed = time.monotonic() - started

    assert elapsed < 10, f"{case}: the fetch took {elapsed:.1f} s"
    assert outcomes[bad.id].status == "error"
    recorded = desk.registry.get(bad.id)
    assert recorded.status == "error"
    assert hostile.error in recorded.last_error, recorded.last_error
    assert "\n" not in recorded.last_error and "Traceback" not in recorded.last_error
    assert (outcomes[healthy.id].status, outcomes[healthy.id].added) == ("ok", 1)
    assert desk.registry.get(healthy.id).status == "ok"
    assert desk.catalogue.count() == before + 1  # nothing stored before is lost
    assert VOLTAIC.paragraphs[0] in desk.article(kept).text

    # the same server behaviour met when the source is first added
    fresh_routes = hostile.routes("/fresh")
    for path, route in fresh_routes.items():
        server.serve(path, route)
    sources = len(desk.registry.all())
    with pytest.raises(NewsdeskError, match=re.escape(hostile.error)) as refused:
        desk.add_source(server.url("/fresh"), "test")
    assert "\n" not in str(refused.value)
    assert len(desk.registry.all()) == sources  # nothing half-added
    assert desk.catalogue.count() == before + 1


# -- 7. the SSRF guard ------------------------------------------------------------------------

def test_private_addresses_are_refused_unless_allowed(
        desk: Desk, server: FeedServer) -> None:
    feed_url = publish(server, [MERIDIAN])
    with pytest.raises(UnsafeURL, match="private or local address") as refused:
        desk.add_source(feed_url, "test")  # the `desk` fixture allows no host
    assert server.requests == [] and desk.registry.all() == []
    # the refusal names the setting that lifts it (the CLI test sets it and succeeds)
    assert f"add 127.0.0.1 to {ALLOW_SETTING}" in str(refused.value)

    with pytest.raises(SourceError, match="only http and https"):
        desk.add_source("file:///etc/passwd", "test")
    with pytest.raises(UnsafeURL, match="only http and https"):
        HostPolicy(["127.0.0.1"]).check("file:///etc/passwd")
    with pytest.raises(UnsafeURL, match="user name or password"):
        HostPolicy(["127.0.0.1"]).check("http://user:pass@127.0.0.1/")
    assert desk.registry.all() == []


def test_credentials_in_a_link_are_refused_even_for_an_allowed_host(
        tmp_path: Path, embedder: Embedder, server: FeedServer) -> None:
    desk = web_desk(tmp_path, embedder)
    publish(server, [MERIDIAN])
    with pytest.raises(UnsafeURL, match="user name or password"):
        desk.add_source(f"http://user:pass@127.0.0.1:{server.port}/feed.xml", "test")
    assert server.requests == [] and desk.registry.all() == []


def test_a_redirect_to_a_host_not_allowed_is_refused_at_that_hop(
        tmp_path: Path, embedder: Embedder, server: FeedServer) -> None:
    desk = web_desk(tmp_path, embedder, allow_hosts="localhost")
    # allowed by name, "localhost" works directly …
    local_feed = publish(server, [NORDLICHT], "/local.xml", host="localhost")
    _, outcome = desk.add_source(local_feed, "test")
    assert (outcome.status, outcome.added) == ("ok", 1)

    # … but a redirect from it to 127.0.0.1 (not named, not a public address) is not
    publish(server, [MERIDIAN])
    server.serve("/redirect", redirect(server.url("/feed.xml")))
    server.forget()
    with pytest.raises(UnsafeURL, match=r"127\.0\.0\.1 points to a private or local address"):
        desk.add_source(server.url("/redirect", host="localhost"), "test")
    # robots.txt of localhost is read first (URLs added by hand honour it); the feed never
    assert [r.path for r in server.requests] == ["/robots.txt", "/redirect"]
    assert len(desk.registry.all()) == 1 and desk.catalogue.count() == 1


def test_allow_hosts_takes_cidr_ranges(
        tmp_path: Path, embedder: Embedder, server: FeedServer) -> None:
    url = server.url("/feed.xml")
    assert HostPolicy(["127.0.0.0/8"]).check(url) == url
    assert HostPolicy([" 10.0.0.0/8 ", "127.0.0.0/30"]).check(url) == url
    with pytest.raises(UnsafeURL, match="private or local"):
        HostPolicy(["10.0.0.0/8", "192.168.0.0/16"]).check(url)
    with pytest.raises(UnsafeURL, match="private or local"):
        HostPolicy(["127.0.0.2/32"]).check(url)
    assert HostPolicy(["::1/128"]).check("http://[::1]:8080/feed.xml")

    desk = web_desk(tmp_path, embedder, allow_hosts="10.0.0.0/8,127.0.0.0/8")
    _, outcome = desk.add_source(publish(server, [MERIDIAN]), "test")
    assert (outcome.status, outcome.added) == ("ok", 1)


# -- 8. the command line, end to end ----------------------------------------------------------

NEWSDESK = str(Path(sys.executable).parent / "newsdesk")


def test_cli_sources_add_list_fetch_remove(tmp_path: Path, server: FeedServer) -> None:
    home = tmp_path / "cli-home"
    env = {**os.environ, "NEWSDESK_HOME": str(home), "NEWSDESK_HOST_DELAY": "0"}

    def newsdesk(*args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([NEWSDESK, *args], capture_output=True, text=True, env=env,
                              timeout=300)
        assert (done.returncode == 0) == ok, (args, done.stdout, done.stderr)
        return done

    feed_url = publish(server, [MERIDIAN, BRUME, NORDLICHT])
    # issue 11: the refusal of a loopback address names the setting that allows it
    refused = newsdesk("sources", "add", feed_url, ok=False)
    [line] = refused.stderr.splitlines()
    assert line.startswith("error: 127.0.0.1 points to a private or local address"), line
    assert "add 127.0.0.1 to NEWSDESK_ALLOW_HOSTS" in line and server.requests == []

    env["NEWSDESK_ALLOW_HOSTS"] = "127.0.0.1"  # … and setting it is all it takes
    added = newsdesk("sources", "add", feed_url)
    found = re.search(r"added feed source (f-\w+): ok: 3 items, added 3,", added.stdout)
    assert found, added.stdout
    sid = found.group(1)

    listed = newsdesk("sources", "list").stdout
    (line,) = [x for x in listed.splitlines() if x.startswith(sid)]
    assert re.search(r"\bfeed\s+ok\s+3 items\s+fetched \d{4}-\d\d-\d\d \d\d:\d\d\s", line), line
    assert line.endswith(feed_url)

    publish(server, [MERIDIAN, BRUME, NORDLICHT, ALBA])  # the feed gains a story
    fetched = newsdesk("fetch", "--all", "--no-index").stdout
    assert re.search(rf"^{sid}  ok: 4 items, added 1, updated 0, unchanged 3\b", fetched,
                     re.M), fetched
    assert "index" not in fetched  # --no-index: no index was built
    assert not (home / "index" / "CURRENT").exists()
    catalogue = Catalogue(home / "catalogue.sqlite3")
    assert catalogue.count() == 4
    assert "4 items" in newsdesk("sources", "list").stdout
    assert "4 articles wait to be indexed" in newsdesk("stats").stdout

    # issue 11: nothing is due, but the catalogue is ahead of the index: fetch indexes it
    caught_up = newsdesk("fetch").stdout
    assert "nothing is due" in caught_up
    assert re.search(r"^index v-000001: embedded \d+ passages of 4 articles", caught_up, re.M), \
        caught_up
    assert json.loads(newsdesk("stats", "--json").stdout)["pending"] == 0
    assert "wait" not in newsdesk("stats").stdout

    # issue 11: `sources remove` takes the id or the location
    unknown = newsdesk("sources", "remove", "f-nonesuch", ok=False)
    assert unknown.stderr == "error: no source has the id or location 'f-nonesuch'; " \
        "`sources list` shows them\n"
    removed = newsdesk("sources", "remove", feed_url).stdout
    assert f"removed {sid} ({feed_url}) and its 4 articles" in removed
    assert catalogue.count() == 0
    assert "no sources yet" in newsdesk("sources", "list").stdout
    figures = json.loads(newsdesk("stats", "--json").stdout)  # still indexed: removals,
    assert (figures["pending"], figures["removed"]) == (0, 4)  # not articles waiting (issue 19)
    assert "index v-000002" in newsdesk("fetch").stdout  # and now they leave it
    assert json.loads(newsdesk("stats", "--json").stdout)["indexed_articles"] == 0


# -- 9. what a fault campaign broke (issue 10) ------------------------------------------------

def _compressed(size: int, codings: list[str]) -> bytes:
    """`size` zero bytes under each content coding in turn, compressed a block at a time."""
    wbits = {"gzip": 31, "deflate": 15}
    data = b"\0" * 1_000_000
    encoder = zlib.compressobj(9, zlib.DEFLATED, wbits[codings[0]])
    body = b"".join(encoder.compress(data) for _ in range(size // len(data))) + encoder.flush()
    for coding in codings[1:]:
        encoder = zlib.compressobj(9, zlib.DEFLATED, wbits[coding])
        body = encoder.compress(body) + encoder.flush()
    return body


def test_compressed_bombs_are_refused_without_inflating_them(server: FeedServer) -> None:
    """Point 1: the size cap counts decoded bytes while decoding, under every content coding."""
    fetcher = Fetcher(FetchSettings(allow_hosts=["127.0.0.1"], host_delay=0.0,
                                    max_bytes=200_000))
    feed = rss2("Test Wire", server.url("/"), [entry(server, MERIDIAN)])
    server.serve("/gzipped.xml", Resource(gzip.compress(feed.body), feed.content_type,
                                          headers={"Content-Encoding": "gzip"}))
    assert fetcher.get(server.url("/gzipped.xml")).body == feed.body  # honest gzip still works
    bombs = {"gzip": ["gzip"], "gzip, gzip": ["gzip", "gzip"], "deflate": ["deflate"],
             "deflate, gzip": ["deflate", "gzip"]}
    for header, codings in bombs.items():
        body = _compressed(100_000_000, codings)
        assert len(body) < 200_000  # small on the wire, 100 MB once inflated
        server.serve("/bomb", Resource(body, "application/rss+xml",
                                       headers={"Content-Encoding": header}))
        tracemalloc.start()
        try:
            with pytest.raises(FetchError, match=r"too large \(over 200,000 bytes\)"):
                fetcher.get(server.url("/bomb"))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 10_000_000, f"{header}: {peak:,} bytes in memory at the peak"
    server.serve("/brotli", Resource(b"\x1b\x03\x00\xf8\xa5", "text/html",
                                     headers={"Content-Encoding": "br"}))
    with pytest.raises(FetchError, match="content encoding br"):
        fetcher.get(server.url("/brotli"))
    fetcher.close()


def test_a_redirect_to_a_malformed_link_is_that_items_error(
        tmp_path: Path, embedder: Embedder, server: FeedServer,
        caplog: pytest.LogCaptureFixture) -> None:
    """Point 3: a bad port or a broken IPv6 literal costs one item, never the feed."""
    desk = web_desk(tmp_path, embedder)
    bad_port = replace(VOLTAIC, path="/to-bad-port")
    bad_ipv6 = replace(BRUME, path="/to-bad-ipv6")
    server.serve(MERIDIAN.path, MERIDIAN.page())
    server.serve(bad_port.path, redirect("http://127.0.0.1:99999/"))
    server.serve(bad_ipv6.path, redirect("http://[::1/"))
    feed_url = server.serve("/feed.xml", rss2("Test Wire", server.url("/"), [
        entry(server, s) for s in (MERIDIAN, bad_port, bad_ipv6)]))

    source, outcome = desk.add_source(feed_url, "test")

    assert (outcome.status, outcome.items, outcome.added, outcome.summaries) == ("ok", 3, 3, 2)
    assert desk.registry.get(source.id).status == "ok"
    assert not desk.article(article_id(server, MERIDIAN)).summary_only
    for story in (bad_port, bad_ipv6):  # the page could not be fetched: the summary stands in
        assert desk.article(article_id(server, story)).summary_only
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    for target, reason in (("http://127.0.0.1:99999/", "port"),
                           ("http://[::1/", "malformed|invalid url in location")):
        server.serve("/direct", redirect(target))
        with pytest.raises(NewsdeskError, match=f"(?i){reason}") as refused:
            desk.add_source(server.url("/direct"), "test")
        assert "\n" not in str(refused.value)
    assert len(desk.registry.all()) == 1 and desk.catalogue.count() == 3


def test_the_deadline_bounds_headers_as_well_as_the_body(server: FeedServer) -> None:
    """Point 4: connect + headers + body together stay within the overall deadline."""
    fetcher = Fetcher(FetchSettings(allow_hosts=["127.0.0.1"], host_delay=0.0,
                                    read_timeout=1.0, deadline=2.0))
    server.serve("/slow-headers", slow_headers(every=0.25, count=80))
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"too slow \(over 2 s\)"):
        fetcher.get(server.url("/slow-headers"))
    assert time.monotonic() - started < 4.0
    fetcher.close()


def test_a_robots_txt_that_fails_keeps_us_away_and_a_missing_one_does_not(
        server: FeedServer) -> None:
    """Issue 12: the fetcher branches on the status an error carries, not on its wording."""
    settings = FetchSettings(allow_hosts=["127.0.0.1", "localhost"], host_delay=0.0)
    page = "/ai/story.html"
    server.serve("/gone", Resource(b"gone", "text/plain", status=410, etag=False))
    with Fetcher(settings) as fetcher:
        with pytest.raises(FetchError, match="answered HTTP 410") as gone:
            fetcher.get(server.url("/gone"))
        assert gone.value.status == 410
        server.serve("/robots.txt", Resource(b"busy", "text/plain", status=503, etag=False))
        assert not fetcher.allowed_by_robots(server.url(page))  # broken: stay away for now
        assert fetcher.allowed_by_robots(server.url(page, host="localhost")) is False
    with Fetcher(settings) as fetcher:
        del server.routes["/robots.txt"]  # a 404: no rules, everything allowed
        assert fetcher.allowed_by_robots(server.url(page))
    assert [r.status for r in server.requested("/robots.txt")] == [503, 503, 404]
