#!/bin/sh
# The demo's own media (build/content), for the demo golden frames.
set -eu
sh tools/make-demo-media.sh build/content >/dev/null
