#!/usr/bin/env bash
# Regenerates demo-vault/media/countdown.webm: 8 s, 320x180, VP9, a large running
# clock (seconds.tenths) so a seek is visible at a glance. Keyframe every 0.5 s so
# the browser tests can seek precisely without decoding long GOPs.
set -euo pipefail
cd "$(dirname "$0")/.."
out=demo-vault/media/countdown.webm
font=/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf
mkdir -p "$(dirname "$out")"
if [ -f "$font" ]; then
  vf="drawtext=fontfile=${font}:text='%{eif\:t\:d}.%{eif\:mod(t*10\,10)\:d} s':fontcolor=white:fontsize=72:x=(w-text_w)/2:y=(h-text_h)/2,drawtext=fontfile=${font}:text='Lesson Lab demo':fontcolor=0xffd166:fontsize=18:x=10:y=10"
  src="color=c=0x1d3557:s=320x180:r=25:d=8"
else
  # No font: testsrc draws its own running counter.
  vf="null"
  src="testsrc=s=320x180:r=25:d=8"
fi
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "$src" -vf "$vf" \
  -c:v libvpx-vp9 -b:v 150k -g 12 -keyint_min 12 -pix_fmt yuv420p -an "$out"
ls -l "$out"
