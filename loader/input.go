package loader

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
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
)

// Limits bound what reading a dump may cost; each has a flag to raise it.
type Limits struct {
	// MaxTotalBytes bounds the decompressed bytes of the whole input.
	MaxTotalBytes int64
	// MaxMemberBytes bounds one file or archive member.
	MaxMemberBytes int64
	// MaxDocumentBytes bounds one document or List item.
	MaxDocumentBytes int64
	// MaxArchiveDepth bounds archives inside archives.
	MaxArchiveDepth int
}

// DefaultLimits fit a large real cluster's dump with room to spare.
func DefaultLimits() Limits {
	return Limits{
		MaxTotalBytes:    8 << 30,
		MaxMemberBytes:   2 << 30,
		MaxDocumentBytes: 64 << 20,
		MaxArchiveDepth:  3,
	}
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
	total  int64 // decompressed bytes read so far
	// container is the outermost packaging found.
	container Container
	progress  func(int64)
	sawTar    bool
	members   int
}

// countingReader counts the bytes of one stream against the limit of one
// file, and, once the stream is known to be a file rather than an archive
// (leaf), against the total: archives nest, and their bytes would otherwise
// be counted once per level.
type countingReader struct {
	r      io.Reader
	w      *inputWalker
	member int64
	name   string
	leaf   bool
}

// setLeaf counts the stream toward the total from now on, including what was
// read before it was recognised.
func (c *countingReader) setLeaf() error {
	c.leaf = true
	c.w.total += c.member
	if c.w.progress != nil && c.member > 0 {
		c.w.progress(c.member)
	}
	if c.w.total > c.w.limits.MaxTotalBytes {
		return &LimitError{What: "the decompressed input", Limit: c.w.limits.MaxTotalBytes, Flag: "--max-total-bytes"}
	}
	return nil
}

func (c *countingReader) Read(p []byte) (int, error) {
	if err := c.w.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	c.member += int64(n)
	if c.leaf {
		c.w.total += int64(n)
		if c.w.progress != nil && n > 0 {
			c.w.progress(int64(n))
		}
	}
	if c.w.total > c.w.limits.MaxTotalBytes {
		return n, &LimitError{What: "the decompressed input", Limit: c.w.limits.MaxTotalBytes, Flag: "--max-total-bytes"}
	}
	if c.member > c.w.limits.MaxMemberBytes {
		return n, &LimitError{What: fmt.Sprintf("%s (decompressed)", displayName(c.name)), Limit: c.w.limits.MaxMemberBytes, Flag: "--max-file-bytes"}
	}
	return n, err
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
		return w.stream("", stdin, 0, true, true)
	}
	info, err := os.Stat(p)
	if err != nil {
		return err
	}
	if info.IsDir() {
		w.container = ContainerDirectory
		return w.directory(p)
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
	return w.stream(filepath.Base(p), f, 0, true, true)
}

// directory reads every regular file below root in lexical order; links are
// never followed.
func (w *inputWalker) directory(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			rel, _ := filepath.Rel(root, p)
			w.warn(fmt.Sprintf("%s: cannot be read (%v); skipped", filepath.ToSlash(rel), errors.Unwrap(err)))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if err := w.ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
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
		return w.stream(rel, f, 0, false, false)
	})
}

// stream reads one byte stream, recognising archives by their magic bytes.
// outermost is true for the input itself; top also for what a gzip of it holds.
func (w *inputWalker) stream(name string, r io.Reader, depth int, outermost, top bool) error {
	cr := &countingReader{r: r, w: w, name: name}
	br := bufio.NewReaderSize(cr, 1<<20)
	head, _ := br.Peek(512)
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		if depth >= w.limits.MaxArchiveDepth {
			w.warn(fmt.Sprintf("%s: archive nested deeper than %d levels; skipped", displayName(name), w.limits.MaxArchiveDepth))
			return nil
		}
		zr, err := gzip.NewReader(br)
		if err != nil {
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
		return w.gzipInner(inner, zr, depth, outermost, top)
	case len(head) >= 4 && bytes.Equal(head[:4], []byte("PK\x03\x04")), len(head) >= 4 && bytes.Equal(head[:4], []byte("PK\x05\x06")):
		if depth >= w.limits.MaxArchiveDepth {
			w.warn(fmt.Sprintf("%s: archive nested deeper than %d levels; skipped", displayName(name), w.limits.MaxArchiveDepth))
			return nil
		}
		if outermost {
			w.container = ContainerZip
		}
		return w.zipArchive(name, br, depth)
	case isTar(head):
		if depth >= w.limits.MaxArchiveDepth {
			w.warn(fmt.Sprintf("%s: archive nested deeper than %d levels; skipped", displayName(name), w.limits.MaxArchiveDepth))
			return nil
		}
		if outermost {
			w.container = ContainerTar
		}
		return w.tarArchive(name, br, depth)
	}
	if err := cr.setLeaf(); err != nil {
		return err
	}
	err := w.visit(name, br, top)
	var limit *LimitError
	if errors.As(err, &limit) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if err != nil {
		w.warn(fmt.Sprintf("%s: %v", displayName(name), err))
	}
	return nil
}

