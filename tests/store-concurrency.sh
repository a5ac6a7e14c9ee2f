#!/bin/bash
. "$(dirname "$0")/lib.sh"
t_done
