"""Soft-404s: a removed or wrong article URL the site answers as if all were well.

Kazakh and Russian newsrooms rarely send 404 for an article they took down: they answer 200
with their "page not found" template ("Страница не найдена", "Бет табылмады", "Материал
удалён", a big "404"), or redirect (301/302) the article URL to the home page or a section
listing. Such a page is no article (a new link to it is not stored) and, on a revisit, means
the stored article was removed, as a 404 or 410 does.

Real articles quote these words too ("Мошенники не найдены", "ошибка 404" on a fake bank site,
"Ұрланған ақша табылмады"): a title counts only when all of it, once the site's name is cut
off, is a not-found phrase, and a body only when it is short and says so in its first lines.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.sources import Source

# What not-found templates say (lower-cased, ё folded to its plain letter): the notices real
# sites show ("Страница не найдена", "Бет табылмады", "Материал удалён", "Материал не найден",
# "Сұраған бетіңіз табылмады") and their usual variants. Each is a whole phrase, never a single
# word, so a headline that merely contains "не найден" does not match. They are looked for in
# the first lines of a short body, where news rarely says them.
NOT_FOUND_PHRASES = (
    # Russian
    r"(?:(?:запрашиваемая|искомая)(?: вами)? )?страница не найдена",
    r"(?:такой |запрашиваемой )?страницы не существует",
    r"(?:запрашиваемая )?страница не существует",
    r"(?:материал|статья|новость|публикация)"
    r" (?:не (?:найден|найдена|найдено)|удален|удалена|удалено)"
    r"(?: или (?:не существует|перемещен|перемещена|перемещено))?",
    # Kazakh
    r"(?:(?:сұраған|сіз іздеген|ізделген) )?(?:бет|бетіңіз|парақ|парақша) табылмады",
    r"(?:материал|мақала|жаңалық) (?:табылмады|жойылды|жойылған)",
    # English (some templates were never translated)
    r"(?:page |file )?not found",
)
# A title is only the notice, so it may use the shorter ones a body sentence could not.
TITLE_ONLY_PHRASES = (
    r"страница (?:была )?удалена",
    r"(?:бет|парақша) жоқ",
    r"ошибка",
)
_PHRASE = "(?:" + "|".join(NOT_FOUND_PHRASES) + ")"
_TITLE_PHRASE = "(?:" + "|".join((*NOT_FOUND_PHRASES, *TITLE_ONLY_PHRASES)) + ")"
# A whole title part: "404", "Ошибка 404", "404. Страница не найдена", "Бет табылмады!"
_NOT_FOUND_TITLE = re.compile(
    rf"^(?:(?:ошибка|error|қате)\s*)?"
    rf"(?:404(?:\s*error)?(?:\s*[.:!\u2013\u2014-]?\s*{_TITLE_PHRASE})?|{_TITLE_PHRASE})[.!]*$")
_HAS_NOT_FOUND = re.compile(rf"(?<!\w){_PHRASE}(?!\w)")
# A line that is only the code, as the big digits of a template are.
_ERROR_CODE_LINE = re.compile(r"^(?:(?:ошибка|error|қате)\s*)?404(?:\s*error)?$")
# Separators between a title and the site's name ("Страница не найдена | Zakon.kz").
_TITLE_SEPARATORS = re.compile(r"\s+[|\u2013\u2014:/-]+\s+|\s*::\s*")
# A not-found template says so at once; an article that says it later is about something else.
HEAD_LINES = 4
# A notice line is short and mostly the phrase ("Извините, запрашиваемая вами страница не
# найдена."); a news sentence quoting it ("…на экране появлялась надпись «Страница не найдена»,
# деньги уже были списаны") is longer than the phrase thrice over.
NOTICE_LINE_MAX_CHARS = 120
NOTICE_SHARE = 1 / 3
# Past this length a body is an article's, whatever its title: a template's text is a sentence
# or two (its teasers, when extraction kept them, are checked by their first lines).
SHORT_BODY_CHARS = 600
# Paths a site sends a lost visitor to: its error page ("/404", "/404.html", "/not-found").
_ERROR_PAGE = re.compile(r"(^|/)(404|error|not[-_]?found|page[-_]?not[-_]?found)(\.\w+)?$")


def _fold(text: str) -> str:
    """Lower-cased, ё folded to its plain letter, whitespace folded, quotes and outer
    punctuation dropped."""
    # "\u0451" is ё, "\u0435" its plain letter: "Материал удалён" and "удален" both occur.
    text = text.lower().replace("\u0451", "\u0435").translate(str.maketrans("", "", "«»\"“”„'"))
    return " ".join(text.split()).strip(" .,!?;")


def _site_names(source: Source) -> set[str]:
    """How a title may name the site: its name and its hosts' main labels ("zakon")."""
    hosts = [urlsplit(source.home).hostname or "", *source.allowed_hosts]
    labels = {h.split(".")[-2] for h in hosts if h.count(".") >= 1}
    return {name for name in (_fold(source.name), *labels) if len(name) >= 3}


