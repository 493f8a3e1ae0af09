#!/usr/bin/env python3
"""Checks CDK context values (key=value ...) against infra/src/main/resources/context-keys.json
before anything is built: an unknown key or a value out of its type, choices or range is one
line on stderr and exit code 2. Prints the values as one JSON object (CDK_CONTEXT_JSON)."""
import difflib
import json
import os
import re
import sys

SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "src/main/resources/context-keys.json")


def refuse(message):
    print("error: " + message, file=sys.stderr)
    sys.exit(2)


def check(key, value, spec):
    kind = spec["type"]
    if kind == "choice" and value not in spec["values"]:
        refuse(f"-c {key}={value}: choose one of {', '.join(spec['values'])}")
    if kind == "integer":
        if not re.fullmatch(r"-?[0-9]+", value):
            refuse(f"-c {key}={value}: a whole number is expected")
        number = int(value)
        if not spec["min"] <= number <= spec["max"]:
            refuse(f"-c {key}={value}: must be between {spec['min']} and {spec['max']}")
    if kind == "boolean" and value not in ("true", "false"):
        refuse(f"-c {key}={value}: true or false")
    if kind == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        refuse(f"-c {key}={value}: an email address is expected")
    if kind == "text" and not value.strip():
        refuse(f"-c {key}= is empty")


def main(args):
    keys = json.load(open(SPEC))["keys"]
    context = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        if not sep:
            refuse(f"-c {arg}: expected key=value")
        if key not in keys:
            close = difflib.get_close_matches(key, keys, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            refuse(f"unknown context key '{key}'{hint}; known: {', '.join(keys)}")
        check(key, value, keys[key])
        context[key] = value
    print(json.dumps(context))


if __name__ == "__main__":
    main(sys.argv[1:])
