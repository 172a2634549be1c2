#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora from the conformance suites.

Every request of specs/*.yaml becomes seed input: the bytes each case sends
(session_fuzzer), the same without the steps that begin with a command the
protocol model does not cover and with clock steps as `debugtime`
(differential_fuzzer), each request line (parser_fuzzer), each datagram and each
short TCP request framed as a datagram (udp_fuzzer), and the suite files
themselves (suite_loader_fuzzer). Files are named by the SHA-1 of their
bytes, as libFuzzer names them. Run it after changing the suites:
    python3 ci/make-corpus.py   (needs PyYAML)
"""
import hashlib
import pathlib
import re
import shutil

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
CORPUS = ROOT / "corpus"
# The commands reference/request_model.h answers.
MODELLED = {b"set", b"add", b"replace", b"append", b"prepend", b"cas", b"get", b"gets", b"gat",
            b"gats", b"incr", b"decr", b"delete", b"touch", b"flush_all", b"verbosity",
            b"version"}


def decode(text):
    """mcconform's byte escapes; placeholders become plausible values."""
    text = text.replace("${ns}", "c00000000:")
    text = re.sub(r"\$\{[a-z_]+\}", "1", text)
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            e = text[i + 1]
            simple = {"r": b"\r", "n": b"\n", "t": b"\t", "0": b"\0", "\\": b"\\", "$": b"$"}
            if e in simple:
                out += simple[e]
                i += 2
                continue
            if e == "x":
                out.append(int(text[i + 2:i + 4], 16))
                i += 4
                continue
        out += c.encode("latin-1", errors="replace")
        i += 1
    return bytes(out)


def seconds_of(duration):
    """A suite's clock step ("10s", "43199m") in seconds."""
    return int(duration[:-1]) * {"s": 1, "m": 60, "h": 3600}[duration[-1]]


def write(target, data):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main():
    for target in ("session_fuzzer", "differential_fuzzer", "parser_fuzzer", "udp_fuzzer",
                   "suite_loader_fuzzer"):
        shutil.rmtree(CORPUS / target, ignore_errors=True)
    header = b"\x00\x01\x00\x00\x00\x01\x00\x00"
    for index, path in enumerate(sorted(SPECS.glob("*.yaml"))):
        write("suite_loader_fuzzer", path.read_bytes())
        suite = yaml.safe_load(path.read_text())
        for number, case in enumerate(suite.get("cases", [])):
            stream = bytearray()
            modelled = bytearray()
            for step in case.get("steps", []):
                if "send" in step:
                    data = decode(str(step["send"]))
                    stream += data
                    words = data.split(b"\n", 1)[0].split()
                    if words and words[0] in MODELLED:
                        modelled += data
                    for line in data.split(b"\n"):
                        if line:
                            write("parser_fuzzer", line.rstrip(b"\r"))
                    if len(data) < 0x7FFF:
                        write("udp_fuzzer", len(header + data).to_bytes(2, "big") + header + data)
                if "advance" in step:
                    seconds = seconds_of(str(step["advance"]))
                    while seconds > 0:  # the model covers debugtime up to 6 digits
                        modelled += b"debugtime %d\r\n" % min(seconds, 999999)
                        seconds -= min(seconds, 999999)
                if "datagram" in step:
                    data = decode(str(step["datagram"]))
                    write("udp_fuzzer", len(data).to_bytes(2, "big") + data)
            if stream:
                lru = bytes([(index + number) & 0xFF])  # both LRUs, various cuttings
                write("session_fuzzer", lru + bytes(stream))
            if modelled:
                write("differential_fuzzer", lru + bytes(modelled))


if __name__ == "__main__":
    main()
