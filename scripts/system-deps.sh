#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, if they are missing and we may install.
set -euo pipefail
need=()
command -v pandoc >/dev/null || need+=(pandoc)
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
# OpenCV (pulled in by rapidocr-onnxruntime for reading scans) links libGL and GLib.
ldconfig -p | grep -q 'libGL.so.1 ' || need+=(libgl1)
ldconfig -p | grep -q 'libglib-2.0.so.0 ' || need+=(libglib2.0-0)
# The browser test drives Debian's chromium (no Playwright download); CJK fonts so screenshots show Chinese.
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
# The export test renders the PDF LibreOffice made into PNG pages (pdftoppm) and reads its page size (pdfinfo).
command -v pdftoppm >/dev/null || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "缺少系统软件包：${need[*]}（请以 root 运行 apt-get install ${need[*]}）" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
