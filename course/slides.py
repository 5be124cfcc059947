"""``make slides``: a reveal.js deck per notebook, from each cell's ``slideshow`` metadata.

    make slides                      # decks of the full-profile run, build/site/slides/
    GAN_HELPERS_QUICK=1 make slides  # from the quick profile

The notebook is the only source: a deck is the notebook's own cells and outputs, cut into slides
by the standard Jupyter metadata ``"slideshow": {"slide_type": ...}`` (what JupyterLab's property
inspector edits, and nbconvert and RISE read). Every cell carries it, set by these rules and then
adjusted by hand where a slide needs it (``python -m course.slides --tag`` sets it on new cells):

* a markdown cell with a ``#`` or ``##`` heading opens a slide (``slide``), ``###`` a vertical
  sub-slide (``subslide``): one idea per slide;
* a code cell, and the markdown that follows a code cell, opens a sub-slide: code and its output
  stand on their own;
* a cell that only checks things (nothing but ``assert`` statements) is left out (``skip``):
  the checks are the course's harness, not its story; in other cells the ``assert`` lines are left
  out of the slide (``without_asserts``), and a cell that only draws a figure shows the figure
  without its drawing code (``only_draws``).

reveal.js (vendored in ``course/static/reveal.js``) and MathJax are served from the output
folder; a deck opens from the disk with no network.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
from pathlib import Path

import nbformat
from jinja2 import Environment, FileSystemLoader
from nbconvert import SlidesExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from course import executed, site

HERE = Path(__file__).resolve().parent


def only_checks(source: str) -> bool:
    """True for a cell whose statements are all ``assert``: a check, not part of the story."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return bool(body) and all(isinstance(node, ast.Assert) for node in body)


DRAWING = re.compile(
    r"\b(ax|axes|ax_\w+|fig|plt|plotting|image_grid)\b|\.set_\w*\(|\.(plot|imshow|scatter|bar|"
    r"hist|legend|colorbar|contourf?|quiver|fill_between|axhline|axvline|text|annotate)\("
)
"""A line that draws (matplotlib, the course's plotting helpers) rather than computes."""


def without_asserts(source: str) -> str:
    """The code without its top-level ``assert`` statements: on a slide, checks are noise."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    drop = set()
    for node in tree.body:
        if isinstance(node, ast.Assert):
            drop |= set(range(node.lineno, node.end_lineno + 1))
    lines = [line for i, line in enumerate(source.splitlines(), 1) if i not in drop]
    return "\n".join(lines).strip("\n")


def only_draws(cell) -> bool:
    """A code cell that shows a figure and whose code is mostly drawing: on a slide the figure
    matters, the code that draws it does not (lesson cells always show their code)."""
    if "lesson" in cell.metadata.get("tags", []):
        return False
    images = any(k.startswith("image/") for o in cell.get("outputs", []) for k in o.get("data", {}))
    code = [
        line for line in cell.source.splitlines() if line.strip() and not line.strip()[0] == "#"
    ]
    drawing = sum(bool(DRAWING.search(line)) for line in code)
    return images and bool(code) and drawing >= 0.5 * len(code)


def default_slide_type(cell, previous) -> str:
    """The rule for a cell with no ``slideshow`` metadata yet (see the module docstring)."""
    if cell.cell_type == "markdown":
        first = cell.source.lstrip().split("\n", 1)[0]
        if first.startswith(("# ", "## ")):
            return "slide"
        if first.startswith("### "):
            return "subslide"
        return "subslide" if previous is not None and previous.cell_type == "code" else "-"
    if cell.cell_type == "code":
        return "skip" if only_checks(cell.source) else "subslide"
    return "-"


def slide_types(nb) -> list[str]:
    """Each cell's slide type: its metadata where set, else the rule."""
    types, previous = [], None
    for cell in nb.cells:
        given = cell.metadata.get("slideshow", {}).get("slide_type")
        types.append(given or default_slide_type(cell, previous))
        previous = cell
    return types


def tag(paths: list[Path]) -> int:
    """Write the rule's slide type into every cell that has none; returns how many were set."""
    changed = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        raw, nb = json.loads(text), nbformat.reads(text, as_version=4)
        for cell, kind in zip(raw["cells"], slide_types(nb)):
            if "slideshow" not in cell["metadata"]:
                cell["metadata"]["slideshow"] = {"slide_type": kind}
                changed += 1
        text = json.dumps(raw, indent=1, ensure_ascii=False) + "\n"
        path.write_text(text, encoding="utf-8")
    return changed


def build(out: Path, profile: str, execute: bool) -> list[Path]:
    """One deck per notebook in ``out``/slides, with reveal.js and MathJax beside it."""
    notebooks = site.executed_notebooks(profile, execute)
    decks = out / "slides"
    decks.mkdir(parents=True, exist_ok=True)
    site.copy_static(out)
    exporter = SlidesExporter(
        template_name="course_slides",
        extra_template_basedirs=[str(HERE / "templates")],
        reveal_url_prefix="../static/reveal.js",
        reveal_theme="course",
        reveal_width="1280",
        reveal_height="720",
    )
    # a figure's slide shows the figure, not the code that draws it (only_draws)
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_input_tags={"slide_figure_only"}, enabled=True), enabled=True
    )
    written, listing = [], []
    for path, nb in notebooks.items():
        for cell, kind in zip(nb.cells, slide_types(nb)):
            cell.metadata["slideshow"] = {"slide_type": kind}
            if cell.cell_type == "code":
                cell.outputs = site.static_outputs(cell.outputs)
                cell.source = without_asserts(cell.source)
                if only_draws(cell):
                    cell.metadata.setdefault("tags", []).append("slide_figure_only")
        resources = {"metadata": {"name": site.title(nb)}}
        html, _ = exporter.from_notebook_node(nb, resources=resources)
        deck = decks / (path.stem + ".html")
        deck.write_text(html, encoding="utf-8")
        written.append(deck)
        listing.append({"href": deck.name, "title": site.title(nb)})
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
    index = env.get_template("decks.html.j2").render(
        decks=listing, profile=profile, note=site.profile_note(profile)
    )
    (decks / "index.html").write_text(index, encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=executed.ROOT / "build" / "site")
    parser.add_argument("--no-execute", action="store_true", help="use the executed copies only")
    parser.add_argument(
        "--tag", action="store_true", help="write the rule's slide type into untagged cells"
    )
    args = parser.parse_args(argv)
    if args.tag:
        count = tag(executed.course_notebooks())
        print(f"slide type set on {count} cells")
        return
    profile = executed.profile()
    decks = build(args.out, profile, execute=not args.no_execute)
    print(f"slides: {len(decks)} decks ({profile} profile) in {args.out / 'slides'}/index.html")


if __name__ == "__main__":
    main()
