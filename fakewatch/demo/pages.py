"""The web pages of the scenario: the fake articles on look-alike domains, and the real outlets' pages.

Saved the way a browser's "Save page as" does (Chrome's `<!-- saved from url=... -->`
line first). The fakes claim the outlet in `og:site_name` and `<link rel=canonical>`
and share one operator's analytics ids across both look-alike domains, which is
what ties them together; the genuine outlets carry ids of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from .scenario import FAKE_ARTICLE, FAKE_ARTICLE2, GOVERNOR, JOURNALISTS, OUTLET, OUTLET2

FAKE_TRACKERS = ("G-7QX2M4KZ1P", "97481236")  # GA4 measurement id, Yandex.Metrika counter: the fakes' operator


@dataclass(frozen=True)
class Page:
    url: str
    site_name: str
    canonical: str
    title: str
    author: str
    published: str
    paragraphs: tuple[str, ...]
    ga: str
    metrika: str


PAGES = (
    Page(FAKE_ARTICLE, f"{OUTLET[1]} | Shyndyk.kz", FAKE_ARTICLE.replace("shyndyk-kz.info", OUTLET[0]),
         "Правительство тайно согласовало марш 26 апреля", JOURNALISTS[0][0], "2025-04-19T08:45:00+05:00",
         ("В распоряжении редакции оказались документы, из которых следует, что проведение марша 26 апреля "
          "согласовано на самом высоком уровне.",
          f"По данным источников, аким области {GOVERNOR} лично поддержал инициативу и обещал обеспечить "
          "безопасность участников.",
          f"Организаторами шествия выступают журналисты {JOURNALISTS[0][0]} и {JOURNALISTS[1][0]}. "
          "Всем желающим принять участие предлагается связаться с ними напрямую.",
          "Участникам гарантированы компенсация расходов и горячее питание."),
         FAKE_TRACKERS[0], FAKE_TRACKERS[1]),
    Page(FAKE_ARTICLE2, f"{OUTLET2[1]} — новости Казахстана", FAKE_ARTICLE2.replace("dalakhabar-kz.com", OUTLET2[0]),
         "Журналисты возглавят марш 26 апреля", "Редакция", "2025-04-21T13:10:00+05:00",
         (f"Известные журналисты {JOURNALISTS[0][0]} и {JOURNALISTS[1][0]} подтвердили, что возглавят колонну.",
          "Сбор участников назначен на 11:00 на центральной площади.",
          "По словам организаторов, власти не будут препятствовать шествию."),
         FAKE_TRACKERS[0], FAKE_TRACKERS[1]),
    Page("https://shyndyk.kz/kogam/v-almaty-otkryli-novuyu-shkolu-51702", f"{OUTLET[1]} | Shyndyk.kz",
         "https://shyndyk.kz/kogam/v-almaty-otkryli-novuyu-shkolu-51702", "В Алматы открыли новую школу на 1200 мест",
         "Айгүл Сәрсенова", "2025-04-15T10:20:00+05:00",
         ("В Наурызбайском районе Алматы открылась новая школа на 1200 учеников.",
          "Строительство велось два года, в школе есть бассейн и спортивный зал."),
         "G-K2P9SHYN01", "41529870"),
    Page("https://dalakhabar.kz/news/47880", f"{OUTLET2[1]} — новости Казахстана", "https://dalakhabar.kz/news/47880",
         "Тарифы на воду вырастут с 1 мая", "Редакция", "2025-04-16T09:00:00+05:00",
         ("Водоканал объявил о повышении тарифов на холодную воду с 1 мая.",
          "Новые тарифы утверждены департаментом комитета по регулированию естественных монополий."),
         "G-DLKH7788QZ", "52617784"),
)


def render(page: Page) -> str:
    """The saved HTML of one page (every value escaped: the same function renders hostile fakes)."""
    e = escape
    body = "\n".join(f"      <p>{e(p)}</p>" for p in page.paragraphs)
    return f"""<!DOCTYPE html>
<!-- saved from url=({len(page.url):04d}){page.url} -->
<html lang="ru"><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{e(page.title)} — {e(page.site_name)}</title>
  <meta name="author" content="{e(page.author)}">
  <meta property="og:type" content="article">
  <meta property="og:site_name" content="{e(page.site_name)}">
  <meta property="og:title" content="{e(page.title)}">
  <meta property="og:url" content="{e(page.url)}">
  <meta property="article:published_time" content="{e(page.published)}">
  <link rel="canonical" href="{e(page.canonical)}">
  <script async src="https://www.googletagmanager.com/gtag/js?id={e(page.ga)}"></script>
  <script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}
    gtag('js', new Date()); gtag('config', '{e(page.ga)}');</script>
  <script type="text/javascript">(function(m,e,t,r,i,k,a){{m[i]=m[i]||function(){{(m[i].a=m[i].a||[]).push(arguments)}};
    m[i].l=1*new Date();k=e.createElement(t),a=e.getElementsByTagName(t)[0],k.async=1,k.src=r,a.parentNode.insertBefore(k,a)}})
    (window, document, "script", "https://mc.yandex.ru/metrika/tag.js", "ym");
    ym({page.metrika}, "init", {{clickmap:true, trackLinks:true, accurateTrackBounce:true}});</script>
</head>
<body>
  <header class="site-header"><a class="logo" href="/">{e(page.site_name.split(" ")[0].upper())}</a>
    <nav><a href="/kogam">Қоғам</a> <a href="/ekonomika">Экономика</a> <a href="/sayasat">Саясат</a></nav></header>
  <main>
    <article>
      <h1>{e(page.title)}</h1>
      <div class="byline"><span class="author">{e(page.author)}</span>
        <time datetime="{e(page.published)}">{e(page.published[:10])}</time></div>
{body}
    </article>
  </main>
  <footer>© 2025 {e(page.site_name)}. Все права защищены.</footer>
  <noscript><div><img src="https://mc.yandex.ru/watch/{page.metrika}" style="position:absolute; left:-9999px;" alt=""></div></noscript>
</body></html>
"""


def file_name(url: str) -> str:
    """A page's file name from its URL, as a browser suggests it."""
    return url.split("://", 1)[1].replace("/", "_").replace("?", "_") + ".html"


def write(folder: Path, pages: tuple[Page, ...] = PAGES) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for page in pages:
        path = folder / file_name(page.url)
        path.write_text(render(page), encoding="utf-8")
        written.append(path)
    return written
