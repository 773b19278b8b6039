"""Language of a text or of its blocks: Kazakh ("kk"), Russian ("ru") or English ("en")."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

# Letters of the Kazakh Cyrillic alphabet that Russian lacks (Kazakh Cyrillic alphabet, 1940).
# U+0456 (Kazakh i) is shared with Ukrainian, which Dozor's sources do not publish.
KK_LETTERS = frozenset("әғқңөұүһі")
# The whole Cyrillic alphabet both languages use, lower case.
CYRILLIC_LETTERS = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя") | KK_LETTERS

# Latin look-alikes typed for Kazakh letters, seen in official PDFs and old sites
# (sources.md, "Texts to expect"; seed 000 writes "əрекетсіздігі" with Latin ə, U+0259).
# ə and Ə are never anything but ә in our texts, so they are folded everywhere.
ALWAYS_FOLDED = str.maketrans({"\u0259": "ә", "\u018f": "Ә", "\u0275": "ө", "\u019f": "Ө"})
# Latin i and h stand for Kazakh U+0456 and U+04BB only inside a word that is otherwise
# Cyrillic (the Kazakh "today" typed with a Latin i). Latin y is left alone: inside a Cyrillic
# word it is far more often a mistyped Russian U+0443 than Kazakh U+04AF.
FOLDED_INSIDE_CYRILLIC = str.maketrans({"i": "\u0456", "I": "\u0406", "h": "\u04bb", "H": "\u04ba"})

# Letters of the Kazakh Latin alphabets (2018 decree with acutes, 2021 revision with
# diacritics); English text has none of them, so a few mark a Latin-script Kazakh text.
KK_LATIN_LETTERS = frozenset("áǵńóúýäğñöūüşçı")
# Frequent Kazakh words in Latin transliteration, for Latin Kazakh typed without diacritics.
# The dotless i is deliberate: the 2018 Kazakh Latin alphabet writes "bo\u0131ynsha" with it.
KK_LATIN_WORDS = frozenset(
    {
        "jáne",
        "jane",
        "zhane",
        "turaly",
        "boiynsha",
        "boyynsha",
        "degen",
        "kezinde",
        "bolyp",
        "qazaqstan",
        "qazaqstanda",
        "qazaqstannyń",
        "búgin",
        "bugin",
    }
) | {"bo\u0131ynsha", "ke\u0131in"}

# Thresholds on the rate of Kazakh-only letters per Cyrillic letter. Measured on the seeds:
# Kazakh prose runs at ~15% (seed 004: 240 of 1,613; seed 000 Kazakh half: 346 of 2,351),
# Russian prose quoting a Kazakh name at ~0.04% (seed 000 Russian half: 1 of 2,368, «Ақ жол»).
KK_RATE_CERTAIN = 0.03  # well below Kazakh prose, so headlines with few such letters pass
RU_RATE_CERTAIN = 0.008  # well above Russian prose that quotes a few Kazakh names
# Below this many Cyrillic letters a rate is noise: "Фракций «Ақ жол»" has 1 of 16 (6%).
LONG_TEXT_LETTERS = 150
# A short text needs at least this many Kazakh letters and this rate to be Kazakh at once.
SHORT_KK_MIN_LETTERS = 2
SHORT_KK_RATE = 0.05
# Fewer letters than this cannot be told apart ("ОПГ", "АФМ").
MIN_LETTERS = 4
# lingua's answer is used only when its best confidence reaches this; 0.6 keeps
# "Бас прокуратура" (0.65 kk) and rejects coin tosses.
LINGUA_MIN_CONFIDENCE = 0.6
# lingua's time grows with the text; a few sentences settle the question.
LINGUA_MAX_CHARS = 2_000

# detect_languages keeps a language that covers at least this share of the letters; a Kazakh
# page with Russian photo captions (seed 004) stays ("kk",).
MIN_LANGUAGE_SHARE = 0.15
# Blocks shorter than this (in letters) join the next block before they are classified, so
# PDF text broken into one-word lines is judged on whole sentences.
MIN_BLOCK_LETTERS = 40

_WORD = re.compile(r"[^\W\d_]+")
# Every line break ends a block: trafilatura ends each paragraph with a single "\n" (a bilingual
# letter extracted from HTML has no blank line between its halves); PDF text uses blank lines.
_BLOCK_BREAK = re.compile(r"\n")
_CYRILLIC_CHAR = re.compile(r"[\u0400-\u04ff]")
# A word that mixes Cyrillic and Latin letters has the two side by side somewhere.
_MIXED_SCRIPTS = re.compile(r"[\u0400-\u04ff][A-Za-z]|[A-Za-z][\u0400-\u04ff]")
# Counting letters by class in C: a Python loop per character cost more than the extraction.
_CYRILLIC_LETTER = re.compile("[" + "".join(sorted(CYRILLIC_LETTERS)) + "]")
_KK_LETTER = re.compile("[" + "".join(sorted(KK_LETTERS)) + "]")
_LATIN_LETTER = re.compile("[a-z" + "".join(sorted(KK_LATIN_LETTERS)) + "]")
_KK_LATIN_LETTER = re.compile("[" + "".join(sorted(KK_LATIN_LETTERS)) + "]")


def fold_latin_lookalikes(text: str) -> str:
    """Replace Latin look-alikes typed for Kazakh letters with the Cyrillic letters."""
    text = text.translate(ALWAYS_FOLDED)
    if _MIXED_SCRIPTS.search(text) is None:
        return text  # no word mixes the scripts: nothing to fold (most texts; per-word is slow)

    def fold_word(match: re.Match[str]) -> str:
        word = match.group(0)
        if _CYRILLIC_CHAR.search(word):
            return word.translate(FOLDED_INSIDE_CYRILLIC)
        return word

    return _WORD.sub(fold_word, text)


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    """lingua detector for Kazakh, Russian and English, built once on first use."""
    # Imported here: the models load lazily per language and only short or ambiguous texts
    # need them. lingua's Python API has no low-memory mode; its low-accuracy mode is not used
    # because it is worst on short texts, the only ones we ask about.
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.KAZAKH, Language.RUSSIAN, Language.ENGLISH
    ).build()


def _ask_lingua(text: str) -> str | None:
    """lingua's answer as an ISO code, or None when it is not confident enough."""
    values = _detector().compute_language_confidence_values(text[:LINGUA_MAX_CHARS])
    if not values or values[0].value < LINGUA_MIN_CONFIDENCE:
        return None
    return values[0].language.iso_code_639_1.name.lower()


