package loader

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"
)

// Limits bound what reading a dump may cost; each has a flag to raise it.
type Limits struct {
	// MaxTotalBytes bounds the bytes read in all: every file's decompressed
	// bytes, and the bytes of every archive (so skipped members count too).
	MaxTotalBytes int64
	// MaxMemberBytes bounds one file or archive member, decompressed.
	MaxMemberBytes int64
	// MaxDocumentBytes bounds one document or List item, also once its YAML
	// aliases are expanded.
	MaxDocumentBytes int64
	// MaxArchiveDepth bounds archives inside archives.
	MaxArchiveDepth int
	// MaxDepth bounds the nesting of objects and arrays in one document.
	MaxDepth int
	// MaxDocumentObjects bounds the JSON objects (YAML mappings) of one
	// document: decoding "{}" into a typed field costs up to a kilobyte.
	MaxDocumentObjects int
	// MaxYAMLAliasNodes bounds the nodes that YAML aliases add to one document
	// when expanded (a "billion laughs" document adds billions).
	MaxYAMLAliasNodes int64
}

// MaxDepthCeiling is the deepest nesting the JSON and YAML decoders read at all.
const MaxDepthCeiling = 10000

// DefaultLimits fit a large real cluster's dump with room to spare: etcd
// refuses objects over 1.5 MiB (tens of thousands of JSON objects for the
// largest CRD schemas), and no real object nests 100 levels deep or expands
// YAML aliases to more than a few hundred nodes.
func DefaultLimits() Limits {
	return Limits{
		MaxTotalBytes:      4 << 30,
		MaxMemberBytes:     2 << 30,
		MaxDocumentBytes:   16 << 20,
		MaxArchiveDepth:    3,
		MaxDepth:           1000,
		MaxDocumentObjects: 100000,
		MaxYAMLAliasNodes:  10000,
	}
}

// withDefaults fills the limits left at zero.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = d.MaxTotalBytes
	}
	if l.MaxMemberBytes <= 0 {
		l.MaxMemberBytes = d.MaxMemberBytes
	}
	if l.MaxDocumentBytes <= 0 {
		l.MaxDocumentBytes = d.MaxDocumentBytes
	}
	if l.MaxArchiveDepth <= 0 {
		l.MaxArchiveDepth = d.MaxArchiveDepth
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	l.MaxDepth = min(l.MaxDepth, MaxDepthCeiling)
	if l.MaxDocumentObjects <= 0 {
		l.MaxDocumentObjects = d.MaxDocumentObjects
	}
	if l.MaxYAMLAliasNodes <= 0 {
		l.MaxYAMLAliasNodes = d.MaxYAMLAliasNodes
	}
	return l
}

