"""The archive's postings, term by term: the blocks' fragments joined, and kept from one build
to the next so that a rebuild joins only what an edit reached.

A term's postings are its parts from each block, one after the other. Within a part every gap
is counted inside the block; only a part's first posting is counted from the posting before
it, in an earlier block. So when some blocks change (an edit, a speech inserted or removed),
the new assembly takes the old one and, for each term:

- keeps it as it was, when the changed blocks hold none of it and nothing before its parts
  after them moved (``_Output.keep``: whole runs of such terms are copied in one piece);
- re-codes the first posting after the changed blocks, when only that gap changed
  (``_Assembler.recode_first_after``, or in place when the code keeps its length);
- joins it anew from its parts before the changed blocks (copied), its parts in them (from the
  new fragments) and its parts after them (copied but for their first posting):
  ``_Assembler.join``.

Where each block's part of each term lies is kept beside the postings (``Entries``), so none of
this reads a posting it does not change. At 1,000 speeches a one-speech edit re-joins the few
thousand terms it reached out of about a million.
"""
from __future__ import annotations

from array import array
from bisect import bisect_left
from itertools import chain
from typing import Iterable, NamedTuple

from .. import lazy
from .encoding import FIRST, Codes, Fragment, TermPart, TfCodes, ints, term_parts, vints
from .terms import LOW, term_str, utf16_key

np = lazy.module("numpy")

POSTINGS, IN_HEADING, MOVED = 1, 2, 4  # what differs from the term at the same index before


class Entries(NamedTuple):
    """Where each block's part of each term's postings lies: one entry per term and block
    holding it, in term order then block order, as parallel arrays."""

    block: array  # its block ("i")
    pos: array  # where its part starts in the term's postings ("i")
    first: array  # its first document, counted from the block's first ("i")
    last: array  # its last document, ditto ("i")
    code: array  # characters of its first posting's gap code << 1 | (tf > 1) ("b")
    count: array  # the term's postings up to the end of the part ("i")

    def append(self, block: int, pos: int, first: int, last: int, code: int, count: int) -> None:
        for column, value in zip(self, (block, pos, first, last, code, count)):
            column.append(value)

    def extend_from(self, other: Entries, a: int, b: int) -> None:
        """Entries [a, b) of ``other``, unchanged."""
        self.block.extend(other.block[a:b])
        self.pos.extend(other.pos[a:b])
        self.first.extend(other.first[a:b])
        self.last.extend(other.last[a:b])
        self.code.extend(other.code[a:b])
        self.count.extend(other.count[a:b])


def empty_entries() -> Entries:
    return Entries(array("i"), array("i"), array("i"), array("i"), array("b"), array("i"))


class Assembly(NamedTuple):
    """The blocks' fragments joined term by term, with the entries that say where each
    block's part of a term's postings lies (``start[t]:start[t + 1]`` are term t's)."""

    blocks: list[str]  # each block's key
    docs: list[int]  # each block's number of documents
    lengths: list[str]  # each block's field lengths, encoded
    heads: list[dict[int, array]]  # each block's Fragment.heads
    vocab: array  # term keys in lunr's (UTF-16) order ("q")
    post: bytes  # each term's postings, encoded, each followed by a comma (as a shard lists them)
    poff: array  # len(vocab) + 1 offsets in post: term t is post[poff[t]:poff[t + 1] - 1] ("q")
    inhead: list[array | None]  # each term's postings in a heading (their indices, "i"), or None
    start: array  # len(vocab) + 1 indices of entries ("i")
    entries: Entries


def empty_assembly() -> Assembly:
    return Assembly([], [], [], [], array("q"), b"", array("q", [0]), [], array("i", [0]), empty_entries())


# --- kept in the cache ---------------------------------------------------------------------------


class PackedAssembly(NamedTuple):
    """An Assembly as a few long arrays, which pickle at the speed of a copy (its thousands of
    small arrays would take ten times as long)."""

    assembly: Assembly  # with inhead and heads left empty
    inhead: tuple[array, array]  # every term's list, one after the other, and their lengths (-1: None)
    heads: list[tuple[array, array, array]]  # per block: characters, their documents, their lengths


