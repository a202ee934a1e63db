"""Draw the storefront's app icons (PNG, no image library needed):
``python scripts/storefront_icons.py`` writes
lojista/storefront/static/storefront/icons/icon-{192,512}.png and
apple-touch-icon.png (180). A white shopping bag on the shop's green,
full-bleed with the bag inside the central 60 % (safe for "maskable")."""

import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "lojista" / "storefront" / "static" / "storefront" / "icons"
GREEN = (0x0B, 0x6E, 0x4F)
WHITE = (0xFF, 0xFF, 0xFF)


def png(size: int, pixel) -> bytes:
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x / size, y / size)) for x in range(size)) for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def bag(x: float, y: float) -> tuple[int, int, int]:
    """The bag's body (a rectangle) and its handle (a half ring above it)."""
    body = 0.30 <= x <= 0.70 and 0.40 <= y <= 0.76
    dx, dy = x - 0.5, y - 0.40
    ring = dy <= 0 and 0.09**2 <= dx * dx + dy * dy <= 0.125**2
    return WHITE if body or ring else GREEN


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size in (("icon-192.png", 192), ("icon-512.png", 512), ("apple-touch-icon.png", 180)):
        (OUT / name).write_bytes(png(size, bag))


if __name__ == "__main__":
    main()
