#!/usr/bin/env python3
"""Writes the seed inputs of every fuzz target into fuzz/seeds/<target>/.

Seeds are real requests: every conformance scenario (conformance/scenarios/**.json)
as a script over AWS JSON 1.0 and over AWS Query (see src/script.rs for the format),
each Query body and JSON body alone for the decoder targets, receipt and task handles
the fake makes, and Scaleway management API calls. Run it again after adding
scenarios; `cargo fuzz cmin` then keeps what adds coverage to fuzz/corpus/.
"""

import base64
import hashlib
import json
import pathlib
import re
import struct
import urllib.parse

FUZZ = pathlib.Path(__file__).resolve().parent
ROOT = FUZZ.parent
SEEDS = FUZZ / "seeds"
ACCOUNT = "000000000000"
REGION = "us-east-1"
SEP = b"\n----\n"

LISTS = {
    "AttributeNames": "AttributeName",
    "MessageSystemAttributeNames": "MessageSystemAttributeName",
    "MessageAttributeNames": "MessageAttributeName",
    "TagKeys": "TagKey",
    "AWSAccountIds": "AWSAccountId",
    "Actions": "ActionName",
    "StringListValues": "StringListValue",
    "BinaryListValues": "BinaryListValue",
}
MAPS = {"Attributes": ("Attribute", "Name", "Value"), "tags": ("Tag", "Key", "Value"),
        "Tags": ("Tag", "Key", "Value")}
ATTRIBUTE_MAPS = {"MessageAttributes": "MessageAttribute",
                  "MessageSystemAttributes": "MessageSystemAttribute"}


def text(value):
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def flatten(action, prefix, members, out):
    """JSON members as Query pairs, as the SDKs' Query serializers write them."""
    for member, value in members.items():
        if value is None:
            continue
        if member in LISTS and isinstance(value, list):
            name = LISTS[member]
            if not value:
                out.append((prefix + name, ""))
            for i, item in enumerate(value, 1):
                out.append((f"{prefix}{name}.{i}", text(item)))
        elif member in MAPS and isinstance(value, dict):
            name, k, v = MAPS[member]
            for i, (key, item) in enumerate(value.items(), 1):
                out.append((f"{prefix}{name}.{i}.{k}", key))
                out.append((f"{prefix}{name}.{i}.{v}", text(item)))
        elif member in ATTRIBUTE_MAPS and isinstance(value, dict):
            name = ATTRIBUTE_MAPS[member]
            for i, (key, item) in enumerate(value.items(), 1):
                out.append((f"{prefix}{name}.{i}.Name", key))
                if isinstance(item, dict):
                    flatten(action, f"{prefix}{name}.{i}.Value.", item, out)
        elif member == "Entries" and isinstance(value, list):
            for i, item in enumerate(value, 1):
                if isinstance(item, dict):
                    flatten(action, f"{prefix}{action}RequestEntry.{i}.", item, out)
        else:
            out.append((prefix + member, text(value)))


def form(action, params):
    pairs = [("Action", action), ("Version", "2012-11-05")]
    flatten(action, "", params, pairs)
    return urllib.parse.urlencode(pairs).encode()


class Values:
    """What `${name}` stands for: queue URLs and ARNs are known from the queue names;
    receipt and task handles become the script's placeholders."""

    def __init__(self):
        self.known = {"prefix": ""}

    def capture(self, step):
        params = step.get("params") or {}
        name = params.get("QueueName") if isinstance(params, dict) else None
        for var, path in (step.get("capture") or {}).items():
            if path == "QueueUrl" and name:
                self.known[var] = f"/{ACCOUNT}/{self.fill(name, False)}"
            elif path.endswith("QueueArn"):
                url = self.fill(params.get("QueueUrl", ""), False)
                self.known[var] = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{url.rsplit('/', 1)[-1]}"
            elif path.endswith("ReceiptHandle"):
                self.known[var] = "{receipt}"
            elif path.endswith("TaskHandle"):
                self.known[var] = "{task}"

    def fill(self, value, form_encoded):
        if isinstance(value, str):
            def one(m):
                got = self.known.get(m.group(1), m.group(0))
                if form_encoded and got in ("{receipt}", "{task}"):
                    got = got[:-1] + "_form}"
                return got
            return re.sub(r"\$\{([A-Za-z_]+)\}", one, value)
        if isinstance(value, list):
            return [self.fill(v, form_encoded) for v in value]
        if isinstance(value, dict):
            return {k: self.fill(v, form_encoded) for k, v in value.items()}
        return value


