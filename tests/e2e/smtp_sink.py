#!/usr/bin/python3
"""A real SMTP server on 127.0.0.1 for tests (Debian's python3-aiosmtpd).

Stores every accepted message raw (bytes exactly as received after
dot-unstuffing) as DIR/NNNN.eml, with DIR/NNNN.json holding the envelope
(mail_from, rcpt_tos). Prints "PORT <n>" on stdout once listening, then
serves until killed.

Fault modes (--mode):
  accept         accept everything (default)
  refuse         nothing listens on the port: connections are refused
  tempfail       reply "421 4.3.2 Try again later" to the first --count DATA
                 commands (then the server closes the connection), accept later
  reject         reply "550 5.7.1 Rejected" at the end of DATA
  reject-rcpt    reply "550 5.1.1 No such user" to RCPT TO
  drop           drop the connection in the middle of DATA for the first
                 --count messages (after reading a few lines), accept later

usage: smtp_sink.py --dir DIR [--mode MODE] [--count N] [--port P]
"""
import argparse
import asyncio
import json
import os
import socket
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory, mode, count):
        self.directory = directory
        self.mode = mode
        self.remaining_faults = count
        self.stored = 0

    def fault_now(self):
        if self.remaining_faults > 0:
            self.remaining_faults -= 1
            return True
        return False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "reject-rcpt":
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "tempfail" and self.fault_now():
            return "421 4.3.2 Try again later"
        if self.mode == "reject":
            return "550 5.7.1 Rejected"
        self.stored += 1
        base = os.path.join(self.directory, "%04d" % self.stored)
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
        os.rename(base + ".tmp", base + ".eml")
        return "250 2.0.0 Stored"


class DroppingSMTP(SMTP):
    """Closes the connection after a few lines of DATA while faults remain."""

    async def smtp_DATA(self, arg):
        if self.event_handler.mode == "drop" and self.event_handler.fault_now():
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            for _ in range(3):
                await self._reader.readline()
            self.transport.abort()
            return
        await super().smtp_DATA(arg)


class SinkController(Controller):
    def factory(self):
        return DroppingSMTP(self.handler, decode_data=False, data_size_limit=16 * 1024 * 1024)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--mode", default="accept",
                        choices=["accept", "refuse", "tempfail", "reject", "reject-rcpt", "drop"])
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)

    if args.mode == "refuse":
        # Reserve a free port, then close it: connecting is refused.
        probe = socket.socket()
        probe.bind(("127.0.0.1", args.port))
        port = probe.getsockname()[1]
        probe.close()
        print("PORT %d" % port, flush=True)
        asyncio.run(asyncio.Event().wait())
        return

    port = args.port
    if port == 0:
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
    controller = SinkController(Sink(args.dir, args.mode, args.count),
                                hostname="127.0.0.1", port=port)
    controller.start()
    print("PORT %d" % port, flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
