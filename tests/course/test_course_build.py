"""The pieces the site and the slides are built from (``course/``), without a browser."""

from __future__ import annotations

import shutil

import nbformat
import pytest

# the site's tooling is installed by make install, not in a hosted runtime's environment
pytest.importorskip("mistune", reason="the site's tooling (mistune) comes with make install")

from course import executed, site, slides  # noqa: E402
from gan_helpers import plotting  # noqa: E402


def _msg(kind: str, content: dict) -> dict:
    return {"msg_type": kind, "content": content, "header": {"msg_type": kind}}


def test_outputs_follow_clear_output_and_display_updates_as_jupyterlab_does():
    frame = {"data": {"text/plain": "frame 1"}, "metadata": {}, "transient": {"display_id": "a"}}
    last = {"data": {"text/plain": "frame 9"}, "metadata": {}, "transient": {"display_id": "a"}}
    messages = [
        _msg("stream", {"name": "stdout", "text": "step 1\n"}),
        _msg("stream", {"name": "stdout", "text": "step 2\n"}),
        _msg("display_data", frame),
        _msg("update_display_data", last),
        _msg("clear_output", {"wait": True}),
        _msg("stream", {"name": "stdout", "text": "done\n"}),
        _msg("display_data", last),
        _msg("update_display_data", {**last, "data": {"text/plain": "frame 10"}}),
    ]
    outputs = executed.outputs_from_messages(messages)
    assert [o.get("text") or o["data"]["text/plain"] for o in outputs] == ["done\n", "frame 10"]
    before_clear = executed.outputs_from_messages(messages[:4])
    assert before_clear[0]["text"] == "step 1\nstep 2\n", "stream chunks are joined"
    assert before_clear[1]["data"]["text/plain"] == "frame 9", "a live plot keeps its last frame"


def test_the_key_ignores_markdown_and_follows_code(tmp_path, monkeypatch):
    source = executed.NOTEBOOKS / "07_dirac_gan.ipynb"
    copy = tmp_path / source.name
    shutil.copy(source, copy)
    before = executed.key(copy, "quick")
    nb = nbformat.read(copy, as_version=4)
    nb.cells[0].source += "\n\nA sentence edited."
    nbformat.write(nb, copy)
    assert executed.key(copy, "quick") == before, "editing a sentence must not retrain"
    assert executed.key(copy, "full") != before, "each profile has its own outputs"
    monkeypatch.setenv("GAN_HELPERS_SEED", "1")
    assert executed.key(copy, "quick") != before, "each base seed has its own outputs"
    monkeypatch.delenv("GAN_HELPERS_SEED")
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.source += "\nx = 1"
    nbformat.write(nb, copy)
    assert executed.key(copy, "quick") != before, "a code change must run the notebook again"


def test_a_panel_shows_its_still_image_where_there_is_no_kernel():
    widgets = pytest.importorskip("ipywidgets")
    image = widgets.Image(value=b"\x89PNG fake", format="png")
    box = widgets.VBox([image])
    bundle = plotting.widget_bundle(box)
    bundle["image/png"] = "iVBORw0KGgo="
    out = nbformat.v4.new_output("display_data", data=bundle)
    shown = site.static_outputs([out])
    assert "interactive panel" in shown[0]["data"]["text/html"]
    assert list(shown[1]["data"]) == ["image/png"], "the still image, without the widget"
    assert site.WIDGET not in str(shown)
    assert callable(plotting.display_panel)


def test_links_between_notebooks_point_at_their_pages():
    text = "see [04](04_dcgan_mnist.ipynb#2.-A) and [web](https://x.org/a.ipynb)"
    assert (
        site.local_links(text)
        == "see [04](04_dcgan_mnist.html#2.-A) and [web](https://x.org/a.ipynb)"
    )


def test_the_landing_page_reads_what_each_notebook_teaches_from_notebook_00():
    start = nbformat.read(executed.course_notebooks()[0], as_version=4)
    teaches = site.teaches(start)
    assert sorted(teaches) == [p.name[:2] for p in executed.course_notebooks()]


def test_slide_rules():
    md = nbformat.v4.new_markdown_cell
    code = nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(
        cells=[
            md("# Title\ntext"),
            md("more text"),
            code("x = 1"),
            md("what x shows"),
            code("assert x == 1\nassert x > 0"),
            md("### A detail"),
        ]
    )
    assert slides.slide_types(nb) == ["slide", "-", "subslide", "subslide", "skip", "subslide"]
    nb.cells[4].metadata["slideshow"] = {"slide_type": "fragment"}
    assert slides.slide_types(nb)[4] == "fragment", "metadata set by hand wins over the rule"


