"""Every article URL shape the real sites use passes its source's article_url_pattern.

The URLs below are real (where a comment does not say they stand for a shape): the examples
of ../shared/sources.md and article links seen in public code and documents that cite these
sites (GitHub, 2019-2026), as they were written there.
A shape a source's pattern refused was never requested and nothing said so; each one found
that way is listed here with the date it was seen. Pages that are not articles (listings,
sections, tags, feeds, images) must still fail the pattern.
"""

from __future__ import annotations

import re

import pytest

from crawler.discovery.urls import article_spelling, canonicalize_url
from crawler.sources import get_source

REAL_ARTICLE_URLS = {
    "zakon_kz": [
        # sources.md
        "https://www.zakon.kz/incident/6502034-v-karagande-zaderzhali-zvonivshih-ot-imeni-banka.html",
        "https://www.zakon.kz/finansy/6467795-bukhgalterskiy-uchet-v-gosuchrezhdeniyakh-vneseny-popravki.html",
        "https://www.zakon.kz/sovety/4960582-kak-nayti-muzha-millionera.html",
        # No section: 2022-2023 links, refused before this test.
        "https://www.zakon.kz/6008190-shest-zabytykh-kazakhskikh-traditsii.html",
        "https://www.zakon.kz/6385814-sozdateli-filma-532-proigrali-delo-o-plagiate.html",
        "https://www.zakon.kz/6384372-v-turkestanskoy-oblasti-otkrylas-tysyachnaya-po-schetu-shkola.html",
    ],
    "tengrinews_kz": [
        "https://tengrinews.kz/crime/v-almatyi-zaderjali-12-dropperov-561482/",  # sources.md
        "https://tengrinews.kz/kazakhstan_news/jiteli-aktau-jaluyutsya-himicheskiy-zapah-ekologi-proveli-588154/",
        "https://tengrinews.kz/kazakhstan_news/stoit-udivlyatsya-poyavleniyu-elbasyi-mejdunarodnoy-arene-369526/",
        "https://tengrinews.kz/show/shvartsenegger-protsitiroval-terminatora-privivayas-426648/",
        "https://kaz.tengrinews.kz/kazakhstan_news/aral-tenznde-su-kolem-ulgaydyi-364674/",
        "https://kaz.tengrinews.kz/kazakhstan_news/taksister-jolaushyilardyi-saktandyiruyi-kerek-pe-politsiya-372154/",
        "https://tengrinews.kz/crime/ugon-avto-534120/amp/",  # AMP copy, folded to the article
    ],
    "nur_kz": [
        "https://www.nur.kz/incident/crime/2245871-moshenniki-sozdali-feykovye-sayty-dostavki-i-pohitili-47-mln-tenge/",
        "https://www.nur.kz/incident/crime/2126727-byl-raskidan-policeyskie-navedalis-v-punkty-priema-metalloloma-v-pavlodarskoy-oblasti/",
        "https://www.nur.kz/incident/emergency/2287635-bliznecov-nelzya-razluchat-semya-pogibshego-v-armii-srochnika-obratilas-k-tokaevu/",
        "https://www.nur.kz/politics/kazakhstan/2086925-bolshe-17-mlrd-tenge-hoteli-neratsionalno-potratit-na-borbu-s-pavodkami-v-kazahstane/",
        "https://www.nur.kz/nurfin/stock/2153691-za-kakie-operacii-s-kriptovalutoy-kazahstancam-mozhet-grozit-arest-rasskazali-eksperty/",
        "https://www.nur.kz/leisure/books/1841723-smesnye-frazy-i-prikolnye-vyrazenia-so-smyslom/",
        # One section only (2026): refused before this test, the shape issue 15 measured.
        "https://www.nur.kz/society/2348017-porogovye-bally-i-granty-vypusknikam-kazahstana-raskryli-informaciyu-po-ent-2026/",
    ],
    "inform_kz": [
        # sources.md
        "https://www.inform.kz/ru/v-astane-s-1-dekabrya-izmenyatsya-marshruty-12-avtobusov-b7e903",
        "https://www.inform.kz/ru/v-stochnih-vodah-atirau-obnaruzheni-ostatki-nefteproduktov-adef40",
        "https://www.inform.kz/ru/kakova-ekologicheskaya-obstanovka-v-kostanayskoy-oblasti-92062a",
        # Eight hex digits (2025-2026) and the pre-2023 "_a<id>" shape: refused before.
        "https://www.inform.kz/ru/bolee-11-mln-zelenih-nasazhdeniy-visadyat-v-astane-v-2026-godu-6a64cf5e",
        "https://inform.kz/ru/kakkazahstan-vgod-iizhivet-podvum-raznim-standartam-ikto-neset-zaeto-otvetstvenn-526520ec",
        "https://www.inform.kz/ru/zavershena-akciya-protesta-chlenov-profsoyuza-rabotnikov-ao-karazhanbasmunay_a2380062",
        "https://www.inform.kz/kz/asyl-mura-abaydyn-ekinshi-kara-sozi_a2471636",
        "https://kaz.inform.kz/news/11-tamiz-kazinform-kuntzbes-zhilnama-fbf80170/",
    ],
    "informburo_kz": [
        "https://informburo.kz/novosti/v-astane-shkoly-8-zakryli-a-detey-otpravili-po-drugim-uchebnym-zavedeniyam",
        "https://informburo.kz/novosti/afm-piramida-pod-vidom-kriptobirzhi-obmanula-zhitelej-treh-oblastej.html",
        # Long reads and interviews live beside /novosti/: refused before.
        "https://informburo.kz/stati/almaty-vo-tme-pocemu-v-gorode-takoe-ploxoe-osveshhenie-i-budet-li-cto-to-menyatsya",
        "https://informburo.kz/stati/priiut-nadezdy-kak-bliz-almaty-spasaiut-tex-kogo-odnazdy-predali-liudi",
        "https://informburo.kz/interview/kak-kontakt-centr-111-okazyvaet-pomoshh-kazaxstancam",
    ],
    "orda_kz": [
        "https://orda.kz/v-ekibastuze-posle-avarii-na-teploseti-zhiteli-ostalis-bez-tepla-412901/",
        "https://orda.kz/neftjanoe-pjatno-v-kaspii-chto-izvestno-o-zagrjaznenii-u-pljazha-atash-v-mangistau-417627/",
    ],
    "kazpravda_kz": [
        "https://kazpravda.kz/n/shedevr-lezviyami-kazahstanskaya-hudozhnitsa-napisala-portret-mihaila-shaydorova-konkami-na-kovre/",
        "https://kazpravda.kz/n/v-2023-godu-kazahstantsy-nachnut-poluchat-lichnye-dokumenty-na-latinitse/",
        "https://kazpravda.kz/n/nehitrye-algoritmy/",
        # No trailing slash: the spider settles it.
        "https://kazpravda.kz/n/astana-primet-chempionat-mira-po-vidam-borby-spustya-sem-let",
    ],
    "khabar_kz": [
        "https://khabar.kz/ru/news/162418-v-pavlodare-zaderzhali-dropperov-obnalichivavshih-dengi-zhertv-moshennikov",
        # The K2 shape with a section, still linked from older pages: refused before.
        "http://khabar.kz/ru/news/obshchestvo/item/48182-pamyat-zhambyla-zhabaeva-pochtili-v-almaty",
    ],
    "khabar24_kz": [
        "https://24.kz/kz/zhanalyqtar/oqighalar/item/712460-astanada-zhalghan-internet-dukender-arqyly-alayaqtyq-zhasaghan-kudiktiler-ustaldy",
        # Without "/item/" (2024-2026): refused before.
        "https://24.kz/ru/news/in-the-world/788733-razrabotka-kazakhstantsa-dlya-vyyavleniya-boleznej-glaz-prokhodit-ispytaniya",
        "https://24.kz/ru/news/social/712013-ai-qyzmet-30-tysyach-gossluzhashchikh-obuchat-ii-navykam-v-etom-godu",
    ],
    "lada_kz": [
        "https://www.lada.kz/aktau_news/society/158572-kto-reshaet.html",
        "https://www.lada.kz/aktau_news/communal/151311-zhiteli-aktau-god-ne-mogut-dobitsia-vosstanovleniia-asfalta-posle-remonta-kzhsa.html",
    ],
    "azattyq_org": [
        "https://rus.azattyq.org/a/32552586.html",
        "https://rus.azattyq.org/a/kazakhstan-deaf-mutes-situation/29767359.html",
        "https://www.azattyq.org/a/toqayev-address-to-the-nation/31438870.html",
    ],
    # The portal's news URL is one shape for every agency: seen for ardfm (1200784), enbek
    # (1256107), karaganda (461738), kyzylorda (322271) and others; these four carry the slug
    # of the declared agencies with ids of the same range, not links seen as such.
    "govkz_qriim": [
        "https://www.gov.kz/memleket/entities/qriim/press/news/details/1159012?lang=ru",
    ],
    "govkz_prokuror": [
        "https://www.gov.kz/memleket/entities/prokuror/press/news/details/1158877?lang=kk",
    ],
    "govkz_afm": [
        "https://www.gov.kz/memleket/entities/afm/press/news/details/1200784?lang=ru",
    ],
    "govkz_anticorruption": [
        "https://www.gov.kz/memleket/entities/anticorruption/press/news/details/1157001?lang=ru",
    ],
    "tg_police_of_kz": ["https://t.me/POLICE_of_KZ/12345"],  # the channel's post shape
}

