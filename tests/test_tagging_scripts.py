"""Kazakh in every script: Cyrillic, the Latin alphabets (2018, 2021, sites' own), Arabic töte,
and Latin look-alikes typed inside Cyrillic words, tested on real strings read at test time
from ../shared/tagging-dev (never copied into the project)."""

from __future__ import annotations

import json
import re
from functools import cache

import pytest

from crawler.tagging.evaluate import LabelledItem, read_labelled
from crawler.tagging.normalize import normalize_text, tokenize
from crawler.tagging.rules import tag_text
from crawler.tagging.scripts import has_arabic, kk_arabic_to_cyrillic
from crawler.tagging.stem import skeleton_stem, stem_kk
from tests.shared_data import shared_path

ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")


@cache
def kazakh_excerpts() -> tuple[LabelledItem, ...]:
    return tuple(read_labelled(shared_path("tagging-dev", "excerpts-kk.jsonl")))


def by_script(script: str) -> list[LabelledItem]:
    items = [i for i in kazakh_excerpts() if i.script == script]
    assert items, f"no {script} rows in excerpts-kk.jsonl"
    return items


def test_arabic_tote_reads_into_cyrillic_letter_for_letter() -> None:
    words = [t.text for i in by_script("arab") for t in tokenize(normalize_text(i.text))
             if has_arabic(t.text)]
    assert len(words) > 500
    left = [w for w in words if ARABIC_LETTER.search(kk_arabic_to_cyrillic(w))]
    assert len(left) <= len(words) // 200, left[:20]


@pytest.mark.parametrize("script", ["arab", "latn"])
def test_fraud_in_latin_and_arabic_script_meets_the_cyrillic_vocabulary(script: str) -> None:
    key = skeleton_stem("алаяқтық")
    fraud_rows = [i for i in by_script(script) if i.labels["fraud"]]
    meeting = [i for i in fraud_rows
               if key in {skeleton_stem(t.text) for t in tokenize(normalize_text(i.text))}]
    assert len(meeting) * 2 >= len(fraud_rows) > 0
    for item in fraud_rows:
        if item.labels["fraud"]:
            fraud = tag_text(item.title, item.text, "kk").topics.get("fraud")
            assert fraud is not None, item.id
            # Evidence is quoted as written, in the script of the page.
            phrase = fraud.evidence[0].phrase
            assert phrase in item.text and not re.search(r"[а-яәғқңөұүһі]", phrase.lower())


def test_both_latin_alphabets_and_site_spellings_meet_one_stem() -> None:
    # The 2018 alphabet writes ы as "y" and й as the dotless i; 2021 writes і as the dotless
    # i and й as "i": whatever a page uses, the fraud words of labelled rows reach one stem.
    stems = {stem_kk(t.text) for i in by_script("latn") if i.labels["fraud"]
             for t in tokenize(normalize_text(i.text))}
    assert "алаяқ" in stems


def test_latin_lookalikes_typed_inside_real_cyrillic_words() -> None:
    lookalike = str.maketrans({"а": "a", "о": "o", "е": "e", "с": "c", "р": "p", "і": "i"})
    checked = 0
    for item in by_script("cyrl"):
        if not (item.labels["fraud"] or item.labels["ocg"]):
            continue
        expected = set(tag_text(item.title, item.text, "kk").topics)
        # Every third word retyped with Latin look-alikes, as regional sites' keyboards do.
        words = item.text.split(" ")
        mixed = " ".join(w.translate(lookalike) if k % 3 == 0 else w
                         for k, w in enumerate(words))
        assert set(tag_text(item.title, mixed, "kk").topics) == expected, item.id
        checked += 1
    assert checked > 50


def test_a_latin_kazakh_line_through_dozor_tag() -> None:
    from crawler.tagging.jsonl import tag_jsonl

    item = next(i for i in by_script("latn") if i.labels["fraud"])
    (out,) = [json.loads(line) for line in
              tag_jsonl([json.dumps({"id": item.id, "text": item.text}, ensure_ascii=False)])]
    assert "fraud" in out["topics"] and out["topics"]["fraud"]["evidence"]