@pytest.mark.parametrize("path", executed.course_notebooks(), ids=lambda p: p.stem)
def test_every_cell_has_a_slide_type(path):
    nb = nbformat.read(path, as_version=4)
    untagged = [i for i, c in enumerate(nb.cells) if "slideshow" not in c.metadata]
    assert not untagged, (
        f"cells {untagged} of {path.name} have no slideshow metadata: run "
        "`.venv/bin/python -m course.slides --tag`, then adjust by hand where needed"
    )


def test_builds_on_is_read_from_what_each_notebook_loads():
    path = {p.stem[:2]: p for p in executed.course_notebooks()}
    assert site.builds_on(path["01"]) == ""
    assert site.builds_on(path["05"]) == "01, 04"
    assert site.builds_on(path["07"]) == "01, 03, 05"


def test_docs_render_checklists_tables_and_links():
    html = site.MARKDOWN("- [ ] pack\n\n|a|b|\n|-|-|\n|1|2|\n\nopen http://127.0.0.1:8866/")
    assert 'type="checkbox"' in html and "<table>" in html
    assert '<a href="http://127.0.0.1:8866/">' in html


def test_editing_01s_loss_makes_04s_executed_copy_stale(tmp_path, monkeypatch):
    """04 loads 01's losses (lessons.load): its outputs depend on them, so its key does too."""
    from gan_helpers import lessons

    copy = tmp_path / "notebooks"
    shutil.copytree(lessons.NOTEBOOKS, copy)
    monkeypatch.setattr(lessons, "NOTEBOOKS", copy)
    nb04, nb07 = copy / "04_dcgan_mnist.ipynb", copy / "07_dirac_gan.ipynb"
    before = {nb: executed.key(nb, "quick") for nb in (nb04, nb07)}
    nb01 = nbformat.read(copy / "01_vanilla_gan_mnist.ipynb", as_version=4)
    cell = next(c for c in nb01.cells if "def generator_loss" in c.source)
    cell.source = cell.source.replace("softplus(-fake_logits)", "softplus(-1.0 * fake_logits)")
    nbformat.write(nb01, copy / "01_vanilla_gan_mnist.ipynb")
    assert executed.key(nb04, "quick") != before[nb04], "04 runs 01's generator_loss"
    assert executed.key(nb07, "quick") != before[nb07], "07 loads 01 too"


def test_an_exercise_message_leaves_every_copy_fresh_but_a_module_edit_does_not(
    tmp_path, monkeypatch
):
    package = tmp_path / "gan_helpers"
    shutil.copytree(executed.PACKAGE, package)
    monkeypatch.setattr(executed, "PACKAGE", package)
    nb07 = executed.NOTEBOOKS / "07_dirac_gan.ipynb"
    before = executed.key(nb07, "quick")
    exercises = next(p for p in package.rglob("exercises*") if p.suffix == ".py" or p.is_dir())
    target = exercises if exercises.is_file() else exercises / "__init__.py"
    target.write_text(target.read_text() + '\nHINT = "a reworded message"\n')
    assert executed.key(nb07, "quick") == before, "a check's wording runs nothing again"
    used = executed.modules_used("from gan_helpers.labs import nb07_panel")
    assert any(p.name == "nb07_panel.py" for p in used), "07's panel module is part of its key"
    panel = next(p for p in used if p.name == "nb07_panel.py")
    panel.write_text(panel.read_text() + "\n# changed\n")
    assert executed.key(nb07, "quick") != before, "a module 07 imports changes its outputs"


def test_slides_leave_out_asserts_and_the_code_that_only_draws():
    code = 'x = train()\nassert x > 0, (\n    "it trains"\n)\nprint(x)'
    assert slides.without_asserts(code) == "x = train()\nprint(x)"
    figure = nbformat.v4.new_code_cell(
        "fig, ax = plt.subplots()\nax.plot(steps, fd)\nax.set_title('FD')\nplt.show()"
    )
    figure.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBOR"})]
    assert slides.only_draws(figure), "a figure's slide shows the figure, not its drawing code"
    figure.metadata["tags"] = ["lesson"]
    assert not slides.only_draws(figure), "lesson code always shows"
    training = nbformat.v4.new_code_cell("history = loop.train(STEPS)\nlive.update(history)")
    training.outputs = figure.outputs
    assert not slides.only_draws(training), "code that trains is not drawing code"
