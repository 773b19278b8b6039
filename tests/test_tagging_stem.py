"""Normalisation and stemming: Kazakh suffix chains, Russian and English Snowball, search terms."""

import pytest

from crawler.tagging.normalize import normalize_text, tokenize
from crawler.tagging.stem import (
    kk_latin_to_cyrillic,
    search_terms,
    stem_kk,
    stem_ru,
    stem_word,
    word_lang,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("əзiрлендi", "әзірленді"),  # Latin schwa and i inside a Kazakh word (seed letter)
        ("Бaнк", "банк"),  # Latin a inside a Russian word
        ("HOMEP", "homep"),  # all-Latin words are left alone
        ("Ёлка", "елка"),
        ("ҚАЗАҚСТАН", "қазақстан"),
        ("Мұнай-газ", "мұнай-газ"),
    ],
)
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_normalize_keeps_offsets():
    text = "Полиция Aлматы: мошенники"
    assert len(normalize_text(text)) == len(text)


def test_tokenize_offsets_and_soft_hyphen():
    text = normalize_text("интернет-алая\u00adқтық, 190-бап")
    toks = tokenize(text)
    assert [t.text for t in toks] == ["интернет", "алаяқтық", "190", "бап"]
    assert text[toks[1].start : toks[1].end] == "алая\u00adқтық"


# Each group: word forms that must reach the same stem.
KK_FAMILIES = [
    ("мектеп", ["мектеп", "мектептер", "мектептерімізде", "мектепке", "мектептен"]),
    ("алаяқ", ["алаяқ", "алаяқтық", "алаяқтыққа", "алаяқтардың", "алаяқтығы", "алаяқтығына"]),
    ("топ", ["топ", "топтар", "топтары", "топтарының", "тобы", "тобының", "топты", "топтың"]),
    ("қылмыс", ["қылмыс", "қылмыстық", "қылмыстар", "қылмыстарды"]),
    ("облыс", ["облыс", "облысы", "облысында", "облыстарында", "облыстары"]),
    ("алматы", ["алматы", "алматыда", "алматыдағы", "алматылық"]),
    ("астана", ["астана", "астанада", "астанадағы"]),
    ("пирамида", ["пирамида", "пирамидасы", "пирамидаларын", "пирамидаға"]),
    ("дроппер", ["дроппер", "дропперлер", "дропперлерге", "дропперлердің"]),
    ("іс", ["іс", "істі", "істер", "ісі", "істерді"]),
    ("сот", ["сот", "соттың", "сотта", "сотқа"]),
    ("қазақстан", ["қазақстан", "қазақстанда", "қазақстаннан", "қазақстандық"]),
]


@pytest.mark.parametrize(("stem", "forms"), KK_FAMILIES, ids=[f[0] for f in KK_FAMILIES])
def test_stem_kk_families(stem, forms):
    assert {stem_kk(f) for f in forms} == {stem}


@pytest.mark.parametrize("word", ["ұры", "мың", "ақ", "іім"])
def test_stem_kk_keeps_short_roots(word):
    assert stem_kk(word) == word


def test_stem_kk_distinguishes_roots():
    assert stem_kk("ақшасын") != stem_kk("алаяқ")
    assert stem_kk("тобы") != stem_kk("тобыл")


@pytest.mark.parametrize(
    "forms",
    [
        ["мошенничество", "мошенничества", "мошенничеству", "мошенничеством"],
        ["мошенник", "мошенников", "мошенниками"],
        ["преступная", "преступной", "преступную"],
        ["группа", "группы", "группой", "группу"],
        ["пирамида", "пирамиды", "пирамиду"],
        ["ёлка", "елки"],
    ],
)
def test_stem_ru_families(forms):
    assert len({stem_ru(f) for f in forms}) == 1


