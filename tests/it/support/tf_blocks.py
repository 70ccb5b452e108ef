"""Reads a directory of Terraform files with python-hcl2 (a parser of its own, not
lambda-trust's) and prints, as JSON, each managed resource's address with its arguments, each
import block's `to` and `id`, the variables declared and the tfvars' values.

Usage: tf_blocks.py DIR
"""
import json
import pathlib
import sys

import hcl2

OPTIONS = hcl2.SerializationOptions(strip_string_quotes=True, explicit_blocks=False,
                                    with_comments=False)


def main(directory):
    out = {"resources": {}, "imports": [], "variables": [], "tfvars": {}, "providers": []}
    for path in sorted(pathlib.Path(directory).glob("*.tf")):
        doc = hcl2.loads(path.read_text(), serialization_options=OPTIONS)
        for block in doc.get("resource", []):
            for kind, named in block.items():
                for name, body in named.items():
                    out["resources"][f"{kind}.{name}"] = body
        for block in doc.get("import", []):
            to = block["to"]
            if to.startswith("${") and to.endswith("}"):
                to = to[2:-1]
            out["imports"].append({"to": to, "id": block["id"]})
        for block in doc.get("variable", []):
            out["variables"].extend(block.keys())
        for block in doc.get("terraform", []):
            for req in block.get("required_providers", []):
                out["providers"].extend(req.keys())
    tfvars = pathlib.Path(directory) / "terraform.tfvars"
    if tfvars.exists():
        out["tfvars"] = hcl2.loads(tfvars.read_text(), serialization_options=OPTIONS)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
