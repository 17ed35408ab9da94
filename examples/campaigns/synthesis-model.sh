#!/bin/sh
# A deliberately rough reaction model for pre-screening synthesis.yaml: a wide bump around a
# guessed optimum (a = 0.5, b = 0.25, T = 350 K), nothing like the real chemistry. Cheap, and
# needs only sh and awk (POSIX, on every Debian). Prints the campaign's JSON result.
# Usage: synthesis-model.sh RATIO_A RATIO_B TEMPERATURE_K
if [ $# -ne 3 ]; then
    echo "usage: $0 RATIO_A RATIO_B TEMPERATURE_K" >&2
    exit 2
fi
awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN {
    if (a !~ /^[-+0-9.eE]+$/ || b !~ /^[-+0-9.eE]+$/ || t !~ /^[-+0-9.eE]+$/) {
        print "synthesis-model: not numbers: " a " " b " " t > "/dev/stderr"; exit 2
    }
    x = (a - 0.5) ^ 2 / 0.05 + (b - 0.25) ^ 2 / 0.04 + ((t - 350) / 40) ^ 2
    printf "{\"predicted_yield\": %.6f}\n", 0.9 * exp(-x)
}'
