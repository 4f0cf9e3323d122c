#!/usr/bin/env python3
"""Fails unless every public item of the crate has an example in its documentation.

Reads the rustdoc JSON that `cargo +nightly rustdoc --lib -- -Z unstable-options
--output-format json` writes, walks what the crate root exposes (following `pub use`
re-exports, which rustdoc's own unstable `missing_doc_code_examples` lint does not), and
lists each public type, function, constant and inherent method whose docs hold no code
block. Fields and enum variants are covered by their type's example.

Usage: .ci/doc_examples.py target/doc/fake_sqs.json
"""
import json
import sys

KINDS = ("struct", "enum", "function", "constant", "static", "trait", "type_alias")


def main(path):
    with open(path) as f:
        doc = json.load(f)
    index = doc["index"]

    def item(item_id):
        return index.get(str(item_id))

    missing, checked, seen = [], 0, set()

    def check(name, it):
        nonlocal checked
        checked += 1
        if "```" not in (it.get("docs") or ""):
            missing.append(name)

    def visit(path_prefix, item_id):
        it = item(item_id)
        if it is None or item_id in seen:
            return  # another crate's item, re-exported: documented there
        seen.add(item_id)
        kind, inner = next(iter(it["inner"].items()))
        if kind == "use":
            if inner["id"] is not None and not inner["is_glob"]:
                visit(path_prefix, inner["id"])
            return
        if it["visibility"] != "public":
            return
        name = f"{path_prefix}{it['name']}"
        if kind == "module":
            for child in inner["items"]:
                visit(f"{name}::", child)
            return
        if kind not in KINDS:
            return
        check(name, it)
        for impl_id in inner.get("impls", []):
            impl = item(impl_id)
            body = impl["inner"]["impl"]
            if body["trait"] is not None or body.get("is_synthetic") or body.get("blanket_impl"):
                continue
            for member_id in body["items"]:
                member = item(member_id)
                if member and member["visibility"] == "public":
                    check(f"{name}::{member['name']}", member)

    root = item(doc["root"])
    check(root["name"] + " (crate docs)", root)
    for child in root["inner"]["module"]["items"]:
        visit(f"{root['name']}::", child)

    if missing:
        print(f"{len(missing)} of {checked} public items have no example:")
        for name in missing:
            print(f"  {name}")
        return 1
    print(f"all {checked} public items have an example")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
