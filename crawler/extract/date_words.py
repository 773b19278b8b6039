"""The words of date text: Russian, Kazakh and English month names in their case forms, and the
relative words listing pages print ("вчера, 18:40", "2 часа назад", "кеше"), with their sources."""

from __future__ import annotations

from datetime import timedelta

# --- Month names ------------------------------------------------------------------------------
# Russian: nominative, genitive ("26 декабря"), prepositional ("в декабре") and the
# abbreviations news sites print ("26 дек. 2025"). Kazakh sites also print the Russian
# nominative ("15 Август 2025", Kazinform listings; sources.md).
RU_MONTHS: dict[str, int] = {
    form: number
    for number, forms in enumerate(
        [
            ("январь", "января", "январе", "янв"),
            ("февраль", "февраля", "феврале", "фев", "февр"),
            ("март", "марта", "марте", "мар"),
            ("апрель", "апреля", "апреле", "апр"),
            ("май", "мая", "мае"),
            ("июнь", "июня", "июне", "июн"),
            ("июль", "июля", "июле", "июл"),
            ("август", "августа", "августе", "авг"),
            ("сентябрь", "сентября", "сентябре", "сен", "сент"),
            ("октябрь", "октября", "октябре", "окт"),
            ("ноябрь", "ноября", "ноябре", "ноя", "нояб"),
            ("декабрь", "декабря", "декабре", "дек"),
        ],
        start=1,
    )
    for form in forms
}
# Kazakh month names, as kaz.* editions and official letters print them. They take case
# endings: "желтоқсанда" (locative), "желтоқсанның" (genitive), "23 желтоқсаннан" (ablative,
# seed 004), so a word that starts with a stem and adds at most KK_SUFFIX_MAX letters matches.
KK_MONTHS: dict[str, int] = {
    "қаңтар": 1,
    "ақпан": 2,
    "наурыз": 3,
    "сәуір": 4,
    "мамыр": 5,
    "маусым": 6,
    "шілде": 7,
    "тамыз": 8,
    "қыркүйек": 9,
    "қазан": 10,
    "қараша": 11,
    "желтоқсан": 12,
}
KK_SUFFIX_MAX = 5  # "-нан", "-ның", "-дағы"; longer tails are other words
# Kazakh typed on a Russian keyboard drops the special letters ("желтоксан", "сауир").
KK_TO_RUSSIAN_LETTERS = str.maketrans("әғқңөұүһі", "агкноуухи")
# English, for en.tengrinews.kz and English agency pages.
EN_MONTHS: dict[str, int] = {
    form: number
    for number, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
    for form in (name, name[:3])
} | {"sept": 9}

# --- Relative words ---------------------------------------------------------------------------
# Listing pages print these with a time: "сегодня, 13:51" (Zakon.kz), "Вчера 10:38"
# (Tengrinews), "бүгін, 09:15", "кеше, 18:40" (Kazakh editions), "Today"/"Yesterday" (en).
DAYS_AGO_WORDS: dict[str, int] = {
    "сегодня": 0,
    "вчера": 1,
    "позавчера": 2,
    "бүгін": 0,
    "кеше": 1,
    "today": 0,
    "yesterday": 1,
}
# "2 часа назад", "15 минут бұрын", "3 hours ago": unit stems and their length.
AGO_UNITS: dict[str, timedelta] = {
    "сек": timedelta(seconds=1),
    "мин": timedelta(minutes=1),
    "час": timedelta(hours=1),
    "сағат": timedelta(hours=1),
    "ден": timedelta(days=1),
    "дн": timedelta(days=1),
    "күн": timedelta(days=1),
    "second": timedelta(seconds=1),
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
}
# Without a number only the singular means one ("час назад"); "часов назад" or
# "несколько часов назад" says nothing exact, so it gives no date.
AGO_SINGULAR = frozenset(
    {"секунду", "минуту", "час", "день", "сағат", "минут", "күн", "second", "minute", "hour", "day"}
)


def month_number(word: str) -> int | None:
    """Number of a Russian, Kazakh or English month name in any case form, or None."""
    word = word.lower().rstrip(".")
    if word in RU_MONTHS:
        return RU_MONTHS[word]
    if word in EN_MONTHS:
        return EN_MONTHS[word]
    plain = word.translate(KK_TO_RUSSIAN_LETTERS)
    for stem, number in KK_MONTHS.items():
        for form in (stem, stem.translate(KK_TO_RUSSIAN_LETTERS)):
            candidate = word if form == stem else plain
            if candidate.startswith(form) and len(candidate) - len(form) <= KK_SUFFIX_MAX:
                return number
    return None
