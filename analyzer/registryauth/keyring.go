// Package registryauth tells which image pull credentials the kubelet would use
// for an image, following the kubelet's own normalization and keyring rules so
// that "this Secret does not cover that image" findings are exactly right.
package registryauth

import (
	"slices"
	"sort"
	"strings"

	"github.com/secretscan/secretscan/internal/dockerconfig"
)

// Source is one pull Secret, already parsed.
type Source struct {
	Secret string
	Config dockerconfig.Config
}

// Match is one pull Secret entry the kubelet would try for an image.
type Match struct {
	Secret   string
	Registry string // the entry key as written in the Secret
}

// Coverage is one entry whose key covers an image, usable or not, so a
// finding can say "reg.example.com in secret x covers it but has no
// credentials".
type Coverage struct {
	Secret   string
	Registry string
	Usable   bool
	Problem  string // dockerconfig's Problem text, empty when Usable
}

// Keyring is the credentials of a pod's pull Secrets in kubelet order. It
// mirrors one BasicDockerKeyring built by MakeDockerKeyring from all of the
// pod's pull Secrets; node credentials (config.json, credential provider
// plugins) are not in a cluster dump and are left out.
type Keyring struct {
	index   []string               // distinct index keys, reverse-sorted as in BasicDockerKeyring.Add
	held    map[string][]heldEntry // per index key, in Secret order, then by entry key
	invalid []Match                // entries whose key the kubelet cannot parse and ignores
}

type heldEntry struct {
	secret string
	entry  dockerconfig.Entry
}

// NewKeyring indexes the entries of sources, in the order the pod lists its
// pull Secrets. Within one Secret the kubelet's order for entries sharing an
// index key is Go map order (random); here it is by entry key. A Source whose
// Config.KubeletRejects() is indexed like any other, but the kubelet would
// fail the pull before any lookup; callers report that first.
func NewKeyring(sources []Source) *Keyring {
	k := &Keyring{held: make(map[string][]heldEntry)}
	for _, src := range sources {
		entries := slices.Clone(src.Config.Entries)
		slices.SortStableFunc(entries, func(a, b dockerconfig.Entry) int { return strings.Compare(a.Registry, b.Registry) })
		for _, e := range entries {
			key, ok := indexKey(e.Registry)
			if !ok {
				k.invalid = append(k.invalid, Match{Secret: src.Secret, Registry: e.Registry})
				continue
			}
			if _, seen := k.held[key]; !seen {
				k.index = append(k.index, key)
			}
			k.held[key] = append(k.held[key], heldEntry{secret: src.Secret, entry: e})
		}
	}
	// Reverse order puts longer, more specific keys first, as the kubelet does.
	sort.Sort(sort.Reverse(sort.StringSlice(k.index)))
	return k
}

// Covering returns every entry the kubelet's Lookup would return for image,
// usable or not, in the order it would try them. Unusable entries matter: they
// still count as a match, so they keep the index.docker.io fallback from
// applying. An invalid image name covers nothing (the kubelet stops at
// InvalidImageName).
func (k *Keyring) Covering(image string) []Coverage {
	name, err := NormalizeImage(image)
	if err != nil {
		return nil
	}
	var found []heldEntry
	for _, key := range k.index {
		if urlsMatch(key, name) {
			found = append(found, k.held[key]...)
		}
	}
	// BasicDockerKeyring.Lookup: the Docker Hub fallback only when nothing matched.
	if len(found) == 0 && isDefaultRegistryMatch(name) {
		found = k.held[defaultRegistryHost]
	}
	var out []Coverage
	for _, h := range found {
		out = append(out, Coverage{Secret: h.secret, Registry: h.entry.Registry, Usable: h.entry.Usable, Problem: h.entry.Problem})
	}
	return out
}

// Lookup returns every (Secret, entry) the kubelet would try for image, in
// order, usable entries only. Empty means the kubelet pulls anonymously (or
// with node credentials) as far as the pod's Secrets go.
func (k *Keyring) Lookup(image string) []Match {
	var out []Match
	for _, c := range k.Covering(image) {
		if c.Usable {
			out = append(out, Match{Secret: c.Secret, Registry: c.Registry})
		}
	}
	return out
}

// Registries lists the entry keys the keyring holds, as written, sorted and
// deduplicated, usable or not, for "the Secrets cover a, b" messages. Keys the
// kubelet ignores are listed by Invalid instead.
func (k *Keyring) Registries() []string {
	var out []string
	for _, hs := range k.held {
		for _, h := range hs {
			out = append(out, h.entry.Registry)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Invalid lists the entries whose key the kubelet cannot parse as a URL and
// skips (it logs "Entry %q in dockercfg invalid", nothing the pod shows).
func (k *Keyring) Invalid() []Match {
	return slices.Clone(k.invalid)
}

// UsableRegistries lists the entry keys that give credentials, as written,
// sorted and deduplicated: the registries the pull Secrets really cover. An
// entry without credentials covers nothing and is left out.
func (k *Keyring) UsableRegistries() []string {
	var out []string
	for _, hs := range k.held {
		for _, h := range hs {
			if h.entry.Usable {
				out = append(out, h.entry.Registry)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
