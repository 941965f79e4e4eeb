from __future__ import annotations

from corpus.chunker import MAX_PASSAGE_CHARS, chunk, split_sentences
from corpus.models import Article


def texts(s: str) -> list[str]:
    return [s[x.start:x.end] for x in split_sentences(s)]


def test_sentences_respect_abbreviations_dates_and_cjk() -> None:
    s = ("Am 17. Februar sagte Dr. Kamp etwas. Die U.S. Navy folgte! Danach kam 2024. "
         "M. Macron a parlé. 국회는 법을 통과시켰다. 中国发布了模型。新的！")
    assert texts(s) == ["Am 17. Februar sagte Dr. Kamp etwas.", "Die U.S. Navy folgte!",
                        "Danach kam 2024.", "M. Macron a parlé.", "국회는 법을 통과시켰다.",
                        "中国发布了模型。", "新的！"]


def test_passages_keep_exact_offsets_and_whole_sentences() -> None:
    para = " ".join(f"Sentence number {i} talks about DeepSeek and Korea." for i in range(40))
    text = f"Title line\n\n{para}\n\nShort end."
    article = Article(id="a", text=text)
    passages = chunk(article)
    assert len(passages) > 2
    covered = []
    for p in passages:
        assert p.end - p.start <= MAX_PASSAGE_CHARS * 1.3
        assert text[p.start:p.end].strip() == text[p.start:p.end]
        assert p.sentences[0].start == p.start and p.sentences[-1].end == p.end
        for s in p.sentences:
            sentence = text[s.start:s.end]
            assert sentence and sentence == sentence.strip()
            covered.append(sentence)
    # every sentence of the text appears once, in order
    assert covered == texts(text)
    assert "Short end." in covered
