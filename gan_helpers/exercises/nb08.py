"""The checks of notebook 08's exercises (``exercises.check_<name>`` finds them here)."""

from __future__ import annotations

from gan_helpers.exercises import Wrong, check, expect


def _generator_input_hint(shape, n, noise_dim, classes):
    """What a wrongly shaped generator input says about its construction."""
    if shape == (n, noise_dim + 1):
        return "one column for the label: is it the digit itself instead of a one-hot vector?"
    if len(shape) == 2 and shape[0] == n and noise_dim < shape[1] < noise_dim + classes:
        return (
            f"{shape[1] - noise_dim} label columns for digits 0-7: a one-hot vector has "
            f"NUM_CLASSES = {classes} columns whichever digits the batch holds"
        )
    if len(shape) == 2 and shape[0] != n:
        return "each row is one example: along which axis do z and the label join?"
    return f"each row is z ({noise_dim} numbers) followed by the label's {classes}"


@check("generator_input")
def check_generator_input(generator_input):
    """Compare with z and np.eye(10)[digits] side by side, on two batches."""
    import numpy as np

    from gan_helpers import lessons

    lesson = lessons.load("08_conditional_gan")
    noise_dim, classes = lesson.NOISE_DIM, lesson.NUM_CLASSES
    rng = np.random.default_rng(0)
    cases = [
        ("the digits 0-9", np.arange(10) % classes),
        ("digits 0-7 only", np.array([3, 7, 0, 5, 1, 7])),
    ]
    for name, digits in cases:
        z = rng.normal(size=(len(digits), noise_dim)).astype(np.float32)
        try:
            got = generator_input(z.copy(), digits.copy())
        except Exception as error:
            expect(
                "concat" not in str(error).lower(),
                f"joining z {z.shape} and the labels failed ({type(error).__name__}): z and "
                "the one-hot labels have the same number of rows, not of columns: which axis?",
            )
            raise
        got = np.asarray(got)
        truth = np.concatenate([z, np.eye(classes, dtype=np.float32)[digits]], axis=1)
        expect(
            got.shape == truth.shape,
            f"for {name} your input has shape {got.shape}, the generator takes {truth.shape}: "
            + _generator_input_hint(got.shape, len(digits), noise_dim, classes),
        )
        swapped = np.concatenate([truth[:, noise_dim:], z], axis=1)
        expect(
            not np.allclose(got, swapped),
            "the label comes first: the notebook's generator joins [z, label], z first",
        )
        expect(
            np.allclose(got[:, :noise_dim], z),
            f"for {name} the first {noise_dim} columns are not z: leave the noise as it is",
        )
        expect(
            np.allclose(got, truth),
            f"for {name} the last {classes} columns are not the one-hot labels: row i should "
            "hold a 1 in column digits[i] and 0 elsewhere",
        )
    return f"(n, {noise_dim} + {classes}): z, then the one-hot label, for every digit."


@check("extra_generator_parameters")
def check_extra_generator_parameters(extra_generator_parameters):
    """Count: the conditional generator's parameters minus notebook 04's generator's."""
    import numbers

    from gan_helpers import lessons

    expect(
        isinstance(extra_generator_parameters, numbers.Integral),
        f"answer a whole number of parameters; got {extra_generator_parameters!r}",
    )
    lesson = lessons.load("08_conditional_gan")
    conditional = lesson.make_conditional_generator().count_params()
    plain = lesson.dcgan.make_generator().count_params()
    measured = conditional - plain
    if extra_generator_parameters == measured:
        return f"measured {measured:,}: each label input gets a weight to every unit of G's Dense"
    hint = "the label adds inputs to G's first layer: how many weights does each input have?"
    if extra_generator_parameters == 0:
        hint = "Concatenate has no weights, but the Dense layer after it now has more inputs"
    elif extra_generator_parameters == lesson.NUM_CLASSES:
        hint = "10 more inputs, yes; but each connects to every unit of the first Dense layer"
    raise Wrong(
        f"measured {measured:,} more parameters, you said {extra_generator_parameters}: {hint}"
    )


@check("label_changes")
def check_label_changes(label_changes):
    """Build the projection D, show it one image with two labels, see which term moves."""
    import keras
    import numpy as np

    from gan_helpers import lessons

    choices = ("real_or_fake", "projection", "both")
    expect(label_changes in choices, f"answer one of {choices}; got {label_changes!r}")
    lesson = lessons.load("08_conditional_gan")
    D = lesson.make_projection_discriminator()
    terms = keras.Model(D.inputs, [D.get_layer(name).output for name in choices[:2]])
    image = np.random.default_rng(0).uniform(-1, 1, (2, 28, 28, 1)).astype(np.float32)
    labels = np.eye(lesson.NUM_CLASSES, dtype=np.float32)[[3, 8]]
    gaps = [float(np.abs(t[0] - t[1]).max()) for t in terms([image[[0, 0]], labels])]
    moved = [name for name, gap in zip(choices[:2], gaps) if gap > 1e-6]
    truth = "both" if len(moved) == 2 else moved[0]
    if label_changes != truth:
        found = (
            f"measured: one image labelled 3, then 8, moves real_or_fake by {gaps[0]:.2g} and "
            f"the projection by {gaps[1]:.2g}"
        )
        hint = "which term reads the label, and which sees only φ(x)?"
        if label_changes == "both":
            hint = "w·φ(x) + b is computed from the image alone: where would the label enter it?"
        elif label_changes == "real_or_fake":
            hint = "the label picks the class vector e_y: which term is e_y in?"
        raise Wrong(f"{found}: {hint}")
    return f"measured: only the {truth} term moves; w·φ(x) + b never sees the label."
