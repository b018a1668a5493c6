"""Hostile input files, made on demand (nothing binary is committed): what users and attackers bring.

``make_all(folder)`` writes every case and returns ``HostileFile`` records saying what each one is
and what the reader must do with it: refuse it with a Chinese message (``expect="refuse"``) or
read it correctly (``expect="read"``, e.g. GBK text, 10,000 paragraphs, a 50 MB file with photos).
Tests and ``benchmarks/reliability.py`` share these, so the figures and the assertions agree.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.paths import SAMPLES_DIR

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class HostileFile:
    name: str
    what: str  # a short Chinese description for reports
    expect: str  # "refuse" (InputError with a Chinese message) or "read"
    message: str = ""  # a fragment the refusal must contain
    reader: str = "application"  # "application" (review/parse) or "text" (count/material)


def sample_docx_bytes() -> bytes:
    """A genuine 附件2-layout .docx (the bundled sample exported), the seed for mutations."""
    from assistant.application_reader import read_application
    from assistant.docx_io.writer import export_docx

    global _SAMPLE
    if _SAMPLE is None:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "sample.docx"
            export_docx(read_application(SAMPLES_DIR / "sample-application.json"), out)
            _SAMPLE = out.read_bytes()
    return _SAMPLE


_SAMPLE: bytes | None = None


def _blank_docx_members() -> dict[str, bytes]:
    """The parts of python-docx's blank document, so a case only has to supply its own body."""
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    with zipfile.ZipFile(buf) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def docx_with_body(body_xml: str) -> bytes:
    members = _blank_docx_members()
    members["word/document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{_W_NS}"><w:body>{body_xml}</w:body></w:document>'
    ).encode()
    return zip_bytes(members)


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def nested_tables(depth: int) -> str:
    """A table inside a cell inside a table … ``depth`` times (layout tables gone wrong)."""
    xml = _para("最里层")
    for i in range(depth):
        xml = f"<w:tbl><w:tr><w:tc>{_para(f'第{depth - i}层')}{xml}</w:tc></w:tr></w:tbl>{_para('')}"
    return xml


def write_bomb(path: Path, inflated_mb: int = 256) -> None:
    """A small .docx whose document.xml inflates to ``inflated_mb`` MB, written in chunks (bounded memory)."""
    members = _blank_docx_members()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in members.items():
            if name != "word/document.xml":
                zf.writestr(name, data)
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0"?><w:document xmlns:w="{_W_NS}"><w:body><w:p><w:r><w:t>'.encode())
            chunk = b"A" * (1024 * 1024)
            for _ in range(inflated_mb):
                fh.write(chunk)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")


