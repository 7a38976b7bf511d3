package loader

import (
	"bufio"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// Windows PowerShell 5 writes `kubectl get ... > file` as UTF-16 (little
// endian, with a byte order mark). Such text is decoded to UTF-8 as it is
// read, in bounded memory.

// utf16Order tells whether the start of a file is UTF-16 text: by its byte
// order mark, or, without one, by text whose every other byte is NUL (ASCII
// in UTF-16). ok is false for anything else.
func utf16Order(r *bufio.Reader) (bigEndian, bom, ok bool) {
	head, _ := r.Peek(512)
	switch {
	case len(head) >= 2 && head[0] == 0xFF && head[1] == 0xFE:
		return false, true, true
	case len(head) >= 2 && head[0] == 0xFE && head[1] == 0xFF:
		return true, true, true
	}
	if len(head) < 16 {
		return false, false, false
	}
	head = head[:len(head)&^1]
	var nulEven, nulOdd, asciiEven, asciiOdd int
	for i := 0; i < len(head); i += 2 {
		switch {
		case head[i] == 0:
			nulEven++
		case head[i] >= 0x09 && head[i] < 0x7F:
			asciiEven++
		}
		switch {
		case head[i+1] == 0:
			nulOdd++
		case head[i+1] >= 0x09 && head[i+1] < 0x7F:
			asciiOdd++
		}
	}
	units := len(head) / 2
	switch {
	case nulOdd*10 >= units*9 && asciiEven*10 >= units*9:
		return false, false, true
	case nulEven*10 >= units*9 && asciiOdd*10 >= units*9:
		return true, false, true
	}
	return false, false, false
}

// utf16Reader decodes UTF-16 text to UTF-8; unpaired surrogates and an odd
// last byte become U+FFFD.
type utf16Reader struct {
	r         *bufio.Reader
	bigEndian bool
	out       []byte // decoded, out[pos:] not yet handed out
	pos       int
	err       error
}

func newUTF16Reader(r *bufio.Reader, bigEndian, bom bool) *utf16Reader {
	if bom {
		r.Discard(2)
	}
	return &utf16Reader{r: r, bigEndian: bigEndian, out: make([]byte, 0, 3*4096)}
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for u.pos == len(u.out) {
		if u.err != nil {
			return 0, u.err
		}
		u.fill()
	}
	n := copy(p, u.out[u.pos:])
	u.pos += n
	return n, nil
}

// fill decodes the next chunk of input.
func (u *utf16Reader) fill() {
	u.out, u.pos = u.out[:0], 0
	b, err := u.r.Peek(min(4096, u.r.Size()))
	if err == bufio.ErrBufferFull {
		err = nil
	}
	n := len(b) &^ 1
	unit := func(i int) rune {
		if u.bigEndian {
			return rune(b[i])<<8 | rune(b[i+1])
		}
		return rune(b[i+1])<<8 | rune(b[i])
	}
	i := 0
	for ; i < n; i += 2 {
		r := unit(i)
		if utf16.IsSurrogate(r) {
			if i+4 > n && err == nil {
				break // the pair's second half is not buffered yet
			}
			if i+4 <= n {
				if pair := utf16.DecodeRune(r, unit(i+2)); pair != utf8.RuneError {
					r = pair
					i += 2
				} else {
					r = utf8.RuneError
				}
			} else {
				r = utf8.RuneError
			}
		}
		u.out = utf8.AppendRune(u.out, r)
	}
	u.r.Discard(i)
	if i == 0 {
		if len(b) == 1 {
			u.r.Discard(1)
			u.out = utf8.AppendRune(u.out, utf8.RuneError)
		}
		if err == nil {
			err = io.EOF
		}
		u.err = err
	}
}
