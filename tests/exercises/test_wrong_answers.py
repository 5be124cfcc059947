"""Every exercise check, on the table of answers in ``tests/exercises/answers/``: each right answer
written differently passes, each typical wrong answer is rejected with its own message.

The rows are data (``answers/nb01.py`` ... ``answers/nb08.py``, one line each; how to add one:
``answers/__init__.py``). A test id reads ``<notebook>-<exercise>-<label>``, e.g.
``test_wrong_answer_is_rejected[nb07-simultaneous_step-g_first]``. The reference solutions and the
stubs are tested in ``test_solutions.py``; checks' behaviour that is not one answer and one
verdict (randomness across calls, a global seed) in ``test_checks.py``.
"""

from collections import Counter

import answers  # tests/exercises/answers: pytest puts this folder on sys.path
import pytest

from gan_helpers import exercises

RIGHT = list(answers.rows("RIGHT"))
WRONG = list(answers.rows("WRONG"))


def _params(rows):
    return [pytest.param(row, id=f"{notebook}-{row.exercise}-{row.id}") for notebook, row in rows]


def _verdict(row):
    return getattr(exercises, f"check_{row.exercise}")(row.answer, *row.args, quiet=True)


@pytest.mark.parametrize("row", _params(RIGHT))
def test_right_answer_passes(row):
    verdict = _verdict(row)
    assert verdict.passed, f"right ({row.why}), but: {verdict}"


@pytest.mark.parametrize("row", _params(WRONG))
def test_wrong_answer_is_rejected(row):
    verdict = _verdict(row)
    assert verdict.status == "wrong", f"a wrong answer got: {verdict}"
    assert row.message in verdict.message, f"wanted {row.message!r} in: {verdict}"


def test_every_check_has_at_least_two_wrong_answers():
    counts = Counter(row.exercise for _, row in WRONG)
    few = {name: counts[name] for name in exercises.all_checks() if counts[name] < 2}
    assert not few, f"checks with fewer than 2 WRONG rows: {few}"


@pytest.mark.parametrize("kind, rows", [("RIGHT", RIGHT), ("WRONG", WRONG)], ids=["RIGHT", "WRONG"])
def test_rows_sit_in_their_notebooks_module_with_unique_labels(kind, rows):
    checks = exercises.all_checks()
    for notebook, row in rows:
        assert row.exercise in checks, f"answers/{notebook}.py: no check_{row.exercise}"
        module = checks[row.exercise].__module__
        assert module == f"gan_helpers.exercises.{notebook}", (
            f"answers/{notebook}.py: {row.exercise} is checked in {module}"
        )
    twice = [key for key, n in Counter((r.exercise, r.id) for _, r in rows).items() if n > 1]
    assert not twice, f"{kind} rows with the same label (give one an id=...): {twice}"
