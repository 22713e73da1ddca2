#!/bin/sh
# A two-process task: this shell stays alive and waits for the program it starts, so that
# suspend, resume and kill must reach the whole process group, not only the first process.
# (An asynchronous command would read /dev/null: hand it the task's stdin through fd 3.)
exec 3<&0
"$@" <&3 3<&- &
child=$!
wait $child
