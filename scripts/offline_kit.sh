#!/usr/bin/env bash
# A folder for a USB stick: everything a room with no network needs to install and run the course.
#
#   bash scripts/offline_kit.sh /media/usb/gan-course-kit     (run it at home, with a network)
#
# It holds: wheels/ (every package of requirements.txt, for THIS machine's OS, CPU and Python:
# prepare the kit on a machine like the students'), mnist/ (the MNIST IDX files, from
# GAN_HELPERS_MNIST_DIR or the Keras cache), course.tar.gz (this repository as committed), site/
# (the built site and slides, if `make site` and `make slides` ran) and INSTALL.txt (the commands
# for the room, repeated below). Nothing in the room touches the network:
#
#   tar xzf course.tar.gz && cd gan-course
#   PIP_NO_INDEX=1 PIP_FIND_LINKS=$PWD/../wheels make lab
#   GAN_HELPERS_MNIST_DIR=$PWD/../mnist make lab   (every later start; make it permanent in ~/.bashrc)
set -euo pipefail
cd "$(dirname "$0")/.."
kit="${1:?usage: bash scripts/offline_kit.sh <folder for the USB stick>}"
mkdir -p "$kit/wheels" "$kit/mnist"
kit="$(cd "$kit" && pwd)"
py="${PYTHON:-.venv/bin/python}"
[ -x "$py" ] || py=python3

echo "1/4 wheels for $($py -c 'import platform; print(platform.python_version(), platform.machine())')"
# pip, setuptools and wheel too: `pip install -e .` builds the package without the network
$py -m pip download --quiet --dest "$kit/wheels" -r requirements.txt pip setuptools wheel

echo "2/4 MNIST"
mnist="${GAN_HELPERS_MNIST_DIR:-}"
if [ -n "$mnist" ] && ls "$mnist"/*-ubyte* >/dev/null 2>&1; then
  cp "$mnist"/*-ubyte* "$kit/mnist/"
elif [ -f "$HOME/.keras/datasets/mnist.npz" ]; then
  cp "$HOME/.keras/datasets/mnist.npz" "$kit/mnist/"
  echo "   copied the Keras cache (mnist.npz): in the room, copy it to ~/.keras/datasets/"
else
  echo "   no MNIST found: set GAN_HELPERS_MNIST_DIR to a folder of IDX files, or run notebook 01"
  echo "   once with a network (Keras caches it); without it the course uses scikit-learn's digits"
fi

echo "3/4 the course"
git archive --format=tar.gz --prefix=gan-course/ -o "$kit/course.tar.gz" HEAD
if [ -f build/site/index.html ]; then
  rm -rf "$kit/site" && cp -r build/site "$kit/site"
else
  echo "   no build/site: run make site and make slides first to carry the site and the decks"
fi

echo "4/4 INSTALL.txt"
cat > "$kit/INSTALL.txt" <<'EOF'
Installing the GAN course with no network (this folder on a USB stick, copied to the laptop):

  tar xzf course.tar.gz && cd gan-course
  PIP_NO_INDEX=1 PIP_FIND_LINKS=$PWD/../wheels make lab

PIP_NO_INDEX and PIP_FIND_LINKS make pip install from wheels/ only. The data:

  export GAN_HELPERS_MNIST_DIR=$PWD/../mnist      (IDX files; for mnist.npz instead:
                                                   mkdir -p ~/.keras/datasets && cp ../mnist/mnist.npz ~/.keras/datasets/)

The site and the slides need nothing installed: open site/index.html and site/slides/index.html.
EOF
du -sh "$kit"/* | sed 's/^/   /'
echo "kit ready in $kit"
