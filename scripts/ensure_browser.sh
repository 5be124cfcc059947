#!/usr/bin/env bash
# Make sure the browser test (tests/browser/) has a Chromium to drive; `make test` calls this first.
#
# * a Chromium/Chrome already there (or GAN_COURSE_CHROMIUM set): says which, changes nothing;
# * otherwise, on Debian/Ubuntu as root (or with password-less sudo): apt-get install chromium
#   (non-interactive; a few minutes the first time). It says so before it starts; set
#   GAN_COURSE_NO_APT=1 to skip that install (the browser test is then skipped);
# * otherwise: says how to get one. The browser test is then SKIPPED, with that reason.
#
# It prints one line starting with "ensure_browser:" and never fails the build (exit 0): whether a
# missing browser matters is the test's decision, not this script's.
set -u

say() { echo "ensure_browser: $*"; }
version() { "$1" --version 2>/dev/null | head -n 1; }

if [ -n "${GAN_COURSE_CHROMIUM:-}" ]; then
  if [ -x "$GAN_COURSE_CHROMIUM" ]; then
    say "using GAN_COURSE_CHROMIUM=$GAN_COURSE_CHROMIUM ($(version "$GAN_COURSE_CHROMIUM"))"
  else
    say "GAN_COURSE_CHROMIUM=$GAN_COURSE_CHROMIUM is not an executable: the browser test will be skipped"
  fi
  exit 0
fi

for name in chromium chromium-browser google-chrome google-chrome-stable; do
  if path=$(command -v "$name" 2>/dev/null); then
    say "found $path ($(version "$path"))"
    exit 0
  fi
done

if [ -n "${GAN_COURSE_NO_APT:-}" ]; then
  say "no Chromium found and GAN_COURSE_NO_APT is set: not installing one; the browser test is skipped"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  say "no Chromium found and no apt-get here: run '.venv/bin/python -m playwright install chromium' or set GAN_COURSE_CHROMIUM=/path/to/chrome, else the browser test is skipped"
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo -n"
else
  say "no Chromium found; installing it needs root: run 'sudo apt-get install chromium' (or set GAN_COURSE_CHROMIUM), else the browser test is skipped"
  exit 0
fi

say "no Chromium found: installing Debian's chromium with ${sudo:-root} apt-get (a few minutes, once; set GAN_COURSE_NO_APT=1 to skip it)"
log=$(mktemp "${TMPDIR:-/tmp}/ensure_browser.XXXXXX.log")
export DEBIAN_FRONTEND=noninteractive
if $sudo apt-get update -q >"$log" 2>&1 \
   && $sudo apt-get install -y -q -o DPkg::Lock::Timeout=120 chromium >>"$log" 2>&1 \
   && path=$(command -v chromium); then
  say "installed $path ($(version "$path")) with apt-get"
  rm -f "$log"
else
  say "apt-get could not install chromium (log: $log): the browser test will be skipped"
fi
exit 0
