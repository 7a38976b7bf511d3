package loader

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"strings"
)

// A zip's central directory sits at its end: a cut-off zip has none, and
// archive/zip reads nothing of it. Each member is also preceded by a local
// file header (name, method, sizes), so the members can be read in order from
// the start, as streaming readers do: what is complete is kept.

const (
	zipLocalSig      = 0x04034b50
	zipCentralSig    = 0x02014b50
	zipDescriptorSig = 0x08074b50
	zipEndSig        = 0x06054b50
)

// zipLocalEnd is why a walk of local headers stopped.
type zipLocalEnd int

const (
	zipEndDirectory zipLocalEnd = iota // the central directory starts: every member was seen
	zipEndCutOff                       // the data ends inside a member or a header
	zipEndDamaged                      // bytes that are no header where one must start
)

// zipLocalMembers reads the members of a zip from their local headers; r is
// the archive from its first byte. It returns an error only when the whole
// walk must end (a limit, a cancellation); damage ends the walk with a warning.
func (w *inputWalker) zipLocalMembers(name string, r io.Reader, depth int) error {
	br := bufio.NewReaderSize(r, 64<<10)
	complete, end := 0, zipEndCutOff
walk:
	for {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		sig, _ := br.Peek(4)
		if len(sig) < 4 {
			break
		}
		switch binary.LittleEndian.Uint32(sig) {
		case zipLocalSig:
		case zipCentralSig, zipEndSig:
			end = zipEndDirectory
			break walk
		default:
			end = zipEndDamaged
			break walk
		}
		h, ok := readZipLocalHeader(br)
		if !ok {
			break
		}
		w.members++
		whole, err := w.zipLocalMember(name, br, h, depth)
		if err != nil {
			return err
		}
		if !whole {
			break
		}
		complete++
	}
	if complete == 0 && w.members == 0 {
		w.warn(fmt.Sprintf("%s: not a readable zip archive; skipped", displayName(name)))
		return nil
	}
	switch end {
	case zipEndDirectory:
		w.warn(fmt.Sprintf("%s: the zip archive's central directory is damaged; its %d %s were read from their local headers", displayName(name), complete, plural(complete, "member", "members")))
	case zipEndDamaged:
		w.warn(fmt.Sprintf("%s: the zip archive is damaged after %d complete %s (and its central directory is unreadable); the rest was skipped", displayName(name), complete, plural(complete, "member", "members")))
		w.cutOff = fmt.Sprintf("%s is damaged after %d members", displayName(name), complete)
	default:
		w.warn(fmt.Sprintf("%s: the zip archive is cut off (its central directory is missing): %d complete %s read from their local headers, and the rest is lost", displayName(name), complete, plural(complete, "member was", "members were")))
		w.cutOff = fmt.Sprintf("%s is cut off after %d members", displayName(name), complete)
	}
	return nil
}

// zipLocalHeader is what a local file header says of its member.
type zipLocalHeader struct {
	name           string
	flags, method  uint16
	crc            uint32
	compressed     int64
	uncompressed   int64
	zip64          bool
	sizesFollowing bool // bit 3: sizes and CRC are in a data descriptor after the data
}

func readZipLocalHeader(br *bufio.Reader) (zipLocalHeader, bool) {
	var fixed [30]byte
	if _, err := io.ReadFull(br, fixed[:]); err != nil {
		return zipLocalHeader{}, false
	}
	le := binary.LittleEndian
	h := zipLocalHeader{
		flags:        le.Uint16(fixed[6:]),
		method:       le.Uint16(fixed[8:]),
		crc:          le.Uint32(fixed[14:]),
		compressed:   int64(le.Uint32(fixed[18:])),
		uncompressed: int64(le.Uint32(fixed[22:])),
	}
	h.sizesFollowing = h.flags&0x8 != 0
	nameLen, extraLen := int(le.Uint16(fixed[26:])), int(le.Uint16(fixed[28:]))
	rest := make([]byte, nameLen+extraLen)
	if _, err := io.ReadFull(br, rest); err != nil {
		return zipLocalHeader{}, false
	}
	h.name = string(rest[:nameLen])
	// Zip64: sizes of 0xFFFFFFFF are in the extra field 0x0001, in this order.
	for extra := rest[nameLen:]; len(extra) >= 4; {
		id, size := le.Uint16(extra), int(le.Uint16(extra[2:]))
		if 4+size > len(extra) {
			break
		}
		if id == 0x0001 {
			h.zip64 = true
			field := extra[4 : 4+size]
			if h.uncompressed == 0xFFFFFFFF && len(field) >= 8 {
				h.uncompressed, field = int64(le.Uint64(field)), field[8:]
			}
			if h.compressed == 0xFFFFFFFF && len(field) >= 8 {
				h.compressed = int64(le.Uint64(field))
			}
		}
		extra = extra[4+size:]
	}
	return h, true
}

