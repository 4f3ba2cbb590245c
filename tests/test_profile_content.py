"""The shipped newsprint profile, read byte by byte: what a plant's preflight for PDF/X-1a:2001 (PDF
1.3, which names ICC 2.1) and our PDF/X-4 checks in it. It is an ICC v2.1 profile in content, names
the registered characterization data it was made from, and none of its B2A tables asks for more
than the 240 % total ink limit, at a grid node or between nodes (profiles/README.md). This reader is
the test's own: it shares no code with profiles/finish_newsprint_profile.py, which makes the file."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from pagesetter.render.images import NEWSPRINT_PROFILE, TAC_LIMIT

ONE = 65535


def _tags(data: bytes) -> dict[bytes, bytes]:
    count = int.from_bytes(data[128:132], "big")
    tags = {}
    for i in range(count):
        sig, offset, size = struct.unpack(">4sII", data[132 + 12 * i:144 + 12 * i])
        assert offset % 4 == 0 and offset + size <= len(data), sig
        tags[sig] = data[offset:offset + size]
    return tags


@pytest.fixture(scope="module")
def profile() -> bytes:
    return NEWSPRINT_PROFILE.read_bytes()


def test_the_profile_is_icc_v2_1_in_header_and_content(profile: bytes) -> None:
    assert int.from_bytes(profile[0:4], "big") == len(profile)
    assert profile[8:12] == b"\x02\x10\x00\x00"  # 2.1.0
    # primary platforms ICC 2.1 knows (zero, "none", came with 2.2)
    assert profile[40:44] in (b"APPL", b"MSFT", b"SGI ", b"SUNW", b"TGNT")
    assert profile[84:100] == b"\0" * 16  # no profile ID (v4)
    tags = _tags(profile)
    # an output profile's tags in ICC 2.1, and ArgyllCMS's private 'arts'; no v4 'clrt', 'chad', 'mluc'
    assert set(tags) <= {b"desc", b"cprt", b"wtpt", b"bkpt", b"dmnd", b"dmdd", b"targ", b"gamt", b"arts",
                         b"A2B0", b"A2B1", b"A2B2", b"B2A0", b"B2A1", b"B2A2"}
    assert {b"desc", b"cprt", b"wtpt", b"gamt", b"A2B0", b"A2B1", b"A2B2", b"B2A0", b"B2A1", b"B2A2"} <= set(tags)
    kinds = {sig: element[:4] for sig, element in tags.items()}
    assert kinds[b"desc"] == kinds[b"dmnd"] == b"desc" and kinds[b"cprt"] == b"text"
    assert all(kinds[s] in (b"mft1", b"mft2") for s in (b"A2B0", b"A2B1", b"A2B2", b"B2A0", b"B2A1", b"B2A2", b"gamt"))


def test_the_profile_names_its_registered_characterization_data(profile: bytes) -> None:
    """ICC characterization data registry: a profile made from registered data carries
    'ICCHDAT <name>' in its charTargetTag; the name is the OutputIntent's (render/pdfx.py)."""
    targ = _tags(profile)[b"targ"]
    assert targ[:8] == b"text\0\0\0\0"
    assert targ[8:] == b"ICCHDAT CGATS TR 002\0"


class _B2A:
    """A lut16 or lut8 Lab -> CMYK table: input curves, grid, output curves (ICC.1 lut16Type/lut8Type)."""

    def __init__(self, element: bytes) -> None:
        kind, self.n_in, self.n_out, self.grid = element[:4], element[8], element[9], element[10]
        assert (self.n_in, self.n_out) == (3, 4)
        if kind == b"mft2":
            ne_in, ne_out = struct.unpack(">HH", element[48:52])
            dtype, start, scale = ">u2", 52, 1.0
        else:
            assert kind == b"mft1"
            ne_in = ne_out = 256
            dtype, start, scale = "u1", 48, ONE / 255
        width = np.dtype(dtype).itemsize
        p = start + ne_in * self.n_in * width
        n = self.grid ** 3 * 4
        self.clut = np.frombuffer(element, dtype, n, p).reshape(self.grid, self.grid, self.grid, 4) * scale
        p += n * width
        self.out = np.frombuffer(element, dtype, 4 * ne_out, p).reshape(4, ne_out) * scale

    def ink(self, grid_values: np.ndarray) -> np.ndarray:
        """Total ink in percent for grid-space CMYK values (..., 4): through the output curves."""
        ne = self.out.shape[1]
        return sum(np.interp(grid_values[..., c] * (ne - 1) / ONE, np.arange(ne), self.out[c])
                   for c in range(4)) * 100 / ONE


def _between_nodes(table: _B2A, sub: int) -> float:
    """The highest total ink at the points of every grid cell cut into sub^3, interpolated
    trilinearly and tetrahedrally (the two ways CMMs interpolate a 3-D table)."""
    t = np.linspace(0, 1, sub + 1)
    x, y, z = (a.ravel() for a in np.meshgrid(t, t, t, indexing="ij"))
    g = table.grid - 1
    c = {(i, j, k): table.clut[i:i + g, j:j + g, k:k + g].reshape(-1, 1, 4)
         for i in (0, 1) for j in (0, 1) for k in (0, 1)}
    X, Y, Z = (v[None, :, None] for v in (x, y, z))
    trilinear = sum(c[i, j, k] * (X if i else 1 - X) * (Y if j else 1 - Y) * (Z if k else 1 - Z)
                    for i, j, k in c)
    # tetrahedral: the tetrahedron of the cell that holds the point, by the order of its coordinates
    tetra = np.zeros_like(trilinear)
    for (a, b, d), (ka, kb) in {(0, 1, 2): ((1, 0, 0), (1, 1, 0)), (0, 2, 1): ((1, 0, 0), (1, 0, 1)),
                                (1, 0, 2): ((0, 1, 0), (1, 1, 0)), (1, 2, 0): ((0, 1, 0), (0, 1, 1)),
                                (2, 0, 1): ((0, 0, 1), (1, 0, 1)), (2, 1, 0): ((0, 0, 1), (0, 1, 1))}.items():
        p = (X, Y, Z)
        inside = (p[a] >= p[b]) & (p[b] >= p[d])
        value = (c[0, 0, 0] * (1 - p[a]) + c[ka] * (p[a] - p[b]) + c[kb] * (p[b] - p[d])
                 + c[1, 1, 1] * p[d])
        tetra = np.where(inside, value, tetra)
    return float(max(table.ink(trilinear).max(), table.ink(tetra).max()))


@pytest.mark.parametrize("sig", [b"B2A0", b"B2A1", b"B2A2"])
def test_no_b2a_table_asks_for_more_than_the_ink_limit(profile: bytes, sig: bytes) -> None:
    """At every grid node, and between nodes: a lut's output curves come after the interpolation, so
    where they bend the ink between two nodes can be more than at either (colprof's -l240 held only
    the nodes; 246 % between them on relative colorimetric). PRINT.md: 240 % on newsprint."""
    table = _B2A(_tags(profile)[sig])
    assert table.ink(table.clut).max() <= TAC_LIMIT
    assert _between_nodes(table, 6) <= TAC_LIMIT
