"""One notebook's instruments each: what a single notebook measures with, found by its number.

The core of ``gan_helpers`` (its top-level modules) serves every notebook; a module here serves
one, and its name starts with that notebook's number:

* ``nb02_freezing`` -- notebook 02's laboratory: the Keras recipes run on Keras 3 and Keras 2, the
  tiny specimen models, the truth table of which weights each call changes;
* ``nb03_toy`` -- notebook 03's runner: its lesson code trained fast enough for a slider, W1 to
  N(0, 1); ``nb03_panel`` -- its panel (k, noise_dim, Train, Stop) and sweep tables;
* ``nb06_mixtures`` -- notebook 06's data and scores (rings and grids of Gaussians, modes
  captured, high quality, reverse KL); ``nb06_runs`` -- its runs over models and seeds;
  ``nb06_panel`` -- its GAN-Lab-style panel;
* ``nb07_panel`` -- notebook 07's Dirac-GAN panel;
* ``nb08_cgan`` -- notebook 08's plumbing (slant, cached generator); ``nb08_panel`` -- its panel.

A notebook imports them under a short name, e.g.
``from gan_helpers.labs import nb06_mixtures as mixtures``.
"""