def _pack_lists(lists: list[array | None]) -> tuple[array, array]:
    """Arrays (or None) as one array and their lengths (-1 for None)."""
    flat = array("i")
    for x in lists:
        if x:
            flat.extend(x if x.typecode == "i" else array("i", x))
    return flat, array("i", [len(x) if x is not None else -1 for x in lists])


def _unpack_lists(flat: array, lengths: array) -> list[array | None]:
    out: list[array | None] = []
    at = 0
    for n in lengths:
        if n < 0:
            out.append(None)
        else:
            out.append(flat[at:at + n])
            at += n
    return out


def _pack_heads(heads: dict[int, array]) -> tuple[array, array, array]:
    keys = array("q", heads)
    flat, lengths = _pack_lists([heads[k] for k in keys])
    return keys, flat, lengths


def _unpack_heads(packed: tuple[array, array, array]) -> dict[int, array]:
    keys, flat, lengths = packed
    return dict(zip(keys, _unpack_lists(flat, lengths)))


def pack(asm: Assembly) -> PackedAssembly:
    return PackedAssembly(asm._replace(inhead=[], heads=[]), _pack_lists(asm.inhead),
                          [_pack_heads(h) for h in asm.heads])


def unpack(packed: PackedAssembly) -> Assembly:
    return packed.assembly._replace(inhead=_unpack_lists(*packed.inhead),
                                    heads=[_unpack_heads(h) for h in packed.heads])


# --- which blocks changed --------------------------------------------------------------------------


class Region(NamedTuple):
    """The blocks that changed: ``new[start:new_end]`` replace ``old[start:old_end]``; the
    blocks before and after them are the same blocks."""

    start: int
    old_end: int
    new_end: int

    @property
    def shift(self) -> int:
        """How far the blocks after the region moved."""
        return self.new_end - self.old_end


def region(old: list[str], new: list[str]) -> Region:
    p = 0
    while p < len(old) and p < len(new) and old[p] == new[p]:
        p += 1
    q = 0
    while q < len(old) - p and q < len(new) - p and old[-1 - q] == new[-1 - q]:
        q += 1
    return Region(p, len(old) - q, len(new) - q)


def _offsets(docs: list[int]) -> list[int]:
    out = [0]
    for n in docs:
        out.append(out[-1] + n)
    return out


def _order(k: int) -> bytes:
    return utf16_key(term_str(k))


def _shifted(values: array, by: int) -> Iterable[int]:
    return map(by.__add__, values) if by else values


class _TermEntries(NamedTuple):
    """An old term's entries [begin, end): [begin, region_start) are its parts in the blocks
    before the region, [region_start, region_end) in the region, the rest after it."""

    begin: int
    region_start: int
    region_end: int
    end: int


NO_ENTRIES = _TermEntries(0, 0, 0, 0)


# --- the new assembly, term by term ----------------------------------------------------------------


class _Output:
    """The new assembly as it is written: old terms kept in runs, copied in one piece when the
    run ends, and terms written anew; per term, what differs from the term at its index before."""

    def __init__(self, old: Assembly) -> None:
        self.old = old
        self.vocab = array("q")
        self.post: list[bytes] = []
        self.poff = array("q", [0])
        self.inhead: list[array | None] = []
        self.start = array("i", [0])
        self.entries = empty_entries()
        self.changed = bytearray()
        self.run_start = self.run_end = 0  # old terms [run_start, run_end) kept as they are, not yet copied
        self.recoded: list[tuple[int, int, bytes]] = []  # in the run: (term, where in post, a code as long as the old)

    def keep(self, i: int) -> None:
        """Old term i as it was."""
        if self.run_end != i:
            self.copy_run()
            self.run_start = i
        self.run_end = i + 1

    def keep_until(self, i: int) -> None:
        """Every old term from the end of the run up to term i (not included) as it was."""
        if self.run_end < i:
            self.run_end = i

    def keep_recoded(self, i: int, where: int, code: bytes) -> None:
        """Old term i as it was, but for a code of the same length at ``where`` in ``post``."""
        self.keep(i)
        self.recoded.append((i, where, code))

    def copy_run(self) -> None:
        old, a, b = self.old, self.run_start, self.run_end
        if a < b:
            begin = old.start[a]
            base = len(self.entries.block) - begin
            self.start.extend(map(base.__add__, old.start[a + 1:b + 1]))
            self.entries.extend_from(old.entries, begin, old.start[b])
            self.vocab.extend(old.vocab[a:b])
            base = self.poff[-1] - old.poff[a]
            self.poff.extend(map(base.__add__, old.poff[a + 1:b + 1]))
            self.inhead.extend(old.inhead[a:b])
            first = len(self.changed)
            self.changed.extend(bytes(b - a) if first == a else bytes([MOVED]) * (b - a))
            at = old.poff[a]
            for i, where, code in self.recoded:
                self.post.extend((old.post[at:where], code))
                at = where + len(code)
                self.changed[first + i - a] |= POSTINGS
            self.post.append(old.post[at:old.poff[b]])
        self.recoded.clear()
        self.run_start = self.run_end = b

    def restart_after(self, i: int) -> None:
        """Old term i is written anew or gone: the next run starts after it."""
        self.run_start = self.run_end = i + 1

    def add(self, key: int, postings: bytes, inhead: array | None, old_index: int | None, differs: int) -> None:
        """A term written anew (its entries appended already): its postings with their comma,
        which of them are in a heading, and what differs from the old term at its index."""
        self.start.append(len(self.entries.block))
        self.vocab.append(key)
        self.post.append(postings)
        self.poff.append(self.poff[-1] + len(postings))
        self.inhead.append(inhead)
        self.changed.append(MOVED if old_index != len(self.changed) else differs)


