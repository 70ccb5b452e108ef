"""Validates `audit --format asff|ocsf` output against the published shapes.

    finding_shapes.py asff FILE   every finding against botocore's securityhub model
                                  (AwsSecurityFinding: required members, types, enums,
                                  patterns, list limits, and the length limits its
                                  documentation gives), each under 240 KB
    finding_shapes.py ocsf FILE   every event against the OCSF 1.6.0 Detection Finding class
                                  (cloud profile), from PyPI's ocsf-json-schema

FILE holds a JSON array. Prints one line per problem; exits 1 when there is any.
"""

import glob
import gzip
import json
import os
import re
import sys

import botocore

MAX_FINDING_BYTES = 240 * 1024


def model():
    root = os.path.join(os.path.dirname(botocore.__file__), "data", "securityhub")
    path = sorted(glob.glob(os.path.join(root, "*", "service-2.json.gz")))[-1]
    with gzip.open(path) as f:
        return json.load(f)


def doc_limits(documentation):
    """(min length, max length, max items, max map pairs, max key, max value) from a member's
    documentation, as AWS writes them there ("Length Constraints: Minimum length of 1.
    Maximum length of 256.", "Maximum number of 50 items.", "up to 50 key-value pairs")."""
    text = re.sub("<[^>]+>", "", documentation or "")
    found = {}
    m = re.search(r"Length Constraints: (?:Minimum (?:length )?of (\d+)(?: length)?\. )?Maximum (?:length )?of (\d+)", text)
    if m:
        found["min_len"] = int(m.group(1) or 0)
        found["max_len"] = int(m.group(2))
    m = re.search(r"Length Constraints: (\d+)\.", text)
    if m:
        found["min_len"] = found["max_len"] = int(m.group(1))
    m = re.search(r"Maximum number of (\d+) items", text)
    if m:
        found["max_items"] = int(m.group(1))
    m = re.search(r"Minimum number of (\d+) item", text)
    if m:
        found["min_items"] = int(m.group(1))
    m = re.search(r"up to (\d+) key-value pairs", text)
    if m:
        found["max_pairs"] = int(m.group(1))
        m = re.search(r"key can contain up to (\d+) characters, and the value can contain up to (\d+)", text)
        if m:
            found["max_key"], found["max_value"] = int(m.group(1)), int(m.group(2))
    return found


def check(shapes, shape_name, value, where, limits, problems):
    shape = shapes[shape_name]
    kind = shape["type"]
    if kind == "structure":
        if not isinstance(value, dict):
            return problems.append(f"{where}: not an object")
        for req in shape.get("required", []):
            if req not in value:
                problems.append(f"{where}: {req} is required")
        for key, v in value.items():
            member = shape["members"].get(key)
            if member is None:
                problems.append(f"{where}: {key} is not a member of {shape_name}")
                continue
            check(shapes, member["shape"], v, f"{where}.{key}", doc_limits(member.get("documentation")), problems)
    elif kind == "list":
        if not isinstance(value, list):
            return problems.append(f"{where}: not a list")
        lo, hi = limits.get("min_items", shape.get("min")), limits.get("max_items", shape.get("max"))
        if lo is not None and len(value) < lo:
            problems.append(f"{where}: {len(value)} items, at least {lo}")
        if hi is not None and len(value) > hi:
            problems.append(f"{where}: {len(value)} items, at most {hi}")
        for i, v in enumerate(value):
            check(shapes, shape["member"]["shape"], v, f"{where}[{i}]", {}, problems)
    elif kind == "map":
        if not isinstance(value, dict):
            return problems.append(f"{where}: not an object")
        if "max_pairs" in limits and len(value) > limits["max_pairs"]:
            problems.append(f"{where}: {len(value)} pairs, at most {limits['max_pairs']}")
        for k, v in value.items():
            key_limits = {"max_len": limits["max_key"]} if "max_key" in limits else {}
            value_limits = {"max_len": limits["max_value"]} if "max_value" in limits else {}
            check(shapes, shape["key"]["shape"], k, f"{where} key {k!r}", key_limits, problems)
            check(shapes, shape["value"]["shape"], v, f"{where}[{k!r}]", value_limits, problems)
    elif kind == "string":
        if not isinstance(value, str):
            return problems.append(f"{where}: not a string")
        if "enum" in shape and value not in shape["enum"]:
            problems.append(f"{where}: {value!r} is not one of {shape['enum']}")
        if "pattern" in shape and not re.fullmatch(shape["pattern"], value, re.S):
            problems.append(f"{where}: {value!r} does not match {shape['pattern']}")
        lo = limits.get("min_len", shape.get("min"))
        hi = limits.get("max_len", shape.get("max"))
        if lo is not None and len(value) < lo:
            problems.append(f"{where}: {len(value)} characters, at least {lo}")
        if hi is not None and len(value) > hi:
            problems.append(f"{where}: {len(value)} characters, at most {hi}")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f"{where}: not an integer")
    elif kind in ("double", "float"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problems.append(f"{where}: not a number")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{where}: not a boolean")
    else:
        problems.append(f"{where}: shape type {kind} not checked")


def check_asff(findings):
    shapes = model()["shapes"]
    problems = []
    if not isinstance(findings, list):
        return ["the document is not a JSON array"]
    for i, finding in enumerate(findings):
        check(shapes, "AwsSecurityFinding", finding, f"[{i}]", {}, problems)
        size = len(json.dumps(finding).encode())
        if size > MAX_FINDING_BYTES:
            problems.append(f"[{i}]: {size} bytes, at most {MAX_FINDING_BYTES}")
    return problems


def check_ocsf(events):
    import jsonschema
    from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema

    schema = OcsfJsonSchemaEmbedded(get_ocsf_schema("1.6.0")).get_class_schema("detection_finding", ["cloud"])
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    if not isinstance(events, list):
        return ["the document is not a JSON array"]
    for i, event in enumerate(events):
        for e in validator.iter_errors(event):
            problems.append(f"[{i}].{'.'.join(map(str, e.absolute_path))}: {e.message[:300]}")
    return problems


def main():
    kind, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        doc = json.load(f)
    problems = check_asff(doc) if kind == "asff" else check_ocsf(doc)
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
