"""The national police's Telegram channel @POLICE_of_KZ, posts in Russian and Kazakh.

Site: posts at https://t.me/POLICE_of_KZ/<post id>; read through the plain-HTML web preview
    https://t.me/s/POLICE_of_KZ, newest posts last, older ones at ?before=<smallest id shown>.
Discovery: the preview's div.tgme_widget_message[data-post] with its text and
    time[datetime] ("2025-12-26T04:12:05+00:00") [v]; a daily pass reads two preview pages.
Caveats: a post has no headline, so its first line is the title; Russian and Kazakh posts
    alternate in one channel, so the language is detected per post, not declared; a reply
    quotes the other post's text, which is not this post's.
"""

from crawler.sources import Source, TelegramChannel

SOURCE = Source(
    id="tg_police_of_kz",
    name="Police of Kazakhstan (Telegram)",
    home="https://t.me/s/POLICE_of_KZ",
    languages=("ru", "kk"),
    article_url_pattern=r"^https://t\.me/POLICE_of_KZ/\d+$",
    telegram=(TelegramChannel("POLICE_of_KZ", pages=2),),
    kind="telegram",
    schedule="*/30 * * * *",
)
