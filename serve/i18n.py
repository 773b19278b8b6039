"""Kazakh, Russian and English for everything an analyst reads: gettext catalogues via Babel.

The English text is the message id; `serve/locale/<lang>/LC_MESSAGES/messages.po` holds the
Kazakh and Russian translations (readable, reviewed in git). They are compiled in memory when
first used, so no binary .mo file can go stale. Names of ids (topics, regions, agencies...)
are translated with a context (`pgettext("regions", "Almaty")`).

    python -m serve.catalogues update    # after changing a message (serve/catalogues.py)
"""

from __future__ import annotations

import io
import os
import re
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).with_name("locale")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "messages"
# Interface languages, in the order the switch shows them. Kazakh is the state language and
# the default when a browser asks for none of these.
UI_LANGUAGES = ("kk", "ru", "en")
DEFAULT_UI = "kk"
UI_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
# The cookie the page's language switch sets; JSON for programs is English unless asked.
UI_COOKIE = "dozor_ui"
API_DEFAULT_UI = "en"
# The command line's language: DOZOR_UI_LANG, else the usual locale variables.
CLI_ENV = ("DOZOR_UI_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
# What the extraction reads: the analysts' side and its commands.
SOURCES = (
    "serve", "jobs/commands/analysts.py", "jobs/commands/alerts.py", "jobs/commands/article.py",
    "jobs/commands/stories.py",
)

_ACCEPT_ITEM_RE = re.compile(
    r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]+))?")


def po_path(lang: str) -> Path:
    """The catalogue of one language."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(lang: str) -> Catalog:
    """The parsed .po file of a language."""
    with po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


@cache
def translations(lang: str) -> NullTranslations:
    """gettext translations of a UI language (English: the message ids themselves)."""
    if lang not in UI_LANGUAGES or lang == "en" or not po_path(lang).exists():
        return NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(lang), use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def ui_language(value: str | None) -> str | None:
    """A supported UI language from a code such as 'kk', 'ru-RU', 'kk_KZ.UTF-8', else None."""
    if not value:
        return None
    code = re.split(r"[-_.@]", value.strip().lower(), maxsplit=1)[0]
    return code if code in UI_LANGUAGES else None


def negotiate(accept_language: str | None, default: str = DEFAULT_UI) -> str:
    """The best UI language for an Accept-Language header (by q, then order), else default."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept_language or "").split(",")):
        match = _ACCEPT_ITEM_RE.match(item)
        if not match:
            continue
        try:
            quality = float(match[2]) if match[2] else 1.0
        except ValueError:
            continue
        lang = ui_language(match[1])
        if lang and quality > 0:
            ranked.append((-quality, position, lang))
    return min(ranked)[2] if ranked else default


def choose_ui(ui: str | None, cookie: str | None, accept_language: str | None,
              default: str = API_DEFAULT_UI) -> str:
    """A request's UI language: ?ui=, else the switch's cookie, Accept-Language, default."""
    return ui_language(ui) or ui_language(cookie) or negotiate(accept_language, default)


def cli_language(environ: dict[str, str] | None = None) -> str:
    """The command line's UI language: DOZOR_UI_LANG, LANGUAGE, LC_ALL, LC_MESSAGES, LANG."""
    env = os.environ if environ is None else environ
    for name in CLI_ENV:
        for part in env.get(name, "").split(":"):  # LANGUAGE may list several
            if lang := ui_language(part):
                return lang
    return "en"


class Messages:
    """The translation functions of one UI language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in UI_LANGUAGES else "en"
        self._t = translations(self.lang)

    def __call__(self, message: str, **values: object) -> str:
        """A translated message, `{name}` placeholders filled in."""
        text = self._t.gettext(message)
        return text.format(**values) if values else text

    def label(self, context: str, english: str) -> str:
        """A translated name with its context ('topics', 'regions'...)."""
        return str(self._t.pgettext(context, english))

    def web_messages(self) -> dict[str, str]:
        """Every message of the web page's script, translated (sent to the page as JSON)."""
        return {m: self._t.gettext(m) for m in script_message_ids()}


@cache
def messages(lang: str) -> Messages:
    """The Messages of a UI language (cached)."""
    return Messages(lang)


@cache
def script_message_ids() -> tuple[str, ...]:
    """Message ids used by the pages' scripts (from the Russian catalogue's source locations)."""
    if not po_path("ru").exists():
        return ()
    return tuple(
        str(m.id) for m in read_catalog("ru")
        if m.id and isinstance(m.id, str) and not m.context
        and any(loc[0].startswith("serve/web/") and loc[0].endswith(".js") for loc in m.locations)
    )


def N_(message: str) -> str:
    """Mark a message for extraction without translating it here."""
    return message