# A line in Arabic töte written for this test: "A holiday for children was held at the school
# named after M. Auezov. The police officers took part in it. Gifts were handed out."
TOTE_NEWS = ("م. اۋەزوۆ اتىنداعى مەكتەپتە بالالارعا ارنالعان مەرەكە ءوتتى. "
             "وعان پوليتسيا قىزمەتكەرلەرى دە قاتىستى. بالالارعا سىيلىقتار بەرىلدى.")


def test_an_initial_in_arabic_script_is_no_word_of_the_vocabulary() -> None:
    from crawler.tagging.matching import find_terms
    from crawler.tagging.rules import prepare_fields
    from crawler.tagging.vocab import load_vocabulary

    # The skeleton of "=ммм" (the MMM pyramid) is one letter, the same as the initial "م.".
    vocab = load_vocabulary()
    rules = [vocab.terms[m.term].payload.rule for f in prepare_fields(None, TOTE_NEWS, "kk")
             for m in find_terms(vocab, f)]
    assert not [r for r in rules if "ммм" in r], rules


def test_a_text_in_arabic_script_has_a_lead_and_a_body() -> None:
    from crawler.tagging.structure import split_sentences

    # Arabic letters have no case: the lead ends at the first sentence of enough words, as
    # in Cyrillic, instead of running through the whole text.
    assert [s.part for s in split_sentences(TOTE_NEWS)] == ["lead", "body", "body"]


@pytest.mark.parametrize(("text", "sentences"), [
    ("Граждане М. Х. и Д. Х пообещали ему работу. Их задержали.", 2),
    ("В г. Алматы задержан мужчина. Он обманул пенсионера.", 2),
    ("Қарағанды обл. полициясы алаяқты ұстады. Іс сотқа жіберілді.", 2),
    ("Сказал А.Иванов. Затем ушёл.", 2),
])
def test_initials_and_abbreviations_before_a_name_end_no_sentence(text: str,
                                                                  sentences: int) -> None:
    from crawler.tagging.structure import split_sentences

    # An excerpt cut into extra sentences at "М." or "г." looks longer than it is, and its
    # one sentence of the offence stands "in the body" instead of in a short text.
    assert len(split_sentences(text)) == sentences


def test_a_hard_wrapped_line_is_one_sentence() -> None:
    from crawler.tagging.structure import split_sentences

    # Pages and feeds wrapped at a fixed width break lines mid-sentence: a break before a
    # lower-case letter, with no end mark before it, is a wrap; a break after a full stop
    # or before a capital still ends the sentence (and a paragraph).
    text = ("В пресс-службе МВД РК\nпрокомментировали сообщения о\nякобы похищениях.\n"
            "Ранее полиция\nопровергла слухи.\nНовый абзац.")
    sentences = split_sentences(text)
    assert [text[s.start:s.end].strip() for s in sentences] == [
        "В пресс-службе МВД РК\nпрокомментировали сообщения о\nякобы похищениях.",
        "Ранее полиция\nопровергла слухи.", "Новый абзац."]
    assert [s.paragraph for s in sentences] == [0, 1, 2]


# Words of Latin and Arabic-script Kazakh whose skeleton stem is three letters like a term's:
# "міндетті" (obligatory) and "мың" (thousand) both cut to "мин". Vowel harmony tells them
# apart: a back stem's suffixes hold no "е" (мыңдаған, not "мыңдет..."), a front stem's no "а".
SKELETON_LOOK_ALIKES = [
    ("mindetti", "мың"),  # obligatory, not a thousand
    ("qozǵadyq", "көз"),  # we opened (a case), not an eye
    ("birge", "бірыңғай"),  # together, not unified
    ("ماڭىندا", "мән"),  # near (маңында), not meaning
]


