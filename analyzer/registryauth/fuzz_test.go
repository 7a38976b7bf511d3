package registryauth

import (
	"strings"
	"testing"
)

// FuzzNormalizeImage checks that odd image names and keys never panic, that
// normalized names are fixed points, and that Covers agrees with the keyring
// for a single usable entry.
func FuzzNormalizeImage(f *testing.F) {
	for _, row := range normalizeRows {
		f.Add(row.image, "docker.io")
	}
	for _, row := range ruleRows {
		f.Add(row.image, row.key)
	}
	f.Fuzz(func(t *testing.T, image, key string) {
		name, err := NormalizeImage(image)
		if err == nil {
			if again, err := NormalizeImage(name); err != nil || again != name {
				t.Fatalf("NormalizeImage(%q) = %q, then %q, %v", image, name, again, err)
			}
			if reg := Registry(image); reg == "" || !strings.HasPrefix(name, reg+"/") {
				t.Fatalf("Registry(%q) = %q, not the start of %q", image, reg, name)
			}
		}
		covered := Covers(key, image)
		got := NewKeyring([]Source{source("s", usable(key))}).Lookup(image)
		if covered != (len(got) == 1) {
			t.Fatalf("Covers(%q, %q) = %v but Lookup = %+v", key, image, covered, got)
		}
	})
}
