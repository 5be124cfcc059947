"""The checks of notebook 08's exercises (``exercises.check_<name>`` finds them here)."""

from __future__ import annotations

from gan_helpers.exercises import Wrong, cause_then, check, expect, real_number


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
    if len(shape) == 2 and shape[1] == noise_dim + classes + 1:
        return (
            f"{shape[1] - noise_dim} label columns: digits 0-9 need NUM_CLASSES = {classes} "
            "one-hot columns (depth 10), not 11"
        )
    return f"each row is z ({noise_dim} numbers) followed by the label's {classes}"


@check("generator_input")
def check_generator_input(generator_input):
    """Compare with z and np.eye(10)[digits] side by side, on batches of 64 (the notebook's),
    6 and 1."""
    import numpy as np

    from gan_helpers import lessons

    expect(callable(generator_input), "generator_input must be a function of (z, digits)")
    lesson = lessons.load("08_conditional_gan")
    noise_dim, classes = lesson.NOISE_DIM, lesson.NUM_CLASSES
    rng = np.random.default_rng(0)
    cases = [
        (f"a batch of {lesson.BATCH_SIZE} digits 0-9", np.arange(lesson.BATCH_SIZE) % classes),
        ("a batch of 6 digits 0-7 only", np.array([3, 7, 0, 5, 1, 7])),
        ("a batch of one digit", np.array([9])),
    ]
    worked = None
    for name, digits in cases:
        z = rng.normal(size=(len(digits), noise_dim)).astype(np.float32)
        try:
            got = generator_input(z.copy(), digits.copy())
        except Exception as error:
            expect(
                "concat" not in str(error).lower() or worked is not None,
                f"joining z {z.shape} and the labels failed ({type(error).__name__}): z and "
                "the one-hot labels have the same number of rows, not of columns: which axis?",
            )
            expect(
                worked is None,
                f"your answer works for {worked} but fails for {name} (it raised "
                f"{type(error).__name__}): is a batch size hard-coded, or does a squeeze drop "
                "the batch axis of a batch of one? Use the batch's own size",
            )
            raise
        worked = name
        got = np.asarray(got)
        onehot = np.eye(classes, dtype=np.float32)[digits]
        truth = np.concatenate([z, onehot], axis=1)
        expect(
            got.shape == truth.shape,
            cause_then(
                _generator_input_hint(got.shape, len(digits), noise_dim, classes),
                f"for {name} your input has shape {got.shape}, the generator takes {truth.shape}",
            ),
        )
        swapped = np.concatenate([onehot, z], axis=1)
        expect(
            not np.allclose(got, swapped),
            "the label comes first: the notebook's generator joins [z, label], z first",
        )
        expect(
            np.allclose(got[:, :noise_dim], z),
            f"for {name} the first {noise_dim} columns are not z: leave the noise as it is",
        )
        labels = got[:, noise_dim:]
        if np.allclose(labels, truth[:, noise_dim:]):
            continue
        expect(
            not np.any(labels < -0.5),
            f"your labels hold -1s: a one-hot vector holds a 1 in column digits[i] and 0 "
            f"elsewhere (for {name})",
        )
        # np.eye(10)[digits - 1] wraps digit 0 round to column 9; tf.one_hot gives it zeros
        wrapped = [np.roll(onehot, shift, axis=1) for shift in (-1, 1)]
        cut = [
            np.where((digits + shift >= 0) & (digits + shift < classes), 1.0, 0.0)[:, None] * w
            for shift, w in zip((-1, 1), wrapped)
        ]
        moved = [np.allclose(labels, w) or np.allclose(labels, c) for w, c in zip(wrapped, cut)]
        expect(
            not any(moved),
            f"each label's 1 sits one column {'left' if moved[0] else 'right'} of its digit: "
            f"digit d belongs in column d (0 to {classes - 1}), as np.eye({classes})[digits] "
            f"or tf.one_hot(digits, {classes}) put it (for {name})",
        )
        raise Wrong(
            f"for {name} the last {classes} columns are not the one-hot labels: row i should "
            "hold a 1 in column digits[i] and 0 elsewhere"
        )
    return f"(n, {noise_dim} + {classes}): z, then the one-hot label, for every digit and size."