@pytest.mark.parametrize(("word", "term"), SKELETON_LOOK_ALIKES)
def test_a_short_skeleton_stem_meets_no_word_of_the_other_harmony(word: str, term: str) -> None:
    from crawler.tagging.matching import patterns_fitting
    from crawler.tagging.vocab import load_vocabulary
    vocab = load_vocabulary()
    own = {pid for pid, p in enumerate(vocab.patterns) if term in p.stems}
    assert own, f"no pattern of {term!r}"
    assert not patterns_fitting(vocab, normalize_text(word), kazakh_latin=True) & own
    assert patterns_fitting(vocab, term) & own  # the term still meets itself


def test_thousands_in_latin_kazakh_still_count_as_money() -> None:
    # The "... деп" pretext needs money beside it: "mıń teńge" and "mıńdaǵan" are money,
    # "mindetti" (obligatory) is not.
    pretext = "Ol jumysqa ornalastyramyn dep jastar{}. Qylmystyq is qozǵaldy."
    assert "fraud" in tag_text(None, pretext.format("dan 500 mıń teńge jınaǵan"), "kk").topics
    assert "fraud" in tag_text(None, pretext.format("dan mıńdaǵan jınaǵan"), "kk").topics
    assert "fraud" not in tag_text(
        None, pretext.format("ǵa mindetti túrde anyqtama alýdy aıtqan"), "kk").topics


def _fits(word: str, term: str) -> bool:
    from crawler.tagging.matching import patterns_fitting
    from crawler.tagging.vocab import load_vocabulary
    vocab = load_vocabulary()
    own = {pid for pid, p in enumerate(vocab.patterns) if term in p.stems}
    assert own, f"no pattern of {term!r}"
    return bool(patterns_fitting(vocab, normalize_text(word), kazakh_latin=True) & own)


# Skeleton letters merge ы and і, ң and н, ғ and г, so the skeleton stemmer reads suffixes off
# a word's root: "бірыңғай" (unified) is cut to the skeleton of "бір" (one), "міндет"
# (obligation) to that of "мың" (thousand), "синтетика" to that of "сын" (test). A word met
# by such a cut stem must begin as the term's Cyrillic stem does.
@pytest.mark.parametrize(("word", "term"), [
    ("bir", "бірыңғай"), ("biri", "бірыңғай"),  # one, not unified
    ("myń", "міндет"), ("myńy", "міндет"),  # a thousand, not an obligation
    ("synda", "синтетика"), ("synǵa", "синтетика"),  # in the test, not synthetic
])
def test_a_word_cut_to_a_terms_short_skeleton_stem_must_begin_as_the_term(word: str,
                                                                          term: str) -> None:
    assert not _fits(word, term)


@pytest.mark.parametrize(("word", "term"), [
    ("biryńǵaı", "бірыңғай"), ("biryńǵaıǵa", "бірыңғай"), ("mindetterin", "міндет"),
    ("sıntetıkalyq", "синтетика"), ("sintetikalyq", "синтетика"),
])
def test_the_terms_own_latin_forms_still_meet_it(word: str, term: str) -> None:
    assert _fits(word, term)


@pytest.mark.parametrize(("word", "kazakh"), [
    ("acquitted", False), ("request", False), ("equipment", False), ("quickly", False),
    ("qylmystyq", True), ("quqyq", True), ("qurylys", True), ("alaıaqtar", True),
])
def test_q_before_u_and_a_vowel_is_english_not_kazakh_latin(word: str, kazakh: bool) -> None:
    # Kazakh has no "ұ" before a vowel; "acquitted" was read into Cyrillic and met no term.
    from crawler.tagging.scripts import looks_kk_latin
    assert looks_kk_latin(word) is kazakh


def test_an_english_qu_word_is_searched_by_its_english_stem() -> None:
    from crawler.tagging.prepare import token_stems
    assert "acquit" in token_stems("acquitted")
    assert "қылмыс" in token_stems("qylmystyq")  # still read as Kazakh
