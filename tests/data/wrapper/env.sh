#!/bin/sh
# A task that records its arguments and environment (on stdout), then works a little.
for a in "$@"; do printf 'arg=%s\n' "$a"; done
env | sort
