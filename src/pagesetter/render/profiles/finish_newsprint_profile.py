#!/usr/bin/env python3
"""Finish the newsprint profile colprof wrote: ICC v2.1 in content, the registry's charTarget tag,
and every B2A table held to the total ink limit at its grid nodes and between them.

usage: python finish_newsprint_profile.py TR002.icc newsprint-tr002.icc [--tac 240]

Run after colprof (profiles/README.md); needs numpy (the test extra). Deterministic: the same input
gives the same bytes (the header keeps colprof's date).

What it changes, and why (pdfx_deep and a plant's preflight read these):
- **Version 2.1.0.** PDF 1.3 (PDF/X-1a:2001) names ICC 2.1 (PDF Reference Table 4.17); colprof
  writes 2.2.0. What in the file is not ICC 2.1 goes too:
  - 'clrt' (colorantTableTag) is an ICC v4.0 tag (ICC.1:2001-12; ArgyllCMS's own icclib tag table
    lists it as 4.0+). It only names the standard process inks, so nothing is lost.
  - the primary platform '*nix' is an ArgyllCMS extension, valid in no ICC version, and the "none"
    value (zero) came with 2.2; 2.1 knows APPL, MSFT, SGI, SUNW and TGNT: 'APPL' (no CMM acts on
    the field).
  Everything else (lut16 'mft2', textDescription 'desc', text 'cprt', 'bkpt', 'gamt', the private
  'arts' as s15Fixed16Array) is ICC 2.0/2.1 as it is.
- **'targ' = "ICCHDAT CGATS TR 002".** A profile made from data registered at the ICC names them in
  its charTargetTag (ICC characterization data registry); PDF/X OutputIntents name the same
  condition ("CGATS TR 002").
- **B2A0/1/2 within the ink limit between nodes.** colprof's -l240 holds each grid node to 240 %,
  but a lut16 B2A table puts per-channel output curves after the grid: a CMM interpolates the grid
  (trilinear or tetrahedral) and then applies the curves, and where the curves bend (they are the
  device linearisation) the ink between two nodes can be more than at either: 241-245 % here. So C,
  M and Y (never K) are taken down, in proportion, at the nodes of each grid cell whose bound is
  over the limit, until no cell is over. The bound is rigorous: each cell is cut into SUB^3
  sub-cubes, halved again where the bound is still over (DEPTH times; then the cell counts as
  over). On a sub-cube trilinear interpolation is multilinear and tetrahedral interpolation linear
  on simplices whose corners are the sub-cube's, so any function affine in the channels is highest
  at a corner. The ink is bounded two ways, the lower kept: each curve (monotone) at its channel's
  largest corner value, summed; and each curve's chord over its channel's range at the sub-cube
  (affine) plus how far the curve can bend above that chord, (range) x (slope spread) / 4.
"""

from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

import numpy as np

TARGET = b"ICCHDAT CGATS TR 002"
VERSION_2_1 = b"\x02\x10\x00\x00"
PLATFORM = b"APPL"
V4_ONLY_TAGS = (b"clrt",)
B2A_TAGS = (b"B2A0", b"B2A1", b"B2A2")
SUB = 8  # sub-cubes per cell edge for the between-nodes bound, then halved where needed
DEPTH = 4  # halvings: down to 1/128 of a cell (a sub-cube still over then counts as over)
MARGIN = 0.25  # percent: a cell over is taken down to this much under the limit
STEP = 0.995  # CMY kept at each pass on the nodes of a cell over the limit
ONE = 65535


# --- the profile's layout ---------------------------------------------------------------------------

def read_tags(data: bytes) -> list[tuple[bytes, int, int]]:
    """The tag table: (signature, offset, size) in the file's order."""
    count = int.from_bytes(data[128:132], "big")
    return [(data[132 + 12 * i:136 + 12 * i], *struct.unpack(">II", data[136 + 12 * i:144 + 12 * i]))
            for i in range(count)]


