#!/usr/bin/env python3
"""Second, independent verifier of a cellgate audit log, for the DPO.

Needs only python3 and the openssl command (for Ed25519). It shares no code
with cellgate-audit-verify; CI runs both on the same logs and compares.

    cellgate_audit_verify.py --log DIR [--pubkey PEM] [--trusted-checkpoint FILE]

Prints one JSON object. Exit 0 if the log is intact, 1 on any finding.
Format: docs/audit-log-format.md.
"""
import argparse
import base64
import glob
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile

CHECKPOINT = 10
START = 7


def varint(data, i):
    value, shift = 0, 0
    while True:
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, i
        shift += 7


def header_fields(record):
    """The AuditRecord header fields the verifier needs (protobuf wire format)."""
    fields, i = {}, 0
    while i < len(record):
        key, i = varint(record, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(record, i)
        elif wire == 2:
            n, i = varint(record, i)
            value, i = record[i:i + n], i + n
        elif wire == 1:
            value, i = record[i:i + 8], i + 8
        elif wire == 5:
            value, i = record[i:i + 4], i + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        if number in (1, 2, 3, 4, 5, 50):
            fields[number] = value
    return fields


def leaf_hash(record):
    return hashlib.sha256(b"\x00" + record).digest()


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def root(leaves):
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node(root(leaves[:k]), root(leaves[k:]))


def read_records(log_dir):
    paths = sorted(glob.glob(os.path.join(log_dir, "audit-*.log")))
    records = []
    for number, path in enumerate(paths, 1):
        if os.path.basename(path) != f"audit-{number:06d}.log":
            raise ValueError(f"segment {number} is missing")
        data = open(path, "rb").read()
        offset = 0
        while offset < len(data):
            if offset + 4 > len(data):
                raise ValueError(f"{path}: incomplete frame at byte {offset}")
            (n,) = struct.unpack_from("<I", data, offset)
            end = offset + 4 + n + 8
            body = data[offset + 4:offset + 4 + n]
            if n == 0 or end > len(data) or hashlib.sha256(body).digest()[:8] != data[end - 8:end]:
                raise ValueError(f"{path}: bad frame at byte {offset}")
            records.append(body)
            offset = end
    return records


def parse_note(note):
    lines = note.split("\n")
    if len(lines) != 6 or lines[3] or lines[5]:
        raise ValueError("checkpoint is not a signed note")
    origin, size, tree_root = lines[0], int(lines[1]), base64.b64decode(lines[2])
    prefix = "\u2014 " + origin + " "
    if not lines[4].startswith(prefix):
        raise ValueError("checkpoint signature line does not name its origin")
    signed = base64.b64decode(lines[4][len(prefix):])
    body = "\n".join(lines[:3]) + "\n"
    return origin, size, tree_root, signed[:4], signed[4:], body


def verify_signature(pubkey_pem, raw_public_key, origin, key_id, signature, body):
    expected_id = hashlib.sha256(origin.encode() + b"\n\x01" + raw_public_key).digest()[:4]
    if key_id != expected_id:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        open(os.path.join(tmp, "body"), "w").write(body)
        open(os.path.join(tmp, "sig"), "wb").write(signature)
        result = subprocess.run(
            ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pubkey_pem, "-rawin",
             "-in", os.path.join(tmp, "body"), "-sigfile", os.path.join(tmp, "sig")],
            capture_output=True)
        return result.returncode == 0


def raw_public_key(pubkey_pem):
    der = subprocess.run(["openssl", "pkey", "-pubin", "-in", pubkey_pem, "-outform", "DER"],
                         capture_output=True, check=True).stdout
    return der[-32:]


def verify(args):
    records = read_records(args.log)
    raw_key = raw_public_key(args.pubkey) if args.pubkey else None
    leaves, prev, origin, last_time, checkpoints, sealed = [], b"\x00" * 32, None, "", 0, 0
    for i, record in enumerate(records):
        f = header_fields(record)
        if f.get(1, 0) != i:
            raise ValueError(f"record {i} carries seq {f.get(1, 0)}")
        if f.get(2, b"") != prev:
            raise ValueError(f"record {i}: prev_leaf_hash does not match")
        this_origin = f.get(3, b"").decode()
        if i == 0:
            if f.get(4, 0) != START:
                raise ValueError("the log does not begin with START")
            origin = this_origin
        elif this_origin != origin:
            raise ValueError(f"record {i}: another origin")
        time = f.get(5, b"").decode()
        if time < last_time:
            raise ValueError(f"record {i}: time goes back")
        last_time = time
        if f.get(4, 0) == CHECKPOINT:
            c_origin, size, tree_root, key_id, signature, body = parse_note(f.get(50, b"").decode())
            if c_origin != origin or size != i or tree_root != root(leaves):
                raise ValueError(f"record {i}: checkpoint does not match the records before it")
            if raw_key is not None and not verify_signature(args.pubkey, raw_key, c_origin, key_id,
                                                           signature, body):
                raise ValueError(f"record {i}: checkpoint signature does not verify")
            checkpoints, sealed = checkpoints + 1, i
        leaves.append(leaf_hash(record))
        prev = leaves[-1]
    if args.trusted_checkpoint:
        c_origin, size, tree_root, key_id, signature, body = parse_note(
            open(args.trusted_checkpoint).read())
        if raw_key is not None and not verify_signature(args.pubkey, raw_key, c_origin, key_id,
                                                       signature, body):
            raise ValueError("trusted checkpoint signature does not verify")
        if len(leaves) < size:
            raise ValueError("records were cut off before the trusted checkpoint")
        if root(leaves[:size]) != tree_root:
            raise ValueError("the log does not extend the trusted checkpoint")
    return {"ok": True, "records": len(records), "origin": origin,
            "head_leaf_hash": leaves[-1].hex() if leaves else "",
            "checkpoints": checkpoints, "unsealed_records": len(records) - sealed,
            "signatures_checked": raw_key is not None}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--log", required=True)
    parser.add_argument("--pubkey")
    parser.add_argument("--trusted-checkpoint")
    args = parser.parse_args()
    try:
        report = verify(args)
    except (ValueError, IndexError, UnicodeDecodeError) as finding:
        print(json.dumps({"ok": False, "finding": str(finding)}))
        return 1
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