// LimitError is returned when the input exceeds a limit; the message names the
// flag that raises it.
type LimitError struct {
	What  string
	Limit int64
	Flag  string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s exceeds %s (raise it with %s)", e.What, humanBytes(e.Limit), e.Flag)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Container names how the input was packaged.
type Container string

const (
	ContainerFile      Container = "file"
	ContainerDirectory Container = "directory"
	ContainerStdin     Container = "stdin"
	ContainerTar       Container = "tar"
	ContainerTarGzip   Container = "tar.gz"
	ContainerGzip      Container = "gzip"
	ContainerBzip2     Container = "bzip2"
	ContainerTarBzip2  Container = "tar.bz2"
	ContainerZip       Container = "zip"
)

// memberVisitor receives each regular file of the input with its path inside
// the input (slash separated, relative); the reader is valid only during the
// call. top is true when the file is the whole input (a file or stdin, maybe
// gzipped), so that only its content, not its place in a layout, says what it is.
type memberVisitor func(name string, r *bufio.Reader, top bool) error

// linkVisitor receives each link the input holds: its path, and its target as
// written (relative to the link's folder for a symbolic link, to the archive's
// root for a hard link). Links are never followed.
type linkVisitor func(name, target string, hard bool)

// inputWalker streams the files of an input (a file, a folder, stdin, or an
// archive of any of the supported kinds, nested) without extracting anything to disk.
type inputWalker struct {
	ctx    context.Context
	limits Limits
	visit  memberVisitor
	link   linkVisitor
	warn   func(string)
	total  int64 // bytes counted toward MaxTotalBytes so far
	// container is the outermost packaging found.
	container Container
	progress  func(int64)
	sawTar    bool
	members   int
	// cutOff says where an archive of the input ended early, "" when none
	// did: what its missing members held is unknown, not absent.
	cutOff string
	// file is the input when it is a file on disk: a zip is read from it in
	// place rather than held in memory.
	file *os.File
}

// countingReader counts the bytes of one stream. Once the stream is known to
// be a file or a tar (see count), its bytes count toward the total, unless an
// enclosing tar already counts them: archives nest, and their bytes would
// otherwise be counted once per level. A gzip stream is counted by what it
// decompresses to, a zip by its members. A file (not an archive) is also
// bounded on its own.
type countingReader struct {
	r     io.Reader
	w     *inputWalker
	n     int64 // bytes read so far
	name  string
	total bool // counts toward MaxTotalBytes
	file  bool // bounded by MaxMemberBytes
	limit error
}

// count decides how the stream is counted, including what was read before
// its kind was known.
func (c *countingReader) count(total, file bool) error {
	c.file = file
	if total && !c.total {
		c.total = true
		c.w.add(c.n)
	}
	return c.check()
}

func (c *countingReader) check() error {
	if c.w.total > c.w.limits.MaxTotalBytes {
		return &LimitError{What: "the input (decompressed)", Limit: c.w.limits.MaxTotalBytes, Flag: "--max-total-bytes"}
	}
	if c.file && c.n > c.w.limits.MaxMemberBytes {
		return &LimitError{What: fmt.Sprintf("%s (decompressed)", displayName(c.name)), Limit: c.w.limits.MaxMemberBytes, Flag: "--max-file-bytes"}
	}
	return nil
}

func (c *countingReader) Read(p []byte) (int, error) {
	if err := c.w.ctx.Err(); err != nil {
		return 0, err
	}
	if c.limit != nil {
		return 0, c.limit
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.total {
		c.w.add(int64(n))
	}
	if lerr := c.check(); lerr != nil {
		// Sticky: a bufio.Reader hands an error to one caller only, and a
		// caller that only peeks may drop it; the next read must see it again.
		c.limit = lerr
		return n, lerr
	}
	return n, err
}

// add counts n bytes toward the total.
func (w *inputWalker) add(n int64) {
	if n <= 0 {
		return
	}
	w.total += n
	if w.progress != nil {
		w.progress(n)
	}
}

func displayName(name string) string {
	if name == "" {
		return "stdin"
	}
	return name
}

// walk reads the input at p ("-" for stdin).
func (w *inputWalker) walk(p string, stdin io.Reader) error {
	if p == "-" {
		w.container = ContainerStdin
		return w.stream("", stdin, 0, true, true, false)
	}
	info, err := os.Stat(p)
	if err != nil {
		return err
	}
	if info.IsDir() {
		w.container = ContainerDirectory
		// The argument itself may be a link to a folder (users make them);
		// links inside it are still never followed.
		root, err := filepath.EvalSymlinks(p)
		if err != nil {
			return err
		}
		return w.directory(root)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file or a folder", p)
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	w.container = ContainerFile
	w.file = f
	return w.stream(safeName(filepath.Base(p)), f, 0, true, true, false)
}

// directory reads every regular file below root in lexical order; links are
// never followed.
func (w *inputWalker) directory(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			rel, _ := filepath.Rel(root, p)
			w.warn(fmt.Sprintf("%s: cannot be read (%v); skipped", safeName(filepath.ToSlash(rel)), errors.Unwrap(err)))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if err := w.ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = safeName(filepath.ToSlash(rel))
		switch {
		case d.IsDir():
			return nil
		case d.Type()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			w.link(rel, filepath.ToSlash(target), false)
			return nil
		case !d.Type().IsRegular():
			w.warn(fmt.Sprintf("%s: not a regular file; skipped", rel))
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			w.warn(fmt.Sprintf("%s: cannot be opened (%v); skipped", rel, errors.Unwrap(err)))
			return nil
		}
		defer f.Close()
		return w.stream(rel, f, 0, false, false, false)
	})
}

// stream reads one byte stream, recognising archives by their magic bytes.
// outermost is true for the input itself; top also for what a gzip of it
// holds. counted is true when an enclosing tar already counts the stream's bytes.
func (w *inputWalker) stream(name string, r io.Reader, depth int, outermost, top, counted bool) error {
	cr := &countingReader{r: r, w: w, name: name}
	br := getStreamReader(cr)
	defer putStreamReader(br)
	head, _ := br.Peek(512)
	archive := ""
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		archive = "gzip"
	case len(head) >= 4 && (bytes.Equal(head[:4], []byte("PK\x03\x04")) || bytes.Equal(head[:4], []byte("PK\x05\x06"))):
		archive = "zip"
	case isTar(head):
		archive = "tar"
	case len(head) >= 10 && bytes.HasPrefix(head, []byte("BZh")) && head[3] >= '1' && head[3] <= '9' &&
		(bytes.Equal(head[4:10], []byte{0x31, 0x41, 0x59, 0x26, 0x53, 0x59}) || bytes.Equal(head[4:10], []byte{0x17, 0x72, 0x45, 0x38, 0x50, 0x90})):
		archive = "bzip2"
	case len(head) >= 6 && bytes.Equal(head[:6], []byte{0xFD, '7', 'z', 'X', 'Z', 0x00}):
		w.warn(fmt.Sprintf("%s: xz-compressed data, which secretscan does not read; decompress it first (xz -dk FILE, or tar xJf FILE for a .tar.xz) and pass the result; skipped", displayName(name)))
		return nil
	case len(head) >= 4 && bytes.Equal(head[:4], []byte{0x28, 0xB5, 0x2F, 0xFD}):
		w.warn(fmt.Sprintf("%s: zstd-compressed data, which secretscan does not read; decompress it first (zstd -d FILE, or tar --zstd -xf FILE for a .tar.zst) and pass the result; skipped", displayName(name)))
		return nil
	}
	if archive != "" && depth >= w.limits.MaxArchiveDepth {
		w.warn(fmt.Sprintf("%s: archive nested deeper than %d levels; skipped", displayName(name), w.limits.MaxArchiveDepth))
		return nil
	}
	switch archive {
	case "bzip2":
		inner := strings.TrimSuffix(strings.TrimSuffix(name, ".bz2"), ".tbz2")
		if strings.HasSuffix(name, ".tbz2") {
			inner += ".tar"
		}
		if outermost {
			w.container = ContainerBzip2
		}
		err := w.stream(inner, bzip2.NewReader(br), depth+1, false, top, false)
		if outermost && w.sawTar {
			w.container = ContainerTarBzip2
		}
		return err
	case "gzip":
		zr, err := gzip.NewReader(br)
		if err != nil {
			if lerr := limitOrCancel(w, err); lerr != nil {
				return lerr
			}
			w.warn(fmt.Sprintf("%s: not a readable gzip stream; skipped", displayName(name)))
			return nil
		}
		inner := strings.TrimSuffix(strings.TrimSuffix(name, ".gz"), ".tgz")
		if strings.HasSuffix(name, ".tgz") {
			inner += ".tar"
		}
		if outermost {
			w.container = ContainerGzip
		}
		err = w.stream(inner, zr, depth+1, false, top, false)
		if outermost && w.sawTar {
			w.container = ContainerTarGzip
		}
		return err
	case "zip":
		if outermost {
			w.container = ContainerZip
		}
		return w.zipArchive(name, br, depth, outermost)
	case "tar":
		if err := cr.count(!counted, false); err != nil {
			return err
		}
		if outermost {
			w.container = ContainerTar
		}
		return w.tarArchive(name, br, depth)
	}
	if err := cr.count(!counted, true); err != nil {
		return err
	}
	err := w.visit(name, br, top)
	if lerr := limitOrCancel(w, err); lerr != nil {
		return lerr
	}
	if err != nil {
		w.warn(fmt.Sprintf("%s: %s", displayName(name), readError(err)))
	}
	return nil
}