// zipLocalMember reads one member whose header was just read; whole is
// false when the walk cannot go on past it (its data is cut off or cannot be
// delimited).
func (w *inputWalker) zipLocalMember(archive string, br *bufio.Reader, h zipLocalHeader, depth int) (whole bool, err error) {
	knownSize := !h.sizesFollowing || h.compressed > 0
	if knownSize && (h.compressed < 0 || h.uncompressed < 0) {
		return false, nil
	}
	var raw io.Reader = br
	if knownSize {
		raw = io.LimitReader(br, h.compressed)
	}
	member, nameOK := memberName(h.name)
	skip := ""
	switch {
	case !nameOK:
		w.warn(fmt.Sprintf("%s: member %q has an absolute path or a \"..\" in it; skipped (nothing is ever extracted)", displayName(archive), h.name))
		skip = "name"
	case strings.HasSuffix(h.name, "/"):
		skip = "folder"
	case h.flags&0x1 != 0:
		w.warn(fmt.Sprintf("%s: member %s is encrypted; skipped", displayName(archive), member))
		skip = "encrypted"
	case h.method != zip.Store && h.method != zip.Deflate:
		w.warn(fmt.Sprintf("%s: member %s cannot be read (unsupported compression or damaged); skipped", displayName(archive), member))
		skip = "method"
	}
	if skip != "" {
		if !knownSize {
			return false, nil // its end cannot be found
		}
		n, _ := io.Copy(io.Discard, raw)
		return n == h.compressed, nil
	}
	var data io.Reader
	switch {
	case h.method == zip.Deflate:
		// Over a *bufio.Reader (an io.ByteReader), flate reads no byte past
		// the member's data, whose end it finds itself.
		fr := flate.NewReader(raw)
		defer fr.Close()
		data = fr
	case knownSize:
		data = raw
	default:
		data = &storedUntilDescriptor{br: br}
	}
	cr := &crcReader{r: data, h: crc32.NewIEEE()}
	if !h.sizesFollowing {
		cr.want, cr.check = h.crc, true
	}
	if err := w.stream(member, cr, depth+1, false, false, false); err != nil {
		return false, err
	}
	// What the reader of the member left unread: the walk needs the next header.
	drain := &countingReader{r: cr, w: w, name: member, total: true}
	if _, err := io.Copy(io.Discard, drain); err != nil {
		if lerr := limitOrCancel(w, err); lerr != nil {
			return false, lerr
		}
	}
	if cr.err != nil && cr.err != io.EOF {
		return false, nil
	}
	if h.sizesFollowing {
		crc, ok := readZipDescriptor(br, h.zip64)
		if !ok {
			return false, nil
		}
		if crc != cr.h.Sum32() {
			w.warn(fmt.Sprintf("%s: %s", member, readError(zip.ErrChecksum)))
		}
	}
	return true, nil
}

// readZipDescriptor reads the data descriptor after a member's data: an
// optional signature, the CRC and the two sizes.
func readZipDescriptor(br *bufio.Reader, zip64 bool) (uint32, bool) {
	if sig, _ := br.Peek(4); len(sig) == 4 && binary.LittleEndian.Uint32(sig) == zipDescriptorSig {
		br.Discard(4)
	}
	n := 12
	if zip64 {
		n = 20
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(br, b); err != nil {
		return 0, false
	}
	return binary.LittleEndian.Uint32(b), true
}

// crcReader checks a member's CRC as it is read, and keeps the error that
// ended the reading.
type crcReader struct {
	r     io.Reader
	h     hash.Hash32
	want  uint32
	check bool
	err   error
}

func (c *crcReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	if err == io.EOF && c.check && c.h.Sum32() != c.want {
		err = zip.ErrChecksum
	}
	if err != nil {
		c.err = err
	}
	return n, err
}

// storedUntilDescriptor is the data of a stored member whose size follows it
// (bit 3): it ends where a data descriptor signature is followed by sizes
// equal to the bytes before it.
type storedUntilDescriptor struct {
	br   *bufio.Reader
	n    int64 // bytes handed out so far
	done bool
}

func (s *storedUntilDescriptor) Read(p []byte) (int, error) {
	if s.done {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	const tail = 24 // signature, CRC and two 8-byte sizes
	win, err := s.br.Peek(min(len(p), 32<<10) + tail)
	le := binary.LittleEndian
	sig := []byte{0x50, 0x4b, 0x07, 0x08}
	for i := 0; ; i++ {
		j := bytes.Index(win[i:], sig)
		if j < 0 {
			break
		}
		i += j
		at := uint64(s.n) + uint64(i)
		if i+16 <= len(win) && uint64(le.Uint32(win[i+8:])) == at&0xFFFFFFFF && uint64(le.Uint32(win[i+12:])) == at&0xFFFFFFFF && at < 0xFFFFFFFF {
			return s.handOut(p, win, i, true)
		}
		if i+24 <= len(win) && le.Uint64(win[i+8:]) == at && le.Uint64(win[i+16:]) == at {
			return s.handOut(p, win, i, true)
		}
	}
	n := len(win) - tail
	if n <= 0 {
		if err == nil || err == bufio.ErrBufferFull {
			err = io.ErrUnexpectedEOF
		}
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, err
	}
	return s.handOut(p, win, min(n, len(p)), false)
}

func (s *storedUntilDescriptor) handOut(p, win []byte, n int, done bool) (int, error) {
	if n > len(p) {
		n, done = len(p), false
	}
	copy(p, win[:n])
	s.br.Discard(n)
	s.n += int64(n)
	if done {
		s.done = true
		if n == 0 {
			return 0, io.EOF
		}
	}
	return n, nil
}
