"""``make site``: the whole course as static HTML pages that work offline, from one folder.

    make site                      # full profile (what a reader should see), build/site/
    GAN_HELPERS_QUICK=1 make site  # quick profile, in minutes

Each notebook page is rendered by nbconvert (JupyterLab's look) from the executed copy that nbval
left in ``build/executed/`` (``course/executed.py``): a notebook whose code has not changed since
its last passing run is not run again; the others run under nbval first, so the site never shows
a notebook whose asserts fail. Nothing is loaded from a CDN: MathJax 3 and reveal.js are vendored
in ``course/static/`` and copied beside the pages, and a panel that needs a kernel shows the still
image it carried when it ran (``gan_helpers.plotting.display_panel``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import mistune
import nbformat
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from nbconvert import HTMLExporter

from course import executed

HERE = Path(__file__).resolve().parent
ROOT = executed.ROOT
WIDGET = "application/vnd.jupyter.widget-view+json"
MARKDOWN = mistune.create_markdown(
    escape=False, plugins=["strikethrough", "footnotes", "table", "task_lists", "url"]
)
"""Markdown for the docs pages: tables, checklists (``- [ ]``), bare URLs as links."""


def builds_on(path: Path) -> str:
    """The notebooks whose lesson code this one loads (``lessons.load``), read from its cells."""
    from gan_helpers import lessons

    return ", ".join(name[:2] for name in sorted(lessons.loads(path.stem)))


def profile_note(profile: str) -> str:
    """What every page says about the run it shows: the profile, the machine, and for a quick
    build that a lecture's figures come from the full one."""
    note = f"{profile} profile, run on {os.cpu_count()} CPU cores"
    if profile == "quick":
        note += (
            ": small step counts for tests, coarser figures than a lecture's (make site builds "
            "the full profile)"
        )
    return note


PANEL_NOTE = (
    '<p class="course-note">An interactive panel: its sliders and buttons need a running '
    "notebook (<code>make lab</code>, or <code>make app</code> for the panels alone). Below, "
    "what it showed when this page was built.</p>"
)
WIDGET_NOTE = (
    '<p class="course-note">An interactive widget: run this notebook in JupyterLab '
    "(<code>make lab</code>) to use it.</p>"
)


def run_nbval(notebooks: list[Path], profile: str) -> None:
    """Run ``notebooks`` under nbval in ``profile``; the conftest saves their executed copies."""
    env = dict(os.environ)
    env.pop("GAN_HELPERS_QUICK", None)
    if profile == "quick":
        env["GAN_HELPERS_QUICK"] = "1"
    names = ", ".join(p.stem for p in notebooks)
    print(f"running under nbval ({profile} profile): {names}", flush=True)
    cmd = [sys.executable, "-m", "pytest", "-q", "--nbval-lax", "--nbval-current-env"]
    subprocess.run([*cmd, *map(str, notebooks)], cwd=ROOT, env=env, check=False)


def executed_notebooks(profile: str, execute: bool) -> dict[Path, nbformat.NotebookNode]:
    """Every course notebook with the outputs of its last passing run in ``profile``."""
    stale = [p for p in executed.course_notebooks() if executed.load(p, profile) is None]
    if stale and not execute:
        raise SystemExit(
            f"no passing {profile}-profile run of: {', '.join(p.stem for p in stale)}. "
            "Run the notebooks first (make test runs them in the quick profile), or build "
            "without --no-execute."
        )
    if stale:
        run_nbval(stale, profile)
    done = {p: executed.load(p, profile) for p in executed.course_notebooks()}
    failed = [p.stem for p, nb in done.items() if nb is None]
    if failed:
        raise SystemExit(f"these notebooks failed under nbval, see above: {', '.join(failed)}")
    return done


def static_outputs(outputs: list) -> list:
    """Outputs a page without a kernel can show: a widget becomes a note and its still image."""
    shown = []
    for out in outputs:
        data = out.get("data", {})
        if WIDGET not in data:
            shown.append(out)
            continue
        images = {k: v for k, v in data.items() if k.startswith("image/")}
        note = PANEL_NOTE if images else WIDGET_NOTE
        shown.append(nbformat.v4.new_output("display_data", data={"text/html": note}))
        if images:
            shown.append(nbformat.v4.new_output("display_data", data=images))
    return shown


def local_links(markdown: str) -> str:
    """Links between notebooks point at their pages: ``(04_dcgan_mnist.ipynb)`` -> ``.html``."""
    return re.sub(r"\]\((\d\d_[\w-]+)\.ipynb(#[^)]*)?\)", r"](\1.html\2)", markdown)


def title(nb: nbformat.NotebookNode) -> str:
    """The notebook's title: its first level-1 heading, without the '#'."""
    for cell in nb.cells:
        found = re.search(r"^# (.+)$", cell.source, re.M) if cell.cell_type == "markdown" else None
        if found:
            return found.group(1).replace("`", "").strip()
    return "untitled"


def teaches(start_page: nbformat.NotebookNode) -> dict[str, str]:
    """'What it teaches' per notebook number, read from notebook 00's table (one source)."""
    rows = re.findall(r"^\| \*\*(\d\d)\*\* [^|]*\| (.+?) \|$", start_page.cells[0].source, re.M)
    return dict(rows)