NOT_ARTICLES = {
    "zakon_kz": ["https://www.zakon.kz/news/", "https://www.zakon.kz/rss.xml",
                 "https://kaz.zakon.kz/pbi/WEBP/2024-08-26/file-f9cc227d/800x450.webp"],
    "tengrinews_kz": ["https://tengrinews.kz/news/page/2/", "https://tengrinews.kz/tag/moshennichestvo/",
                      "https://kaz.tengrinews.kz/weather/semey/day/", "https://tengrinews.kz/mixnews/"],
    "nur_kz": ["https://www.nur.kz/latest/", "https://kaz.nur.kz/society/",
               "https://www.nur.kz/article-index-sitemap.xml"],
    "inform_kz": ["https://www.inform.kz/ru/lenta", "https://www.inform.kz/ru/archive",
                  "https://www.inform.kz/kz/bilik_g21", "https://kaz.inform.kz/lenta/"],
    "informburo_kz": ["https://informburo.kz/novosti", "https://informburo.kz/tags/pozhar"],
    "khabar24_kz": ["https://24.kz/ru/news/social/itemlist/tag/Riddler",
                    "https://24.kz/media/k2/items/cache/712420_L.jpg"],
    "khabar_kz": ["https://khabar.kz/ru/news", "https://khabar.kz/ru/xml-karta"],
    "orda_kz": ["https://orda.kz/last-news/", "https://orda.kz/category/obshhestvo/"],
}


