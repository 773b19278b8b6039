"""Sending alerts: e-mail over SMTP and JSON webhooks a chat accepts (Slack-compatible `text`).

Configuration comes from the environment, never from the database or a log line:
DOZOR_SMTP_HOST, DOZOR_SMTP_PORT (25; 465 is SMTPS), DOZOR_SMTP_USER, DOZOR_SMTP_PASSWORD,
DOZOR_SMTP_STARTTLS (1 to upgrade), DOZOR_SMTP_FROM; DOZOR_PUBLIC_URL, the address of the
web page, for links to the article view.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html import escape

from crawler.errors import DozorError
from serve.alerts.find import AlertItem
from serve.alerts.saved import SavedSearch
from serve.i18n import messages
from serve.labels import catalog
from serve.request import ALMATY

SMTP_TIMEOUT_S = 30
WEBHOOK_TIMEOUT_S = 15
MAX_WEBHOOK_RESPONSE = 4096


class AlertDeliveryError(DozorError):
    """Raised when an alert cannot be sent (SMTP or webhook), from `serve.alerts.deliver`."""


@dataclass(frozen=True, slots=True)
class Message:
    """One alert message: subject, plain text, HTML, and the items as data (for webhooks)."""

    subject: str
    text: str
    html: str
    items: list[dict[str, object]]


def public_url() -> str | None:
    """The web page's address for links (DOZOR_PUBLIC_URL), or None."""
    url = os.environ.get("DOZOR_PUBLIC_URL", "").strip().rstrip("/")
    return url or None


def _outlets(item: AlertItem, ui: str) -> str:
    t = messages(ui)
    if item.story_articles <= 1:
        return ""
    return t("{n} articles, {langs}", n=item.story_articles,
             langs="+".join(item.story_languages) or "?")


def compose(saved: SavedSearch, items: list[AlertItem], held_back: int) -> Message:
    """The alert of a saved search about these items, in its language."""
    ui = saved.ui_lang
    t = messages(ui)
    names = catalog()
    base = public_url()
    lines: list[str] = []
    html: list[str] = []
    data: list[dict[str, object]] = []
    in_dozor = t("In Dozor")
    for item in items:
        if item.topic:
            what = t("{topic} in {region}: {n} stories in 24 hours (usually {mean} a day)",
                     topic=names.name("topics", item.topic, ui),
                     region=names.name("regions", item.region or "", ui), n=item.recent,
                     mean=format(item.baseline, "g"))
            lines.append(f"- {what}")
            html.append(f"<li>{escape(what)}</li>")
            data.append({"kind": "spike", "topic": item.topic, "region": item.region,
                         "stories": item.recent, "baseline_per_day": item.baseline})
            continue
        when = (f"{item.published_at.astimezone(ALMATY):%Y-%m-%d %H:%M}"
                if item.published_at else "")
        extra = ", ".join(x for x in (item.source_id, item.lang, _outlets(item, ui)) if x)
        view = f"{base}/article/{item.article_id}" if base else None
        lines.append(f"- {when} {item.title} ({extra})\n  {item.url}"
                     + (f"\n  {in_dozor}: {view}" if view else ""))
        link = escape(item.url or "", quote=True)
        html.append(f"<li>{escape(when)} <a href=\"{link}\">{escape(item.title)}</a>"
                    f" <small>({escape(extra)})</small>"
                    + (f" · <a href=\"{escape(view, quote=True)}\">{escape(in_dozor)}</a>"
                       if view else "") + "</li>")
        data.append({"kind": "story", "article_id": item.article_id, "title": item.title,
                     "url": item.url, "source": item.source_id, "lang": item.lang,
                     "published": item.published_at.isoformat() if item.published_at else None,
                     "story_articles": item.story_articles,
                     "story_languages": list(item.story_languages), "view": view})
    if held_back:
        note = t("{n} more today beyond the daily cap of {cap}.", n=held_back,
                 cap=saved.daily_cap)
        lines.append(note)
        html.append(f"<li><em>{escape(note)}</em></li>")
    subject = t("Dozor · {name}: {n} new", name=saved.name, n=len(items))
    head = t("New for the saved search \u201c{name}\u201d:", name=saved.name)
    text = head + "\n\n" + "\n".join(lines) + "\n"
    body = (f"<!doctype html><html lang=\"{ui}\"><meta charset=\"utf-8\"><body>"
            f"<p>{escape(head)}</p><ul>{''.join(html)}</ul></body></html>")
    return Message(subject, text, body, data)


def send_email(recipients: list[str], message: Message) -> None:
    """Send one message to the recipients through the SMTP server of the environment."""
    host = os.environ.get("DOZOR_SMTP_HOST", "").strip()
    if not host:
        raise AlertDeliveryError("DOZOR_SMTP_HOST is not set: e-mail alerts cannot be sent")
    port = int(os.environ.get("DOZOR_SMTP_PORT", "25") or 25)
    sender = os.environ.get("DOZOR_SMTP_FROM", "").strip() or "dozor@localhost"
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = sender
    mail["To"] = ", ".join(recipients)
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    try:
        if port == 465:
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT_S,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_S)
        with client:
            if os.environ.get("DOZOR_SMTP_STARTTLS", "") in ("1", "true", "yes"):
                client.starttls(context=ssl.create_default_context())
            user = os.environ.get("DOZOR_SMTP_USER", "")
            if user:
                client.login(user, os.environ.get("DOZOR_SMTP_PASSWORD", ""))
            client.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        # The exception names the server's answer, never the password.
        raise AlertDeliveryError(f"SMTP {host}:{port}: {type(exc).__name__}: {exc}"[:300]) from None


def webhook_url(webhook: str) -> str:
    """The URL of a webhook setting: itself, or the value of env:NAME."""
    if webhook.startswith("env:"):
        name = webhook[4:]
        url = os.environ.get(name, "").strip()
        if not url:
            raise AlertDeliveryError(f"webhook {webhook}: the environment variable is not set")
        return url
    return webhook


def send_webhook(webhook: str, message: Message) -> None:
    """POST the alert as JSON: `text` (Slack, Mattermost, Rocket.Chat) and the items as data."""
    url = webhook_url(webhook)
    if not url.startswith(("http://", "https://")):
        raise AlertDeliveryError(f"webhook {webhook}: not an http(s) URL")
    payload = json.dumps({"text": f"*{message.subject}*\n{message.text}",
                          "dozor": {"subject": message.subject, "items": message.items}},
                         ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=payload, method="POST", headers={  # noqa: S310 - http(s) checked above
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "Dozor alerts"})
    shown = webhook if webhook.startswith("env:") else url.split("/")[2]
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_S) as response:  # noqa: S310 - http(s) checked above
            response.read(MAX_WEBHOOK_RESPONSE)
    except urllib.error.HTTPError as exc:
        raise AlertDeliveryError(f"webhook {shown} answered {exc.code}") from None
    except (OSError, ValueError) as exc:
        raise AlertDeliveryError(f"webhook {shown}: {type(exc).__name__}") from None