def query_body(action, params):
    """The Query body, with placeholders left readable (not percent-encoded)."""
    return (form(action, params)
            .replace(b"%7Breceipt_form%7D", b"{receipt_form}")
            .replace(b"%7Btask_form%7D", b"{task_form}"))


def request(method, target, headers, body):
    head = f"{method} {target}\n" + "".join(f"{k}: {v}\n" for k, v in headers) + "\n"
    return head.encode() + body


def json_request(action, params):
    return request("POST", "/", [("Content-Type", "application/x-amz-json-1.0"),
                                 ("X-Amz-Target", f"AmazonSQS.{action}")],
                   json.dumps(params, separators=(",", ":")).encode())


def query_request(body):
    return request("POST", "/", [("Content-Type", "application/x-www-form-urlencoded")], body)


def scripts(scenario):
    """The scenario as a JSON script and a Query script, and the bodies alone."""
    json_steps, query_steps, json_bodies, query_bodies = [], [], [], []
    values_json, values_query = Values(), Values()
    for step in scenario["steps"]:
        if step.get("wait") is not None:
            secs = max(1, round(step["wait"]))
            json_steps.append(f"ADVANCE {secs}".encode())
            query_steps.append(f"ADVANCE {secs}".encode())
            continue
        action = step.get("action")
        if not action:
            continue
        params = step.get("params") or {}
        jp = values_json.fill(params, False)
        qp = values_query.fill(params, True)
        json_steps.append(json_request(action, jp))
        body = query_body(action, qp)
        query_steps.append(query_request(body))
        json_bodies.append(f"{action}\n".encode() + json.dumps(jp).encode())
        query_bodies.append(body)
        values_json.capture(step)
        values_query.capture(step)
    protocols = scenario.get("protocols")
    out = []
    if not protocols or "json" in protocols:
        out.append(("request", SEP.join(json_steps)))
        out.extend(("json_decode", b) for b in json_bodies)
    if not protocols or "query" in protocols:
        out.append(("request", SEP.join(query_steps)))
        out.extend(("query_decode", b) for b in query_bodies)
    return out


def receipt(queue_id, key, nonce):
    rot = ((nonce << 17) | (nonce >> 47)) & (2**64 - 1)
    return base64.b64encode(struct.pack(">QQQ", nonce, queue_id ^ nonce, key ^ rot)).decode()


def task(task_id, source):
    doc = json.dumps({"taskId": task_id, "sourceArn": source}, separators=(",", ":"))
    return base64.b64encode(doc.encode()).decode()


SCALEWAY_AUTH = ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAFAKESQSTESTKEY00/"
                 "20250101/fr-par/sqs/aws4_request, SignedHeaders=host, Signature=0")
MNQ = "/mnq/v1beta1/regions/fr-par"
PROJECT = "00000000-0000-4000-8000-000000000000"