class _Joined:
    """A term's postings as they are joined anew."""

    __slots__ = ("pieces", "pos", "prev", "seen", "in_heading")

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.pos = 0  # characters so far
        self.prev = -1  # the last document so far, in the archive's numbering
        self.seen = 0  # postings so far
        self.in_heading = array("i")  # which of them are in a heading


def _changed_keys(was: Fragment, now: Fragment) -> np.ndarray:
    """The keys of the terms whose part differs between two fragments of a block, or that one
    of them lacks: compared column by column in numpy, where comparing them as dicts of
    tuples took 0.04 s at 1,000 speeches."""
    _, w, n = np.intersect1d(was.keys, now.keys, assume_unique=True, return_indices=True)
    width, flags = np.diff(was.rest_at)[w], [np.bincount(f.head_term, minlength=len(f.keys)) for f in (was, now)]
    same = ((was.n[w] == now.n[n]) & (was.first[w] == now.first[n]) & (was.tf[w] == now.tf[n])
            & (was.last[w] == now.last[n]) & (width == np.diff(now.rest_at)[n]) & (flags[0][w] == flags[1][n]))
    same &= _same_runs((np.frombuffer(was.rest, np.uint8), was.rest_at[w]),
                       (np.frombuffer(now.rest, np.uint8), now.rest_at[n]), width, same)
    same &= _same_runs((was.head_rel, (np.cumsum(flags[0]) - flags[0])[w]),
                       (now.head_rel, (np.cumsum(flags[1]) - flags[1])[n]), flags[0][w], same)
    return np.union1d(np.setxor1d(was.keys, now.keys, assume_unique=True), was.keys[w[~same]])


def _same_runs(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray], width: np.ndarray,
               rows: np.ndarray) -> np.ndarray:
    """Per row, whether a's values from a[1][row] and b's from b[1][row], width[row] of each,
    are the same (True for the rows not asked about)."""
    asked = np.flatnonzero(rows)
    x, y = (_gathered(values, at[asked], width[asked]) for values, at in (a, b))
    out = np.ones(len(rows), bool)
    out[asked[np.searchsorted(np.cumsum(width[asked]), np.flatnonzero(x != y), "right")]] = False
    return out


