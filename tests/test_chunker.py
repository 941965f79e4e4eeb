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


class Copies(str):
    """A text that counts the characters its slices copy: the chunker's work, without a clock."""

    copied = 0

    def __getitem__(self, key: int | slice) -> str:
        piece = super().__getitem__(key)
        self.copied += len(piece)
        return piece


def test_a_text_without_line_breaks_is_split_in_linear_work() -> None:
    """Point 12: a 2 MB one-line file must cost about what the same text in paragraphs does."""
    sentence = "Nvidia said the H20 chip needs an export licence, and shares fell 6 per cent. "
    one_line = Copies(sentence * 6_000)  # ~470 KB, not one line break
    spans = split_sentences(one_line)
    assert len(spans) == 6_000
    assert one_line[spans[-1].start:spans[-1].end] == sentence.strip()
    assert one_line.copied < 10 * len(one_line), f"{one_line.copied:,} characters copied"
