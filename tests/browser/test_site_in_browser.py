"""The course site and its slides, opened from the disk in headless Chromium, with no network.

``make test`` runs the notebooks under nbval first (``notebooks`` comes before ``tests`` on its
command line); the fixture below builds the site and the decks from those executed copies
(``course/site.py``, ``--no-execute``: nothing runs twice). Every page must load without a console
error and without asking the network for anything, show every image at a non-zero size, typeset
its formulas with the bundled MathJax, and link only to files that exist; one deck must advance
through its slides. Screenshots go to ``artifacts/site/``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest

from course import executed, site

OUT = executed.ROOT / "build" / "test-site"
SHOTS = executed.ROOT / "artifacts" / "site"


@pytest.fixture(scope="module")
def built_site() -> Path:
    profile = executed.profile()
    try:
        # the site builds its decks too (each notebook page links to its own deck)
        site.build(OUT, profile, execute=False)
    except SystemExit as stop:
        pytest.fail(f"the site could not be built from the executed notebooks: {stop}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    return OUT


def _open(page, path: Path) -> dict:
    """Open ``path`` from the disk; collect console errors and any request off the disk."""
    seen = {"errors": [], "network": [], "failed": []}
    page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on(
        "request",
        lambda r: (
            urlparse(r.url).scheme not in {"file", "data", "blob"} and seen["network"].append(r.url)
        ),
    )
    page.on("requestfailed", lambda r: seen["failed"].append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    return seen


def _broken_links(page, path: Path) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    broken = []
    for href in hrefs:
        url = urlparse(href)
        if url.scheme or not url.path:
            continue
        if not (path.parent / unquote(url.path)).exists():
            broken.append(href)
    return broken


def _empty_images(page) -> list[str]:
    return page.eval_on_selector_all(
        "img",
        "els => els.filter(e => !(e.complete && e.naturalWidth > 0 && e.naturalHeight > 0))"
        ".map(e => (e.getAttribute('src') || '').slice(0, 60))",
    )


def test_every_page_loads_offline_with_images_links_and_math(built_site, page):
    pages = sorted(built_site.glob("*.html")) + [built_site / "slides" / "index.html"]
    notebooks = [p for p in pages if p.name[:2].isdigit()]
    assert len(notebooks) == len(executed.course_notebooks()), "one page per notebook"
    problems = []
    for path in pages:
        seen = _open(page, path)
        if path.name[:2].isdigit():
            # MathJax typesets after the page's load event
            page.evaluate("() => MathJax.startup.promise.then(() => true)")
        name = path.relative_to(built_site)
        problems += [f"{name}: console error: {e}" for e in seen["errors"]]
        problems += [f"{name}: asks the network for {u}" for u in seen["network"]]
        problems += [f"{name}: could not load {u[:80]}" for u in seen["failed"]]
        problems += [f"{name}: image not shown: {s}" for s in _empty_images(page)]
        problems += [f"{name}: broken link: {h}" for h in _broken_links(page, path)]
        if path.parent == built_site and path.stem in {"index", "01_vanilla_gan_mnist"}:
            page.screenshot(path=str(SHOTS / f"{path.stem}.png"))
    assert not problems, "\n".join(problems)


DRAWS = ("plt.", "plotting.", "LivePlot", "image_grid", "display_panel")


def test_every_notebook_page_shows_its_figures(built_site):
    """The executed copies keep the figures the cells drew (a kernel that inherited the unit tests'
    ``MPLBACKEND=Agg`` drew none, and the site showed the panels' stills alone): a notebook whose
    code draws shows at least 3 images (00, a tour: 1); 02 draws nothing (it shows tables)."""
    few = {}
    for notebook in executed.course_notebooks():
        nb = nbformat.read(notebook, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        wanted = (
            0 if not any(word in code for word in DRAWS) else 1 if notebook.stem[:2] == "00" else 3
        )
        images = (built_site / f"{notebook.stem}.html").read_text().count("<img")
        if images < wanted:
            few[notebook.stem] = f"{images} images, at least {wanted} wanted"
    assert not few, f"pages with too few figures: {few}"


def test_every_page_says_its_profile_and_links_to_the_decks(built_site, page):
    profile = executed.profile()
    for path in sorted(built_site.glob("*.html")):
        _open(page, path)
        note = page.locator(".course-profile").first.inner_text()
        assert note.startswith(f"{profile} profile"), f"{path.name}: says {note!r}"
        decks = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        want = f"slides/{path.stem}.html" if path.stem[:2].isdigit() else "slides/index.html"
        assert want in decks, f"{path.name} should link to {want}"


def test_formulas_are_typeset_by_the_bundled_mathjax(built_site, page):
    seen = _open(page, built_site / "01_vanilla_gan_mnist.html")
    page.evaluate("() => MathJax.startup.promise.then(() => true)")
    typeset = page.locator("mjx-container svg").count()
    assert typeset >= 10, f"only {typeset} formulas typeset"
    text = page.evaluate(
        "() => [...document.querySelectorAll('.jp-MarkdownOutput')].map(e => e.innerText).join()"
    )
    raw = re.search(r"\$[^$\s][^$]*\\[a-zA-Z]+[^$]*\$", text)
    assert not raw, f"a formula is still shown as raw text: {raw.group(0)[:60] if raw else None}"
    assert not seen["errors"], seen["errors"]


def test_a_panel_page_shows_the_panels_image_and_says_it_needs_a_kernel(built_site, page):
    _open(page, built_site / "03_toy_gaussian_gan.html")
    note = page.locator(".course-note", has_text="interactive panel")
    assert note.count() >= 1, "the panel's cell should say that its sliders need a kernel"
    still = note.first.locator("xpath=following::img[1]")
    assert still.evaluate("e => e.naturalWidth") > 0, "the panel's still image is missing"


def test_a_deck_advances_through_its_slides(built_site, page):
    seen = _open(page, built_site / "slides" / "07_dirac_gan.html")
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
    total = page.evaluate("() => Reveal.getTotalSlides()")
    assert total >= 10, f"only {total} slides: is the slideshow metadata set?"
    visited = []
    for _ in range(4):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(150)
        visited.append(page.evaluate("() => Reveal.getIndices().h"))
    assert visited == [1, 2, 3, 4], f"slides visited: {visited}"
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(150)
    assert page.evaluate("() => Reveal.availableRoutes().down"), "no sub-slide under slide 3"
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(150)
    assert page.evaluate("() => Reveal.getIndices().v") == 1, "ArrowDown did not go down"
    page.screenshot(path=str(SHOTS / "deck-07.png"))
    assert not seen["errors"] and not seen["network"], seen


# For each slide of a deck: go to it, then measure it as it is shown (a hidden slide measures 0 px).
MEASURE_SLIDES = """() => {
  const shell = document.querySelector('.reveal').getBoundingClientRect();
  return Reveal.getSlides().map((slide) => {
    const {h, v} = Reveal.getIndices(slide);
    Reveal.slide(h, v);
    const box = slide.getBoundingClientRect();
    return {h, v, content: slide.scrollHeight, shown: slide.clientHeight,
            scrolls: ['auto', 'scroll'].includes(getComputedStyle(slide).overflowY),
            below: box.bottom - shell.bottom, above: shell.top - box.top,
            text: (slide.innerText || '').trim().slice(0, 40)};
  });
}"""


def cut_off(slide: dict) -> bool:
    """Content that is neither on the screen nor reachable by scrolling the slide."""
    hidden = slide["content"] > slide["shown"] + 2 and not slide["scrolls"]
    return hidden or slide["below"] > 2 or slide["above"] > 2


def test_no_slide_of_any_deck_is_cut_off_at_1280x720(built_site, page):
    """Every slide of every deck, measured as shown: its content fits or it scrolls."""
    page.set_viewport_size({"width": 1280, "height": 720})
    decks = sorted((built_site / "slides").glob("[0-9][0-9]_*.html"))
    assert len(decks) == len(executed.course_notebooks()), "one deck per notebook"
    problems, tallest = [], {}
    for deck in decks:
        _open(page, deck)
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
        page.evaluate("() => MathJax.startup.promise.then(() => true)")
        slides = page.evaluate(MEASURE_SLIDES)
        problems += [
            f"{deck.name} slide {s['h']}/{s['v']} ({s['text']!r}): {s['content']} px of content, "
            f"{s['shown']} px shown"
            for s in slides
            if cut_off(s)
        ]
        tallest[deck.stem] = max(slides, key=lambda s: s["content"])
    for stem, s in tallest.items():
        _open(page, built_site / "slides" / f"{stem}.html")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
        page.evaluate(f"() => Reveal.slide({s['h']}, {s['v']})")
        page.wait_for_timeout(200)
        page.screenshot(path=str(SHOTS / f"tallest-slide-{stem[:2]}.png"))
    assert not problems, f"{len(problems)} slides cut off:\n" + "\n".join(problems)