def write_xml_flood(path: Path, xml_mb: int = 40) -> None:
    """Real paragraphs, ``xml_mb`` MB of them: under the total limit, over the per-XML-part limit."""
    members = _blank_docx_members()
    para = _para("产线数据采集与设备联网改造，实施后效率提升。").encode() * 1000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            if name != "word/document.xml":
                zf.writestr(name, data)
        with zf.open("word/document.xml", "w") as fh:
            fh.write(f'<?xml version="1.0"?><w:document xmlns:w="{_W_NS}"><w:body>'.encode())
            for _ in range(xml_mb * 1024 * 1024 // len(para) + 1):
                fh.write(para)
            fh.write(b"</w:body></w:document>")


def lying_bomb() -> bytes:
    """A bomb whose zip directory claims document.xml is 2 KB while it inflates to 64 MB."""
    members = _blank_docx_members()
    members["word/document.xml"] = b"<w:document>" + b" " * (64 * 1024 * 1024) + b"</w:document>"
    raw = bytearray(zip_bytes(members))
    name = b"word/document.xml"
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (i := raw.find(sig, start)) >= 0:
            name_at = i + (30 if sig == b"PK\x03\x04" else 46)
            if raw[name_at : name_at + len(name)] == name:
                raw[i + size_at : i + size_at + 4] = (2048).to_bytes(4, "little")
            start = i + 4
    return bytes(raw)


def long_application(paragraphs: int = 10_000) -> bytes:
    """The genuine sample with ``paragraphs`` more paragraphs in its last scene's 成效: a 申报书 gone long."""
    with zipfile.ZipFile(io.BytesIO(sample_docx_bytes())) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    xml = members["word/document.xml"].decode()
    extra = "".join(_para(f"补充说明第{i}段：设备联网率由60%提升至95%。") for i in range(paragraphs))
    heading = xml.rfind("（5）经济性和可推广性")
    at = max(xml.rfind("<w:p>", 0, heading), xml.rfind("<w:p ", 0, heading))
    members["word/document.xml"] = (xml[:at] + extra + xml[at:]).encode()
    return zip_bytes(members)


def _ole(stream_names: list[str], size: int = 4096) -> bytes:
    """Enough of an OLE/CFB compound file to be recognised: the magic and directory entry names."""
    names = b"".join(n.encode("utf-16-le") + b"\0\0" for n in stream_names)
    body = OLE_MAGIC + b"\0" * 504 + names
    return body + b"\0" * max(0, size - len(body))


def _encrypted_zip() -> bytes:
    """A zip whose members carry the 'encrypted' flag (what some tools write for a password)."""
    raw = bytearray(zip_bytes({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}))
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        start = 0
        while (i := raw.find(sig, start)) >= 0:
            flag_at = i + (6 if sig == b"PK\x03\x04" else 8)
            raw[flag_at] |= 0x01
            start = i + 4
    return bytes(raw)


def _pdf(encrypted: bool = False) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if encrypted:
        writer.encrypt("密码123")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _big_docx(path: Path, total_mb: int = 50) -> None:
    """A real document carrying ~``total_mb`` MB of incompressible 'photos' (many 申报书 do)."""
    with zipfile.ZipFile(io.BytesIO(sample_docx_bytes())) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename), zipfile.ZIP_DEFLATED)
        rng = random.Random(8)
        per = 4 * 1024 * 1024
        for i in range(max(1, (total_mb * 1024 * 1024 - len(sample_docx_bytes())) // per)):
            dst.writestr(f"word/media/photo{i}.jpg", rng.randbytes(per), zipfile.ZIP_STORED)


def _too_big(path: Path, mb: int = 51) -> None:
    with path.open("wb") as fh:
        fh.truncate(mb * 1024 * 1024)  # sparse: costs no disk, still "51 MB" to the reader
        fh.seek(0)
        fh.write("超大文本".encode())


GBK_TEXT = "江西某铸造公司：一次合格率由92.5%提升至98.1%，年节约成本120万元。"


def _cases() -> list[tuple[HostileFile, Callable[[Path], None]]]:
    sample = sample_docx_bytes

    def data(b: Callable[[], bytes] | bytes) -> Callable[[Path], None]:
        return lambda p: p.write_bytes(b() if callable(b) else b)

    many = "".join(_para(f"第{i}段：产线数据采集与设备联网改造，实施后效率提升。") for i in range(10_000))
    return [
        (HostileFile("truncated.docx", "截断的 .docx", "refuse", ".docx"), data(lambda: sample()[:5000])),
        (
            HostileFile("corrupt.docx", "中间字节损坏的 .docx", "refuse", "损坏"),
            data(lambda: _corrupt(sample())),
        ),
        (HostileFile("bomb.docx", "zip 炸弹（document.xml 解压 256 MB）", "refuse", "解压后"), write_bomb),
        (
            HostileFile("xml-40mb.docx", "document.xml 解压 40 MB（真实段落）", "refuse", "解压后"),
            write_xml_flood,
        ),
        (
            HostileFile("lying-bomb.docx", "zip 目录谎报大小的炸弹（2 KB → 64 MB）", "refuse", "损坏"),
            data(lying_bomb),
        ),
        (
            HostileFile("encrypted.docx", "有密码保护的 .docx（Office 写成 OLE）", "refuse", "密码"),
            data(lambda: _ole(["Root Entry", "EncryptionInfo", "EncryptedPackage"])),
        ),
        (
            HostileFile("encrypted-zip.docx", "zip 加密标志的 .docx", "refuse", "密码"),
            data(_encrypted_zip),
        ),
        (
            HostileFile("old-word.docx", ".doc 改名为 .docx（内容残缺）", "refuse", "LibreOffice"),
            data(lambda: _ole(["Root Entry", "WordDocument", "1Table"])),
        ),
        (
            HostileFile("wps.docx", ".wps 改名为 .docx（内容残缺）", "refuse", "LibreOffice"),
            data(lambda: _ole(["Root Entry", "WpsCustomData", "WordDocument"])),
        ),
        (
            HostileFile("old.doc", "旧版 .doc（内容残缺）", "refuse", "LibreOffice"),
            data(lambda: _ole(["WordDocument"])),
        ),
        (HostileFile("empty.docx", "空 .docx（0 字节）", "refuse", "空"), data(b"")),
        (HostileFile("empty.md", "空 .md", "refuse", "空"), data(b"")),
        (
            HostileFile("html.docx", "网页改名为 .docx", "refuse", "不是有效的 .docx"),
            data("<html><body>申报书</body></html>".encode()),
        ),
        (
            HostileFile("xlsx.docx", "其他 Office 文件改名为 .docx", "refuse", "不是 Word 文档"),
            data(lambda: zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"})),
        ),
        (
            HostileFile("bad-xml.docx", "document.xml 不是合法 XML", "refuse", "无法解析"),
            data(lambda: docx_with_body("<w:p><w:r><w:t>未闭合")),
        ),
        (
            HostileFile("nested-100.docx", "表格嵌套 100 层", "refuse", "嵌套"),
            data(lambda: docx_with_body(nested_tables(100))),
        ),
        (
            HostileFile("nested-40.docx", "表格嵌套 40 层", "refuse", "嵌套"),
            data(lambda: docx_with_body(nested_tables(40))),
        ),
        (
            HostileFile(
                "paragraphs-10000.docx", "10,000 个段落（非申报书）", "refuse", "不是先进级智能工厂申报书"
            ),
            data(lambda: docx_with_body(many)),
        ),
        (
            HostileFile("paragraphs-10000-text.docx", "10,000 个段落（读文字）", "read", reader="text"),
            data(lambda: docx_with_body(many)),
        ),
        (
            HostileFile("long-application.docx", "10,000 个段落的申报书", "read"),
            data(long_application),
        ),
        (HostileFile("big-50mb.docx", "约 50 MB 的 .docx（48 MiB 照片）", "read"), _big_docx),
        (HostileFile("too-big.txt", "51 MB 的 .txt", "refuse", "文件过大", reader="text"), _too_big),
        (HostileFile("gbk.txt", "GBK 编码的 .txt", "read", reader="text"), data(GBK_TEXT.encode("gbk"))),
        (
            HostileFile("binary.txt", "二进制内容改名为 .txt", "refuse", "不是文本文件", reader="text"),
            data(bytes(range(256)) * 64),
        ),
        (
            HostileFile("deep.json", "嵌套 10 万层的 JSON", "refuse", "JSON"),
            data(b"[" * 100_000 + b"]" * 100_000),
        ),
        (
            HostileFile("bad.json", "不完整的 JSON", "refuse", "JSON"),
            data(b'{"project_name": "x", "scenes": ['),
        ),
        (
            HostileFile("encrypted.pdf", "加密的 PDF", "refuse", "加密", reader="text"),
            data(lambda: _pdf(encrypted=True)),
        ),
        (
            HostileFile("truncated.pdf", "截断的 PDF", "refuse", "PDF", reader="text"),
            data(lambda: _pdf()[:200]),
        ),
    ]


def _corrupt(data: bytes) -> bytes:
    """Overwrite a stretch in the middle: the zip directory survives, member data does not."""
    raw = bytearray(data)
    mid = len(raw) // 3
    raw[mid : mid + 400] = random.Random(3).randbytes(400)
    return bytes(raw)


def make_all(folder: Path, only: set[str] | None = None) -> list[tuple[HostileFile, Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for case, write in _cases():
        if only is not None and case.name not in only:
            continue
        path = folder / case.name
        write(path)
        made.append((case, path))
    return made


def case_names() -> list[str]:
    return [case.name for case, _ in _cases()]


def read_case(case: HostileFile, path: Path):
    """What the product does with the file: the 申报书 reader, or the plain-text reader."""
    if case.reader == "text":
        from assistant.readers import read_text

        return read_text(path)
    from assistant.application_reader import read_application

    return read_application(path)


# ---- mutators for fuzzing (tests/test_reliability.py drives them with hypothesis, the benchmark with
# a seeded random generator) ----------------------------------------------------------------------------------

_VALUES = ["0", "-3", "x", "", "99999999999", "restart", "continue", "Heading1", "标题 2", "true", "8", "1.5"]
_TEXTS = [
    "☑",
    "□■",
    "（4）已实施成效：",
    "三、场景化建设情况",
    "一、申报主体基本情况",
    "9" * 40,
    "\t",
    "生产作业",
]


def sample_members() -> dict[str, bytes]:
    """The parts of the genuine sample .docx by name (the seed of the document.xml mutator)."""
    with zipfile.ZipFile(io.BytesIO(sample_docx_bytes())) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


_READ_ATTRIBUTES = {"gridSpan", "vMerge", "gridBefore", "outlineLvl", "pStyle", "b", "styleId", "default"}
XML_OPS = ["delete", "duplicate", "move", "attribute", "text", "raw"]


def mutate_xml(xml: bytes, edits: list[tuple[str, float, float, int]]) -> bytes:
    from lxml import etree

    root = etree.fromstring(xml)
    raw_edits = []
    for op, where, other, pick in edits:
        elements = list(root.iter())[1:]
        if not elements:
            break
        target = elements[int(where * (len(elements) - 1))]
        parent = target.getparent()
        if op == "delete" and parent is not None:
            parent.remove(target)
        elif op == "duplicate" and parent is not None:
            from copy import deepcopy

            parent.insert(parent.index(target), deepcopy(target))
        elif op == "move" and parent is not None:
            destination = elements[int(other * (len(elements) - 1))]
            if target not in destination.iterancestors() and destination is not target:
                parent.remove(target)
                destination.append(target)
        elif op == "attribute":
            # Mostly the attributes the readers interpret (spans, merges, styles), else any element's.
            special = [e for e in elements if etree.QName(e).localname in _READ_ATTRIBUTES]
            if special and pick % 4:
                target = special[int(other * (len(special) - 1))]
            target.set(f"{{{_W_NS}}}val", _VALUES[pick % len(_VALUES)])
        elif op == "text":
            target.text = _TEXTS[pick % len(_TEXTS)]
        else:
            raw_edits.append((other, pick))
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    for other, pick in raw_edits:  # a few byte-level breaks too: not every broken file is well-formed
        at = int(other * len(data))
        data = data[:at] + b'<>&"\x00'[pick % 5 : pick % 5 + 1] + data[at + 1 :]
    return data


def mutate_bytes(data: bytes, edits: list[tuple[int, bytes]], cut: int | None = None) -> bytes:
    """Overwrite stretches of ``data`` and optionally truncate it: what disks, mail and USB sticks do."""
    raw = bytearray(data)
    for at, chunk in edits:
        at %= len(raw)
        raw[at : at + len(chunk)] = chunk
    if cut is not None:
        raw = raw[: cut % (len(raw) + 1)]
    return bytes(raw)


def random_byte_edits(rng: random.Random) -> tuple[list[tuple[int, bytes]], int | None]:
    edits = [(rng.randrange(60_000), rng.randbytes(rng.randint(1, 16))) for _ in range(rng.randint(0, 8))]
    return edits, (rng.randrange(60_000) if rng.random() < 0.3 else None)


def random_xml_edits(rng: random.Random) -> list[tuple[str, float, float, int]]:
    return [
        (rng.choice(XML_OPS), rng.random(), rng.random(), rng.randrange(1000))
        for _ in range(rng.randint(1, 20))
    ]


if __name__ == "__main__":  # python -m testkit.hostile_files <folder>: write them all to look at
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")
    for case, path in make_all(target):
        print(f"{path}\t{os.path.getsize(path)} B\t{case.what}")
