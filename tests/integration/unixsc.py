"""A tiny client of the command socket, framed as Suricata's suricatasc
(protocol 0.2): the version message without a newline, then one JSON
command per line; every answer ends with a newline.

    python3 unixsc.py SOCKET COMMAND [KEY=VALUE ...]

prints the answer as JSON and exits 0 for "OK", 1 for "NOK".
"""
import json
import socket
import sys


def recv_answer(s):
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(1024)
        if not chunk:
            raise SystemExit("connection closed before the answer ended")
        data += chunk
    return json.loads(data.decode("iso-8859-1"))


def main():
    path, cmd = sys.argv[1], sys.argv[2]
    args = dict(a.split("=", 1) for a in sys.argv[3:])
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(20)
    s.connect(path)
    s.send(json.dumps({"version": "0.2"}).encode())
    hello = recv_answer(s)
    assert hello["return"] == "OK", hello
    listing = {"command": "command-list"}
    s.send((json.dumps(listing) + "\n").encode())
    cl = recv_answer(s)
    assert cl["return"] == "OK" and "version" in cl["message"]["commands"], cl
    msg = {"command": cmd}
    if args:
        msg["arguments"] = args
    s.send((json.dumps(msg) + "\n").encode())
    ans = recv_answer(s)
    print(json.dumps(ans))
    return 0 if ans["return"] == "OK" else 1


sys.exit(main())
