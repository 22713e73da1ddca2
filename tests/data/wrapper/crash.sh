#!/bin/sh
# A task that dies from a signal (SIGSEGV sent to itself).
kill -SEGV $$
sleep 5
