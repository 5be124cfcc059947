"""The weight-diff instrument: copy every variable, diff two copies, say which groups moved.

Notebooks 02, 04 and 05 ask the same question of a training call: *which weights did it change?*
The answer must not be taken on trust (notebook 02 shows Keras versions disagreeing), so we
measure it::

    before = snapshot({"G": G, "D": D})
    d_step()
    moved = changes(before, snapshot({"G": G, "D": D}))
    # {"G": 0.0, "D": 0.0004, "D-BN-stats": 0.0}: the largest |change| in each group

A snapshot copies every variable, trainable or not, so a frozen layer's weights and
BatchNormalization's ``moving_mean`` / ``moving_variance`` are in it too (they form their own group,
``"<label>-BN-stats"``, because no optimizer moves them: a forward pass with ``training=True``
does). Optimizer state is not in it: it is not part of a model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

Snapshot = dict[str, np.ndarray]


def _short_name(variable: Any) -> str:
    """``kernel`` from Keras 3's ``kernel`` or tf_keras's ``dense/kernel:0``."""
    return variable.name.split("/")[-1].split(":")[0]


def snapshot(models: Mapping[str, Any]) -> Snapshot:
    """Copy every variable of every model into NumPy, keyed ``"<label>/<layer>/<variable>"``.

    ``models`` maps a label to a Keras 3 or Keras 2 model, e.g. ``{"G": generator, "D": critic}``.
    """
    copy: Snapshot = {}
    for label, model in models.items():
        if not label or "/" in label:
            raise ValueError(f"model labels must be non-empty and contain no '/', got {label!r}")
        for layer in model.layers:
            for variable in layer.weights:
                key = f"{label}/{layer.name}/{_short_name(variable)}"
                if key in copy:
                    raise ValueError(
                        f"two variables would share the key {key!r}: give the layers distinct names"
                    )
                copy[key] = np.array(variable.numpy(), copy=True)
    return copy


def _same_keys(before: Snapshot, after: Snapshot) -> None:
    if before.keys() != after.keys():
        raise ValueError("the two snapshots hold different variables: take both of the same models")


def changed_variables(before: Snapshot, after: Snapshot) -> list[str]:
    """Keys of the variables whose values differ between two snapshots (exact comparison).

    Any change counts, however small: an optimizer step moves a weight by about the learning rate,
    far above float32 round-off, and a weight nobody touched keeps exactly the same bits.
    """
    _same_keys(before, after)
    return [key for key in before if not np.array_equal(before[key], after[key])]


def weight_group(key: str) -> str:
    """The group of a snapshot key: ``"D-BN-stats"`` for moving statistics, else the model label.

    ``"D/batch_normalization/moving_mean"`` -> ``"D-BN-stats"``; ``"D/dense/kernel"`` -> ``"D"``.
    BatchNormalization's ``gamma`` and ``beta`` are ordinary trainable weights: they are in ``"D"``.
    """
    label, _, name = key.partition("/")
    if name.endswith("moving_mean") or name.endswith("moving_variance"):
        return f"{label}-BN-stats"
    return label


def changes(before: Snapshot, after: Snapshot) -> dict[str, float]:
    """The largest absolute change of any variable in each group (0.0 where nothing moved)."""
    _same_keys(before, after)
    out: dict[str, float] = {}
    for key in before:
        group = weight_group(key)
        delta = float(np.max(np.abs(after[key] - before[key]), initial=0.0))
        out[group] = max(out.get(group, 0.0), delta)
    return out


def describe_changes(changed: Iterable[str], keys: Iterable[str]) -> str:
    """Summarise changed keys by group: ``"nothing"``, ``"G"``, ``"D, D-BN-stats"``...

    ``keys`` are all the keys of the snapshot (they fix the order of the groups). A group where only
    some variables changed is shown as ``"D (3 of 6)"``, so a partial update cannot hide.
    """
    changed = set(changed)
    totals: dict[str, int] = {}
    hits: dict[str, int] = {}
    for key in keys:
        group = weight_group(key)
        totals[group] = totals.get(group, 0) + 1
        hits[group] = hits.get(group, 0) + (key in changed)
    parts = [
        group if hits[group] == totals[group] else f"{group} ({hits[group]} of {totals[group]})"
        for group in totals
        if hits[group]
    ]
    return ", ".join(parts) if parts else "nothing"
