"""Reference solutions of the exercises at the end of notebooks 01-08, one module per notebook.

Not shown in the notebooks: `make solutions` writes the instructor's copies with the stubs
replaced by these, and `tests/exercises/test_solutions.py` checks every check against them.
Each module also holds `NOTES`: per exercise, what it practises and the typical mistakes.
"""
