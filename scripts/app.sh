#!/usr/bin/env bash
# The course's two widget panels (notebook 03's 1-D GAN, notebook 06's 2-D mode-collapse panel) as
# one page with no code, served by Voila from app/panels.ipynb. `make app` runs this script.
#
#   bash scripts/app.sh                  this computer only: http://127.0.0.1:8866/
#   bash scripts/app.sh --classroom      every network interface (0.0.0.0): for a lecture room
#   GAN_APP_HOST=0.0.0.0 bash scripts/app.sh     the same as --classroom
#   GAN_APP_PORT=9000 bash scripts/app.sh        another port (or --port=9000)
#
# What a visitor gets, whatever the host: the page and its widgets. Each open page starts its own
# Python kernel, which runs the notebook's cells once and then only the panels' callbacks: the
# kernel accepts widget (comm) messages and kernel-info requests, never code (Voila's
# allowed_message_types); the page carries no source (strip_sources) and no tracebacks
# (show_tracebacks off); no file is served (file_denylist '.*'); Voila has no terminals, no
# file browser and no contents API. There is no password: on --classroom anyone who can reach
# this computer's port can open the page and use CPU and memory (TensorFlow: about 0.5 GB per
# open page). Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

host="${GAN_APP_HOST:-127.0.0.1}"
port="${GAN_APP_PORT:-8866}"
voila="${GAN_APP_VOILA:-.venv/bin/voila}"
for arg in "$@"; do
    case "$arg" in
        --classroom) host=0.0.0.0 ;;
        --host=*) host="${arg#--host=}" ;;
        --port=*) port="${arg#--port=}" ;;
        -h | --help)
            sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "scripts/app.sh: unknown option '$arg' (use --classroom, --host=IP, --port=N)" >&2
            exit 2
            ;;
    esac
done
if ! [[ "$port" =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
    echo "scripts/app.sh: the port must be a number from 1 to 65535, got '$port'" >&2
    exit 2
fi
if [[ ! -x "$voila" ]]; then
    echo "scripts/app.sh: $voila not found: run 'make install' (Voila is in requirements.txt)" >&2
    exit 1
fi

case "$host" in
    127.0.0.1 | localhost | ::1)
        echo "Serving the course's panels at http://$host:$port/ on this computer only."
        ;;
    *)
        echo "Serving the course's panels on $host port $port, to the NETWORK: anyone who can"
        echo "reach this computer can open http://<this computer's address>:$port/ with no password."
        echo "Exposed: the page and its widgets; each open page starts a Python kernel (CPU, about"
        echo "0.5 GB of memory) that runs only the panels' callbacks (no code, no files, no terminal)."
        ;;
esac
echo "Stop with Ctrl+C."

# The page's template, app/voila/templates/course: Voila's "lab" without the stylesheets it asks a
# CDN for (nothing on the page leaves this computer). Of the JupyterLab extensions installed, the
# page loads the widgets' two only: the others (built for a newer JupyterLab than Voila's) fill the
# browser's console with version warnings.
export JUPYTER_PATH="$PWD/app${JUPYTER_PATH:+:$JUPYTER_PATH}"
# Every security-relevant setting is given here, so that no Voila config file can change it.
exec "$voila" app/panels.ipynb \
    --no-browser \
    --template=course \
    --VoilaConfiguration.extension_allowlist=@jupyter-widgets/jupyterlab-manager \
    --VoilaConfiguration.extension_allowlist=@voila-dashboards/widgets-manager8 \
    --Voila.ip="$host" \
    --Voila.port="$port" \
    --Voila.port_retries=0 \
    --VoilaConfiguration.strip_sources=True \
    --VoilaConfiguration.show_tracebacks=False \
    --VoilaConfiguration.file_denylist='.*' \
    --VoilaConfiguration.preheat_kernel=False \
    --VoilaConfiguration.progressive_rendering=False \
    --theme=light
