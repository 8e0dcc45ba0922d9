#!/usr/bin/env bash
# Installs what the browser tests (tests/test_ui_browser.py) drive: Debian's chromium, plus CJK and
# emoji fonts so screenshots show the Chinese text. Playwright's own browser downloads are not used.
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list :lang=zh | grep -q .; then
    echo "chromium and CJK fonts already installed: $(/usr/bin/chromium --version 2>/dev/null || true)"
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-wqy-microhei fonts-noto-color-emoji
/usr/bin/chromium --version || true
