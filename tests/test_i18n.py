"""The interface languages: complete Kazakh and Russian catalogues, negotiation, names."""

from __future__ import annotations

import re

import pytest

from serve.catalogues import extract_messages
from serve.i18n import (
    PROJECT_ROOT,
    SOURCES,
    UI_LANGUAGES,
    cli_language,
    messages,
    negotiate,
    read_catalog,
)
from serve.labels import catalog

PLACEHOLDER = re.compile(r"\{(\w+)(?:![rs])?\}")


def _key(message_id: str, context: str | None) -> tuple[str, str | None]:
    return message_id, context


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_message_in_the_code_is_translated(lang: str) -> None:
    wanted = {_key(str(m.id), m.context) for m in extract_messages(PROJECT_ROOT) if m.id}
    held = {_key(str(m.id), m.context): m for m in read_catalog(lang) if m.id}
    missing = wanted - set(held)
    assert not missing, (
        f"messages not in serve/locale/{lang}: run `python -m serve.catalogues update` and"
        " translate:"
        f" {sorted(missing)[:5]}")
    stale = set(held) - wanted
    assert not stale, (
        f"messages no longer used: `python -m serve.catalogues update` ({sorted(stale)[:5]})")
    untranslated = [k for k, m in held.items() if not m.string]
    assert not untranslated, f"untranslated in {lang}: {untranslated[:5]}"
    for key, message in held.items():
        # A translation must keep every {placeholder}: str.format would fail at run time.
        assert set(PLACEHOLDER.findall(key[0])) == set(PLACEHOLDER.findall(str(message.string))), (
            lang, key)


def test_no_message_hides_in_an_f_string() -> None:
    # The extractor cannot see t("...") inside an f-string: such a message stays English.
    hidden = []
    for entry in SOURCES:
        path = PROJECT_ROOT / entry
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"""f["'][^"']*\{t\(""", line):
                    hidden.append(f"{file.relative_to(PROJECT_ROOT)}:{number}")
    assert not hidden, f"t() inside an f-string (not extracted): {hidden}"


def test_translations_are_in_the_right_script() -> None:
    kk_letters = re.compile("[әғқңөұүһі]", re.IGNORECASE)
    kk = messages("kk")
    ru = messages("ru")
    assert kk("Search") == "Іздеу" and ru("Search") == "Найти"
    # Kazakh strings use Kazakh letters; Russian ones only in the Kazakh examples they quote.
    assert kk_letters.search(kk("Saved searches and alerts"))
    for message in read_catalog("ru"):
        if message.id and message.string and not message.context:
            for word in re.findall(r"\w+", str(message.string)):
                assert not kk_letters.search(word) or word in str(message.id), (message.id, word)


@pytest.mark.parametrize(("header", "expected"), [
    ("kk-KZ,kk;q=0.9,ru;q=0.8,en;q=0.7", "kk"),
    ("ru-RU,ru;q=0.9,en-US;q=0.8", "ru"),
    ("en-US,en;q=0.9", "en"),
    ("ru;q=0.5, kk;q=0.9", "kk"),
    ("de-DE,de;q=0.9", "kk"),  # none of ours: Kazakh
    ("", "kk"),
    ("kk;q=0, ru", "ru"),
    ("*;q=0.1, garbage;;;", "kk"),
])
def test_the_browser_chooses_the_language(header: str, expected: str) -> None:
    assert negotiate(header) == expected


def test_the_command_line_follows_its_locale() -> None:
    assert cli_language({"DOZOR_UI_LANG": "kk"}) == "kk"
    assert cli_language({"LANG": "ru_RU.UTF-8"}) == "ru"
    assert cli_language({"LANGUAGE": "de:kk", "LANG": "ru_RU.UTF-8"}) == "kk"
    assert cli_language({"LANG": "C.UTF-8"}) == "en"
    assert cli_language({}) == "en"


def test_names_of_ids_in_three_languages() -> None:
    names = catalog()
    assert [names.name("regions", "karaganda", lg) for lg in UI_LANGUAGES] == [
        "Қарағанды облысы", "Карагандинская область", "Karaganda Region"]
    assert names.name("topics", "ocg", "kk") == "Ұйымдасқан қылмыс"
    assert names.name("agencies", "afm", "ru") == "Агентство по финансовому мониторингу"
    assert names.name("subtopics", "droppers", "ru") == "Дропперы"
    assert names.name("regions", "atlantis", "ru") == "atlantis"  # unknown ids stay as they are
