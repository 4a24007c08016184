"""OFD (GB/T 33190, the national e-document format): text objects from the page XML, read with lxml.

An OFD file is a zip: OFD.xml names the document (DocRoot), Document.xml lists the pages,
and each page's Content.xml holds TextObject elements (Boundary "x y w h" in mm) with
TextCode runs (X, Y from the object's origin, DeltaX the advance of each glyph). Tables
are drawn as lines with the text placed in between, so the pages go through the same
box-to-table rebuilding as OCR.
"""
from __future__ import annotations

import posixpath
import zipfile
from io import BytesIO

from bot.errors import DubanError
from bot.ingest.blocks import Block
from bot.ingest.layout import Box, box_page, page_blocks

MAX_UNPACKED = 50 * 1024 * 1024  # the XML parts together; a larger total is a zip bomb, not a task list
MAX_PAGES = 200
_A4_HEIGHT = 297.0


def _broken(name: str, what: str) -> DubanError:
    return DubanError(f"{name}: OFD 文件已损坏（{what}）。请用 OFD 阅读器（如数科阅读器、WPS）打开后重新导出 OFD 或 PDF")


def _local(element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


class _Package:
    """The zip, its XML parts parsed safely (no entities, no network), names resolved like paths."""

    def __init__(self, data: bytes, name: str):
        self.name = name
        self.zip = zipfile.ZipFile(BytesIO(data))
        if sum(i.file_size for i in self.zip.infolist()) > MAX_UNPACKED:
            raise _broken(name, f"解压后超过 {MAX_UNPACKED // 1024 // 1024} MB")
        self.files = {i.filename.lstrip("/"): i for i in self.zip.infolist()}

    def xml(self, path: str):
        from lxml import etree

        path = posixpath.normpath(path.lstrip("/"))
        match = self.files.get(path) or next((i for n, i in self.files.items() if n.lower() == path.lower()), None)
        if match is None:
            raise _broken(self.name, f"缺少 {path}")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        try:
            return etree.fromstring(self.zip.read(match), parser)
        except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError):
            raise _broken(self.name, f"{path} 无法解析") from None

    @staticmethod
    def child(element, tag: str):
        return next((e for e in element.iter() if _local(e) == tag), None)


def _numbers(text: str | None) -> list[float]:
    """"g 3 4.2 5" (OFD's repeat shorthand) → [4.2, 4.2, 4.2, 5]."""
    tokens, out = (text or "").split(), []
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            out += [float(tokens[i + 2])] * int(float(tokens[i + 1]))
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return out


def _page_boxes(content) -> list[Box]:
    """Each TextCode run as a box in page mm; an object's CTM (a b c d e f) scales and moves its
    glyph positions and size within the Boundary, as some generators write them."""
    boxes = []
    for obj in (e for e in content.iter() if _local(e) == "TextObject"):
        x, y, *_ = _numbers(obj.get("Boundary")) + [0, 0]
        a, b, c, d, e, f = (_numbers(obj.get("CTM")) + [0] * 6)[:6] if obj.get("CTM") else (1, 0, 0, 1, 0, 0)
        scale = (abs(a * d - b * c) ** 0.5) or 1.0
        size = float(obj.get("Size") or 3.5) * scale
        for code in (el for el in obj if _local(el) == "TextCode"):
            text = code.text or ""
            if not text.strip():
                continue
            cx, cy = float(code.get("X") or 0), float(code.get("Y") or 0)
            left, base = x + a * cx + c * cy + e, y + b * cx + d * cy + f
            advance = (sum(_numbers(code.get("DeltaX"))[: len(text) - 1]) * scale) or size * (len(text) - 1)
            boxes.append(Box(left, base - size, left + advance + size, base + 0.2 * size, text))
    return boxes


def _resolve(base: str, location: str) -> str:
    """A BaseLoc: absolute from the package root, else relative to Document.xml's folder."""
    return location if location.startswith("/") else posixpath.join(base, location)


def ofd_blocks(data: bytes, name: str) -> list[Block]:
    try:
        package = _Package(data, name)
        root = package.xml("OFD.xml")
        doc_root = package.child(root, "DocRoot")
        if doc_root is None or not (doc_root.text or "").strip():
            raise _broken(name, "OFD.xml 中没有 DocRoot")
        document_path = doc_root.text.strip()
        document = package.xml(document_path)
        base = posixpath.dirname(document_path.lstrip("/"))
        page_refs = [e for e in document.iter() if _local(e) == "Page" and e.get("BaseLoc")]
        if not page_refs:
            raise _broken(name, "没有页面")
        if len(page_refs) > MAX_PAGES:
            raise DubanError(f"{name}: OFD 共 {len(page_refs)} 页，超过上限 {MAX_PAGES} 页。请只导出任务清单所在的页后再导入")
        physical = package.child(document, "PhysicalBox")
        area = _numbers(physical.text if physical is not None else "")
        height = area[3] if len(area) == 4 else _A4_HEIGHT
        pages = [box_page(_page_boxes(package.xml(_resolve(base, ref.get("BaseLoc")))), height) for ref in page_refs]
    except zipfile.BadZipFile:
        raise _broken(name, "压缩包无法打开") from None
    except ValueError:
        raise _broken(name, "坐标数值无效") from None
    return page_blocks(pages)
