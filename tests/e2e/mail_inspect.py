#!/usr/bin/python3
"""Parses raw RFC 5322 messages with Python's email package (policy=default)
and prints what a mail client would see, as JSON, for the C++ tests.

usage: mail_inspect.py FILE...   -> one JSON list, one object per file
"""
import email
import email.policy
import json
import sys


def inspect(path):
    with open(path, "rb") as f:
        raw = f.read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    parts = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        parts.append({
            "content_type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "transfer_encoding": part.get("Content-Transfer-Encoding"),
            "content": part.get_content(),
        })
    defects = [type(d).__name__ for d in msg.defects]
    for part in msg.walk():
        defects += [type(d).__name__ for d in part.defects]
    lines = raw.split(b"\r\n")
    return {
        "subject": str(msg["subject"]),
        "from": str(msg["from"]),
        "to": str(msg["to"]),
        "date": str(msg["date"]),
        "message_id": str(msg["message-id"]),
        "content_type": msg.get_content_type(),
        "header_names": [k for k in msg.keys()],
        "bcc": msg.get_all("bcc"),
        "parts": parts,
        "defects": defects,
        "bare_lf_or_cr": any(b"\n" in line or b"\r" in line for line in lines),
        "max_line": max(len(line) for line in lines),
    }


print(json.dumps([inspect(p) for p in sys.argv[1:]], ensure_ascii=False))