// limitOrCancel returns err if it ends the whole walk: a limit reached, or
// the context done.
func limitOrCancel(w *inputWalker, err error) error {
	var limit *LimitError
	if err != nil && (errors.As(err, &limit) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return err
	}
	if err != nil && w.ctx.Err() != nil {
		return w.ctx.Err()
	}
	return nil
}

// readError describes why a file could not be read to its end: damaged or
// cut-off compressed data are named as such.
func readError(err error) string {
	var corrupt flate.CorruptInputError
	var bz bzip2.StructuralError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the data ends early (a cut-off file or archive); what was read before is kept"
	case errors.As(err, &bz):
		return "damaged bzip2 data; what was read before is kept"
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, zip.ErrChecksum):
		return "checksum mismatch (damaged compressed data); what was read before is kept"
	case errors.Is(err, gzip.ErrHeader), errors.As(err, &corrupt):
		return "damaged compressed data; what was read before is kept"
	}
	return err.Error()
}

// streamReaders recycles the 1 MiB read buffers: a support bundle has
// thousands of members, and a fresh buffer for each one was gigabytes of
// allocation and zeroing. Nothing read through a buffer outlives the stream:
// documents and log text are copied out of it.
var streamReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, streamBufferSize) }}

const streamBufferSize = 1 << 20

