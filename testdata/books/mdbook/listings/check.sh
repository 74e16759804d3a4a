#!/bin/sh
# ANCHOR: check
grep -c . passwords.txt
# ANCHOR_END: check
