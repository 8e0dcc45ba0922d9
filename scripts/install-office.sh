#!/usr/bin/env bash
# Installs what the paper tests (tests/test_quiz_papers.py) use to look at a printed quiz: Debian's
# LibreOffice Writer (headless .docx → .pdf) and poppler-utils (pdftoppm: .pdf → .png), plus CJK fonts.
set -euo pipefail
if command -v soffice >/dev/null && command -v pdftoppm >/dev/null && fc-list :lang=zh | grep -q .; then
    echo "LibreOffice and pdftoppm already installed: $(soffice --version 2>/dev/null | head -1 || true)"
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui poppler-utils \
    fonts-wqy-microhei
soffice --version || true
