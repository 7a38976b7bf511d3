package rbac

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Names the apiserver gives to identities. They are copied from
// k8s.io/apiserver (authentication/serviceaccount and user), which this module
// does not depend on.
const (
	serviceAccountUserPrefix  = "system:serviceaccount:"
	allServiceAccountsGroup   = "system:serviceaccounts"
	serviceAccountGroupPrefix = "system:serviceaccounts:"
	authenticatedGroup        = "system:authenticated"
	unauthenticatedGroup      = "system:unauthenticated"
	anonymousUser             = "system:anonymous"
	nodeUserPrefix            = "system:node:"
	nodesGroup                = "system:nodes"
)

// Subject is the identity a request is made as: a user name and its groups,
// as the authenticator hands them to the authorizer.
type Subject struct {
	User   string
	Groups []string
}

// ServiceAccount returns the identity a pod's token authenticates as: the user
// system:serviceaccount:<ns>:<name> with the groups apiserver's MakeGroupNames
// adds, plus system:authenticated.
func ServiceAccount(namespace, name string) Subject {
	return Subject{
		User:   serviceAccountUsername(namespace, name),
		Groups: []string{allServiceAccountsGroup, serviceAccountGroupPrefix + namespace, authenticatedGroup},
	}
}

// ParseUser turns a user name as it appears in a Forbidden message into the
// identity the apiserver would have authenticated, with its implicit groups.
// Groups added by other authenticators (OIDC claims, certificate O=) cannot be
// known from the name, so they are not guessed.
func ParseUser(user string) Subject {
	if ns, name, ok := splitServiceAccountUser(user); ok {
		return ServiceAccount(ns, name)
	}
	switch {
	case user == anonymousUser:
		// The anonymous user is not authenticated, so bindings to
		// system:authenticated do not reach it.
		return Subject{User: user, Groups: []string{unauthenticatedGroup}}
	case strings.HasPrefix(user, nodeUserPrefix) && len(user) > len(nodeUserPrefix):
		return Subject{User: user, Groups: []string{nodesGroup, authenticatedGroup}}
	default:
		return Subject{User: user, Groups: []string{authenticatedGroup}}
	}
}

// Impersonate is the identity kubectl's --as user --as-group g... asks about:
// with groups given, those groups (and system:authenticated, unless the user
// is anonymous or a group says authenticated or unauthenticated) replace the
// ones ParseUser would add, as the apiserver's impersonation filter does.
func Impersonate(user string, groups []string) Subject {
	if len(groups) == 0 {
		return ParseUser(user)
	}
	s := Subject{User: user, Groups: append([]string(nil), groups...)}
	if user == anonymousUser {
		return s
	}
	for _, g := range groups {
		if g == authenticatedGroup || g == unauthenticatedGroup {
			return s
		}
	}
	s.Groups = append(s.Groups, authenticatedGroup)
	return s
}

// String names the subject the way a person would: "ServiceAccount shop/web"
// for a ServiceAccount, otherwise "User alice".
func (s Subject) String() string {
	if ns, name, ok := splitServiceAccountUser(s.User); ok {
		return "ServiceAccount " + ns + "/" + name
	}
	return "User " + s.User
}

// serviceAccountNamespaceAndName returns the ServiceAccount behind the subject,
// if it is one.
func (s Subject) serviceAccountNamespaceAndName() (string, string, bool) {
	return splitServiceAccountUser(s.User)
}

func (s Subject) inGroup(group string) bool {
	for _, g := range s.Groups {
		if g == group {
			return true
		}
	}
	return false
}

// lookupKeys are the index keys under which bindings naming this subject are
// filed: its user name (User and ServiceAccount subjects) and each group.
func (s Subject) lookupKeys() []subjectKey {
	keys := make([]subjectKey, 0, 1+len(s.Groups))
	keys = append(keys, subjectKey{kind: rbacv1.UserKind, name: s.User})
	for _, g := range s.Groups {
		keys = append(keys, subjectKey{kind: rbacv1.GroupKind, name: g})
	}
	return keys
}

func serviceAccountUsername(namespace, name string) string {
	return serviceAccountUserPrefix + namespace + ":" + name
}

// splitServiceAccountUser mirrors apiserver's serviceaccount.SplitUsername:
// exactly two non-empty parts after the prefix.
func splitServiceAccountUser(user string) (namespace, name string, ok bool) {
	rest, found := strings.CutPrefix(user, serviceAccountUserPrefix)
	if !found {
		return "", "", false
	}
	parts := strings.Split(rest, ":")
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return "", "", false
	}
	return parts[0], parts[1], true
}

// subjectKey files a binding under the identity it names. ServiceAccount
// subjects are filed as the User key of their user name, because that is what
// the authorizer compares (serviceaccount.MatchesUsername).
type subjectKey struct {
	kind string // rbacv1.UserKind or rbacv1.GroupKind
	name string
}

// keyForSubject returns the index key of one binding subject, following
// appliesToUser in pkg/registry/rbac/validation: a ServiceAccount subject
// without a namespace takes the RoleBinding's namespace and, in a
// ClusterRoleBinding, matches nobody. Unknown kinds match nobody.
func keyForSubject(subject rbacv1.Subject, bindingNamespace string) (subjectKey, bool) {
	switch subject.Kind {
	case rbacv1.UserKind:
		return subjectKey{kind: rbacv1.UserKind, name: subject.Name}, true
	case rbacv1.GroupKind:
		return subjectKey{kind: rbacv1.GroupKind, name: subject.Name}, true
	case rbacv1.ServiceAccountKind:
		ns := subject.Namespace
		if ns == "" {
			ns = bindingNamespace
		}
		if ns == "" {
			return subjectKey{}, false
		}
		return subjectKey{kind: rbacv1.UserKind, name: serviceAccountUsername(ns, subject.Name)}, true
	default:
		return subjectKey{}, false
	}
}

// appliesTo reports whether one binding subject matches the identity, the same
// comparison as appliesToUser.
func appliesTo(subject rbacv1.Subject, bindingNamespace string, s Subject) bool {
	key, ok := keyForSubject(subject, bindingNamespace)
	if !ok {
		return false
	}
	if key.kind == rbacv1.GroupKind {
		return s.inGroup(key.name)
	}
	return s.User == key.name
}

// describeSubject names a binding subject for explanations, with the
// namespace the authorizer would use for a ServiceAccount.
func describeSubject(subject rbacv1.Subject, bindingNamespace string) string {
	if subject.Kind == rbacv1.ServiceAccountKind {
		ns := subject.Namespace
		if ns == "" {
			ns = bindingNamespace
		}
		if ns == "" {
			return "ServiceAccount " + subject.Name + " (no namespace, matches nobody)"
		}
		return "ServiceAccount " + ns + "/" + subject.Name
	}
	return subject.Kind + " " + subject.Name
}
