"""Real PDFs for the tests: the bilingual prosecutor's letter of seed 000, typeset and scanned.

    .venv/bin/python -m tests.pdf_samples   # rewrites the two PDFs of the badpages_test site

matplotlib's PDF backend writes the text with DejaVu Sans, which covers Kazakh and Russian, so
the letter has a real text layer (Kazakh page first, then Russian, as the agency sends them).
The scan is the same letter rendered to pixels: a PDF holding only images, as a scanner makes.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

SITE = Path(__file__).resolve().parent / "fixtures" / "sites" / "badpages_test"
DOCS = SITE / "news.badpages.test" / "upload" / "docs"
LETTER_TITLE = "Ответ Генеральной прокуратуры на депутатский запрос об интернет-мошенничестве"
SCAN_DPI = 60  # a coarse scan keeps the fixture small; the text stays legible to a person
# Seed 000's date is not in its text; the file says when it was made, as Word's export does:
# 2022-08-03 10:00 in Astana. Given in UTC because matplotlib 3.11 writes other offsets with the
# sign inverted ("+05:00" becomes "-05'00'").
CREATED = datetime(2022, 8, 3, 5, 0, tzinfo=UTC)

# Excerpts of seed 000 (/work/shared/seeds/000_*.txt), its line breaks and its Latin "ə" kept.
KK_PAGE = """\
Құрметті депутаттар!

Бас прокуратура интернет-алаяқтық пен телефон алаяқтығына байланысты
тергеу кезінде құқық қорғау органдары қызметкерлерінің қылмыстық істерді
созбалаңға салуы мен əрекетсіздігі туралы депутаттық сауалды қарап шықты.

Соңғы 3 жылда интернет-алаяқтық жыл сайын орта есеппен 65%-ға өсті (2019ж.
– 7 769; 2020ж. – 14 220; 2021ж. – 21 405).

Криминогендік ахуалды жақсарту мақсатында құқық бұзушылықтардың осы
түрлеріне қарсы іс-қимыл бойынша Жол картасы əзірленді.

Ағымдағы жылы қабылданған шаралар интернет-алаяқтықтың 18,5%-ға (11
843-тен 9 654-ке дейін) төмендеуіне ықпал етті.

Интернет жəне телефон арқылы алаяқтыққа қарсы іс-қимыл жалғасуда жəне
ерекше бақылауға алынды."""
RU_PAGE = """\
Уважаемые депутаты!

Генеральной прокуратурой рассмотрен Депутатский запрос о волоките и
бездействии сотрудников правоохранительных органов при расследовании
уголовных дел, связанных с интернет-мошенничеством и телефонным
мошенничеством.

За последние 3 года интернет-мошенничества ежегодно увеличивались в
среднем на 65% (2019г. – 7 769; 2020г. – 14 220; 2021г. – 21 405).

В целях улучшения криминогенной обстановки разработана Дорожная карта по
противодействию данным видам правонарушений.

Принимаемые меры в текущем году способствовали снижению
интернет-мошенничеств на 18,5% (с 11 843 до 9 654).

Противодействие интернет-мошенничествам и телефонным мошенничествам
продолжается и находится на особом контроле."""


def _page(text: str) -> Figure:
    figure = Figure(figsize=(8.27, 11.69))  # A4
    for n, line in enumerate(text.splitlines()):
        figure.text(0.1, 0.92 - n * 0.022, line, fontsize=10, family="DejaVu Sans")
    return figure


def write_letter(path: Path, pages: tuple[str, ...] = (KK_PAGE, RU_PAGE)) -> Path:
    """The letter with a text layer, one page per language."""
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"Title": LETTER_TITLE, "CreationDate": CREATED, "ModDate": CREATED}
    with PdfPages(path, metadata=metadata) as pdf:
        for text in pages:
            pdf.savefig(_page(text))
    return path


def write_scan(path: Path) -> Path:
    """The letter as page images only, like a scanner's output: no text layer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with PdfPages(path, metadata={"CreationDate": CREATED, "ModDate": CREATED}) as pdf:
        for text in (KK_PAGE, RU_PAGE):
            figure = _page(text)
            figure.set_dpi(SCAN_DPI)
            canvas = FigureCanvasAgg(figure)  # rendered to pixels, then placed as one image
            canvas.draw()
            gray = np.asarray(canvas.buffer_rgba())[:, :, :3].mean(axis=2).astype(np.uint8)
            scan = Figure(figsize=(8.27, 11.69), dpi=SCAN_DPI)
            scan.figimage(gray, cmap="gray", vmin=0, vmax=255, resize=False)
            pdf.savefig(scan, dpi=SCAN_DPI)
    return path


def main() -> int:
    for path in (write_letter(DOCS / "otvet-na-deputatskiy-zapros.pdf"),
                 write_scan(DOCS / "skan-otveta.pdf")):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
