"""What a page turned out to be: an article, or empty, a paywall teaser, a video, a menu."""

from __future__ import annotations

import re

import lxml.html

from crawler.extract.prune import PruneReport

# Below this many characters a "body" is a stub (a video caption, a paywall teaser).
MIN_BODY_CHARS = 200
PAYWALL_MARKERS = ("paywall", "подписка для чтения", "оформите подписку", "жазылым рәсімдеңіз")
VIDEO_MARKERS = ("<video", "youtube.com/embed", "player.vimeo.com", "rutube.ru/play/embed")
# A teaser ends with the offer ("Оформите подписку, чтобы читать дальше"); in its last lines
# only, since fraud stories quote such phrases too.
PAYWALL_OFFERS = ("оформите подписку", "доступен только подписчикам", "жазылым рәсімдеңіз",
                  "тек жазылушыларға")
PAYWALL_OFFER_LINES = 2
# Article text has sentences; a "body" of menu items, a title and a date has no line this long.
MIN_SENTENCE_WORDS = 8
# A body whose lines are mostly the texts of the page's links is its menu and teaser list
# ("Platform / Features / Blog / Contact Us / My6sense has been shortlisted for a…"), not an
# article, even when one teaser is a sentence long. Only short bodies are checked: an article
# of 2,000 characters is not a menu.
MENU_LINK_SHARE = 0.6
MENU_CHECK_MAX_CHARS = 2_000
_ELLIPSIS = re.compile(r"(\.\.\.|…)$")


def has_sentence(body: str) -> bool:
    """Whether any line of a body is long enough to be a sentence of text."""
    return any(len(re.findall(r"\w+", line)) >= MIN_SENTENCE_WORDS for line in body.splitlines())


def _link_share(body: str, tree: lxml.html.HtmlElement) -> float:
    """Share of the body's characters on lines that are (the start of) a link's text."""
    links = {" ".join(a.text_content().split()) for a in tree.iter("a")}
    links.discard("")
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    total = sum(len(line) for line in lines)
    linked = 0
    for line in lines:
        teaser = _ELLIPSIS.sub("", line).strip()
        if line in links or (teaser != line and any(t.startswith(teaser) for t in links)):
            linked += len(line)
    return linked / total if total else 0.0


def _textless(
    lowered: str, reason: str, pruned: PruneReport, chars: int,
) -> tuple[str, str | None]:
    """Status of a page without article text: a video, a paywall, or plainly empty."""
    if any(marker in lowered for marker in VIDEO_MARKERS):
        return "video_only", ("the page holds a video player and no text" if not chars
                              else f"a video with a {chars}-character caption")
    if any(marker in lowered for marker in PAYWALL_MARKERS):
        return "paywall", ("no article text: the page is behind a paywall" if not chars
                           else f"only a {chars}-character teaser before a paywall")
    dropped = f" (pruned as furniture: {pruned.summary()})" if pruned.dropped else ""
    return "empty", reason + dropped


def classify_body(
    html: str, body: str | None, tree: lxml.html.HtmlElement, pruned: PruneReport,
) -> tuple[str, str | None]:
    """A status for what the page turned out to be, with a reason when it is not an article."""
    lowered = html.lower()
    if not body:
        return _textless(lowered, "no article text found on the page", pruned, 0)
    if len(body) < MIN_BODY_CHARS:
        status, reason = _textless(lowered, "", pruned, len(body))
        if status != "empty":
            return status, reason
    last_lines = [line for line in body.lower().splitlines() if line.strip()][-PAYWALL_OFFER_LINES:]
    if any(offer in line for line in last_lines for offer in PAYWALL_OFFERS):
        return "paywall", f"a {len(body)}-character teaser ending in a subscription offer"
    if not has_sentence(body):
        return _textless(lowered, "no sentence of article text, only menu items, a title or a"
                         " date", pruned, len(body))
    if len(body) <= MENU_CHECK_MAX_CHARS and _link_share(body, tree) >= MENU_LINK_SHARE:
        return _textless(lowered, "only the page's menu and links to other stories, no article"
                         " text", pruned, len(body))
    return "ok", None