func getStreamReader(r io.Reader) *bufio.Reader {
	br := streamReaders.Get().(*bufio.Reader)
	br.Reset(r)
	return br
}

func putStreamReader(br *bufio.Reader) {
	br.Reset(nil)
	streamReaders.Put(br)
}

func isTar(head []byte) bool {
	return len(head) >= 262 && (bytes.Equal(head[257:262], []byte("ustar")))
}

// memberName cleans an archive member's name; absolute names and names with
// a ".." in them (climbing out of the archive or not) are refused: a member is
// read under the name it was written with, or not at all.
func memberName(name string) (string, bool) {
	for _, segment := range strings.Split(strings.ReplaceAll(name, "\\", "/"), "/") {
		if segment == ".." {
			return "", false
		}
	}
	return cleanPath(name)
}

// cleanPath cleans a path inside the input; paths that climb out of it or are
// absolute are refused.
func cleanPath(name string) (string, bool) {
	clean := path.Clean(strings.ReplaceAll(name, "\\", "/"))
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") || strings.Contains(name, "\x00") || (len(clean) >= 2 && clean[1] == ':') {
		return "", false
	}
	return safeName(clean), true
}

// safeName makes a file name fit to print in a warning or an error line: no
// control characters (a line break or a terminal escape would forge output),
// valid UTF-8.
func safeName(name string) string {
	ascii := true
	for i := 0; ascii && i < len(name); i++ {
		ascii = name[i] >= 0x20 && name[i] < 0x7f
	}
	if ascii {
		return name
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(name, "?"))
}

