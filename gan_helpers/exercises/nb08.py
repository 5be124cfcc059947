"""The checks of notebook 08's exercises (``exercises.check_<name>`` finds them here)."""

from __future__ import annotations

import functools

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


# ----------------------------------------------------------------------------------------------
# 9d. train and measure: does the projection D learn to read the label?

_NB08_READER_STEPS = 50
_NB08_HELD_OUT = 400


def _nb08_reader_data():
    """(train images, train labels, held-out images, held-out labels): the course's data, its
    last 500 images kept out of training."""
    from gan_helpers.data import load_mnist

    data = load_mnist(verbose=False)
    cut = len(data.images) - _NB08_HELD_OUT
    return data.images[:cut], data.labels[:cut], data.images[cut:], data.labels[cut:]


def _nb08_label_accuracy(D, images, labels) -> tuple[float, float]:
    """D as a classifier: the shares of images whose own label gets D's highest logit of the 10,
    and its lowest."""
    import numpy as np

    from gan_helpers import lessons

    classes = lessons.load("08_conditional_gan").NUM_CLASSES
    n, eye = len(images), np.eye(classes, dtype=np.float32)
    columns = []
    for c in range(classes):
        logits = np.asarray(D([images, np.tile(eye[c], (n, 1))]))
        expect(
            logits.shape in ((n, 1), (n,)),
            f"D([images, labels]) should give one logit per image, shape ({n}, 1); got "
            f"{logits.shape}. Return the trained make_projection_discriminator()",
        )
        columns.append(logits.reshape(n))
    table = np.stack(columns, axis=1)
    return float(np.mean(table.argmax(axis=1) == labels)), float(
        np.mean(table.argmin(axis=1) == labels)
    )


@functools.lru_cache(maxsize=4)
def _nb08_reader_reference(seed: int, steps: int, train_size: int) -> float:
    """The check's own run: notebook 08's D and batches, true labels against shifted ones."""
    import keras
    import tensorflow as tf

    import gan_helpers
    from gan_helpers import lessons

    lesson = lessons.load("08_conditional_gan")
    images, labels, test_images, test_labels = _nb08_reader_data()
    gan_helpers.set_seed(seed)
    D = lesson.make_projection_discriminator()
    d_opt = keras.optimizers.Adam(lesson.LEARNING_RATE, beta_1=0.5)
    rng = tf.random.Generator.from_seed(seed)
    data, data_labels = tf.constant(images), lesson.one_hot(labels)
    n, classes = lesson.BATCH_SIZE, lesson.NUM_CLASSES

    @tf.function
    def step():
        real, real_y = lesson.real_batch_with_labels(data, data_labels, n, rng)
        digit = tf.argmax(real_y, axis=1, output_type=tf.int32)
        other = lesson.one_hot((digit + rng.uniform([n], 1, classes, dtype=tf.int32)) % classes)
        with tf.GradientTape() as tape:
            loss = lesson.discriminator_loss(
                D([real, real_y], training=True), D([real, other], training=True)
            )
        d_opt.apply_gradients(
            zip(tape.gradient(loss, D.trainable_variables), D.trainable_variables)
        )

    for _ in range(steps):
        step()
    return _nb08_label_accuracy(D, test_images, test_labels)[0]


@check("train_label_reader")
def check_train_label_reader(train_label_reader):
    """Train through the learner's function (50 steps), then read D as a classifier on 400
    held-out images; compare with the check's own run from the same seed (0.15) and chance."""
    import gan_helpers

    expect(
        callable(train_label_reader),
        "train_label_reader must be a function of (images, labels, steps, seed)",
    )
    images, labels, test_images, test_labels = _nb08_reader_data()
    seed, steps = gan_helpers.seed(0), _NB08_READER_STEPS
    D = train_label_reader(images, labels, steps=steps, seed=seed)
    expect(
        callable(D) and hasattr(D, "trainable_variables"),
        f"return the trained discriminator (a Keras model), not {type(D).__name__}",
    )
    got, lowest = _nb08_label_accuracy(D, test_images, test_labels)
    ref = _nb08_reader_reference(seed, steps, len(images))
    said = (
        f"Your D picks the right digit for {got:.1%} of {len(test_images)} held-out images; the "
        f"check's own run from seed {seed}: {ref:.1%} (chance: 10%)."
    )
    if abs(got - ref) <= 0.15:
        return (
            f"{said} Trained only to tell an image's own label from a wrong one, the projection "
            "D has become a digit classifier: its class vectors e_y point along the features "
            "φ(x) of their digit, the term that reads the label (exercise 9c)."
        )
    hints = [
        (
            lowest > 0.3,
            "your D prefers the wrong labels: are the images with their own labels handed to "
            "discriminator_loss first, as the real logits? It takes (real_logits, fake_logits)",
        ),
        (
            got < 0.2,
            "your D has not learned to read the label: are the wrong labels never different from "
            "the true ones (add 1-9 to the digit, mod 10)? Do you run the step `steps` times?",
        ),
    ]
    hint = next(
        (h for when, h in hints if when),
        "train make_projection_discriminator() alone: real images with their own labels as "
        "'real', the same images with a wrong label as 'fake', Adam(LEARNING_RATE, beta_1=0.5), "
        "batches of BATCH_SIZE",
    )
    raise Wrong(cause_then(hint, said))