def assemble(header: bytes, tags: list[tuple[bytes, bytes]]) -> bytes:
    """A profile from its header and (signature, element bytes) tags; tags whose bytes are equal share
    one element, as colprof's A2B0/1/2 do. Elements start on 4-byte boundaries (ICC.1 6.4)."""
    table_end = 128 + 4 + 12 * len(tags)
    body = bytearray()
    placed: dict[bytes, int] = {}
    entries = []
    for sig, element in tags:
        if element not in placed:
            body += b"\0" * (-(table_end + len(body)) % 4)
            placed[element] = table_end + len(body)
            body += element
        entries.append(struct.pack(">4sII", sig, placed[element], len(element)))
    body += b"\0" * (-(table_end + len(body)) % 4)
    size = table_end + len(body)
    return (struct.pack(">I", size) + header[4:128] + struct.pack(">I", len(tags)) + b"".join(entries)
            + bytes(body))


def text_type(text: bytes) -> bytes:
    """An ICC textType element: 'text', reserved, 7-bit ASCII, NUL."""
    return b"text" + b"\0" * 4 + text + b"\0"


# --- lut16 ------------------------------------------------------------------------------------------

class Lut16:
    """A 3-input lut16Type ('mft2') element: input curves, grid, output curves (ICC.1 6.5.8)."""

    def __init__(self, element: bytes) -> None:
        if element[:4] != b"mft2":
            raise ValueError(f"not a lut16 element: {element[:4]!r}")
        self.head = element[:52]
        self.n_in, self.n_out, self.grid = element[8], element[9], element[10]
        self.in_entries, self.out_entries = struct.unpack(">HH", element[48:52])
        p = 52 + 2 * self.n_in * self.in_entries
        self.in_curves = element[52:p]
        n_clut = self.grid ** self.n_in * self.n_out
        self.clut = np.frombuffer(element, ">u2", n_clut, p).reshape((self.grid,) * self.n_in + (self.n_out,))
        p += 2 * n_clut
        self.out_curves = np.frombuffer(element, ">u2", self.n_out * self.out_entries, p).reshape(
            self.n_out, self.out_entries).astype(np.float64)
        self.tail = element[p + 2 * self.n_out * self.out_entries:]
        # each output curve's slope on each straight piece, and range-max/min tables over them
        slopes = np.diff(self.out_curves, axis=1) * ((self.out_entries - 1) / ONE)
        self.slope_max, self.slope_min = [slopes], [slopes]
        width = 1
        while 2 * width <= slopes.shape[1]:
            hi, lo = self.slope_max[-1], self.slope_min[-1]
            self.slope_max.append(np.maximum(hi[:, :-width], hi[:, width:]))
            self.slope_min.append(np.minimum(lo[:, :-width], lo[:, width:]))
            width *= 2

    def element(self, clut: np.ndarray) -> bytes:
        return (self.head + self.in_curves + clut.astype(">u2").tobytes()
                + self.out_curves.astype(">u2").tobytes() + self.tail)

    def curve(self, k: int, v: np.ndarray) -> np.ndarray:
        """Output curve k at grid values v (0-65535), as a CMM evaluates it: linear between entries."""
        return np.interp(v * ((self.out_entries - 1) / ONE), np.arange(self.out_entries), self.out_curves[k])

    def bend(self, k: int, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """How far curve k can rise above its chord from lo to hi: at most (hi - lo) x (its largest
        slope there - its smallest) / 4 (a function whose slope stays within [a, b] leaves its chord
        by at most (b - a) x length / 4); zero on one straight piece."""
        pieces = self.out_entries - 2
        i0 = np.clip(np.floor(lo * ((self.out_entries - 1) / ONE)).astype(np.int64), 0, pieces)
        i1 = np.clip(np.floor(hi * ((self.out_entries - 1) / ONE)).astype(np.int64), 0, pieces)
        level = np.floor(np.log2(i1 - i0 + 1)).astype(np.int64)
        top = np.zeros(len(lo))
        bottom = np.zeros(len(lo))
        for lv in np.unique(level):
            at = level == lv
            j0, j1 = i0[at], i1[at] - (1 << lv) + 1
            top[at] = np.maximum(self.slope_max[lv][k, j0], self.slope_max[lv][k, j1])
            bottom[at] = np.minimum(self.slope_min[lv][k, j0], self.slope_min[lv][k, j1])
        return (hi - lo) * (top - bottom) / 4

    def inverse_curve(self, k: int, d: np.ndarray) -> np.ndarray:
        """The grid value whose output is d (the curves rise; where one is flat, its lowest such value)."""
        c = np.maximum.accumulate(self.out_curves[k])
        x = np.arange(self.out_entries) * (ONE / (self.out_entries - 1))
        return np.interp(d, c, x)


def point_weights(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weights of a cell's 8 corners (index 4i+2j+k for corner (i, j, k)) at points p (n, 3) of the
    cell (0-1 each), for trilinear and for tetrahedral interpolation (the six tetrahedra round the
    cell's main diagonal, as littleCMS, ArgyllCMS and Adobe's CMM cut it)."""
    x, y, z = p.T
    tri = np.stack([(x if i else 1 - x) * (y if j else 1 - y) * (z if k else 1 - z)
                    for i in (0, 1) for j in (0, 1) for k in (0, 1)], axis=1)
    tet = np.zeros_like(tri)
    rows = np.arange(len(p))
    order = np.argsort(-p, axis=1, kind="stable")  # axes from the largest coordinate down
    srt = np.take_along_axis(p, order, axis=1)
    corner = np.zeros(len(p), dtype=np.int64)
    prev = np.ones(len(p))
    for step in range(3):
        tet[rows, corner] += prev - srt[:, step]  # a row's four corners differ: no repeated index
        corner = corner + (4 >> order[:, step])
        prev = srt[:, step]
    tet[rows, corner] += prev
    return tri, tet


def corner_weights(sub: int) -> tuple[np.ndarray, np.ndarray]:
    """point_weights at the (sub+1)^3 points of a cell cut into sub^3 sub-cubes."""
    t = np.linspace(0.0, 1.0, sub + 1)
    return point_weights(np.stack([a.ravel() for a in np.meshgrid(t, t, t, indexing="ij")], axis=1))


CUBE = np.array([(a, b, c) for a in (0, 1) for b in (0, 1) for c in (0, 1)], dtype=np.float64)


def cells_over(lut: Lut16, clut: np.ndarray, cells: np.ndarray, limit: float, sub: int = SUB,
               depth: int = DEPTH) -> tuple[np.ndarray, np.ndarray]:
    """Which of the cells can go over ``limit`` (0-4 x 65535) between their nodes, and the highest
    ink found at a point of each: sub-cubes whose bound is over are halved, up to ``depth`` times; a
    cell is over when a point of it is over, or a sub-cube is still over its bound at the last depth
    (so the answer is never too low)."""
    bounds, found = cell_bounds(lut, clut, cells, corner_weights(sub), sub, per_subcube=True)
    grid = clut.astype(np.float64)
    over = found > limit
    # open boxes: (cell number, lowest corner in the cell's 0-1 coordinates); all of one size
    ci, *at = np.nonzero((bounds > limit) & ~over[:, None, None, None])
    if not len(ci):
        return over, found
    idx = np.stack(at, axis=1)
    smallest = 1.0 / sub / 2 ** depth
    stack = [(ci, idx / sub, 1.0 / sub)]  # boxes of one size: cell number, lowest corner (0-1)
    while stack:
        owner, low, size = stack.pop()
        live = ~over[owner]
        owner, low = owner[live], low[live]
        if len(owner) > 8192:  # a bounded amount of memory at a time
            stack += [(owner[i:i + 8192], low[i:i + 8192], size) for i in range(0, len(owner), 8192)]
            continue
        if not len(owner):
            continue
        corners = cell_corners(grid, cells[owner])  # (n, 8, channels)
        points = (low[:, None, :] + size * CUBE[None]).reshape(-1, 3)
        worst_box = np.zeros(len(owner))
        for w in point_weights(points):
            v = np.einsum("npc,nck->npk", w.reshape(len(owner), 8, 8), corners)
            ink_at = sum(lut.curve(ch, v[..., ch]) for ch in range(lut.n_out))  # real values, (n, 8)
            np.maximum.at(found, owner, ink_at.max(axis=1))
            over[owner[(ink_at > limit).any(axis=1)]] = True
            lo, hi = v.min(axis=1), v.max(axis=1)
            bound = sum(lut.curve(ch, hi[:, ch]) for ch in range(lut.n_out))
            # tighter: each curve under its chord from lo to hi plus its bend; the chords' sum is
            # affine in v, so multilinear (trilinear) or linear on the simplices (tetrahedral) on
            # the box, and highest at a corner
            chords = np.zeros(v.shape[:2])
            slack = np.zeros(len(owner))
            for ch in range(lut.n_out):
                c_lo, c_hi = lut.curve(ch, lo[:, ch]), lut.curve(ch, hi[:, ch])
                span = np.maximum(hi[:, ch] - lo[:, ch], 1e-9)
                chords += c_lo[:, None] + (c_hi - c_lo)[:, None] * (v[..., ch] - lo[:, None, ch]) / span[:, None]
                slack += lut.bend(ch, lo[:, ch], hi[:, ch])
            bound = np.minimum(bound, chords.max(axis=1) + slack)
            worst_box = np.maximum(worst_box, bound)
        keep = (worst_box > limit) & ~over[owner]
        if size <= smallest:
            over[owner[keep]] = True
            continue
        half = size / 2
        stack.append((np.repeat(owner[keep], 8), (low[keep][:, None, :] + half * CUBE[None]).reshape(-1, 3), half))
    return over, found


def cell_corners(clut: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """(n, 8, channels): the corner values of the cells whose lowest corners are ``cells`` (n, 3)."""
    i, j, k = cells.T
    return np.stack([clut[i + a, j + b, k + c] for a in (0, 1) for b in (0, 1) for c in (0, 1)], axis=1)


def cell_bounds(lut: Lut16, clut: np.ndarray, cells: np.ndarray, weights: tuple[np.ndarray, ...],
                sub: int, per_subcube: bool = False) -> np.ndarray:
    """Per cell (or per sub-cube: (cells, sub, sub, sub)), the highest total ink (0-4 x 65535) any
    point of it can get through trilinear or tetrahedral interpolation and the output curves (the
    bound in the module docstring)."""
    worst = np.zeros((len(cells), sub, sub, sub) if per_subcube else len(cells))
    found = np.zeros(len(cells))
    grid = clut.astype(np.float64)
    for start in range(0, len(cells), 64):  # in batches: 64 cells x 17^3 points x 4 channels
        batch = cells[start:start + 64]
        corners = cell_corners(grid, batch)
        for w in weights:
            v = np.einsum("pc,nck->npk", w, corners).reshape(len(batch), sub + 1, sub + 1, sub + 1, -1)
            m = v  # each channel's largest value at the 8 corners of each sub-cube
            for axis in (1, 2, 3):
                m = np.maximum(np.take(m, range(sub), axis=axis), np.take(m, range(1, sub + 1), axis=axis))
            ink = sum(lut.curve(ch, m[..., ch]) for ch in range(lut.n_out))
            ink = ink if per_subcube else ink.reshape(len(batch), -1).max(axis=1)
            worst[start:start + 64] = np.maximum(worst[start:start + 64], ink)
            if per_subcube:  # the real ink at the points themselves
                real = sum(lut.curve(ch, v[..., ch]) for ch in range(lut.n_out)).reshape(len(batch), -1)
                found[start:start + 64] = np.maximum(found[start:start + 64], real.max(axis=1))
    return (worst, found) if per_subcube else worst


def all_cells(grid: int) -> np.ndarray:
    r = np.arange(grid - 1)
    return np.stack(np.meshgrid(r, r, r, indexing="ij"), -1).reshape(-1, 3)


def sampled_ink(lut: Lut16, clut: np.ndarray, sub: int = 12) -> float:
    """The highest total ink in percent found at the points of every cell cut into sub^3, trilinear
    and tetrahedral: a value the table does give (the limit itself is proven by cells_over)."""
    cells = all_cells(lut.grid)
    grid = clut.astype(np.float64)
    best = 0.0
    for w in corner_weights(sub):
        for start in range(0, len(cells), 64):
            v = np.einsum("pc,nck->npk", w, cell_corners(grid, cells[start:start + 64]))
            best = max(best, float(sum(lut.curve(ch, v[..., ch]) for ch in range(lut.n_out)).max()))
    return best * 100 / ONE


def limit_table(lut: Lut16, tac: float, sub: int = SUB) -> tuple[np.ndarray, int]:
    """The grid with C, M and Y taken down at the nodes of every cell that can go over ``tac`` percent
    (K as it was), and how many nodes changed. Each pass scales a node's CMY (as ink, so the hue
    stays) by what its worst cell needs: CMY x (1 - excess / (ink - K)), K being at most 100 %;
    at least 0.5 % a pass, so cells over only by their bound converge too."""
    limit = tac / 100 * ONE
    clut = lut.clut.astype(np.float64).copy()
    coarse_w = corner_weights(1)
    cells = all_cells(lut.grid)
    offsets = CUBE.astype(np.int64)
    for _ in range(500):
        coarse = cell_bounds(lut, clut, cells, coarse_w, 1)
        suspect = cells[coarse > limit]
        over, found = cells_over(lut, clut, suspect, limit, sub)
        if not over.any():
            break
        aim = limit - MARGIN / 100 * ONE  # a little under, so the next pass can prove it quickly
        keep = np.where(found[over] > aim,
                        1 - (found[over] - aim) / np.maximum(found[over] - ONE, ONE / 2), STEP)
        keep = np.clip(keep, 0.9, STEP)
        factor = np.ones(clut.shape[:3])
        for off in offsets:  # a node takes the smallest factor of the cells it is a corner of
            i, j, k = (suspect[over] + off).T
            np.minimum.at(factor, (i, j, k), keep)
        nodes = factor < 1
        for ch in range(3):  # C, M, Y in ink terms; K untouched
            device = lut.curve(ch, clut[..., ch][nodes]) * factor[nodes]
            clut[..., ch][nodes] = np.floor(lut.inverse_curve(ch, device))
    else:
        raise RuntimeError("the ink limit was not reached")
    out = clut.astype(np.uint16)
    return out, int((out != lut.clut).any(axis=-1).sum())


# --- colour change, for the record --------------------------------------------------------------------

def lab_of(a2b: bytes, cmyk: np.ndarray) -> np.ndarray:
    """Lab (D50) that the A2B lut16 gives for device values cmyk (n, 4) in 0-65535: input curves,
    4-linear grid interpolation, output curves, ICC v2 16-bit Lab (L 0xFF00 = 100, a/b 0x8000 = 0)."""
    n_in, n_out, g = a2b[8], a2b[9], a2b[10]
    ne_in, ne_out = struct.unpack(">HH", a2b[48:52])
    p = 52
    cin = np.frombuffer(a2b, ">u2", n_in * ne_in, p).reshape(n_in, ne_in).astype(np.float64)
    p += 2 * n_in * ne_in
    clut = np.frombuffer(a2b, ">u2", g ** n_in * n_out, p).reshape(-1, n_out).astype(np.float64)
    p += 2 * g ** n_in * n_out
    cout = np.frombuffer(a2b, ">u2", n_out * ne_out, p).reshape(n_out, ne_out).astype(np.float64)
    x = np.stack([np.interp(cmyk[:, c] * (ne_in - 1) / ONE, np.arange(ne_in), cin[c]) for c in range(n_in)], 1)
    pos = x * (g - 1) / ONE
    base = np.minimum(np.floor(pos).astype(np.int64), g - 2)
    frac = pos - base
    v = np.zeros((len(cmyk), n_out))
    for corner in range(1 << n_in):
        bits = [(corner >> (n_in - 1 - c)) & 1 for c in range(n_in)]
        w = np.prod([frac[:, c] if b else 1 - frac[:, c] for c, b in enumerate(bits)], axis=0)
        idx = np.zeros(len(cmyk), dtype=np.int64)
        for c, b in enumerate(bits):
            idx = idx * g + base[:, c] + b
        v += w[:, None] * clut[idx]
    v = np.stack([np.interp(v[:, c] * (ne_out - 1) / ONE, np.arange(ne_out), cout[c]) for c in range(n_out)], 1)
    return np.stack([v[:, 0] * 100 / 0xFF00, v[:, 1] / 256 - 128, v[:, 2] / 256 - 128], 1)


def colour_change(lut: Lut16, new: np.ndarray, a2b1: bytes, sub: int = 4) -> tuple[float, float]:
    """Largest and mean ΔE*ab (through the profile's A2B1) between the old and the new table's
    separations, trilinear, over the cells that changed, each cut into sub^3."""
    changed = (new != lut.clut).any(axis=-1)
    cells = all_cells(lut.grid)
    touched = np.array([changed[i:i + 2, j:j + 2, k:k + 2].any() for i, j, k in cells])
    if not touched.any():
        return 0.0, 0.0
    w = corner_weights(sub)[0]
    out = []
    for clut in (lut.clut, new):
        v = np.einsum("pc,nck->npk", w, cell_corners(clut.astype(np.float64), cells[touched])).reshape(-1, lut.n_out)
        out.append(np.stack([lut.curve(ch, v[:, ch]) for ch in range(lut.n_out)], 1))
    de = np.linalg.norm(lab_of(a2b1, out[0]) - lab_of(a2b1, out[1]), axis=1)
    return float(de.max()), float(de.mean())


# --- main -------------------------------------------------------------------------------------------

def finish(data: bytes, tac: float, log=print) -> bytes:
    tags = read_tags(data)
    elements = {sig: data[off:off + size] for sig, off, size in tags}
    out: list[tuple[bytes, bytes]] = []
    for sig, _, _ in tags:
        if sig in V4_ONLY_TAGS:
            log(f"{sig.decode()}: dropped (not an ICC v2 tag)")
            continue
        element = elements[sig]
        if sig in B2A_TAGS:
            lut = Lut16(element)
            before = sampled_ink(lut, lut.clut)
            clut, changed = limit_table(lut, tac)
            dmax, dmean = colour_change(lut, clut, elements[b"A2B1"])
            log(f"{sig.decode()}: highest ink {before:.2f}% -> {sampled_ink(lut, clut):.2f}% (between nodes, "
                f"trilinear and tetrahedral; now proven <= {tac:g}% everywhere), "
                f"{changed} of {lut.grid ** 3} nodes' CMY taken down, ΔE*ab in the changed cells max {dmax:.2f} mean {dmean:.2f}")
            element = lut.element(clut)
        out.append((sig, element))
    out.append((b"targ", text_type(TARGET)))
    header = bytearray(data[:128])
    header[8:12] = VERSION_2_1
    header[40:44] = PLATFORM
    header[84:100] = b"\0" * 16  # profile ID: v4 only
    return assemble(bytes(header), out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source", type=Path, help="the profile colprof wrote")
    ap.add_argument("dest", type=Path)
    ap.add_argument("--tac", type=float, default=240.0)
    a = ap.parse_args(argv)
    data = a.source.read_bytes()
    if data[36:40] != b"acsp" or data[12:24] != b"prtrCMYKLab ":
        print(f"{a.source}: not a CMYK output profile with a Lab PCS", file=sys.stderr)
        return 1
    a.dest.write_bytes(finish(data, a.tac))
    return 0


if __name__ == "__main__":
    sys.exit(main())