# What the letter counts say when only lingua can tell, by script: blocks of one script next
# to each other are judged together.
ASK_LATIN = "?latin"
ASK_CYRILLIC = "?cyrillic"
ASK_LINGUA = (ASK_LATIN, ASK_CYRILLIC)


def _latin_language(folded: str, latin: int) -> str | None:
    """Kazakh for a Latin text with Kazakh marks, else ASK_LATIN (lingua confirms English)."""
    lowered = folded.lower()
    kk_latin = len(_KK_LATIN_LETTER.findall(lowered))
    words = _WORD.findall(lowered)
    kk_words = sum(1 for word in words if word in KK_LATIN_WORDS)
    # One Kazakh-Latin letter per 50 letters, or one Kazakh function word per 15 words: English
    # borrows a dotless i or s-cedilla only in the odd name, and never these words.
    if kk_latin * 50 >= latin or kk_words * 15 >= len(words):
        return "kk"
    # lingua knows Kazakh only in Cyrillic, so for Latin text it can only confirm English.
    return ASK_LATIN


def _letter_verdict(folded: str) -> str | None:
    """The language the letters alone tell, ASK_LATIN/ASK_CYRILLIC when they cannot, None for
    no text."""
    lowered = folded.lower()
    cyrillic = len(_CYRILLIC_LETTER.findall(lowered))
    kazakh = len(_KK_LETTER.findall(lowered))
    latin = len(_LATIN_LETTER.findall(lowered))
    if cyrillic + latin < MIN_LETTERS:
        return None
    if latin > cyrillic:
        return _latin_language(folded, latin)
    rate = kazakh / cyrillic
    if cyrillic >= LONG_TEXT_LETTERS:
        if rate >= KK_RATE_CERTAIN:
            return "kk"
        if rate < RU_RATE_CERTAIN:
            return "ru"
    elif kazakh >= SHORT_KK_MIN_LETTERS and rate >= SHORT_KK_RATE:
        return "kk"
    # Short, or a rate in between: Kazakh typed with Russian letters ("Алматыда алаяктар
    # усталды") or a Russian sentence quoting a Kazakh name. lingua tells these apart well.
    return ASK_CYRILLIC


def detect_language(text: str) -> str | None:
    """Return "kk", "ru" or "en" for a text, or None when it cannot be told."""
    folded = fold_latin_lookalikes(text)
    verdict = _letter_verdict(folded)
    return _ask_lingua(folded) if verdict in ASK_LINGUA else verdict


def _count_letters(text: str) -> int:
    """Number of letters in a text, any script."""
    return sum(len(word) for word in _WORD.findall(text))


def _blocks(text: str) -> list[tuple[str, int]]:
    """Paragraph blocks with their letter counts, short blocks joined to the next one."""
    blocks: list[tuple[str, int]] = []
    pending = ""
    for block in _BLOCK_BREAK.split(text):
        pending = f"{pending}\n{block}" if pending else block
        letters = _count_letters(pending)
        if letters >= MIN_BLOCK_LETTERS:
            blocks.append((pending, letters))
            pending = ""
    if pending:
        letters = _count_letters(pending)
        if letters:
            blocks.append((pending, letters))
    return blocks


def _block_languages(blocks: list[tuple[str, int]]) -> list[str | None]:
    """The language of each block; lingua is asked once per run of neighbouring blocks of one
    script that letters cannot tell.

    Asking per block cost more than trafilatura's whole extraction on a long English page
    (issue 15: a lingua call per paragraph); a run of neighbouring undecided blocks is one
    language far more often than not, and lingua judges it better on the longer text.
    """
    verdicts = [_letter_verdict(fold_latin_lookalikes(block)) for block, _letters in blocks]
    index = 0
    while index < len(verdicts):
        ask = verdicts[index]
        if ask not in ASK_LINGUA:
            index += 1
            continue
        end = index
        while end < len(verdicts) and verdicts[end] == ask:
            end += 1
        run = "\n".join(fold_latin_lookalikes(blocks[i][0]) for i in range(index, end))
        answer = _ask_lingua(run)
        verdicts[index:end] = [answer] * (end - index)
        index = end
    return verdicts


def detect_languages(text: str) -> tuple[str, ...]:
    """Return every language substantially present in a text, in order of first appearance."""
    blocks = _blocks(text)
    letters_by_language: dict[str, int] = {}
    total = 0
    for (_block, letters), language in zip(blocks, _block_languages(blocks), strict=True):
        total += letters
        if language is not None:
            # dict keeps insertion order, which is the order of first appearance.
            letters_by_language[language] = letters_by_language.get(language, 0) + letters
    if not total:
        return ()
    return tuple(
        language
        for language, letters in letters_by_language.items()
        if letters / total >= MIN_LANGUAGE_SHARE
    )