def scaleway():
    token = ("X-Auth-Token", "fake-token")
    jtype = ("Content-Type", "application/json")
    mgmt = [
        request("POST", f"{MNQ}/activate-sqs", [token, jtype],
                json.dumps({"project_id": PROJECT}).encode()),
        request("GET", f"{MNQ}/sqs-info?project_id={PROJECT}", [token], b""),
        request("POST", f"{MNQ}/sqs-credentials", [token, jtype], json.dumps(
            {"project_id": PROJECT, "name": "ci",
             "permissions": {"can_publish": True, "can_receive": False, "can_manage": False}}).encode()),
        request("GET", f"{MNQ}/sqs-credentials?page=1&page_size=2", [token], b""),
        request("GET", f"{MNQ}/sqs-credentials/00000000-0000-4000-8000-000000000000", [token], b""),
        request("PATCH", f"{MNQ}/sqs-credentials/00000000-0000-4000-8000-000000000000", [token, jtype],
                json.dumps({"name": "renamed", "permissions": {"can_manage": False}}).encode()),
        request("DELETE", f"{MNQ}/sqs-credentials/00000000-0000-4000-8000-000000000000", [token], b""),
        request("POST", f"{MNQ}/deactivate-sqs", [token, jtype],
                json.dumps({"project_id": PROJECT}).encode()),
        request("GET", f"{MNQ}/sqs-info", [], b""),
    ]
    sqs = [
        request("POST", "/", [("Content-Type", "application/x-amz-json-1.0"),
                              ("X-Amz-Target", "AmazonSQS.CreateQueue"), SCALEWAY_AUTH],
                json.dumps({"QueueName": "fuzz"}).encode()),
        request("POST", "/", [("Content-Type", "application/x-amz-json-1.0"),
                              ("X-Amz-Target", "AmazonSQS.SendMessage"), SCALEWAY_AUTH],
                json.dumps({"QueueUrl": f"/project-{PROJECT}/fuzz", "MessageBody": "hi"}).encode()),
        request("POST", "/", [("Content-Type", "application/x-amz-json-1.0"),
                              ("X-Amz-Target", "AmazonSQS.ReceiveMessage"), SCALEWAY_AUTH],
                json.dumps({"QueueUrl": f"/project-{PROJECT}/fuzz"}).encode()),
        request("POST", "/", [("Content-Type", "application/x-amz-json-1.0"),
                              ("X-Amz-Target", "AmazonSQS.ListQueues"), SCALEWAY_AUTH], b"{}"),
    ]
    seeds = [SEP.join(mgmt), SEP.join(sqs), SEP.join(mgmt[:3] + sqs), SEP.join(mgmt[2:7])]
    seeds.extend(mgmt)
    return seeds


def yandex():
    # Yandex speaks Query only; its URLs carry a queue id (dialect/yandex.rs).
    folder = "b1g0000000000000fake"
    steps = [
        query_request(b"Action=CreateQueue&QueueName=y"),
        query_request(b"Action=SendMessage&QueueUrl=%2F" + folder.encode() + b"%2Ffuzz&MessageBody=hi"),
        query_request(b"Action=ReceiveMessage&QueueUrl=%2F" + folder.encode() + b"%2Ffuzz"),
        query_request(b"Action=DeleteMessage&QueueUrl=%2F" + folder.encode()
                      + b"%2Ffuzz&ReceiptHandle={receipt_form}"),
        json_request("ListQueues", {}),
    ]
    return [b"DIALECT yandex" + SEP + SEP.join(steps)]


def main():
    seeds = []
    for path in sorted((ROOT / "conformance" / "scenarios").rglob("*.json")):
        scenario = json.loads(path.read_text())
        if scenario.get("providers") and "aws" not in scenario["providers"]:
            continue
        seeds.extend(scripts(scenario))
    seeds.extend(("scaleway_api", s) for s in scaleway())
    seeds.extend(("request", s) for s in yandex())
    seeds.append(("request", b"DIALECT scaleway" + SEP + scaleway()[1]))
    # The request that got the fake's Query answer malformed: keep it in reach.
    seeds.append(("query_decode", b"Action=ListQueues&MaxResults=1"))
    handles = [receipt(1, 1, 0x1234_5678_9abc_def0), receipt(3, 99, 0xDEAD_BEEF_1234),
               receipt(2**64 - 1, 0, 1), "garbage", ""]
    seeds.extend(("receipt_handle", h.encode()) for h in handles)
    tasks = [task("7d9f5c2e-0000-4000-8000-000000000001", f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq"),
             "foobared", base64.b64encode(b'{"taskId":1}').decode()]
    seeds.extend(("task_handle", t.encode()) for t in tasks)
    written = 0
    for target, data in seeds:
        directory = SEEDS / target
        directory.mkdir(parents=True, exist_ok=True)
        (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)
        written += 1
    print(f"wrote {written} seeds under {SEEDS}")


if __name__ == "__main__":
    main()