def not_found_title(title: str | None, source: Source) -> bool:
    """Whether the whole title, its site-name parts cut off, is a not-found notice."""
    if not title:
        return False
    names = _site_names(source)
    parts = [p for p in (_fold(p) for p in _TITLE_SEPARATORS.split(title)) if p]
    # The rest is read as one: "Страница не найдена - так ответил банк" is a headline.
    text = " ".join(p for p in parts if not any(name in p for name in names))
    return bool(_NOT_FOUND_TITLE.match(text)) if text else False


def notice_line(body: str | None) -> str | None:
    """The not-found notice among the body's first lines, or None."""
    for line in [ln for ln in (body or "").splitlines() if ln.strip()][:HEAD_LINES]:
        folded = _fold(line)
        if _ERROR_CODE_LINE.match(folded):
            return line.strip()
        match = _HAS_NOT_FOUND.search(folded)
        if (match and len(folded) <= NOTICE_LINE_MAX_CHARS
                and len(match.group(0)) >= NOTICE_SHARE * len(folded)):
            return line.strip()
    return None


def _path(url: str) -> str:
    return urlsplit(url).path.rstrip("/")


def redirect_soft_404(requested_url: str, final_url: str, source: Source) -> str | None:
    """Why an article URL redirected to `final_url` is gone (home, section, error page), or None
    when the redirect went to an article (a new slug) or only changed scheme or host."""
    asked, landed = _path(requested_url), _path(final_url)
    if landed == asked or re.match(source.article_url_pattern, final_url):
        return None
    home = _path(source.home)
    if landed in ("", home) or (len(landed) <= 3 and landed.count("/") == 1):
        return f"redirected to the home page {final_url}"
    listings = {_path(listing.url.split("{page}")[0]) for listing in source.listings}
    if landed in listings or asked.startswith(landed + "/"):
        return f"redirected to a section listing {final_url}"
    if _ERROR_PAGE.search(landed.lower()):
        return f"redirected to an error page {final_url}"
    return None


def soft_404_reason(
    requested_url: str, final_url: str, status: int, title: str | None, body: str | None,
    source: Source,
) -> str | None:
    """Why an answer to an article URL is a soft-404 ("soft 404: …"), or None for a page that
    may be an article. `status` is the final answer's: only a 2xx can be soft."""
    if not 200 <= status < 300:
        return None
    moved = redirect_soft_404(requested_url, final_url, source)
    if moved:
        return f"soft 404: {moved}"
    short = body is None or len(body) <= SHORT_BODY_CHARS
    notice = notice_line(body)
    if not_found_title(title, source) and (short or notice):
        return f"soft 404: a not-found page («{title}») served with HTTP {status}"
    if short and notice:
        return f"soft 404: a not-found page («{notice}») served with HTTP {status}"
    return None


# A soft-404's reason, as redirect_soft_404 and soft_404_reason word it, by its kind: the kinds
# are counted per run (dozor/soft_404/<kind>, dozor/revisit/soft_404/<kind>) and shown per
# source by `dozor status` and the view source_soft_404 (migration 0065).
SOFT_404_KINDS = {
    "a not-found page": "not_found_page",
    "redirected to the home page": "redirect_home",
    "redirected to a section listing": "redirect_listing",
    "redirected to an error page": "redirect_error_page",
}


# Each kind as an operator reads it (`dozor status`, `dozor import`); "unknown" is the view's
# name for soft-404s of runs recorded before kinds were counted.
SOFT_404_KIND_NAMES = {
    "not_found_page": "a not-found page (HTTP 200)",
    "redirect_home": "redirected to the home page",
    "redirect_listing": "redirected to a section listing",
    "redirect_error_page": "redirected to an error page",
    "other": "another sign of a removed page",
    "unknown": "not recorded (runs before 0065)",
}


def soft_404_kind(reason: str) -> str:
    """The kind of a soft-404 reason ("soft 404: redirected to the home page https://…" ->
    "redirect_home"); "other" for a wording this module does not give."""
    said = reason.removeprefix("soft 404: ")
    return next((kind for start, kind in SOFT_404_KINDS.items() if said.startswith(start)),
                "other")
