"""Lines of a body that belong to the page's template, not to the article.

Two kinds of evidence, both pure functions over text:
- generic line rules that hold on any site: the headline repeated as the first line, photo
  credits ("Фото: Zakon.kz", "Сурет: polisia.kz"), share and subscribe lines ("Подписывайтесь
  на наш Telegram-канал"), tag lists, glued or not ("ТегиМошенничествоАлматы"), "read also"
  pointers, and lines that are only a date and a view counter;
- a source's learned template lines (crawler/extract/template_lines.py): lines that repeat
  verbatim across many of its archived pages are furniture, whatever they say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.extract.date_words import month_number
from crawler.extract.template_lines import TemplateLines, normalize_line

# A line opening with one of these points to another story, not text of this one.
READ_ALSO_PREFIXES = (
    "читайте также", "читать также", "смотрите также", "читайте еще", "читайте ещё",
    "также читайте", "еще по теме", "ещё по теме", "по теме:", "материал по теме",
    "похожие новости", "тағы оқыңыз", "тағы да оқыңыз", "оқи отырыңыз", "сондай-ақ оқыңыз",
    "ұқсас жаңалықтар", "тақырыпқа қатысты", "read also", "read more:", "related:",
    "see also:",
)
# Credits stand alone on a short line: "Фото: Zakon.kz", "Фото © Tengrinews.kz / Фамилия
# Имени", "Сурет: polisia.kz", "Иллюстративное фото: pixabay", "Photo: Reuters"; or without a
# mark, shorter and without a full stop: "Фото пресс-службы ДП", "Photo by Reuters".
_CREDIT_WORD = (r"^(?:иллюстративное\s+)?(?:фото|фотография|сурет|суреттер|фотосурет|видео|"
                r"коллаж|скриншот|инфографика|источник\s+фото|көрнекі\s+сурет|photo|image|video|"
                r"credit|illustration)")
CREDIT = re.compile(_CREDIT_WORD + r"\s*(?:[:©/|\u2013\u2014-]|$)", re.IGNORECASE)
CREDIT_UNMARKED = re.compile(
    _CREDIT_WORD + r"\s+(?:из|\u0441|by|пресс-службы|предоставлено|взято)\s", re.IGNORECASE)
MAX_UNMARKED_CREDIT_CHARS = 60
# "Фото из открытых источников", "Сурет ашық дереккөзден": a credit without a separator.
CREDIT_PHRASES = ("фото из открытых источников", "фото из соцсетей", "сурет ашық дереккөз",
                  "фото взято из", "сурет әлеуметтік желіден")
MAX_CREDIT_CHARS = 120
# Subscribe and share lines speak to the reader in the imperative or about "our" channel;
# a fraud story quoting "подписаться на Telegram-канал" is a sentence of the story.
SUBSCRIBE = re.compile(
    r"^(?:подписывайтесь|подпишитесь|присоединяйтесь|следите\s+за|читайте\s+нас|"
    r"смотрите\s+нас|самые\s+(?:важные|свежие)\s+новости|все\s+новости|"
    r"жазылыңыз|жазылып|бізді\s+(?:оқыңыз|бақылаңыз)|біздің\s+\S+\s+арна|"
    r"subscribe|follow\s+us|join\s+us|sign\s+up)",
    re.IGNORECASE,
)
CHANNEL_WORDS = ("telegram", "телеграм", "instagram", "инстаграм", "whatsapp", "youtube",
                 "tiktok", "facebook", "канал", "арна", "соцсет", "newsletter", "рассылк",
                 "threads", "vk", "дзен", "новост", "жаңалық")
MAX_SUBSCRIBE_CHARS = 200
# Share buttons' labels, when their text reaches the body one per line.
SHARE_LABELS = frozenset({
    "поделиться", "бөлісу", "share", "facebook", "twitter", "x", "telegram", "whatsapp", "vk",
    "вконтакте", "одноклассники", "instagram", "linkedin", "email", "e-mail", "копировать ссылку",
    "скопировать ссылку", "сілтемені көшіру", "print", "печать", "tweet",
})
TAG_LABELS = re.compile(r"^(?:теги|тэги|метки|тегтер|тег|tags|тақырыптар)\s*:?\s*(?=\S)",
                        re.IGNORECASE)
# "ТегиМошенничествоПолицияАлматы": Cyrillic words glued at their borders by a template that
# prints tags without spaces. Latin is left out: "iPhone", "WhatsApp", "TikTok" are names.
_GLUED = re.compile(r"[\u0430-\u044f\u0451\u04d9\u0493\u049b\u04a3\u04e9\u04b1\u04af\u04bb\u0456]"
                    r"[\u0410-\u042f\u0401\u04d8\u0492\u049a\u04a2\u04e8\u04b0\u04ae\u04ba\u0406]")
# Sentence punctuation of the scripts the sources and the benchmark use.
_SENTENCE_MARK = re.compile(r"[.!?,;:\u3001\u3002\uff0c\uff01\uff1f]")
_HASHTAG_LINE = re.compile(r"^(?:#[^\s#]+\s*){2,}$")
# A line of only a date, a time and a view counter: "26.12.2025, 10:40 · 1 234 просмотров",
# "13:51, 15 Август 2025 | GMT +5". Words allowed besides month names:
DATE_LINE_WORDS = frozenset({
    "gmt", "utc", "просмотров", "просмотра", "просмотр", "просмотры", "қаралым", "views", "view",
    "сегодня", "вчера", "бүгін", "кеше", "today", "yesterday", "\u0433", "года", "год", "ж", "жылы",
    "жыл", "в", "at", "сағат", "обновлено", "updated", "жаңартылды", "опубликовано",
    "жарияланды", "published",
})
# A clock or a numeric date; "12.50 13.75" (a table row of figures) is neither.
_CLOCK_OR_DATE = re.compile(r"(?<!\d)(?:\d{1,2}:\d{2}|\d{1,2}\.\d{1,2}\.\d{2,4})(?!\d)")
MAX_DATE_LINE_CHARS = 60
# Applying rules must leave the article: when they would drop more than this share of the
# body's characters, the body is kept as it was (a template line table gone wrong, a page
# that really is a list of credits).
MAX_DROPPED_SHARE = 0.5


@dataclass
class FurnitureReport:
    """Lines dropped from a body, by the rule that dropped them."""

    dropped: dict[str, list[str]] = field(default_factory=dict)
    refused: str | None = None  # why nothing was dropped although rules matched

    def add(self, rule: str, line: str) -> None:
        """Record one dropped line."""
        self.dropped.setdefault(rule, []).append(line)


def _same_text(a: str, b: str) -> bool:
    fold = re.compile(r"[\W_]+")
    return fold.sub(" ", a.lower()).strip() == fold.sub(" ", b.lower()).strip()


def _is_tag_list(line: str, hashtags_are_text: bool) -> bool:
    if TAG_LABELS.match(line) and not re.search(r"[.!?]\s", line):
        return True
    if _HASHTAG_LINE.match(line):
        return not hashtags_are_text
    # Glued words and no sentence: at least two glued borders and no sentence punctuation.
    return (len(_GLUED.findall(line)) >= 2 and _SENTENCE_MARK.search(line) is None
            and len(line) < 300)


def _is_credit(line: str, lowered: str) -> bool:
    if len(line) > MAX_CREDIT_CHARS:
        return False
    if lowered.startswith("©") or lowered.startswith(CREDIT_PHRASES):
        return True
    if CREDIT.match(line) is not None:
        return True
    # "Видео, снятое на месте ДТП, опубликовали в полиции." is the story's sentence, no credit.
    return (CREDIT_UNMARKED.match(line) is not None and len(line) <= MAX_UNMARKED_CREDIT_CHARS
            and not line.rstrip().endswith((".", "!", "?")))


def _is_subscribe(lowered: str) -> bool:
    if len(lowered) > MAX_SUBSCRIBE_CHARS or SUBSCRIBE.match(lowered) is None:
        return False
    return any(word in lowered for word in CHANNEL_WORDS)


def _is_date_line(line: str) -> bool:
    if len(line) > MAX_DATE_LINE_CHARS:
        return False
    words = re.findall(r"[^\W\d_]+", line.lower())
    months = [w for w in words if month_number(w) is not None]
    if not _CLOCK_OR_DATE.search(line) and not months:
        return False
    return all(w in DATE_LINE_WORDS or w in months for w in words)


def line_rule(line: str, lowered: str, hashtags_are_text: bool = False) -> str | None:
    """The generic rule a body line falls under, or None for a line of the article."""
    if lowered.startswith(READ_ALSO_PREFIXES):
        return "read_also"
    if _is_credit(line, lowered):
        return "credit"
    if _is_subscribe(lowered) or lowered.strip(" .:!") in SHARE_LABELS:
        return "share"
    if _is_tag_list(line, hashtags_are_text):
        return "tags"
    if _is_date_line(line):
        return "date_line"
    return None


def strip_furniture(
    body: str, title: str | None, template: TemplateLines | None = None,
    hashtags_are_text: bool = False,
) -> tuple[str | None, FurnitureReport]:
    """The body without furniture lines, and what was dropped.

    `title` is the headline when it came from elsewhere than the body (a post's title is its
    own first line, which stays); `hashtags_are_text` keeps a post's "#ОПГ #МВД" line, which
    its author wrote, where a site's tag list is template.
    """
    report = FurnitureReport()
    lines = [line.strip() for line in body.splitlines()]
    lines = [line for line in lines if line]
    kept: list[str] = []
    for line in lines:
        lowered = line.lower()
        if title and not kept and _same_text(line, title):
            rule: str | None = "headline"
        elif template is not None and normalize_line(line) in template.lines:
            rule = "template"
        else:
            rule = line_rule(line, lowered, hashtags_are_text)
        if rule is None:
            kept.append(line)
        else:
            report.add(rule, line)
    total = sum(len(line) for line in lines)
    dropped = total - sum(len(line) for line in kept)
    if total and dropped > MAX_DROPPED_SHARE * total:
        report.refused = (f"rules would drop {dropped} of {total} characters:"
                          " kept the body as it was")
        report.dropped.clear()
        return "\n".join(lines) or None, report
    return "\n".join(kept) or None, report
