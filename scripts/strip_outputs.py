"""A git "clean" filter: a notebook as git stores it, without what running it in JupyterLab adds.

    python3 scripts/strip_outputs.py < notebooks/01_vanilla_gan_mnist.ipynb

`make lab` sets it up for this clone (`git config filter.notebook-outputs.clean ...`, and
`.gitattributes` names the notebooks), so that a learner who runs a notebook and saves it keeps
their outputs in the file on disk while git sees the notebook as it was committed: `git status`
stays clean and `git pull` brings new versions of the course without a conflict. It removes
outputs and execution counts, the cell metadata JupyterLab records while running (`execution`,
`collapsed`, `scrolled`), the widget state (`widgets`), and reduces `language_info` to its name,
as the notebooks are committed. The repository's JSON format is kept (indent 1, UTF-8, a newline
at the end), so a notebook that was already clean passes through unchanged. Standard library only.
"""

import json
import sys

RUN_CELL_KEYS = ("execution", "collapsed", "scrolled")
RUN_NOTEBOOK_KEYS = ("widgets", "gan_course")


def strip(nb: dict) -> dict:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        for key in RUN_CELL_KEYS:
            cell.get("metadata", {}).pop(key, None)
    meta = nb.get("metadata", {})
    for key in RUN_NOTEBOOK_KEYS:
        meta.pop(key, None)
    if "language_info" in meta:
        meta["language_info"] = {"name": meta["language_info"].get("name", "python")}
    return nb


def main() -> None:
    raw = sys.stdin.buffer.read()
    try:
        nb = json.loads(raw.decode("utf-8"))
    except ValueError:
        # not JSON (a conflict marker, a half-written file): store it as it is
        sys.stdout.buffer.write(raw)
        return
    text = json.dumps(strip(nb), indent=1, ensure_ascii=False) + "\n"
    sys.stdout.buffer.write(text.encode("utf-8"))


if __name__ == "__main__":
    main()
