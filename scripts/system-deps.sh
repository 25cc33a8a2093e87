#!/bin/sh
# The system libraries Qt needs to draw windows, and fonts for every script the demo uses
# (Persian, Bengali, Khmer, Amharic, Armenian). Installs them on Debian/Ubuntu when missing.
set -u
missing=""
need_lib() { ldconfig -p 2>/dev/null | grep -q "$1" || missing="$missing $2"; }
need_lib "libGL.so.1" libgl1
need_lib "libEGL.so.1" libegl1
need_lib "libxkbcommon.so.0" libxkbcommon0
need_lib "libxkbcommon-x11.so.0" libxkbcommon-x11-0
need_lib "libfontconfig.so.1" libfontconfig1
need_lib "libdbus-1.so.3" libdbus-1-3
need_lib "libglib-2.0.so.0" libglib2.0-0
need_lib "libxcb-cursor.so.0" libxcb-cursor0
need_lib "libxcb-icccm.so.4" libxcb-icccm4
need_lib "libxcb-keysyms.so.1" libxcb-keysyms1
need_lib "libxcb-shape.so.0" libxcb-shape0
need_lib "libxcb-randr.so.0" libxcb-randr0
need_lib "libxcb-render-util.so.0" libxcb-render-util0
need_lib "libxcb-image.so.0" libxcb-image0
need_lib "libxcb-xinerama.so.0" libxcb-xinerama0
need_lib "libxcb-xkb.so.1" libxcb-xkb1
[ -d /usr/share/fonts/truetype/noto ] || missing="$missing fonts-noto-core"
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Note: install these system packages (or their equivalents) for the app:$missing" >&2
  exit 0
fi
if [ "$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "Note: as root, run: apt-get install -y$missing" >&2
  exit 0
fi
echo "Installing system packages:$missing"
$SUDO apt-get update -qq >/dev/null 2>&1 || true
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null \
  || echo "Note: could not install:$missing (the app may not start without them)" >&2
exit 0
