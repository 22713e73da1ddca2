#!/bin/sh
# A task that fails: says why on stderr and exits with status 3.
echo "fail.sh: input is unusable" >&2
exit 3