class _Assembler:
    """The old assembly with the region's blocks replaced by the new fragments."""

    def __init__(self, old: Assembly, keys: list[str], frags: dict[int, Fragment], codes: Codes) -> None:
        self.old = old
        self.region = r = region(old.blocks, keys)
        self.shift = r.shift  # how far the blocks after the region moved
        self.frags = [frags[j] for j in range(r.start, r.new_end)]
        self.docs = old.docs[:r.start] + [f.docs for f in self.frags] + old.docs[r.old_end:]
        self.new_offsets, self.old_offsets = _offsets(self.docs), _offsets(old.docs)
        self.codes, self.tf_codes = codes, TfCodes()
        self.out = _Output(old)
        self.new_parts: list[tuple[int, dict[int, TermPart]]] = []  # the region's parts, of the terms joined
        self.append_entry = tuple(column.append for column in self.out.entries)

    def touched_terms(self, old_frags: dict[int, Fragment] | None) -> set[int] | None:
        """The terms whose parts in the region differ from before, when the region holds as
        many blocks of as many documents as before (then no other part moved); else None."""
        r, old = self.region, self.old
        if old_frags is None or r.old_end != r.new_end or any(old.docs[j] != self.docs[j]
                                                              for j in range(r.start, r.new_end)):
            return None
        touched: set[int] = set()
        for j in range(r.start, r.new_end):
            touched.update(_changed_keys(old_frags[j], self.frags[j - r.start]).tolist())
        return touched

    def entries_of(self, i: int) -> _TermEntries:
        r, start, block = self.region, self.old.start, self.old.entries.block
        begin, end = start[i], start[i + 1]
        region_start = bisect_left(block, r.start, begin, end)
        return _TermEntries(begin, region_start, bisect_left(block, r.old_end, region_start, end), end)

    def code_after(self, e: _TermEntries, prev: int, offsets: list[int], shift: int) -> str:
        """The code of the first posting after the region, counted from document ``prev``,
        its block's documents numbered from ``offsets[block + shift]``."""
        block, _, first, _, code_bits, _ = self.old.entries
        at = e[2]  # region_end
        doc = offsets[block[at] + shift] + first[at]
        return self.codes[2 * (doc - prev - 1) + (code_bits[at] & 1)]

    def keep_or_recode(self, key: int, i: int, e: _TermEntries) -> None:
        """An old term with no part in the region, before or now: kept, unless the first
        posting after the region moved."""
        begin, _, at, _ = e
        block, pos, _, last, code_bits, _ = self.old.entries
        prev = self.old_offsets[block[at - 1]] + last[at - 1] if at > begin else -1
        code = self.code_after(e, prev, self.new_offsets, self.shift)
        was = self.code_after(e, prev, self.old_offsets, 0)
        if not self.shift and code != was and len(code) == code_bits[at] >> 1:
            self.out.keep_recoded(i, self.old.poff[i] + pos[at], code.encode("ascii"))
        elif self.shift or code != was:
            self.recode_first_after(key, i, e, code, was)
        else:
            self.out.keep(i)

    def recode_first_after(self, key: int, i: int, e: _TermEntries, code: str, was: str) -> None:
        """Old term i with the first posting after the region re-coded, and the entries after
        it moved with their blocks."""
        old, out = self.old, self.out
        begin, _, at, end = e
        block, pos, first, last, code_bits, count = old.entries
        new_block, new_pos, new_first, new_last, new_code_bits, new_count = out.entries
        out.copy_run()
        where, length = old.poff[i] + pos[at], code_bits[at] >> 1
        postings = old.post[old.poff[i]:where] + code.encode("ascii") + old.post[where + length:old.poff[i + 1]]
        new_block.extend(block[begin:at])
        new_block.extend(_shifted(block[at:end], self.shift))
        new_pos.extend(pos[begin:at + 1])
        new_pos.extend(_shifted(pos[at + 1:end], len(code) - length))
        new_first.extend(first[begin:end])
        new_last.extend(last[begin:end])
        new_code_bits.extend(code_bits[begin:at])
        new_code_bits.append(len(code) << 1 | (code_bits[at] & 1))
        new_code_bits.extend(code_bits[at + 1:end])
        new_count.extend(count[begin:end])
        out.add(key, postings, old.inhead[i], i, POSTINGS * (code != was))
        out.restart_after(i)

    def join(self, key: int, i: int | None, e: _TermEntries) -> None:
        """Term ``key`` written anew (``i``: its old index, None for a term no old block held)."""
        out, old = self.out, self.old
        out.copy_run()
        joined = _Joined()
        if i is None:
            postings, in_heading = "", None
        else:
            postings = old.post[old.poff[i]:old.poff[i + 1] - 1].decode("ascii")
            in_heading = old.inhead[i]
            self.copy_before(e, postings, in_heading, joined)
        self.add_region_parts(key, joined)
        if i is not None:
            self.copy_after(e, postings, in_heading, joined)
        if joined.pieces:  # else no block holds the term any more
            text = "".join(joined.pieces)
            heads = joined.in_heading or None
            out.add(key, text.encode("ascii") + b",", heads, i,
                    POSTINGS * (text != postings) | IN_HEADING * (heads != in_heading))
        if i is not None:
            out.restart_after(i)

    def copy_before(self, e: _TermEntries, postings: str, in_heading: array | None, joined: _Joined) -> None:
        """The term's parts in the blocks before the region, as they were."""
        begin, at, _, end = e
        if at > begin:
            block, pos, _, last, _, count = self.old.entries
            cut = pos[at] if at < end else len(postings)
            joined.pieces.append(postings[:cut])
            joined.pos, joined.seen = cut, count[at - 1]
            joined.prev = self.old_offsets[block[at - 1]] + last[at - 1]
            self.out.entries.extend_from(self.old.entries, begin, at)
        if in_heading:
            joined.in_heading = array("i", in_heading[:bisect_left(in_heading, joined.seen)])

    def add_region_parts(self, key: int, joined: _Joined) -> None:
        """The term's parts in the new fragments, each first posting counted from the part before.
        (Run for every term of the changed blocks, once per block: kept to local names.)"""
        codes, tf_codes, offsets = self.codes, self.tf_codes, self.new_offsets
        add_block, add_pos, add_first, add_last, add_code, add_count = self.append_entry
        pieces, pos, prev, seen = joined.pieces, joined.pos, joined.prev, joined.seen
        for j, terms in self.new_parts:
            part = terms.get(key)
            if part is None:
                continue
            n, first, tf, rest, last, heads = part
            code = codes[2 * (offsets[j] + first - prev - 1) + (tf > 1)]
            tf_code = tf_codes[tf]
            pieces += (code, tf_code, rest)
            add_block(j)
            add_pos(pos)
            add_first(first)
            add_last(last)
            add_code(len(code) << 1 | (tf > 1))
            add_count(seen + n)
            if heads:
                joined.in_heading.extend(map(seen.__add__, heads))
            seen += n
            pos += len(code) + len(tf_code) + len(rest)
            prev = offsets[j] + last
        joined.pos, joined.prev, joined.seen = pos, prev, seen

    def copy_after(self, e: _TermEntries, postings: str, in_heading: array | None, joined: _Joined) -> None:
        """The term's parts in the blocks after the region, as they were but for the first
        posting, counted now from the part before it."""
        begin, _, at, end = e
        if at == end:
            return
        block, pos, first, last, code_bits, count = self.old.entries
        new_block, new_pos, new_first, new_last, new_code_bits, new_count = self.out.entries
        length = code_bits[at] >> 1
        code = self.code_after(e, joined.prev, self.new_offsets, self.shift)
        joined.pieces += (code, postings[pos[at] + length:])
        old_seen = count[at - 1] if at > begin else 0
        more_seen, moved = joined.seen - old_seen, joined.pos + len(code) - pos[at] - length
        new_block.extend(_shifted(block[at:end], self.shift))
        new_pos.append(joined.pos)
        new_pos.extend(_shifted(pos[at + 1:end], moved))
        new_first.extend(first[at:end])
        new_last.extend(last[at:end])
        new_code_bits.append(len(code) << 1 | (code_bits[at] & 1))
        new_code_bits.extend(code_bits[at + 1:end])
        new_count.extend(_shifted(count[at:end], more_seen))
        if in_heading:
            joined.in_heading.extend(map(more_seen.__add__, in_heading[bisect_left(in_heading, old_seen):]))

    def every_term(self, index: dict[int, int]) -> None:
        """Each term of the new vocabulary kept, re-coded or joined, in lunr's order."""
        self.new_parts = [(j, term_parts(f)) for j, f in enumerate(self.frags, self.region.start)]
        in_region: set[int] = set().union(*(terms for _, terms in self.new_parts))
        added = in_region.difference(index)
        vocab = sorted(chain(self.old.vocab, added), key=_order) if added else self.old.vocab
        keep, start, block, r = self.out.keep, self.old.start, self.old.entries.block, self.region
        for key in vocab:  # a million terms at 1,000 speeches: entries_of inlined, no tuple for those kept
            i = index.get(key)
            if i is None:
                self.join(key, None, NO_ENTRIES)
                continue
            begin, end = start[i], start[i + 1]
            region_start = bisect_left(block, r.start, begin, end)
            region_end = bisect_left(block, r.old_end, region_start, end)
            if region_start != region_end or key in in_region:
                self.join(key, i, _TermEntries(begin, region_start, region_end, end))
            elif region_end < end:
                self.keep_or_recode(key, i, _TermEntries(begin, region_start, region_end, end))
            else:
                keep(i)

    def touched_only(self, index: dict[int, int], touched: set[int]) -> None:
        """Only the terms an edit reached joined anew; the runs of terms between them kept."""
        wanted = np.array(sorted(touched), np.int64)
        self.new_parts = [(j, term_parts(f, wanted)) for j, f in enumerate(self.frags, self.region.start)]
        for key in sorted(touched, key=_order):
            i = index.get(key)
            if i is None:  # new: after every old term before it in lunr's order
                self.out.keep_until(bisect_left(self.old.vocab, _order(key), key=_order))
                self.join(key, None, NO_ENTRIES)
            else:
                self.out.keep_until(i)
                self.join(key, i, self.entries_of(i))
        self.out.keep_until(len(self.old.vocab))

    def result(self, keys: list[str]) -> tuple[Assembly, bytearray]:
        out, old, r = self.out, self.old, self.region
        out.copy_run()
        lengths = old.lengths[:r.start] + [ints(f.lengths, self.codes) for f in self.frags] + old.lengths[r.old_end:]
        heads = old.heads[:r.start] + [f.heads for f in self.frags] + old.heads[r.old_end:]
        return Assembly(list(keys), self.docs, lengths, heads, out.vocab, b"".join(out.post), out.poff, out.inhead,
                        out.start, out.entries), out.changed


