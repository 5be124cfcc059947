"""Reference solutions of the exercises of notebook 05 (Wasserstein GANs), section 10."""

import tensorflow as tf

# the notebook's names these solutions use
GP_WEIGHT, CLIP = 10.0, 0.01


def wgan_gp_penalty(critic, real, fake, weight=GP_WEIGHT):
    """weight * mean((|grad f(x_hat)| - 1)^2), one alpha ~ U(0, 1) per sample."""
    real = tf.convert_to_tensor(real)
    fake = tf.convert_to_tensor(fake, dtype=real.dtype)
    alpha = tf.random.uniform([tf.shape(real)[0]] + [1] * (real.shape.rank - 1))
    x_hat = alpha * real + (1.0 - alpha) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)
    squares = tf.reduce_sum(tf.square(grads), axis=list(range(1, real.shape.rank)))
    # eps under the root: a finite gradient where a sample's input gradient is 0
    norms = tf.sqrt(squares + 1e-12)
    return weight * tf.reduce_mean(tf.square(norms - 1.0))


def clip_critic(critic, c=CLIP):
    """Clip every trainable weight of the critic to [-c, c], in place."""
    for variable in critic.trainable_variables:
        variable.assign(tf.clip_by_value(variable, -c, c))


share_at_clip_bound = ("over 50%", "under 5%")

NOTES = {
    "wgan_gp_penalty": (
        "Practises: section 7's penalty from scratch: alpha ~ U(0, 1) per sample, x_hat on the "
        "segment, a watched input-gradient tape, the norm per sample, eps under the root. Typical "
        "mistakes: alpha from a normal distribution, per pixel or one for the batch, the same "
        "alphas on every call (a fixed seed), penalising |grad| or |grad|^2 instead of "
        "(|grad| - 1)^2, a one-sided penalty, one norm for the whole batch or a norm over the "
        "wrong axes, the gradient of the mean score, GP_WEIGHT instead of weight, a sum over the "
        "batch, no tape.watch, no eps (NaN gradient for a flat critic), numpy inside or "
        "tf.stop_gradient (no gradient to the critic)."
    ),
    "clip_critic": (
        "Practises: the original WGAN's constraint, in place on trainable_variables only. "
        "Typical mistakes: tf.clip_by_value without assign (nothing happens), critic.weights or "
        "get_weights() (clips BatchNormalization's moving statistics too), [0, c], the bounds "
        "swapped or sign(v) * c (every weight at the bound: a frozen critic), tf.clip_by_norm, "
        "BatchNormalization's gamma and beta left out, the constant CLIP instead of c."
    ),
    "share_at_clip_bound": (
        "Practises: section 6's point that c = 0.01 binds from the first step: Glorot-uniform "
        "kernels reach +-sqrt(6 / (fan_in + fan_out)) (0.04-0.09 here) and gamma is 1, so most "
        "weights are pinned at +-c; at c = 0.1 only gamma is cut. Typical mistakes: 'under 5%' "
        "at c = 0.01 (weights start small, so clipping rarely acts), the pair reversed."
    ),
}