// gzipInner reads what a gzip stream holds: a tar, or a single file.
func (w *inputWalker) gzipInner(inner string, zr *gzip.Reader, depth int, outermost, top bool) error {
	err := w.stream(inner, zr, depth+1, false, top)
	if outermost && w.sawTar {
		w.container = ContainerTarGzip
	}
	return err
}

func isTar(head []byte) bool {
	return len(head) >= 262 && (bytes.Equal(head[257:262], []byte("ustar")))
}

// memberName cleans an archive member's name; names that climb out of the
// archive or are absolute are refused.
func memberName(name string) (string, bool) {
	clean := path.Clean(strings.ReplaceAll(name, "\\", "/"))
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") || strings.Contains(name, "\x00") || (len(clean) >= 2 && clean[1] == ':') {
		return "", false
	}
	return clean, true
}

func (w *inputWalker) tarArchive(name string, r io.Reader, depth int) error {
	w.sawTar = true
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var limit *LimitError
			if errors.As(err, &limit) || w.ctx.Err() != nil {
				return err
			}
			w.warn(fmt.Sprintf("%s: the archive is damaged or cut off after %d members (%s); the rest was skipped", displayName(name), w.members, tarErr(err)))
			return nil
		}
		w.members++
		member, ok := memberName(hdr.Name)
		if !ok {
			w.warn(fmt.Sprintf("%s: member %q has an absolute or climbing path; skipped (nothing is ever extracted)", displayName(name), hdr.Name))
			continue
		}
		switch hdr.Typeflag {
		case tar.TypeReg, tar.TypeRegA:
		case tar.TypeDir, tar.TypeXGlobalHeader, tar.TypeXHeader:
			continue
		case tar.TypeSymlink, tar.TypeLink:
			w.link(member, hdr.Linkname, hdr.Typeflag == tar.TypeLink)
			continue
		default:
			w.warn(fmt.Sprintf("%s: member %s is not a regular file; skipped", displayName(name), member))
			continue
		}
		if err := w.stream(member, tr, depth+1, false, false); err != nil {
			return err
		}
	}
}

func tarErr(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of data"
	}
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
		return "gzip data corrupt"
	}
	return "invalid tar header"
}

// zipArchive reads a zip. Zip needs random access: a zip on disk is read in
// place; a nested one or one on stdin is held in memory, within the member limit.
func (w *inputWalker) zipArchive(name string, r io.Reader, depth int) error {
	data, err := io.ReadAll(io.LimitReader(r, w.limits.MaxMemberBytes+1))
	if err != nil {
		return err
	}
	if int64(len(data)) > w.limits.MaxMemberBytes {
		return &LimitError{What: displayName(name), Limit: w.limits.MaxMemberBytes, Flag: "--max-file-bytes"}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		w.warn(fmt.Sprintf("%s: not a readable zip archive; skipped", displayName(name)))
		return nil
	}
	for _, f := range zr.File {
		member, ok := memberName(f.Name)
		if !ok {
			w.warn(fmt.Sprintf("%s: member %q has an absolute or climbing path; skipped (nothing is ever extracted)", displayName(name), f.Name))
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
				target = string(b)
			}
			w.link(member, target, false)
			continue
		case !mode.IsRegular():
			w.warn(fmt.Sprintf("%s: member %s is not a regular file; skipped", displayName(name), member))
			continue
		}
		rc, err := f.Open()
		if err != nil {
			w.warn(fmt.Sprintf("%s: member %s cannot be read; skipped", displayName(name), member))
			continue
		}
		err = w.stream(member, rc, depth+1, false, false)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