def assemble(old: Assembly, keys: list[str], frags: dict[int, Fragment], old_frags: dict[int, Fragment] | None,
             codes: Codes) -> tuple[Assembly, bytearray]:
    """``old`` with the blocks that are not in it (``frags``, by new block index) put in place
    of those that are no more: the assembly of ``keys``, and per term what differs from the
    term at the same index in ``old`` (POSTINGS | IN_HEADING | MOVED). ``old_frags`` (by old
    block index), when known, tell which terms an edit reached; without them every term of
    the changed blocks is joined anew, and the first posting after them re-coded in all."""
    if not old.blocks:
        return _assemble_new(keys, [frags[j] for j in range(len(keys))], codes)
    asm = _Assembler(old, keys, frags, codes)
    index = {k: i for i, k in enumerate(old.vocab)}
    touched = asm.touched_terms(old_frags)
    if touched is None:
        asm.every_term(index)
    else:
        asm.touched_only(index, touched)
    return asm.result(keys)


# --- a build from nothing: every term joined at once --------------------------------------------------


def _order_numbers(keys: np.ndarray) -> np.ndarray | None:
    """A number per term key that sorts as ``_order`` does (lunr's UTF-16 order): each
    character's UTF-16 rank (``encoding.key16``), the second one plus one (0: a lone
    character, which comes before the bigrams it starts). None when a character is a lone
    surrogate, whose UTF-16 order this does not follow."""
    a, b = keys & LOW, keys >> 32
    if (((a >= 0xD800) & (a < 0xE000)) | ((b >= 0xD800) & (b < 0xE000))).any():
        return None

    def rank(c: np.ndarray) -> np.ndarray:
        return np.where(c < 0xD800, c, np.where(c >= 0x10000, c - 0x10000 + 0xD800, c - 0xE000 + 0x10D800))
    return rank(a) << 22 | np.where(b > 0, rank(b) + 1, 0)