def _accepted(source_id: str, url: str) -> bool:
    source = get_source(source_id)
    main_host = re.sub(r"^https?://([^/]+).*$", r"\1", source.home)
    canonical = canonicalize_url(url, main_host)
    return article_spelling(canonical, re.compile(source.article_url_pattern)) is not None


@pytest.mark.parametrize(("source_id", "url"), [
    pytest.param(s, u, id=f"{s}:{u.split('/', 3)[-1][:60]}")
    for s, urls in REAL_ARTICLE_URLS.items() for u in urls
])
def test_every_real_article_url_shape_is_accepted(source_id: str, url: str) -> None:
    assert _accepted(source_id, url), (
        f"{url} is a real {source_id} article but fails its article_url_pattern: widen the"
        f" pattern in crawler/sources/{source_id}.py"
    )


@pytest.mark.parametrize(("source_id", "url"), [
    pytest.param(s, u, id=f"{s}:{u.split('/', 3)[-1][:60]}")
    for s, urls in NOT_ARTICLES.items() for u in urls
])
def test_pages_that_are_not_articles_still_fail_the_pattern(source_id: str, url: str) -> None:
    assert not _accepted(source_id, url), f"{url} is not a {source_id} article"


def test_every_source_is_checked_against_real_urls() -> None:
    from crawler.sources import all_sources

    real = {s for s in all_sources() if not all_sources()[s].home.endswith(".test")}
    real = {s for s in real if not s.endswith("_test") and not s.startswith("test_")}
    missing = real - set(REAL_ARTICLE_URLS)
    assert not missing, f"no real URLs listed for {missing}"
