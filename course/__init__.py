"""Tooling that builds the course around the notebooks: executed copies, site, slides,
solutions. Not for students (they read `gan_helpers/`); run it through `make site`,
`make slides` and `make solutions`.
"""