class _Parts(NamedTuple):
    """Every block's part of every term, in term order then block order, as numpy columns."""

    key: np.ndarray
    block: np.ndarray
    n: np.ndarray
    first: np.ndarray
    tf: np.ndarray
    last: np.ndarray
    rest: np.ndarray  # every block's rests, one after the other (uint8)
    rest_at: np.ndarray  # where each part's rest starts in them
    rest_len: np.ndarray  # its length
    head_part: np.ndarray  # the part of each posting in a heading, ascending
    head_rel: np.ndarray  # that posting's index in its part
    term_start: np.ndarray  # True at a term's first part


def _columns(frags: list[Fragment]) -> tuple[list[np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
    """The parts of every block in block order: numpy columns key, block, n, first, tf, last,
    rest start, rest length; the rests; the part and index of each posting in a heading."""
    columns: list[list[np.ndarray]] = [[] for _ in range(8)]
    rests: list[bytes] = []
    head_part, head_rel = [], []
    at = rest_at = 0
    for j, f in enumerate(frags):
        if not len(f.keys):
            continue
        for column, values in zip(columns, (f.keys, np.full(len(f.keys), j, np.int32), f.n, f.first, f.tf, f.last,
                                            f.rest_at[:-1] + rest_at, np.diff(f.rest_at))):
            column.append(values)
        rests.append(f.rest)
        head_part.append(f.head_term + at)
        head_rel.append(f.head_rel)
        at += len(f.keys)
        rest_at += len(f.rest)
    return ([np.concatenate(c) for c in columns], np.frombuffer(b"".join(rests), np.uint8),
            np.concatenate(head_part), np.concatenate(head_rel))


def _argsort_pairs(major: np.ndarray, minor: np.ndarray) -> np.ndarray:
    """The order of distinct pairs (major, minor) of non-negative integers: one argsort of
    major << bits | minor where they fit 63 bits (numpy's SIMD quicksort, four times as fast as
    np.lexsort's merge sort), else np.lexsort."""
    if not len(major):
        return np.zeros(0, np.int64)
    bits = int(minor.max()).bit_length()
    if int(major.max()).bit_length() + bits <= 63:
        return np.argsort(major.astype(np.int64) << bits | minor)
    return np.lexsort((minor, major))


def _parts(frags: list[Fragment]) -> _Parts:
    (key, block, n, first, tf, last, rest_at, rest_len), rest, head_part, head_rel = _columns(frags)
    order_numbers = _order_numbers(key)
    if order_numbers is None:  # a lone surrogate: Python's sort of the UTF-16 encodings
        rank = {k: i for i, k in enumerate(sorted(set(key.tolist()), key=_order))}
        order_numbers = np.array([rank[k] for k in key.tolist()], np.int64)
    order = _argsort_pairs(order_numbers, block)
    del order_numbers
    where = np.empty(len(order), np.int64)
    where[order] = np.arange(len(order))
    key = key[order]
    term_start = np.ones(len(order), bool)
    term_start[1:] = key[1:] != key[:-1]
    head_part = where[head_part]
    by_part = _argsort_pairs(head_part, head_rel)
    return _Parts(key, block[order], n[order], first[order], tf[order], last[order], rest, rest_at[order],
                  rest_len[order], head_part[by_part], head_rel[by_part], term_start)


def _gathered(source: np.ndarray, starts: np.ndarray, lengths: np.ndarray, chunk: int = 1 << 20) -> np.ndarray:
    """source[starts[i]:starts[i] + lengths[i]] for every i, one after the other; the parts
    that fill about ``chunk`` values of the output at a time, so that the index of every value
    (8 bytes each) is never all made at once. At 1,000 synthetic speeches the postings' rests
    are 11.6 MB in 446,000 parts: chunks of 262,144 parts (two, with indexes of 46 MB each)
    took 0.23 and 0.48 s of CPU in two builds, most of it the kernel's (fresh memory), chunks of
    a million values 0.16 and 0.05 s."""
    out = np.empty(int(lengths.sum()), source.dtype)
    ends = np.cumsum(lengths)
    cuts = np.searchsorted(ends, np.arange(chunk, len(out), chunk), "right").tolist()
    at = 0
    for a, b in zip([0, *cuts], [*cuts, len(starts)]):
        s, w = starts[a:b], lengths[a:b]
        total = int(w.sum())
        before = np.cumsum(w) - w
        out[at:at + total] = source[np.repeat(s - before, w) + np.arange(total)]
        at += total
    return out


def _i(values: np.ndarray, typecode: str = "i") -> array:
    return array(typecode, values.astype({"i": np.int32, "b": np.int8, "q": np.int64}[typecode]).tobytes())


def _joined_postings(p: _Parts, offsets: np.ndarray) -> tuple[bytes, np.ndarray, np.ndarray, np.ndarray]:
    """Every term's postings, each followed by a comma, written at once: each part's first
    posting coded from the part before (``vints``), then the rest as its block coded it.
    Returns them, where each term starts in them (one more: the end), where each part starts
    in its term, and each part's first gap code length."""
    terms = np.cumsum(p.term_start) - 1  # each part's term
    prev = np.empty(len(p.key), np.int64)
    prev[0] = -1
    prev[1:] = (offsets[p.block] + p.last)[:-1]
    prev[p.term_start] = -1
    more = p.tf > 1
    gap = 2 * (offsets[p.block] + p.first - prev - 1) + more
    chars, row = vints([gap, np.maximum(p.tf - 2, 0)], [None, more])
    code_width = np.searchsorted(np.array(FIRST, np.int64), gap, "right")
    head_width = np.diff(row)
    width = head_width + p.rest_len
    at = np.zeros(len(width) + 1, np.int64)
    np.cumsum(width, out=at[1:])
    at = at[:-1] + terms  # a comma after each term before
    out = np.full(int(width.sum()) + int(terms[-1]) + 1, ord(","), np.uint8)
    # Each character's kind, 1 in a first posting's code, 2 in a rest, 0 in a comma: +1 where a
    # code starts, +1 where its rest starts, -2 where the part ends (a byte a character, where
    # indices of every character took 24 bytes each: 260 MB at 1,000 speeches).
    kind = np.zeros(len(out) + 1, np.int8)
    for where, step in ((at, 1), (at + head_width, 1), (at + width, -2)):
        kind[where] += step  # each array ascending, so no index twice (np.add.at took 0.05 s at 1,000 speeches)
    kind = np.cumsum(kind[:-1], dtype=np.int8)
    out[kind == 1] = np.frombuffer(chars.encode("ascii"), np.uint8)
    out[kind == 2] = _gathered(p.rest, p.rest_at, p.rest_len)
    term_at = np.append(at[p.term_start], len(out))
    return out.tobytes(), term_at, at - term_at[terms], code_width


def _in_headings(p: _Parts, count: np.ndarray) -> list[array | None]:
    """Each term's postings in a heading, numbered within the term (None: none)."""
    out: list[array | None] = [None] * int(np.count_nonzero(p.term_start))
    if not len(p.head_part):
        return out
    terms = np.cumsum(p.term_start)[p.head_part] - 1
    numbers = (count[p.head_part] - p.n[p.head_part] + p.head_rel).astype(np.int32)  # the term's postings before the part, + its index
    cut = np.flatnonzero(np.diff(terms)) + 1
    data = numbers.tobytes()
    for t, a, b in zip(terms[np.append(0, cut)].tolist(), np.append(0, cut).tolist(), np.append(cut, len(terms)).tolist()):
        out[t] = got = array("i")
        got.frombytes(data[4 * a:4 * b])
    return out


def _assemble_new(keys: list[str], frags: list[Fragment], codes: Codes) -> tuple[Assembly, bytearray]:
    """The assembly of blocks none of which an old one holds, all at once in numpy: what
    joining every term of them one by one makes (``_Assembler.every_term``), in 0.04 s
    instead of 0.48 s for the 83,000 terms of tests/corpus-real."""
    docs = [f.docs for f in frags]
    lengths = [ints(f.lengths, codes) for f in frags]
    if not any(len(f.keys) for f in frags):
        empty = empty_assembly()
        return empty._replace(blocks=list(keys), docs=docs, lengths=lengths, heads=[f.heads for f in frags]), bytearray()
    p = _parts(frags)
    post, term_at, pos, code_width = _joined_postings(p, np.array(_offsets(docs), np.int64))
    term_first = np.flatnonzero(p.term_start)
    count = np.cumsum(p.n)
    count -= np.repeat(count[term_first] - p.n[term_first], np.diff(np.append(term_first, len(p.n))))
    entries = Entries(_i(p.block), _i(pos), _i(p.first), _i(p.last), _i(code_width << 1 | (p.tf > 1), "b"), _i(count))
    asm = Assembly(list(keys), docs, lengths, [f.heads for f in frags], _i(p.key[term_first], "q"), post,
                   _i(term_at, "q"), _in_headings(p, count), _i(np.append(term_first, len(p.n))), entries)
    return asm, bytearray([MOVED]) * len(term_first)
