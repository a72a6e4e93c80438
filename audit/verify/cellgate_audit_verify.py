#!/usr/bin/env python3
"""Second, independent verifier of a cellgate audit log, for the DPO.

Needs only python3 and the openssl command (for Ed25519). It shares no code
with cellgate-audit-verify; CI runs both on the same logs and compares their
verdicts and the kinds of their findings. It needs no decryption: the detail
blobs are checked against the hashes in the record headers.

    cellgate_audit_verify.py --log DIR [--origin ORIGIN] [--pubkey PEM]
                             [--trusted-checkpoint FILE]

--pubkey is the first signing key, which the DPO pins; key rotations
(KEY_ROTATION records) are followed from it. Prints one JSON object. Exit 0
if the log is intact, 1 on any finding. Format: docs/audit-log-format.md.
"""
import argparse
import base64
import binascii
import hashlib
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

KEY_ROTATION, START, CHECKPOINT, RETENTION_REDACTION = 5, 7, 10, 12
IDENTITY, CONTENT = 1, 2
KIND_NAMES = {IDENTITY: "identity", CONTENT: "content"}
MAX_RECORD = 64 << 20
# SubjectPublicKeyInfo of an Ed25519 key, before its 32 raw bytes (RFC 8410).
ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")


class Finding(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def varint(data, i):
    value, shift = 0, 0
    while True:
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, i
        shift += 7


def fields_of(message):
    """Field number -> list of values (ints or bytes), protobuf wire format."""
    fields, i = {}, 0
    while i < len(message):
        key, i = varint(message, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(message, i)
        elif wire == 2:
            n, i = varint(message, i)
            if i + n > len(message):
                raise ValueError("field runs past the end")
            value, i = message[i:i + n], i + n
        elif wire == 1:
            value, i = message[i:i + 8], i + 8
        elif wire == 5:
            value, i = message[i:i + 4], i + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        fields.setdefault(number, []).append(value)
    return fields


def one(fields, number, default):
    return fields.get(number, [default])[-1]


def text(fields, number):
    return one(fields, number, b"").decode()


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


def encode_frame(body):
    return struct.pack("<I", len(body)) + body + hashlib.sha256(body).digest()[:8]


def intact_frame(data, offset):
    """Length of the intact frame at `offset`, or 0."""
    if offset + 12 > len(data):
        return 0
    (n,) = struct.unpack_from("<I", data, offset)
    end = offset + 4 + n + 8
    if n == 0 or n > MAX_RECORD or end > len(data):
        return 0
    body = data[offset + 4:offset + 4 + n]
    return end - offset if hashlib.sha256(body).digest()[:8] == data[end - 8:end] else 0


def torn_looking(rest):
    """True if bytes that are no intact frame look like an unfinished append."""
    if len(rest) < 4:
        return True
    (n,) = struct.unpack_from("<I", rest, 0)
    if n == 0:
        return not any(rest)
    if n > MAX_RECORD:
        return False
    return 4 + n + 8 >= len(rest)


def scan_segment(data, path):
    """Records of a segment, and the bytes of a torn tail (0 if none)."""
    records, offset = [], 0
    while offset < len(data):
        n = intact_frame(data, offset)
        if n:
            records.append(data[offset + 4:offset + n - 8])
            offset += n
            continue
        rest = data[offset:]
        if not torn_looking(rest) or any(intact_frame(data, offset + k) for k in range(1, len(rest))):
            raise Finding("damaged", f"{path}: damaged frame at byte {offset}")
        return records, len(rest)
    return records, 0


def read_records(log_dir):
    names = sorted(n for n in os.listdir(log_dir) if n.startswith("audit-") and n.endswith(".log"))
    records, torn = [], 0
    for number, name in enumerate(names, 1):
        if not re.fullmatch(r"audit-\d{6}\.log", name) or int(name[6:12]) < 1:
            raise Finding("damaged", f"unexpected file {name} among the audit segments")
        if name != f"audit-{number:06d}.log":
            raise Finding("missing", f"segment audit-{number:06d}.log is missing")
        with open(os.path.join(log_dir, name), "rb") as f:
            segment, torn = scan_segment(f.read(), name)
        if torn and number != len(names):
            raise Finding("damaged", f"{name}: unreadable bytes at the end of a closed segment")
        records.extend(segment)
    return records, torn


def parse_note(note):
    lines = note.split("\n")
    if len(lines) != 6 or lines[3] or lines[5] or not lines[0]:
        raise ValueError("checkpoint is not a signed note of three lines")
    origin, size_text = lines[0], lines[1]
    if not size_text.isdigit() or str(int(size_text)) != size_text:
        raise ValueError("checkpoint size is not a decimal number")
    tree_root = base64.b64decode(lines[2], validate=True)
    prefix = "\u2014 " + origin + " "
    if len(tree_root) != 32 or not lines[4].startswith(prefix):
        raise ValueError("checkpoint root or signature line is malformed")
    signed = base64.b64decode(lines[4][len(prefix):], validate=True)
    if len(signed) != 68:
        raise ValueError("checkpoint signature is not a key id and a signature")
    body = "\n".join(lines[:3]) + "\n"
    return origin, int(size_text), tree_root, signed[:4], signed[4:], body


def signed_by(raw_key, note):
    """True if the note parsed by parse_note is signed by the raw Ed25519 key."""
    origin, _, _, key_id, signature, body = note
    if key_id != hashlib.sha256(origin.encode() + b"\n\x01" + raw_key).digest()[:4]:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        paths = {name: os.path.join(tmp, name) for name in ("key", "body", "sig")}
        for name, data in (("key", ED25519_SPKI_PREFIX + raw_key), ("body", body.encode()),
                           ("sig", signature)):
            with open(paths[name], "wb") as f:
                f.write(data)
        result = subprocess.run(
            ["openssl", "pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", paths["key"],
             "-rawin", "-in", paths["body"], "-sigfile", paths["sig"]], capture_output=True)
        return result.returncode == 0


def raw_public_key(pubkey_pem):
    der = subprocess.run(["openssl", "pkey", "-pubin", "-in", pubkey_pem, "-outform", "DER"],
                         capture_output=True, check=True).stdout
    return der[-32:]


class Keys:
    """The signing key in force, followed through the rotations."""

    def __init__(self, pinned):
        self.check = pinned is not None
        self.current, self.next, self.rotation, self.sealed = pinned, None, 0, False
        self.rotations, self.epochs = 0, [(0, pinned)] if pinned else []

    def on_rotation(self, i, rotation):
        previous, new = one(rotation, 1, b""), one(rotation, 2, b"")
        if len(previous) != 32 or len(new) != 32:
            raise Finding("forged", f"record {i}: the key rotation does not carry two keys")
        if self.next is not None:
            raise Finding("forged", f"record {i}: a key rotation begins before the last one was "
                                    "confirmed")
        if self.current is not None and previous != self.current:
            raise Finding("forged", f"record {i}: the key rotation names a previous key that is "
                                    "not the key in force")
        self.next, self.rotation, self.sealed = new, i, False

    def on_checkpoint(self, i, note):
        if self.next is None:
            self.verify(i, note, self.current, "bad_signature")
        elif not self.sealed:
            self.verify(i, note, self.current, "bad_signature")
            self.sealed = True
        else:
            self.verify(i, note, self.next, "forged")
            self.current, self.next = self.next, None
            self.rotations += 1
            if self.check:
                self.epochs.append((i, self.current))

    def verify(self, i, note, key, kind):
        if self.check and not signed_by(key, note):
            raise Finding(kind, f"record {i}: checkpoint signature does not verify under the key "
                                "in force")


def verify_chain(records, expected_origin, keys):
    leaves, prev, origin, last_time, checkpoints, sealed = [], b"\x00" * 32, None, "", 0, 0
    parsed = []
    for i, record in enumerate(records):
        try:
            parsed.append(fields_of(record))
        except (ValueError, IndexError) as error:
            raise Finding("damaged", f"record {i} is not an AuditRecord ({error})")
    for i, f in enumerate(parsed):
        seq = one(f, 1, 0)
        if seq != i:
            later = any(one(g, 1, 0) == i for g in parsed[i + 1:])
            kind = "reordered" if later else ("inserted" if seq < i else "missing")
            raise Finding(kind, f"record {i} carries seq {seq}")
        if one(f, 2, b"") != prev:
            raise Finding("changed", f"record {i}: prev_leaf_hash does not match")
        this_origin = text(f, 3)
        if i == 0:
            if one(f, 4, 0) != START or not this_origin:
                raise Finding("forged", "the log does not begin with START and its origin")
            origin = this_origin
            if expected_origin and origin != expected_origin:
                raise Finding("forged", f"log origin {origin!r}, expected {expected_origin!r}")
        elif this_origin != origin:
            raise Finding("forged", f"record {i}: another origin")
        time = text(f, 5)
        if time < last_time:
            raise Finding("changed", f"record {i}: time goes back")
        last_time = time
        if one(f, 4, 0) == KEY_ROTATION and 62 in f:
            keys.on_rotation(i, fields_of(one(f, 62, b"")))
        if one(f, 4, 0) == CHECKPOINT:
            try:
                note = parse_note(text(f, 50))
            except (ValueError, binascii.Error) as error:
                raise Finding("changed", f"record {i}: {error}")
            if note[0] != origin:
                raise Finding("forged", f"record {i}: checkpoint of another origin")
            if note[1] != i or note[2] != root(leaves):
                raise Finding("changed", f"record {i}: checkpoint does not match the records "
                                         "before it")
            keys.on_checkpoint(i, note)
            checkpoints, sealed = checkpoints + 1, i
        leaves.append(leaf_hash(records[i]))
        prev = leaves[-1]
    return parsed, leaves, origin, checkpoints, sealed


def check_trusted(path, leaves, keys):
    with open(path) as f:
        note = parse_note(f.read())
    key = None
    for from_seq, epoch_key in keys.epochs:
        if from_seq <= note[1]:
            key = epoch_key
    if len(leaves) < note[1]:
        raise Finding("truncated", "records were cut off before the trusted checkpoint")
    if key is not None and not signed_by(key, note):
        raise Finding("bad_signature", "trusted checkpoint signature does not verify")
    if root(leaves[:note[1]]) != note[2]:
        raise Finding("rolled_back", "the log does not extend the trusted checkpoint")


def year_of(time):
    if len(time) < 5 or time[4] != "-" or not time[:4].isdigit():
        raise Finding("unreadable", f"time {time!r} does not begin with a year")
    return int(time[:4])


def file_name(kind, year):
    return f"details/{KIND_NAMES[kind]}-{year:04d}.blobs"


def check_redactions(parsed):
    redactions, rules = {}, []
    for seq, f in enumerate(parsed):
        if one(f, 4, 0) != RETENTION_REDACTION:
            continue
        r = fields_of(one(f, 63, b""))
        kind, period = one(r, 1, 0), text(r, 2)
        if not (len(period) == 4 and period.isdigit() and kind in KIND_NAMES
                and text(r, 3) == file_name(kind, int(period))):
            raise Finding("forged", f"the redaction at record {seq} names no detail file")
        written = text(f, 5)
        if not re.match(r"\d{4}-", written) or int(period) >= int(written[:4]):
            raise Finding("forged", f"the redaction at record {seq} deletes a year not over")
        if (kind, int(period)) in redactions:
            raise Finding("forged", f"the redaction at record {seq} deletes a file twice")
        redactions[(kind, int(period))] = (seq, one(r, 4, 0), one(r, 5, 0))
        rules.append(text(r, 8))
    return redactions, rules


def check_file(log_dir, name, refs, summary):
    """The (seq, Finding) of the first bad detail of a file, or None."""
    path = os.path.join(log_dir, name)
    if not os.path.exists(path):
        return refs[0][0], Finding("missing_detail", f"record {refs[0][0]}: {name} is missing")
    with open(path, "rb") as f:
        data = f.read()
    expected = 0
    for seq, ref in refs:
        offset, length = one(ref, 4, 0), one(ref, 3, 0)
        if offset != expected:
            return seq, Finding("forged", f"record {seq}: detail out of place in {name}")
        if offset + 4 + length + 8 > len(data):
            return seq, Finding("missing_detail", f"record {seq}: {name} is cut before its detail")
        blob = data[offset + 4:offset + 4 + length]
        if (data[offset:offset + 4 + length + 8] != encode_frame(blob)
                or hashlib.sha256(blob).digest() != one(ref, 2, b"")):
            return seq, Finding("changed_detail", f"record {seq}: its detail in {name} was changed")
        summary["checked"] += 1
        summary["unencrypted"] += blob[:1] != b"\x01"
        expected += 4 + length + 8
    summary["tail_bytes"] += len(data) - expected
    return None


def verify_details(log_dir, parsed):
    redactions, rules = check_redactions(parsed)
    summary = {"checked": 0, "redacted": 0, "unencrypted": 0, "tail_bytes": 0,
               "redaction_rules": rules}
    files = {}
    for seq, f in enumerate(parsed):
        if 60 not in f:
            continue
        year = year_of(text(f, 5))
        for ref in map(fields_of, f[60]):
            kind, length = one(ref, 1, 0), one(ref, 3, 0)
            if kind not in KIND_NAMES or not 0 < length <= MAX_RECORD or len(one(ref, 2, b"")) != 32:
                raise Finding("forged", f"record {seq} names a malformed detail")
            if (kind, year) in redactions:
                redaction_seq, first, last = redactions[(kind, year)]
                if seq > redaction_seq or not first <= seq <= last:
                    raise Finding("forged", f"record {seq}: detail outside its redaction")
                summary["redacted"] += 1
                continue
            files.setdefault((kind, year), []).append((seq, ref))
    found = [check_file(log_dir, file_name(*key), files[key], summary) for key in sorted(files)]
    found = [x for x in found if x is not None]
    if found:
        raise min(found, key=lambda x: x[0])[1]
    details_dir = os.path.join(log_dir, "details")
    for name in sorted(os.listdir(details_dir)) if os.path.isdir(details_dir) else []:
        match = re.fullmatch(r"(identity|content)-(\d{4})\.blobs", name)
        if not match or not os.path.isfile(os.path.join(details_dir, name)):
            raise Finding("damaged", f"unexpected file {name} among the detail files")
        key = (IDENTITY if match.group(1) == "identity" else CONTENT, int(match.group(2)))
        if key not in files and key not in redactions:
            summary["tail_bytes"] += os.path.getsize(os.path.join(details_dir, name))
    return summary


def verify(args):
    records, torn = read_records(args.log)
    keys = Keys(raw_public_key(args.pubkey) if args.pubkey else None)
    parsed, leaves, origin, checkpoints, sealed = verify_chain(records, args.origin, keys)
    if args.trusted_checkpoint:
        check_trusted(args.trusted_checkpoint, leaves, keys)
    if torn:
        raise Finding("torn_tail", f"the last segment ends in a torn tail of {torn} bytes")
    details = verify_details(args.log, parsed)
    return {"ok": True, "records": len(records), "origin": origin,
            "head_leaf_hash": leaves[-1].hex() if leaves else "",
            "checkpoints": checkpoints, "unsealed_records": len(records) - sealed,
            "signatures_checked": keys.check, "signing_key_rotations": keys.rotations,
            "details": details}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--log", required=True)
    parser.add_argument("--origin", default="")
    parser.add_argument("--pubkey")
    parser.add_argument("--trusted-checkpoint")
    args = parser.parse_args()
    try:
        report = verify(args)
    except Finding as finding:
        print(json.dumps({"ok": False, "finding": str(finding), "finding_kind": finding.kind}))
        return 1
    except (ValueError, IndexError, UnicodeDecodeError, OSError) as error:
        print(json.dumps({"ok": False, "finding": str(error), "finding_kind": "unreadable"}))
        return 1
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
