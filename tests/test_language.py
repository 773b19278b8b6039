"""Language detection on headlines and texts shaped like the sources' (sources.md, seeds)."""

from __future__ import annotations

import pytest

from crawler.extract.language import (
    _detector,
    detect_language,
    detect_languages,
    fold_latin_lookalikes,
)
from tests.shared_data import shared_path

HEADLINES: list[tuple[str, str | None]] = [
    # Kazakh headlines (kaz.tengrinews.kz, kaz.zakon.kz, polisia.kz style)
    ("Алматыда алаяқтар ұсталды", "kk"),
    ("Астанада интернет-алаяқ ұсталды", "kk"),
    ("Шымкентте қаржы пирамидасының ұйымдастырушысы сотталды", "kk"),
    ("Полиция ұйымдасқан қылмыстық топты әшкереледі", "kk"),
    ("ІІМ: дропперлерге қатысты 500 іс қозғалды", "kk"),
    ("Атырауда алаяқтар зейнеткерді алдап кетті", "kk"),
    ("Бас прокуратура интернет-алаяқтық бойынша сауал қарады", "kk"),
    (
        "Ұйымдасқан қылмыстық топ адамдарды бақылап, ақша талап еткен: "
        "ІІМ тергеу деректері жариялады",
        "kk",
    ),
    ("Қазақстан", "kk"),
    # Kazakh typed with Russian letters only: lingua decides
    ("Алматыда алаяктар усталды", "kk"),
    ("Атырауда полиция", "kk"),
    # Kazakh typed with Latin look-alikes (Latin ə for ә, Latin i for і)
    ("Полиция қызметкерлерi алаяқтарды ұстады", "kk"),
    ("Қылмыстық iс қозғалды, тергеу əрекеттерi жүргiзiлуде", "kk"),
    ("Сəуiр айында алаяқтық азайды", "kk"),
    # Kazakh in the Latin alphabets of 2018 and 2021
    ("Almatyda alaıaqtar ustaldy", "kk"),
    ("Qazaqstanda qarjy pıramıdasy áshkerelendi", "kk"),
    ("Polısıa qyzmetkerleri alaıaqtardy ustady jáne is qozǵaldy", "kk"),
    ("Qazaqstanda qarjy piramidasy äşkerelendi", "kk"),
    # Russian headlines (zakon.kz, tengrinews.kz, nur.kz style)
    ("В Алматы задержали интернет-мошенников", "ru"),
    ("Финансовая пирамида: суд вынес приговор организаторам", "ru"),
    ("В Шымкенте ликвидирована ОПГ", "ru"),
    ("Дропперы получили реальные сроки", "ru"),
    ("МВД: число интернет-мошенничеств снизилось", "ru"),
    ("Депутатам Мажилиса Парламента Республики Казахстан", "ru"),
    ("ОПГ задержана", "ru"),
    # Russian quoting a Kazakh name stays Russian
    ("В Алматы задержали участников группы «Ақ жол»", "ru"),
    (
        "Сотрудники департамента полиции Туркестанской области задержали "
        "жителя Кентау, который похитил у пенсионерки 3 млн тенге. "
        "Подозреваемый представлялся сотрудником банка «Қазақстан Халық Банкі».",
        "ru",
    ),
    # English (en.tengrinews.kz, gov.kz ?lang=en)
    ("Police in Almaty detained a group of online fraudsters", "en"),
    ("Financial pyramid organizers sentenced in Astana", "en"),
    ("Kazakhstan", "en"),
    ("Fraud cases in Qatar and Iraq", "en"),
    # Nothing to tell
    ("", None),
    ("12345 678", None),
    ("...", None),
    ("ЗКО", None),
]


@pytest.mark.parametrize(
    ("text", "expected"), HEADLINES, ids=[c[0][:40] or "empty" for c in HEADLINES]
)
def test_detect_language(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


def test_long_russian_with_kazakh_names_stays_russian() -> None:
    # ~0.1% Kazakh letters: under RU_RATE_CERTAIN, decided without lingua.
    text = (
        "Фракций партий «Ақ жол» депутаты направили запрос в Генеральную прокуратуру. "
        "За последние три года интернет-мошенничества ежегодно увеличивались в среднем "
        "на 65 процентов, сообщили в пресс-службе ведомства. Виновные лица привлечены "
        "к дисциплинарной ответственности, сроки расследования возобновлены."
    )
    assert detect_language(text) == "ru"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("əрекетсіздігі", "әрекетсіздігі"),  # Latin ə anywhere
        ("Əділет", "Әділет"),
        ("бүгiн", "бүгін"),  # Latin i inside a Cyrillic word
        ("Iс", "Іс"),
        ("Шаhар", "Шаһар"),  # Latin h inside a Cyrillic word
        ("iPhone and bitcoin", "iPhone and bitcoin"),  # Latin words stay Latin
        ("Zakon.kz жаңалық", "Zakon.kz жаңалық"),
        ("кyнi", "кyні"),  # Latin y is left alone: more often a mistyped у
    ],
)
def test_fold_latin_lookalikes(text: str, expected: str) -> None:
    assert fold_latin_lookalikes(text) == expected


def test_bilingual_prosecutor_letter_is_kazakh_then_russian() -> None:
    text = next(shared_path("seeds").glob("000_*.txt")).read_text(encoding="utf-8")
    assert detect_languages(text) == ("kk", "ru")


def test_kazakh_zakon_article_with_russian_captions_is_kazakh() -> None:
    text = next(shared_path("seeds").glob("004_*.txt")).read_text(encoding="utf-8")
    assert "видеонаблюдение" in text  # the Russian caption is there
    assert detect_languages(text) == ("kk",)


KK_PARAGRAPH = (
    "Қазақстанда 2025 жылы ұйымдасқан қылмыстық топ құру, басқару және қатысу фактілері "
    "бойынша 70 іс қозғалған, ал трансұлттық ұйымдасқан қылмыстық топтар бойынша 10 іс тіркелген."
)
RU_PARAGRAPH = (
    "В Казахстане в 2025 году возбуждено 70 дел по фактам создания, руководства и участия "
    "в организованных преступных группах, по транснациональным группам зарегистрировано 10 дел."
)
EN_PARAGRAPH = (
    "In 2025, Kazakhstan opened 70 cases of creating, leading and taking part in organized "
    "criminal groups, and registered 10 cases against transnational criminal groups."
)


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        ([RU_PARAGRAPH, KK_PARAGRAPH], ("ru", "kk")),
        ([KK_PARAGRAPH, RU_PARAGRAPH, KK_PARAGRAPH], ("kk", "ru")),
        ([EN_PARAGRAPH, RU_PARAGRAPH, KK_PARAGRAPH], ("en", "ru", "kk")),
        ([KK_PARAGRAPH] * 6 + ["Фото: пресс-служба МВД"], ("kk",)),
        ([RU_PARAGRAPH] * 6 + ["Сурет: ІІМ баспасөз қызметі"], ("ru",)),
        ([RU_PARAGRAPH], ("ru",)),
        (["", "   ", "12 345"], ()),
    ],
)
def test_detect_languages(paragraphs: list[str], expected: tuple[str, ...]) -> None:
    assert detect_languages("\n\n".join(paragraphs)) == expected


def test_short_lines_are_judged_together() -> None:
    # PDF text: one or two words a line, blank lines between; no single line is enough.
    lines = ["Құрметті", "депутаттар!", "Бас", "прокуратура", "сауалды", "қарап", "шықты."]
    assert detect_languages("\n\n".join(lines * 3)) == ("kk",)


def test_lingua_detector_is_built_once() -> None:
    assert _detector() is _detector()