func (w *inputWalker) tarArchive(name string, r io.Reader, depth int) error {
	w.sawTar = true
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			// Read what follows the end of the archive: a gzip stream checks its
			// data only at its own end.
			if _, err := io.Copy(io.Discard, r); err != nil {
				if lerr := limitOrCancel(w, err); lerr != nil {
					return lerr
				}
				w.warn(fmt.Sprintf("%s: %s after the end of the archive: its members may have been read wrong", displayName(name), strings.TrimSuffix(readError(err), "; what was read before is kept")))
			}
			return nil
		}
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			if lerr := limitOrCancel(w, err); lerr != nil {
				return lerr
			}
			w.warn(fmt.Sprintf("%s: the archive is damaged or cut off after %d members (%s); the rest was skipped", displayName(name), w.members, tarErr(err)))
			w.cutOff = fmt.Sprintf("%s is cut off after %d members", displayName(name), w.members)
			return nil
		}
		w.members++
		member, ok := memberName(hdr.Name)
		if !ok {
			w.warn(fmt.Sprintf("%s: member %q has an absolute path or a \"..\" in it; skipped (nothing is ever extracted)", displayName(name), hdr.Name))
			continue
		}
		switch hdr.Typeflag {
		case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse:
		case tar.TypeDir, tar.TypeXGlobalHeader, tar.TypeXHeader:
			continue
		case tar.TypeSymlink, tar.TypeLink:
			w.link(member, safeName(hdr.Linkname), hdr.Typeflag == tar.TypeLink)
			continue
		default:
			w.warn(fmt.Sprintf("%s: member %s is not a regular file; skipped", displayName(name), member))
			continue
		}
		if err := w.stream(member, tr, depth+1, false, false, true); err != nil {
			return err
		}
	}
}

func tarErr(err error) string {
	var corrupt flate.CorruptInputError
	var bz bzip2.StructuralError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end of data"
	case errors.As(err, &bz):
		return "bzip2 data corrupt"
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader), errors.As(err, &corrupt):
		return "gzip data corrupt"
	}
	return "invalid tar header"
}

// zipArchive reads a zip. Zip needs random access: the input file itself is
// read in place; a nested zip or one on stdin is held in memory, within the
// limit of one file.
func (w *inputWalker) zipArchive(name string, r io.Reader, depth int, outermost bool) error {
	var ra io.ReaderAt
	var size int64
	if outermost && w.file != nil {
		info, err := w.file.Stat()
		if err != nil {
			return err
		}
		ra, size = w.file, info.Size()
	} else {
		data, err := io.ReadAll(io.LimitReader(r, w.limits.MaxMemberBytes+1))
		if lerr := limitOrCancel(w, err); lerr != nil {
			return lerr
		}
		if err != nil {
			w.warn(fmt.Sprintf("%s: not a readable zip archive (%s); skipped", displayName(name), readError(err)))
			return nil
		}
		if int64(len(data)) > w.limits.MaxMemberBytes {
			return &LimitError{What: displayName(name), Limit: w.limits.MaxMemberBytes, Flag: "--max-file-bytes"}
		}
		ra, size = bytes.NewReader(data), int64(len(data))
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// No readable central directory (a cut-off zip): the local headers.
		return w.zipLocalMembers(name, io.NewSectionReader(ra, 0, size), depth)
	}
	for _, f := range zr.File {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		w.members++
		member, ok := memberName(f.Name)
		if !ok {
			w.warn(fmt.Sprintf("%s: member %q has an absolute path or a \"..\" in it; skipped (nothing is ever extracted)", displayName(name), f.Name))
			continue
		}
		mode := f.Mode()
		switch {
		case mode.IsDir():
			continue
		case mode&fs.ModeSymlink != 0:
			// A zip stores a link's target as the entry's data.
			target := ""
			if rc, err := f.Open(); err == nil {
				b, _ := io.ReadAll(io.LimitReader(rc, 4096))
				rc.Close()
				target = safeName(string(b))
			}
			w.link(member, target, false)
			continue
		case !mode.IsRegular():
			w.warn(fmt.Sprintf("%s: member %s is not a regular file; skipped", displayName(name), member))
			continue
		}
		rc, err := f.Open()
		if err != nil {
			w.warn(fmt.Sprintf("%s: member %s cannot be read (unsupported compression or damaged); skipped", displayName(name), member))
			continue
		}
		err = w.stream(member, rc, depth+1, false, false, false)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