def inline_markdown(text: str) -> Markup:
    """One line of markdown (`code`, **bold**) as HTML, without the paragraph around it."""
    html = MARKDOWN(text).strip()
    return Markup(html.removeprefix("<p>").removesuffix("</p>"))


def page_name(path: Path) -> str:
    return path.stem + ".html"


def minutes(seconds: float | None) -> str:
    if seconds is None:
        return "not measured"
    return f"{seconds / 60:.1f} min" if seconds >= 90 else f"{seconds:.0f} s"


def render_pages(notebooks: dict, out: Path, profile: str) -> list[dict]:
    """One HTML page per notebook, each with links to the contents and its neighbours."""
    exporter = HTMLExporter(
        template_name="course_page",
        extra_template_basedirs=[str(HERE / "templates")],
    )
    paths = list(notebooks)
    pages = [{"href": page_name(p), "title": title(notebooks[p]), "path": p} for p in paths]
    note = profile_note(profile)
    for i, path in enumerate(paths):
        nb = notebooks[path]
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = static_outputs(cell.outputs)
            else:
                cell.source = local_links(cell.source)
        course = {
            "prev": pages[i - 1] if i > 0 else None,
            "next": pages[i + 1] if i + 1 < len(pages) else None,
            "profile_note": note,
            "deck": f"slides/{path.stem}.html",
        }
        resources = {"metadata": {"name": pages[i]["title"]}, "course": course}
        html, _ = exporter.from_notebook_node(nb, resources=resources)
        (out / pages[i]["href"]).write_text(html, encoding="utf-8")
        shutil.copy(path, out / "notebooks" / path.name)
    return pages


def render_landing(pages: list[dict], notebooks: dict, out: Path, profile: str) -> None:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
    what = teaches(notebooks[pages[0]["path"]])
    rows = []
    for page in pages:
        number = page["path"].name[:2]
        cost = notebooks[page["path"]].metadata.get("gan_course", {})
        rows.append(
            {
                **page,
                "number": number,
                "teaches": inline_markdown(what.get(number, "")),
                "builds_on": builds_on(page["path"]),
                "time": minutes(cost.get("wall_s")),
                "memory": f"{cost['peak_rss_mb'] / 1024:.1f} GB" if "peak_rss_mb" in cost else "",
                "notebook": f"notebooks/{page['path'].name}",
            }
        )
    html = env.get_template("landing.html.j2").render(
        rows=rows, profile=profile, cores=os.cpu_count(), note=profile_note(profile)
    )
    (out / "index.html").write_text(html, encoding="utf-8")


def cost_markdown() -> str:
    """The measured cost of each notebook, per profile, from the executed copies there are."""
    lines = [
        "| notebook | profile | wall time | kernel CPU time | kernel peak memory |",
        "|---|---|---|---|---|",
    ]
    for name in ("quick", "full"):
        table = executed.cost_table(name)
        for stem, cost in table.items():
            rss = f"{cost['peak_rss_mb'] / 1024:.2f} GB" if "peak_rss_mb" in cost else "?"
            cpu = minutes(cost.get("cpu_s"))
            lines.append(f"| {stem} | {name} | {minutes(cost['wall_s'])} | {cpu} | {rss} |")
        if len(table) > 1:
            # make site runs the stale notebooks one after the other: a clean build takes the sum
            wall = sum(cost["wall_s"] for cost in table.values())
            cpu = sum(cost.get("cpu_s", 0.0) for cost in table.values())
            lines.append(
                f"| **all {len(table)}, one after the other** | {name} | **{minutes(wall)}** | "
                f"{minutes(cpu)} | |"
            )
    if len(lines) == 2:
        return "*(no measured run here yet: `make test` or `make site` measures them)*"
    return "\n".join(lines)


def render_docs(out: Path, profile: str) -> None:
    """Markdown pages of docs/ (lecturers, syllabus, results) as site pages, with the costs."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=False)
    for doc in sorted((ROOT / "docs").glob("*.md")):
        text = doc.read_text(encoding="utf-8")
        body = MARKDOWN(text.replace("<!-- measured-costs -->", cost_markdown()))
        page = env.get_template("doc.html.j2").render(
            title=doc.stem, body=body, note=profile_note(profile)
        )
        (out / (doc.stem + ".html")).write_text(page, encoding="utf-8")


def copy_static(out: Path) -> None:
    """The course's style sheet, MathJax and reveal.js, beside the pages (nothing from a CDN)."""
    shutil.copytree(HERE / "static", out / "static", dirs_exist_ok=True)


def build(out: Path, profile: str, execute: bool) -> list[dict]:
    notebooks = executed_notebooks(profile, execute)
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    copy_static(out)
    pages = render_pages(notebooks, out, profile)
    render_landing(pages, notebooks, out, profile)
    render_docs(out, profile)
    # the decks, from the same runs, so that every page's link to its deck resolves
    from course import slides

    slides.build(out, profile, execute=False)
    return pages


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site")
    parser.add_argument(
        "--no-execute",
        action="store_true",
        help="use only the executed copies already there (make test: nbval has just run)",
    )
    args = parser.parse_args(argv)
    profile = executed.profile()
    pages = build(args.out, profile, execute=not args.no_execute)
    print(f"site: {len(pages)} notebook pages ({profile} profile) in {args.out}/index.html")


if __name__ == "__main__":
    main()