@check("extra_generator_parameters")
def check_extra_generator_parameters(extra_generator_parameters):
    """Count: the conditional generator's parameters minus notebook 04's generator's."""
    from gan_helpers import lessons

    value = real_number(extra_generator_parameters)
    expect(
        value is not None and value == round(value),
        f"answer a whole number of parameters; got {extra_generator_parameters!r}",
    )
    lesson = lessons.load("08_conditional_gan")
    conditional = lesson.make_conditional_generator().count_params()
    plain = lesson.dcgan.make_generator().count_params()
    measured = conditional - plain
    if value == measured:
        return f"measured {measured:,}: each label input gets a weight to every unit of G's Dense"
    units, inputs = 7 * 7 * 64, lesson.NOISE_DIM + lesson.NUM_CLASSES
    classes = lesson.NUM_CLASSES
    hints = {
        0: "Concatenate has no weights, but the Dense layer after it now has more inputs",
        classes: f"{classes} more inputs, yes; but each connects to every unit of the first "
        "Dense layer",
        -measured: "the conditional generator has MORE parameters: conditional minus plain",
        units: f"that is one input's weights; the label adds {classes} inputs, one per class",
        measured + classes: "the first Dense layer has no bias (use_bias=False, BatchNormalization "
        "follows it), and a bias belongs to a unit, not to an input: no extra biases",
        measured + units: "a bias per unit comes with the layer, not with the new inputs (and "
        "this Dense layer has none): only the new inputs' weights are extra",
        classes * lesson.NOISE_DIM: f"each input connects to the first Dense layer's 7 * 7 * 64 "
        f"= {units:,} units, not to the {lesson.NOISE_DIM} noise numbers",
        inputs * units: f"that is all of the first Dense layer's weights ({inputs} inputs x "
        f"{units:,} units): only the {classes} new inputs' rows are extra",
    }
    hint = hints.get(
        int(value), "the label adds inputs to G's first layer: how many weights does each have?"
    )
    raise Wrong(cause_then(hint, f"You said {value:g}; measured {measured:,} more parameters."))


@check("label_changes")
def check_label_changes(label_changes):
    """Build the projection D, show it one image with two labels, see which term moves."""
    import keras
    import numpy as np

    from gan_helpers import lessons

    choices = ("real_or_fake", "projection", "both")
    said = None
    if isinstance(label_changes, str):
        said = " ".join(label_changes.strip().lower().replace("_", " ").replace("-", " ").split())
        said = {"real or fake": "real_or_fake", "projection": "projection", "both": "both"}.get(
            said, "neither" if said in ("neither", "none") else None
        )
    expect(said is not None, f"answer one of {choices}; got {label_changes!r}")
    lesson = lessons.load("08_conditional_gan")
    D = lesson.make_projection_discriminator()
    draw = np.random.default_rng(8)
    for v in D.trainable_variables:
        v.assign(draw.normal(0.0, 0.05, v.shape).astype("float32"))
    terms = keras.Model(D.inputs, [D.get_layer(name).output for name in choices[:2]])
    image = np.random.default_rng(0).uniform(-1, 1, (2, 28, 28, 1)).astype(np.float32)
    labels = np.eye(lesson.NUM_CLASSES, dtype=np.float32)[[3, 8]]
    gaps = [float(np.abs(t[0] - t[1]).max()) for t in terms([image[[0, 0]], labels])]
    moved = [name for name, gap in zip(choices[:2], gaps) if gap > 1e-6]
    truth = "both" if len(moved) == 2 else moved[0]
    if said != truth:
        found = (
            f"measured: one image labelled 3, then 8, moves real_or_fake by {gaps[0]:.2g} and "
            f"the projection by {gaps[1]:.2g}"
        )
        hints = {
            "both": "w·φ(x) + b is computed from the image alone: where would the label enter it?",
            "real_or_fake": "the label picks the class vector e_y: which term is e_y in?",
            "neither": "the label picks the class vector e_y, so e_y·φ(x) changes with it",
        }
        hint = hints.get(said, "which term reads the label, and which sees only φ(x)?")
        raise Wrong(cause_then(hint, f"{found}."))
    return f"measured: only the {truth} term moves; w·φ(x) + b never sees the label."