def test_kazakh_latin_reads_into_cyrillic():
    assert kk_latin_to_cyrillic("alaıaqtyq") == "алаяқтық"
    assert stem_kk("alaıaqtardyń") == "алаяқ"
    assert stem_kk("qylmystyq") == "қылмыс"


@pytest.mark.parametrize(
    ("word", "context", "lang"),
    [
        ("алаяқтар", None, "kk"),
        ("топтары", None, "ru"),
        ("топтары", "kk", "kk"),
        ("мошенники", None, "ru"),
        ("qylmystyq", None, "kk"),
        ("police", None, "en"),
        ("2025", None, ""),
    ],
)
def test_word_lang(word, context, lang):
    assert word_lang(word, context) == lang


def test_stem_word_explicit_language():
    assert stem_word("Топтары", "kk") == "топ"
    assert stem_word("Мошенников", "ru") == "мошенник"
    assert stem_word("scammers", "en") == "scammer"


def test_search_terms_per_sentence_language():
    text = "Ұйымдасқан қылмыстық топтары ұсталды. Полиция задержала членов преступной группы."
    assert search_terms(text, None) == [
        "ұйымдас",
        "қылмыс",
        "топ",
        "ұстал",
        "полиц",
        "задержа",
        "член",
        "преступн",
        "групп",
    ]


def test_search_terms_bilingual_letter_uses_both_stemmers():
    text = "Интернет-алаяқтыққа қарсы іс-қимыл. По противодействию интернет-мошенничествам."
    terms = search_terms(text, None)
    assert "алаяқ" in terms and "мошенничеств" in terms


def test_search_terms_query_matches_document():
    doc = set(search_terms("Алматыда алаяқтардың тобы ұсталды", "kk"))
    assert set(search_terms("алаяқ топ", "kk")) <= doc


def test_search_terms_is_deterministic():
    text = "Полиция Шымкента задержала 3 мошенников."
    assert search_terms(text, None) == search_terms(text, None) == search_terms(text, "ru")


def test_tagging_and_search_terms_share_one_normalisation_pass(monkeypatch):
    import crawler.tagging.prepare as prepare
    from crawler.tagging.apply import analyse_text

    title = "Алматыда алаяқтар ұсталды"
    text = "Полиция задержала мошенников. Олар зейнеткерлерді алдаған."
    calls = []
    real = prepare.normalize_text
    monkeypatch.setattr(prepare, "normalize_text", lambda t: calls.append(t) or real(t))
    analysis = analyse_text(title, text, None)
    assert calls == [title, text]  # once per field, for tags and stems alike
    assert "fraud" in analysis.tags.topics
    assert analysis.search_terms.split() == search_terms(title, None) + search_terms(text, None)


def test_snowball_runs_in_c():
    """PyStemmer is installed with Dozor, so snowballstemmer hands out its C stemmers (the same
    stems; the pure-Python ones made tagging a new word 40 % slower)."""
    from crawler.tagging import stem

    assert type(stem._RU).__module__ == "Stemmer", "PyStemmer missing: pip install -e ."
    assert stem_ru("мошенниками") == "мошенник"


def test_a_stored_huge_article_is_tagged_as_dozor_tag_tags_its_text():
    """The store and `dozor tag` cut a body past MAX_TAG_CHARS at the same place (the last
    space), so an analyst who tags a stored article's text gets the stored tags, and no
    stored search term is the head of a word cut in two ("мош" of "мошенники")."""
    from crawler.tagging.apply import analyse_text
    from crawler.tagging.rules import MAX_TAG_CHARS, tag_text

    head = "Погода в Алматы будет солнечной. " * (MAX_TAG_CHARS // 33)
    text = head[: MAX_TAG_CHARS - 4] + " мошенники задержаны полицией за обман."
    analysis = analyse_text(None, text, "ru")
    assert analysis.tags.truncated is True
    assert analysis.tags.to_dict() == tag_text(None, text, "ru").to_dict()
    assert analysis.search_terms.split()[-1] != "мош"
