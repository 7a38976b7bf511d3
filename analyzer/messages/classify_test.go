package messages

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// classifyCase is one real wording (quoted as Kubernetes, a runtime or an
// operator writes it) and what Classify must make of it. The name cites the
// section of /work/shared/reference/kubernetes-messages.md it comes from.
type classifyCase struct {
	name    string
	message string
	want    []Signal
}

const (
	podSecurityDetail = `violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), runAsNonRoot != true (pod or container "app"...`
	kyvernoMessage    = "Error creating: admission webhook \"validate.kyverno.svc-fail\" denied the request: \n\n" +
		"resource Pod/shop/web-5d8f7c9b4-x2x9q was blocked due to the following policies\n\n" +
		"require-team-label:\n  check-team: 'validation error: label team is required. rule check-team failed at path /metadata/labels/team/'"
)

var classifyCases = []classifyCase{
	// --- 1a Secret volumes (kubelet).
	{
		name:    "1a volume secret not found (watch manager, singular)",
		message: `MountVolume.SetUp failed for volume "creds" : secret "db-credentials" not found`,
		want:    []Signal{{Cause: SecretNotFound, Secret: "db-credentials", Volume: "creds"}},
	},
	{
		name:    "1a volume secrets not found (get/cache strategy via apiserver, plural)",
		message: `MountVolume.SetUp failed for volume "creds" : secrets "db-credentials" not found`,
		want:    []Signal{{Cause: SecretNotFound, Secret: "db-credentials", Volume: "creds"}},
	},
	{
		name:    "1a volume items[] key missing (MakePayload)",
		message: `MountVolume.SetUp failed for volume "creds" : references non-existent secret key: password`,
		want:    []Signal{{Cause: VolumeKeyNotFound, Key: "password", Volume: "creds"}},
	},
	{
		name:    "1a secret cache sync timeout (watch manager)",
		message: `MountVolume.SetUp failed for volume "creds" : failed to sync secret cache: timed out waiting for the condition`,
		want:    []Signal{{Cause: SecretCacheSyncFailed, Volume: "creds", Detail: "timed out waiting for the condition"}},
	},
	{
		name:    "1a object not registered (watch manager race)",
		message: `MountVolume.SetUp failed for volume "creds" : object "shop"/"db-credentials" not registered`,
		want:    []Signal{{Cause: ObjectNotRegistered, Namespace: "shop", Object: "db-credentials", Volume: "creds"}},
	},
	{
		name:    "1a kubelet log Couldn't get secret: not found",
		message: `E1120 10:01:02.123456    1234 secret.go:189] Couldn't get secret shop/db-credentials: secret "db-credentials" not found`,
		want:    []Signal{{Cause: SecretNotFound, Secret: "db-credentials", Namespace: "shop"}},
	},
	{
		name:    "1a kubelet log Couldn't get secret: cache sync",
		message: `E1120 10:01:02.123456    1234 secret.go:189] Couldn't get secret shop/db-credentials: failed to sync secret cache: timed out waiting for the condition`,
		want:    []Signal{{Cause: SecretCacheSyncFailed, Secret: "db-credentials", Namespace: "shop", Detail: "timed out waiting for the condition"}},
	},
	{
		name:    "1a mount timeout event, several unmounted volumes (pre-1.32)",
		message: `Unable to attach or mount volumes: unmounted volumes=[creds kube-api-access-7xk2p], unattached volumes=[creds kube-api-access-7xk2p]: timed out waiting for the condition`,
		want: []Signal{
			{Cause: MountTimeout, Volume: "creds", Volumes: []string{"creds"}, Detail: "timed out waiting for the condition"},
			{Cause: MountTimeout, Volume: "kube-api-access-7xk2p", Volumes: []string{"kube-api-access-7xk2p"}, Detail: "timed out waiting for the condition"},
		},
	},
	{
		name:    "1a mount timeout event with failed to process volumes",
		message: `Unable to attach or mount volumes: unmounted volumes=[creds], unattached volumes=[creds kube-api-access-7xk2p], failed to process volumes=[]: timed out waiting for the condition`,
		want:    []Signal{{Cause: MountTimeout, Volume: "creds", Volumes: []string{"creds"}, Detail: "timed out waiting for the condition"}},
	},
	{
		name:    "1a mount timeout, only failed to process volumes listed",
		message: `Unable to attach or mount volumes: unmounted volumes=[], unattached volumes=[], failed to process volumes=[creds]: context deadline exceeded`,
		want:    []Signal{{Cause: MountTimeout, Volume: "creds", Volumes: []string{"creds"}, Detail: "context deadline exceeded"}},
	},
	{
		name:    "1a mount timeout, 1.10-era list of unmounted volumes",
		message: `Unable to mount volumes for pod "web-7d4b9c8f6-x2x9q_shop(4f5c2a1e-0b1d-4c3e-9f7a-2d8e6b1c0a9f)": timeout expired waiting for volumes to attach or mount for pod "shop"/"web-7d4b9c8f6-x2x9q". list of unmounted volumes=[creds]. list of unattached volumes=[creds default-token-abcde]`,
		want:    []Signal{{Cause: MountTimeout, Namespace: "shop", Volume: "creds", Volumes: []string{"creds"}}},
	},
	{
		name:    "1a pre-1.9 kubelet: unique volume name with spec.Name",
		message: `MountVolume.SetUp failed for volume "kubernetes.io/secret/4f5c2a1e-creds" (spec.Name: "creds") pod "4f5c2a1e" (UID: "4f5c2a1e") with: secrets "db-credentials" not found`,
		want:    []Signal{{Cause: SecretNotFound, Secret: "db-credentials", Volume: "creds"}},
	},

	// --- 1b projected volumes.
	{
		name:    "1b projected volume, single source error passes unchanged",
		message: `MountVolume.SetUp failed for volume "app-secrets" : secret "api-keys" not found`,
		want:    []Signal{{Cause: SecretNotFound, Secret: "api-keys", Volume: "app-secrets"}},
	},
	{
		name:    "1b projected volume, aggregate [e1, e2]",
		message: `MountVolume.SetUp failed for volume "app-secrets" : [secret "db-credentials" not found, secret "api-keys" not found]`,
		want: []Signal{
			{Cause: SecretNotFound, Secret: "db-credentials", Volume: "app-secrets"},
			{Cause: SecretNotFound, Secret: "api-keys", Volume: "app-secrets"},
		},
	},
	{
		name:    "1b projected volume, aggregate of missing key and missing secret",
		message: `MountVolume.SetUp failed for volume "app-secrets" : [references non-existent secret key: tls.crt, secret "api-keys" not found]`,
		want: []Signal{
			{Cause: VolumeKeyNotFound, Key: "tls.crt", Volume: "app-secrets"},
			{Cause: SecretNotFound, Secret: "api-keys", Volume: "app-secrets"},
		},
	},

	{
		name:    "1b projected ConfigMap items[] key missing is not a Secret",
		message: `MountVolume.SetUp failed for volume "app-config" : configmap references non-existent config key: log.level`,
		want:    []Signal{{Cause: ConfigMapKeyNotFound, Key: "log.level", Volume: "app-config"}},
	},

	// --- 1c env secretKeyRef / envFrom.
	{
		name:    "1c env secret not found (Failed event)",
		message: `Error: secret "db-credentials" not found`,
		want:    []Signal{{Cause: SecretNotFound, Secret: "db-credentials"}},
	},
	{
		name:    "1c env secret not found (CreateContainerConfigError waiting.message)",
		message: `secret "db-credentials" not found`,
		want:    []Signal{{Cause: SecretNotFound, Secret: "db-credentials"}},
	},
	{
		name:    "1c env secrets not found (older kubelet, plural)",
		message: `Error: secrets "db-credentials" not found`,
		want:    []Signal{{Cause: SecretNotFound, Secret: "db-credentials"}},
	},
	{
		name:    "1c env secret not found pasted from JSON (\\\" quoting)",
		message: `{"reason":"CreateContainerConfigError","message":"secret \"db-credentials\" not found"}`,
		want:    []Signal{{Cause: SecretNotFound, Secret: "db-credentials"}},
	},
	{
		name:    "1c secretKeyRef key missing (Failed event)",
		message: `Error: couldn't find key password in Secret shop/db-credentials`,
		want:    []Signal{{Cause: SecretKeyNotFound, Key: "password", Namespace: "shop", Secret: "db-credentials"}},
	},
	{
		name:    "1c secretKeyRef key missing (waiting.message)",
		message: `couldn't find key DB_PASSWORD in Secret shop/db-credentials`,
		want:    []Signal{{Cause: SecretKeyNotFound, Key: "DB_PASSWORD", Namespace: "shop", Secret: "db-credentials"}},
	},
	{
		name:    "1c secretKeyRef key missing (1.3/1.4 capital Couldn't)",
		message: `Couldn't find key password in Secret shop/db-credentials`,
		want:    []Signal{{Cause: SecretKeyNotFound, Key: "password", Namespace: "shop", Secret: "db-credentials"}},
	},
	{
		name:    "1c envFrom without kubeClient (standalone kubelet)",
		message: `Error: couldn't get secret kube-system/bootstrap-creds, no kubeClient defined`,
		want:    []Signal{{Cause: NoKubeClient, Namespace: "kube-system", Secret: "bootstrap-creds"}},
	},
	{
		name:    "1c configMapKeyRef key missing is not a Secret",
		message: `Error: couldn't find key LOG_LEVEL in ConfigMap shop/app-config`,
		want:    []Signal{{Cause: ConfigMapKeyNotFound, Key: "LOG_LEVEL", Namespace: "shop", ConfigMap: "app-config"}},
	},

	// --- 1d image pull Secrets and pull failures.
	{
		name:    "1d FailedToRetrieveImagePullSecret, several names (1.28+)",
		message: `Unable to retrieve some image pull secrets (regcred, ghcr-cred); attempting to pull the image may not succeed.`,
		want:    []Signal{{Cause: PullSecretNotRetrieved, PullSecrets: []string{"regcred", "ghcr-cred"}}},
	},
	{
		name:    "1d FailedToRetrieveImagePullSecret, one name",
		message: `Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed.`,
		want:    []Signal{{Cause: PullSecretNotRetrieved, PullSecrets: []string{"regcred"}}},
	},
	{
		name:    "1d kubelet klog line Unable to retrieve pull secret",
		message: `I0507 11:59:29.320184 1537502 kubelet_pods.go:906] "Unable to retrieve pull secret, the image pull may not succeed." pod="shop/web-5d8f7c9b4-x2x9q" secret="" err="secret \"regcred\" not found"`,
		want:    []Signal{{Cause: PullSecretNotRetrieved, Namespace: "shop", PullSecrets: []string{"regcred"}}},
	},
	{
		name:    "1d kubelet log before 1.20 (Warningf)",
		message: `W0305 08:12:44.118273    2291 kubelet_pods.go:863] Unable to retrieve pull secret shop/regcred for shop/web-5d8f7c9b4-x2x9q due to secret "regcred" not found.  The image pull may not succeed.`,
		want:    []Signal{{Cause: PullSecretNotRetrieved, Namespace: "shop", PullSecrets: []string{"regcred"}, Detail: `secret "regcred" not found`}},
	},
	{
		name:    "1d pull secret auth field without a colon",
		message: `Failed to pull image "reg.example.com/shop/web:1.4.2": unable to parse auth field, must be formatted as base64(username:password)`,
		want:    []Signal{{Cause: PullSecretUnparseable, Image: "reg.example.com/shop/web:1.4.2", Detail: "unable to parse auth field"}},
	},
	{
		name:    "1d pull secret with invalid JSON (keyring error)",
		message: `Failed to pull image "reg.example.com/shop/web:1.4.2": invalid character 'a' looking for beginning of object key string`,
		want:    []Signal{{Cause: PullSecretUnparseable, Image: "reg.example.com/shop/web:1.4.2", Detail: "invalid character 'a' looking for beginning of object key string"}},
	},
	{
		name:    "1d pull secret with truncated JSON, during back-off",
		message: `Back-off pulling image "reg.example.com/shop/web:1.4.2": ErrImagePull: unexpected end of JSON input`,
		want:    []Signal{{Cause: PullSecretUnparseable, Image: "reg.example.com/shop/web:1.4.2", Detail: "unexpected end of JSON input"}},
	},
	{
		name:    "1d pull secret that is not a docker config (json: cannot unmarshal)",
		message: `Failed to pull image "reg.example.com/shop/web:1.4.2": json: cannot unmarshal string into Go value of type credentialprovider.DockerConfigJSON`,
		want: []Signal{{Cause: PullSecretUnparseable, Image: "reg.example.com/shop/web:1.4.2",
			Detail: "json: cannot unmarshal string into Go value of type credentialprovider.DockerConfigJSON"}},
	},
	{
		name:    "1d pull secret auth field that is not base64",
		message: `Failed to pull image "reg.example.com/shop/web:1.4.2": illegal base64 data at input byte 12`,
		want:    []Signal{{Cause: PullSecretUnparseable, Image: "reg.example.com/shop/web:1.4.2", Detail: "illegal base64 data at input byte 12"}},
	},
	{
		name:    "1d containerd HEAD 401 with gRPC prefix (kubelet < 1.28)",
		message: `Failed to pull image "reg.example.com/shop/web:1.4.2": rpc error: code = Unknown desc = failed to pull and unpack image "reg.example.com/shop/web:1.4.2": failed to resolve reference "reg.example.com/shop/web:1.4.2": unexpected status from HEAD request to https://reg.example.com/v2/shop/web/manifests/1.4.2: 401 Unauthorized`,
		want:    []Signal{{Cause: ImagePullAuthFailed, Image: "reg.example.com/shop/web:1.4.2", Detail: "401 Unauthorized"}},
	},
	{
		name:    "1d containerd HEAD 401 without gRPC prefix (kubelet 1.28+)",
		message: `Failed to pull image "reg.example.com/shop/web:1.4.2": failed to pull and unpack image "reg.example.com/shop/web:1.4.2": failed to resolve reference "reg.example.com/shop/web:1.4.2": unexpected status from HEAD request to https://reg.example.com/v2/shop/web/manifests/1.4.2: 401 Unauthorized`,
		want:    []Signal{{Cause: ImagePullAuthFailed, Image: "reg.example.com/shop/web:1.4.2", Detail: "401 Unauthorized"}},
	},
	{
		name:    "1d back-off waiting.message with ErrImagePull (1.32)",
		message: `Back-off pulling image "reg.example.com/app:1": ErrImagePull: failed to pull and unpack image "reg.example.com/app:1": failed to resolve reference "reg.example.com/app:1": unexpected status from HEAD request to https://reg.example.com/v2/app/manifests/1: 401 Unauthorized`,
		want:    []Signal{{Cause: ImagePullAuthFailed, Image: "reg.example.com/app:1", Detail: "401 Unauthorized"}},
	},
	{
		name:    "1d containerd pull access denied + insufficient_scope (Docker Hub private)",
		message: `Failed to pull image "acme/private-api:2.0": failed to pull and unpack image "docker.io/acme/private-api:2.0": failed to resolve reference "docker.io/acme/private-api:2.0": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`,
		want:    []Signal{{Cause: ImagePullAuthFailed, Image: "acme/private-api:2.0", Detail: "pull access denied"}},
	},
	{
		name:    "1d containerd no basic auth credentials (ECR)",
		message: `Failed to pull image "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.4.2": failed to pull and unpack image "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.4.2": failed to resolve reference "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.4.2": pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials`,
		want:    []Signal{{Cause: ImagePullAuthFailed, Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.4.2", Detail: "no basic auth credentials"}},
	},
	{
		name:    "1d containerd failed to fetch anonymous token: 401",
		message: `Failed to pull image "harbor.example.com/shop/web:1.4.2": failed to pull and unpack image "harbor.example.com/shop/web:1.4.2": failed to resolve reference "harbor.example.com/shop/web:1.4.2": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://harbor.example.com/service/token?scope=repository%3Ashop%2Fweb%3Apull&service=harbor-registry: 401 Unauthorized`,
		want:    []Signal{{Cause: ImagePullAuthFailed, Image: "harbor.example.com/shop/web:1.4.2", Detail: "failed to fetch anonymous token"}},
	},
	{
		name:    "1d containerd failed to fetch oauth token: 403 (Artifact Registry)",
		message: `Failed to pull image "europe-docker.pkg.dev/acme-prod/shop/web:1.4.2": failed to pull and unpack image "europe-docker.pkg.dev/acme-prod/shop/web:1.4.2": failed to resolve reference "europe-docker.pkg.dev/acme-prod/shop/web:1.4.2": failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://europe-docker.pkg.dev/v2/token?scope=repository%3Aacme-prod%2Fshop%2Fweb%3Apull&service=europe-docker.pkg.dev: 403 Forbidden`,
		want:    []Signal{{Cause: ImagePullAuthFailed, Image: "europe-docker.pkg.dev/acme-prod/shop/web:1.4.2", Detail: "failed to fetch oauth token"}},
	},
	{
		name:    "1d containerd failed to authorize: authorization failed (ErrInvalidAuthorization)",
		message: `Failed to pull image "reg.example.com/shop/web:1.4.2": failed to pull and unpack image "reg.example.com/shop/web:1.4.2": failed to resolve reference "reg.example.com/shop/web:1.4.2": failed to authorize: authorization failed`,
		want:    []Signal{{Cause: ImagePullAuthFailed, Image: "reg.example.com/shop/web:1.4.2", Detail: "authorization failed"}},
	},
	{
		name:    "1d older containerd unexpected status: 403 Forbidden",
		message: `Failed to pull image "reg.example.com/shop/web:1.4.2": rpc error: code = Unknown desc = failed to pull and unpack image "reg.example.com/shop/web:1.4.2": failed to resolve reference "reg.example.com/shop/web:1.4.2": unexpected status: 403 Forbidden`,
		want:    []Signal{{Cause: ImagePullAuthFailed, Image: "reg.example.com/shop/web:1.4.2", Detail: "403 Forbidden"}},
	},
	{
		name:    "1d older containerd pulling from host ... failed with status code (#110675)",
		message: `Failed to pull image "registry.app.xxx.net/shop/web:1.4.2": rpc error: code = Unknown desc = failed to pull and unpack image "registry.app.xxx.net/shop/web:1.4.2": failed to resolve reference "registry.app.xxx.net/shop/web:1.4.2": pulling from host registry.app.xxx.net failed with status code [manifests 1.4.2]: 401 Unauthorized`,
		want:    []Signal{{Cause: ImagePullAuthFailed, Image: "registry.app.xxx.net/shop/web:1.4.2", Detail: "401 Unauthorized"}},
	},
	{
		name:    "1d containerd <ref>: not found is ImageNotFound",
		message: `Failed to pull image "nginx:1.99": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.99": failed to resolve reference "docker.io/library/nginx:1.99": docker.io/library/nginx:1.99: not found`,
		want:    []Signal{{Cause: ImageNotFound, Image: "nginx:1.99", Detail: "not found"}},
	},
	{
		name:    "1d several credentials tried, errors aggregated [e1, e2]",
		message: `Failed to pull image "reg.example.com/shop/web:1.4.2": [rpc error: code = Unknown desc = failed to pull and unpack image "reg.example.com/shop/web:1.4.2": failed to resolve reference "reg.example.com/shop/web:1.4.2": unexpected status from HEAD request to https://reg.example.com/v2/shop/web/manifests/1.4.2: 401 Unauthorized, rpc error: code = Unknown desc = failed to pull and unpack image "reg.example.com/shop/web:1.4.2": failed to resolve reference "reg.example.com/shop/web:1.4.2": unexpected status from HEAD request to https://reg.example.com/v2/shop/web/manifests/1.4.2: 403 Forbidden]`,
		want: []Signal{
			{Cause: ImagePullAuthFailed, Image: "reg.example.com/shop/web:1.4.2", Detail: "401 Unauthorized"},
			{Cause: ImagePullAuthFailed, Image: "reg.example.com/shop/web:1.4.2", Detail: "403 Forbidden"},
		},
	},
	{
		name:    "1d CRI-O reading manifest: unauthorized (registry text passed through)",
		message: `Failed to pull image "quay.io/acme/api:3.1": rpc error: code = Unknown desc = initializing source docker://quay.io/acme/api:3.1: reading manifest 3.1 in quay.io/acme/api: unauthorized: access to the requested resource is not authorized`,
		want:    []Signal{{Cause: ImagePullAuthFailed, Image: "quay.io/acme/api:3.1", Detail: "unauthorized"}},
	},
	{
		name:    "1d CRI-O unable to retrieve auth token: invalid username/password",
		message: `Failed to pull image "reg.example.com/shop/web:1.4.2": initializing source docker://reg.example.com/shop/web:1.4.2: unable to retrieve auth token: invalid username/password: unauthorized: authentication required`,
		want:    []Signal{{Cause: ImagePullAuthFailed, Image: "reg.example.com/shop/web:1.4.2", Detail: "invalid username/password"}},
	},
	{
		name:    "1d CRI-O requested access to the resource is denied",
		message: `Failed to pull image "docker.io/acme/private-api:2.0": initializing source docker://acme/private-api:2.0: reading manifest 2.0 in docker.io/acme/private-api: requested access to the resource is denied`,
		want:    []Signal{{Cause: ImagePullAuthFailed, Image: "docker.io/acme/private-api:2.0", Detail: "requested access to the resource is denied"}},
	},
	{
		name:    "1d CRI-O manifest unknown is ImageNotFound (runtime's image name when the kubelet's is absent)",
		message: `initializing source docker://quay.io/acme/api:9.9: reading manifest 9.9 in quay.io/acme/api: manifest unknown`,
		want:    []Signal{{Cause: ImageNotFound, Image: "quay.io/acme/api:9.9", Detail: "manifest unknown"}},
	},
	{
		name:    "1d dockershim pull access denied, may require 'docker login'",
		message: `Failed to pull image "acme/private-api:2.0": rpc error: code = Unknown desc = Error response from daemon: pull access denied for acme/private-api, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`,
		want:    []Signal{{Cause: ImagePullAuthFailed, Image: "acme/private-api:2.0", Detail: "pull access denied"}},
	},
	{
		name:    "1d dockershim Get https://...: unauthorized",
		message: `Failed to pull image "reg.example.com/shop/web:1.4.2": rpc error: code = Unknown desc = Error response from daemon: Get https://reg.example.com/v2/shop/web/manifests/1.4.2: unauthorized: authentication required`,
		want:    []Signal{{Cause: ImagePullAuthFailed, Image: "reg.example.com/shop/web:1.4.2", Detail: "unauthorized"}},
	},
	{
		name:    "1d dockershim no basic auth credentials (ECR)",
		message: `Failed to pull image "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.4.2": rpc error: code = Unknown desc = Error response from daemon: Get https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/shop/web/manifests/1.4.2: no basic auth credentials`,
		want:    []Signal{{Cause: ImagePullAuthFailed, Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.4.2", Detail: "no basic auth credentials"}},
	},
	{
		name:    "1d dockershim manifest for X not found: manifest unknown",
		message: `Failed to pull image "nginx:1.99": rpc error: code = Unknown desc = Error response from daemon: manifest for nginx:1.99 not found: manifest unknown: manifest unknown`,
		want:    []Signal{{Cause: ImageNotFound, Image: "nginx:1.99", Detail: "manifest unknown"}},
	},
	{
		name:    "1d dockershim (Docker 1.13-17.03) no pull access",
		message: `Failed to pull image "acme/private-api:2.0": rpc error: code = Unknown desc = Error response from daemon: repository acme/private-api not found: does not exist or no pull access`,
		want:    []Signal{{Cause: ImagePullAuthFailed, Image: "acme/private-api:2.0", Detail: "no pull access"}},
	},
	{
		name:    "1d dockershim (old Docker) Error: image X not found",
		message: `Failed to pull image "acme/api:9.9": rpc error: code = Unknown desc = Error: image acme/api:9.9 not found`,
		want:    []Signal{{Cause: ImageNotFound, Image: "acme/api:9.9", Detail: "not found"}},
	},
	{
		name:    "1d CRI-O name unknown is ImageNotFound",
		message: `Failed to pull image "quay.io/acme/nope:1.0": rpc error: code = Unknown desc = reading manifest 1.0 in quay.io/acme/nope: name unknown: repository name not known to registry`,
		want:    []Signal{{Cause: ImageNotFound, Image: "quay.io/acme/nope:1.0", Detail: "name unknown"}},
	},
	{
		name:    "1d kubelet klog structured pull error: image from image=",
		message: `E1120 10:01:02.123456    1234 kuberuntime_image.go:55] "Failed to pull image" err="failed to pull and unpack image \"reg.example.com/shop/web:1.4.2\": failed to resolve reference \"reg.example.com/shop/web:1.4.2\": unexpected status from HEAD request to https://reg.example.com/v2/shop/web/manifests/1.4.2: 401 Unauthorized" image="reg.example.com/shop/web:1.4.2"`,
		want:    []Signal{{Cause: ImagePullAuthFailed, Image: "reg.example.com/shop/web:1.4.2", Detail: "401 Unauthorized"}},
	},

	// --- 1e node authorizer.
	{
		name:    "1e node authorizer v1.32 ('%s' quoting)",
		message: `secrets "db-credentials" is forbidden: User "system:node:worker-2" cannot get resource "secrets" in API group "" in the namespace "shop": no relationship found between node 'worker-2' and this object`,
		want: []Signal{{Cause: NodeForbidden, Secret: "db-credentials", Namespace: "shop", Node: "worker-2", User: "system:node:worker-2",
			Verb: "get", Resource: "secrets", Detail: "no relationship found between node 'worker-2' and this object"}},
	},
	{
		name:    "1e node authorizer, older %q quoting",
		message: `secrets "db-credentials" is forbidden: User "system:node:worker-2" cannot get resource "secrets" in API group "" in the namespace "shop": no relationship found between node "worker-2" and this object`,
		want: []Signal{{Cause: NodeForbidden, Secret: "db-credentials", Namespace: "shop", Node: "worker-2", User: "system:node:worker-2",
			Verb: "get", Resource: "secrets", Detail: `no relationship found between node "worker-2" and this object`}},
	},
	{
		name:    "1e node authorizer in a kubelet reflector log line (list)",
		message: `E1120 10:01:02.123456    1234 reflector.go:147] object-"shop"/"db-credentials": Failed to watch *v1.Secret: failed to list *v1.Secret: secrets "db-credentials" is forbidden: User "system:node:worker-2" cannot list resource "secrets" in API group "" in the namespace "shop": no relationship found between node 'worker-2' and this object`,
		want: []Signal{{Cause: NodeForbidden, Secret: "db-credentials", Namespace: "shop", Node: "worker-2", User: "system:node:worker-2",
			Verb: "list", Resource: "secrets", Detail: "no relationship found between node 'worker-2' and this object"}},
	},
	{
		name:    "1e node authorizer ~1.7: no path found to object",
		message: `MountVolume.SetUp failed for volume "creds" : secrets "db-credentials" is forbidden: User "system:node:worker-2" cannot get secrets in the namespace "shop": no path found to object`,
		want: []Signal{{Cause: NodeForbidden, Secret: "db-credentials", Namespace: "shop", Node: "worker-2", User: "system:node:worker-2",
			Verb: "get", Resource: "secrets", Volume: "creds", Detail: "no path found to object"}},
	},
	{
		name:    "1e node authorizer ~1.7 kubelet log (.: \"reason\", #49880)",
		message: `E0731 16:28:41.789256   12184 secret.go:193] Couldn't get secret shop/db-credentials: secrets "db-credentials" is forbidden: User "system:node:127.0.0.1" cannot get secrets in the namespace "shop".: "no path found to object"`,
		want: []Signal{{Cause: NodeForbidden, Secret: "db-credentials", Namespace: "shop", Node: "127.0.0.1", User: "system:node:127.0.0.1",
			Verb: "get", Resource: "secrets", Detail: "no path found to object"}},
	},
	{
		name:    "1e node authorizer: No Object name found (list by a node)",
		message: `E0505 19:36:04.393163   18164 reflector.go:153] object-"longhorn-system"/"": Failed to list *v1.Secret: secrets is forbidden: User "system:node:worker-2" cannot list resource "secrets" in API group "" in the namespace "longhorn-system": No Object name found`,
		want: []Signal{{Cause: NodeForbidden, Namespace: "longhorn-system", Node: "worker-2", User: "system:node:worker-2",
			Verb: "list", Resource: "secrets", Detail: "No Object name found"}},
	},
	{
		name:    "1e node authorizer reason alone",
		message: `no relationship found between node 'worker-2' and this object`,
		want:    []Signal{{Cause: NodeForbidden, Node: "worker-2", Detail: "no relationship found between node 'worker-2' and this object"}},
	},
	{
		name:    "1e node authorizer pasted from a JSON log (\\\" quoting)",
		message: `{"level":"error","msg":"secrets \"db-credentials\" is forbidden: User \"system:node:worker-2\" cannot get resource \"secrets\" in API group \"\" in the namespace \"shop\": no relationship found between node 'worker-2' and this object","code":403}`,
		want: []Signal{{Cause: NodeForbidden, Secret: "db-credentials", Namespace: "shop", Node: "worker-2", User: "system:node:worker-2",
			Verb: "get", Resource: "secrets", Detail: "no relationship found between node 'worker-2' and this object"}},
	},

	// --- 1f RBAC.
	{
		name:    "1f RBAC get of a named Secret by a service account",
		message: `secrets "db-credentials" is forbidden: User "system:serviceaccount:shop:web" cannot get resource "secrets" in API group "" in the namespace "shop"`,
		want: []Signal{{Cause: RBACForbidden, Secret: "db-credentials", Namespace: "shop", User: "system:serviceaccount:shop:web",
			Verb: "get", Resource: "secrets", ServiceAccount: "web"}},
	},
	{
		name:    "1f RBAC list without a name (secrets is forbidden)",
		message: `secrets is forbidden: User "system:serviceaccount:shop:web" cannot list resource "secrets" in API group "" in the namespace "shop"`,
		want: []Signal{{Cause: RBACForbidden, Namespace: "shop", User: "system:serviceaccount:shop:web",
			Verb: "list", Resource: "secrets", ServiceAccount: "web"}},
	},
	{
		name:    "1f RBAC watch without a name",
		message: `secrets is forbidden: User "system:serviceaccount:shop:web" cannot watch resource "secrets" in API group "" in the namespace "shop"`,
		want: []Signal{{Cause: RBACForbidden, Namespace: "shop", User: "system:serviceaccount:shop:web",
			Verb: "watch", Resource: "secrets", ServiceAccount: "web"}},
	},
	{
		name:    "1f RBAC at the cluster scope",
		message: `secrets is forbidden: User "system:serviceaccount:shop:web" cannot list resource "secrets" in API group "" at the cluster scope`,
		want: []Signal{{Cause: RBACForbidden, User: "system:serviceaccount:shop:web",
			Verb: "list", Resource: "secrets", ServiceAccount: "web"}},
	},
	{
		name:    "1f RBAC with the rule resolver's reason",
		message: `secrets "db-credentials" is forbidden: User "system:serviceaccount:shop:web" cannot get resource "secrets" in API group "" in the namespace "shop": RBAC: role.rbac.authorization.k8s.io "secret-reader" not found`,
		want: []Signal{{Cause: RBACForbidden, Secret: "db-credentials", Namespace: "shop", User: "system:serviceaccount:shop:web",
			Verb: "get", Resource: "secrets", ServiceAccount: "web", Detail: `RBAC: role.rbac.authorization.k8s.io "secret-reader" not found`}},
	},
	{
		name:    "1f RBAC in an application klog line",
		message: `E1120 10:01:02.123 12 reflector.go:147] pkg/mod/k8s.io/client-go/tools/cache/reflector.go:229: Failed to watch *v1.Secret: failed to list *v1.Secret: secrets "db" is forbidden: User "system:serviceaccount:shop:web" cannot get resource "secrets" in API group "" in the namespace "shop"`,
		want: []Signal{{Cause: RBACForbidden, Secret: "db", Namespace: "shop", User: "system:serviceaccount:shop:web",
			Verb: "get", Resource: "secrets", ServiceAccount: "web"}},
	},
	{
		name: "1f RBAC, two log lines in one message: each line is its own record",
		message: "secrets \"db\" is forbidden: User \"system:serviceaccount:shop:web\" cannot get resource \"secrets\" in API group \"\" in the namespace \"shop\"\n" +
			"secrets \"api-keys\" is forbidden: User \"system:serviceaccount:shop:web\" cannot get resource \"secrets\" in API group \"\" in the namespace \"shop\"",
		want: []Signal{
			{Cause: RBACForbidden, Secret: "db", Namespace: "shop", User: "system:serviceaccount:shop:web", Verb: "get", Resource: "secrets", ServiceAccount: "web"},
			{Cause: RBACForbidden, Secret: "api-keys", Namespace: "shop", User: "system:serviceaccount:shop:web", Verb: "get", Resource: "secrets", ServiceAccount: "web"},
		},
	},
	{
		name:    "1f RBAC in an application JSON log line (Go error chain)",
		message: `{"level":"error","ts":"2026-07-01T10:01:02Z","msg":"reconcile failed","error":"getting credentials: secrets \"db\" is forbidden: User \"system:serviceaccount:shop:web\" cannot get resource \"secrets\" in API group \"\" in the namespace \"shop\""}`,
		want: []Signal{{Cause: RBACForbidden, Secret: "db", Namespace: "shop", User: "system:serviceaccount:shop:web",
			Verb: "get", Resource: "secrets", ServiceAccount: "web"}},
	},
	{
		name:    "1f RBAC, 1.8-1.10 wording without resource/API group",
		message: `secrets "db" is forbidden: User "system:serviceaccount:shop:web" cannot get secrets in the namespace "shop"`,
		want: []Signal{{Cause: RBACForbidden, Secret: "db", Namespace: "shop", User: "system:serviceaccount:shop:web",
			Verb: "get", Resource: "secrets", ServiceAccount: "web"}},
	},
	{
		name:    "1f RBAC for a human user with a cloud authorizer's reason",
		message: `secrets is forbidden: User "dev@example.com" cannot list resource "secrets" in API group "" in the namespace "spr": requires one of ["container.secrets.list"] permission(s).`,
		want: []Signal{{Cause: RBACForbidden, Namespace: "spr", User: "dev@example.com",
			Verb: "list", Resource: "secrets", Detail: `requires one of ["container.secrets.list"] permission(s).`}},
	},

	// --- 1g ServiceAccount admission and other pod-creation refusals.
	{
		name:    "1g ReplicaSet FailedCreate: service account not found (singular)",
		message: `Error creating: pods "web-5d8f7c9b4-" is forbidden: error looking up service account shop/web: serviceaccount "web" not found`,
		want:    []Signal{{Cause: ServiceAccountNotFound, Namespace: "shop", ServiceAccount: "web"}},
	},
	{
		name:    "1g ReplicaFailure condition message: serviceaccounts (plural)",
		message: `pods "web-5d8f7c9b4-" is forbidden: error looking up service account shop/web: serviceaccounts "web" not found`,
		want:    []Signal{{Cause: ServiceAccountNotFound, Namespace: "shop", ServiceAccount: "web"}},
	},
	{
		name:    "1g StatefulSet FailedCreate: service account not found",
		message: `create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: error looking up service account shop/db: serviceaccount "db" not found`,
		want:    []Signal{{Cause: ServiceAccountNotFound, Namespace: "shop", ServiceAccount: "db"}},
	},
	{
		name:    "1g Job controller FailedCreate: service account not found",
		message: `Error creating: pods "migrate-28711440-" is forbidden: error looking up service account shop/migrator: serviceaccount "migrator" not found`,
		want:    []Signal{{Cause: ServiceAccountNotFound, Namespace: "shop", ServiceAccount: "migrator"}},
	},
	{
		name:    "1g service account lookup failed for another reason",
		message: `Error creating: pods "web-5d8f7c9b4-" is forbidden: error looking up service account shop/web: context deadline exceeded`,
		want:    []Signal{{Cause: AdmissionDenied, Namespace: "shop", ServiceAccount: "web", Detail: "error looking up service account shop/web: context deadline exceeded"}},
	},
	{
		name:    "1g mountable secrets: volume",
		message: `Error creating: pods "web-5d8f7c9b4-" is forbidden: volume with secret.secretName="db-credentials" is not allowed because service account web does not reference that secret`,
		want:    []Signal{{Cause: MountableSecretDenied, Secret: "db-credentials", ServiceAccount: "web", Detail: "volume"}},
	},
	{
		name:    "1g mountable secrets: container envVar",
		message: `Error creating: pods "web-5d8f7c9b4-" is forbidden: container app with envVar DB_PASSWORD referencing secret.secretName="db-credentials" is not allowed because service account web does not reference that secret`,
		want:    []Signal{{Cause: MountableSecretDenied, Secret: "db-credentials", ServiceAccount: "web", Detail: "container app with envVar DB_PASSWORD"}},
	},
	{
		name:    "1g mountable secrets: init container envFrom",
		message: `pods "web-5d8f7c9b4-" is forbidden: init container migrate with envFrom referencing secret.secretName="db-credentials" is not allowed because service account web does not reference that secret`,
		want:    []Signal{{Cause: MountableSecretDenied, Secret: "db-credentials", ServiceAccount: "web", Detail: "init container migrate with envFrom"}},
	},
	{
		name:    "1g mountable secrets: ephemeral container envVar",
		message: `pods "web-5d8f7c9b4-x2x9q" is forbidden: ephemeral container debugger with envVar TOKEN referencing secret.secretName="debug-token" is not allowed because service account web does not reference that secret`,
		want:    []Signal{{Cause: MountableSecretDenied, Secret: "debug-token", ServiceAccount: "web", Detail: "ephemeral container debugger with envVar TOKEN"}},
	},
	{
		name:    "1g mountable secrets: imagePullSecret",
		message: `Error creating: pods "web-5d8f7c9b4-" is forbidden: imagePullSecrets[0].name="regcred" is not allowed because service account web does not reference that imagePullSecret`,
		want:    []Signal{{Cause: MountableSecretDenied, Secret: "regcred", PullSecrets: []string{"regcred"}, ServiceAccount: "web", Detail: "imagePullSecret"}},
	},
	{
		name:    "1g no API token for the service account yet (< 1.24, ns/name)",
		message: `Error creating: pods "web-5d8f7c9b4-" is forbidden: no API token found for service account shop/web, retry after the token is automatically created and added to the service account`,
		want:    []Signal{{Cause: ServiceAccountTokenMissing, Namespace: "shop", ServiceAccount: "web"}},
	},
	{
		name:    "1g no API token for the service account yet (< 1.24, %q)",
		message: `No API token found for service account "default", retry after the token is automatically created and added to the service account`,
		want:    []Signal{{Cause: ServiceAccountTokenMissing, ServiceAccount: "default"}},
	},
	{
		name:    "1g admission webhook denied the request",
		message: `Error creating: admission webhook "validation.gatekeeper.sh" denied the request: [psp-pods-allowed-user-ranges] Container app is attempting to run as disallowed user 0. Allowed runAsUser: {"ranges": [{"max": 65535, "min": 100}], "rule": "MustRunAs"}`,
		want: []Signal{{Cause: AdmissionDenied, Webhook: "validation.gatekeeper.sh",
			Detail: `[psp-pods-allowed-user-ranges] Container app is attempting to run as disallowed user 0. Allowed runAsUser: {"ranges": [{"max": 65535, "min": 100}], "rule": "MustRunAs"}`}},
	},
	{
		name:    "1g admission webhook denied, explanation on the next lines (Kyverno)",
		message: kyvernoMessage,
		want: []Signal{{Cause: AdmissionDenied, Webhook: "validate.kyverno.svc-fail",
			Detail: "resource Pod/shop/web-5d8f7c9b4-x2x9q was blocked due to the following policies"}},
	},
	{
		name:    "1g admission webhook denied without explanation",
		message: `Error creating: admission webhook "deny-all.example.com" denied the request without explanation`,
		want:    []Signal{{Cause: AdmissionDenied, Webhook: "deny-all.example.com", Detail: "without explanation"}},
	},
	{
		name:    "1g admission webhook unreachable (failurePolicy Fail)",
		message: `Error creating: Internal error occurred: failed calling webhook "mutate.kyverno.svc-fail": failed to call webhook: Post "https://kyverno-svc.kyverno.svc:443/mutate/fail?timeout=10s": context deadline exceeded`,
		want: []Signal{{Cause: AdmissionDenied, Webhook: "mutate.kyverno.svc-fail",
			Detail: `failed calling webhook "mutate.kyverno.svc-fail": failed to call webhook: Post "https://kyverno-svc.kyverno.svc:443/mutate/fail?timeout=10s": context deadline exceeded`}},
	},
	{
		name:    "1g PodSecurity admission",
		message: `Error creating: pods "web-5d8f7c9b4-x2x9q" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)`,
		want:    []Signal{{Cause: AdmissionDenied, Resource: "pods", Detail: podSecurityDetail}},
	},
	{
		name:    "1g ResourceQuota admission",
		message: `Error creating: pods "web-5d8f7c9b4-x2x9q" is forbidden: exceeded quota: compute-resources, requested: limits.memory=512Mi, used: limits.memory=3584Mi, limited: limits.memory=4Gi`,
		want: []Signal{{Cause: AdmissionDenied, Resource: "pods",
			Detail: "exceeded quota: compute-resources, requested: limits.memory=512Mi, used: limits.memory=3584Mi, limited: limits.memory=4Gi"}},
	},
	{
		name:    "1g ValidatingAdmissionPolicy",
		message: `Error creating: pods "web-5d8f7c9b4-x2x9q" is forbidden: ValidatingAdmissionPolicy 'require-team-label' with binding 'require-team-label-binding' denied request: failed expression: has(object.metadata.labels.team)`,
		want: []Signal{{Cause: AdmissionDenied,
			Detail: "ValidatingAdmissionPolicy 'require-team-label' with binding 'require-team-label-binding' denied request: failed expression: has(object.metadata.labels.team)"}},
	},

	// --- 1h service-account token volumes.
	{
		name:    "1h kube-root-ca.crt ConfigMap not found is its own cause",
		message: `MountVolume.SetUp failed for volume "kube-api-access-7xk2p" : configmap "kube-root-ca.crt" not found`,
		want:    []Signal{{Cause: ConfigMapNotFound, ConfigMap: "kube-root-ca.crt", Volume: "kube-api-access-7xk2p"}},
	},
	{
		name:    "1h kube-root-ca.crt not registered (kubelet race, #105204)",
		message: `MountVolume.SetUp failed for volume "kube-api-access-7xk2p" : object "shop"/"kube-root-ca.crt" not registered`,
		want:    []Signal{{Cause: ObjectNotRegistered, Namespace: "shop", Object: "kube-root-ca.crt", Volume: "kube-api-access-7xk2p"}},
	},
	{
		name:    "1h failed to fetch token: the service account is gone",
		message: `MountVolume.SetUp failed for volume "kube-api-access-7xk2p" : failed to fetch token: serviceaccounts "web" not found`,
		want:    []Signal{{Cause: ServiceAccountNotFound, ServiceAccount: "web", Volume: "kube-api-access-7xk2p", Detail: "failed to fetch token"}},
	},
	{
		name:    "1h failed to fetch token: apiserver unreachable",
		message: `MountVolume.SetUp failed for volume "kube-api-access-7xk2p" : failed to fetch token: Post "https://10.96.0.1:443/api/v1/namespaces/shop/serviceaccounts/web/token": dial tcp 10.96.0.1:443: connect: connection refused`,
		want: []Signal{{Cause: TokenFetchFailed, Volume: "kube-api-access-7xk2p",
			Detail: `Post "https://10.96.0.1:443/api/v1/namespaces/shop/serviceaccounts/web/token": dial tcp 10.96.0.1:443: connect: connection refused`}},
	},
	{
		name:    "1h kube-api-access aggregate: token error then ConfigMap error",
		message: `MountVolume.SetUp failed for volume "kube-api-access-7xk2p" : [failed to fetch token: Post "https://10.96.0.1:443/api/v1/namespaces/shop/serviceaccounts/web/token": dial tcp 10.96.0.1:443: connect: connection refused, configmap "kube-root-ca.crt" not found]`,
		want: []Signal{
			{Cause: TokenFetchFailed, Volume: "kube-api-access-7xk2p",
				Detail: `Post "https://10.96.0.1:443/api/v1/namespaces/shop/serviceaccounts/web/token": dial tcp 10.96.0.1:443: connect: connection refused`},
			{Cause: ConfigMapNotFound, ConfigMap: "kube-root-ca.crt", Volume: "kube-api-access-7xk2p"},
		},
	},
	{
		name:    "1h kube-api-access aggregate: service account and ConfigMap both gone",
		message: `MountVolume.SetUp failed for volume "kube-api-access-7xk2p" : [failed to fetch token: serviceaccounts "web" not found, configmap "kube-root-ca.crt" not found]`,
		want: []Signal{
			{Cause: ServiceAccountNotFound, ServiceAccount: "web", Volume: "kube-api-access-7xk2p", Detail: "failed to fetch token"},
			{Cause: ConfigMapNotFound, ConfigMap: "kube-root-ca.crt", Volume: "kube-api-access-7xk2p"},
		},
	},
	{
		name:    "1h TokenRequest endpoints not enabled (dapr/dapr#6568)",
		message: `MountVolume.SetUp failed for volume "dapr-identity-token" : failed to fetch token: the API server does not have TokenRequest endpoints enabled`,
		want:    []Signal{{Cause: TokenFetchFailed, Volume: "dapr-identity-token", Detail: "the API server does not have TokenRequest endpoints enabled"}},
	},
	{
		name:    "1h failed to fetch token: node authorizer refused serviceaccounts/token",
		message: `MountVolume.SetUp failed for volume "kube-api-access-7xk2p" : failed to fetch token: serviceaccounts "web" is forbidden: User "system:node:worker-2" cannot create resource "serviceaccounts/token" in API group "" in the namespace "shop": no relationship found between node 'worker-2' and this object`,
		want: []Signal{{Cause: NodeForbidden, ServiceAccount: "web", Namespace: "shop", Node: "worker-2", User: "system:node:worker-2",
			Verb: "create", Resource: "serviceaccounts/token", Volume: "kube-api-access-7xk2p", Detail: "no relationship found between node 'worker-2' and this object"}},
	},
	{
		name:    "1h legacy token Secret deleted (#98474)",
		message: `MountVolume.SetUp failed for volume "k8sconfig-sa-token-6c8hz" : secret "k8sconfig-sa-token-6c8hz" not found`,
		want:    []Signal{{Cause: SecretNotFound, Secret: "k8sconfig-sa-token-6c8hz", Volume: "k8sconfig-sa-token-6c8hz"}},
	},
	{
		name:    "1h legacy default token Secret deleted",
		message: `MountVolume.SetUp failed for volume "default-token-abcde" : secret "default-token-abcde" not found`,
		want:    []Signal{{Cause: SecretNotFound, Secret: "default-token-abcde", Volume: "default-token-abcde"}},
	},

	// --- 1i Secrets Store CSI driver.
	{
		name:    "1i CSI SecretProviderClass not found (troubleshooting doc)",
		message: `MountVolume.SetUp failed for volume "secrets-store-inline" : rpc error: code = Unknown desc = failed to get secretproviderclass default/azure, error: secretproviderclasses.secrets-store.csi.x-k8s.io "azure" not found`,
		want:    []Signal{{Cause: CSIClassNotFound, Namespace: "default", Class: "azure", Volume: "secrets-store-inline"}},
	},
	{
		name:    "1i CSI SecretProviderClass not found, Kind spelling of the resource",
		message: `MountVolume.SetUp failed for volume "secrets-store-inline" : rpc error: code = Unknown desc = failed to get secretproviderclass shop/vault-database, error: SecretProviderClass.secrets-store.csi.x-k8s.io "vault-database" not found`,
		want:    []Signal{{Cause: CSIClassNotFound, Namespace: "shop", Class: "vault-database", Volume: "secrets-store-inline"}},
	},
	{
		name:    "1i CSI secretProviderClass is not set",
		message: `MountVolume.SetUp failed for volume "secrets-store-inline" : rpc error: code = Unknown desc = secretProviderClass is not set`,
		want:    []Signal{{Cause: CSIClassNotSet, Volume: "secrets-store-inline"}},
	},
	{
		name:    "1i CSI provider not found",
		message: `MountVolume.SetUp failed for volume "secrets-store-inline" : rpc error: code = Unknown desc = failed to mount secrets store objects for pod shop/web-5d8f7c9b4-x2x9q, err: error connecting to provider "azure": provider not found: provider "azure"`,
		want:    []Signal{{Cause: CSIProviderNotFound, Namespace: "shop", Provider: "azure", Volume: "secrets-store-inline"}},
	},
	{
		name:    "1i CSI driver not registered on the node",
		message: `MountVolume.SetUp failed for volume "secrets-store-inline" : kubernetes.io/csi: mounter.SetUpAt failed to get CSI client: driver name secrets-store.csi.k8s.io not found in the list of registered CSI drivers`,
		want:    []Signal{{Cause: CSIDriverNotRegistered, Driver: "secrets-store.csi.k8s.io", Volume: "secrets-store-inline"}},
	},
	{
		name:    "1i CSI mount request failed with provider error code",
		message: `MountVolume.SetUp failed for volume "secrets-store-inline" : rpc error: code = Unknown desc = failed to mount secrets store objects for pod shop/web-5d8f7c9b4-x2x9q, err: mount request failed with provider error code AccessDenied`,
		want:    []Signal{{Cause: CSIProviderError, Namespace: "shop", Volume: "secrets-store-inline", Detail: "mount request failed with provider error code AccessDenied"}},
	},
	{
		name:    "1i CSI provider's own error",
		message: `MountVolume.SetUp failed for volume "secrets-store-inline" : rpc error: code = Unknown desc = failed to mount secrets store objects for pod shop/web-5d8f7c9b4-x2x9q, err: rpc error: code = Unknown desc = failed to mount objects, error: failed to get objectType:secret, objectName:db-password, objectVersion:: keyvault.BaseClient#GetSecret: Failure responding to request: StatusCode=403`,
		want: []Signal{{Cause: CSIProviderError, Namespace: "shop", Volume: "secrets-store-inline",
			Detail: "failed to mount objects, error: failed to get objectType:secret, objectName:db-password, objectVersion:: keyvault.BaseClient#GetSecret: Failure responding to request: StatusCode=403"}},
	},
	{
		name:    "1i CSI FailedToCreateSecret (secretObjects sync)",
		message: `failed to get data in spc shop/db-spc for secret db-credentials, err: file matching objectName db-password not found in the pod`,
		want: []Signal{{Cause: CSISecretSyncFailed, Namespace: "shop", Class: "db-spc", Secret: "db-credentials",
			Detail: "file matching objectName db-password not found in the pod"}},
	},

	// --- 1i External Secrets Operator.
	{
		name:    "1i ESO Ready=False SecretSyncedError condition message",
		message: `could not get secret data from provider`,
		want:    []Signal{{Cause: ExternalSecretFailed, Detail: "could not get secret data from provider"}},
	},
	{
		name:    "1i ESO SecretSyncedError reason (kubectl get STATUS column)",
		message: `SecretSyncedError`,
		want:    []Signal{{Cause: ExternalSecretFailed, Detail: "SecretSyncedError"}},
	},
	{
		name:    "1i ESO target is immutable",
		message: `could not update secret, target is immutable`,
		want:    []Signal{{Cause: ExternalSecretFailed, Detail: "could not update secret, target is immutable"}},
	},
	{
		name:    "1i ESO UpdateFailed: store missing",
		message: `error processing spec.data[0] (key: prod/db), err: could not get ClusterSecretStore "vault-backend", ClusterSecretStore.external-secrets.io "vault-backend" not found`,
		want: []Signal{{Cause: ExternalSecretFailed, Key: "prod/db",
			Detail: `error processing spec.data[0] (key: prod/db), err: could not get ClusterSecretStore "vault-backend", ClusterSecretStore.external-secrets.io "vault-backend" not found`}},
	},
	{
		name:    "1i ESO UpdateFailed: provider Secret missing (kubernetes provider)",
		message: `error processing spec.data[0] (key: secret-example), err: secrets "secret-example" not found`,
		want: []Signal{
			{Cause: ExternalSecretFailed, Key: "secret-example", Detail: `error processing spec.data[0] (key: secret-example), err: secrets "secret-example" not found`},
			{Cause: SecretNotFound, Secret: "secret-example"},
		},
	},
	{
		name:    "1i ESO store not ready",
		message: `SecretStore "vault-backend" is not ready`,
		want:    []Signal{{Cause: ExternalSecretFailed, Detail: `SecretStore "vault-backend" is not ready`}},
	},

	// --- 1i Sealed Secrets.
	{
		name:    "1i sealed-secrets no key could decrypt (keys tagged)",
		message: `Failed to unseal: no key could decrypt secret (port, username, database, host, password)`,
		want:    []Signal{{Cause: SealedSecretUnsealFailed, Detail: "no key could decrypt secret (port, username, database, host, password)"}},
	},
	{
		name:    "1i sealed-secrets no key could decrypt (bitnami-labs/sealed-secrets#923)",
		message: `Failed to unseal: no key could decrypt secret (application-secret.yaml)`,
		want:    []Signal{{Cause: SealedSecretUnsealFailed, Detail: "no key could decrypt secret (application-secret.yaml)"}},
	},
	{
		name:    "1i sealed-secrets other unseal error",
		message: `Failed to unseal: illegal base64 data at input byte 4`,
		want:    []Signal{{Cause: SealedSecretUnsealFailed, Detail: "illegal base64 data at input byte 4"}},
	},
	{
		name:    "1i sealed-secrets target exists and is not managed",
		message: `Resource "db-credentials" already exists and is not managed by SealedSecret`,
		want:    []Signal{{Cause: SealedSecretUnsealFailed, Secret: "db-credentials", Detail: "already exists and is not managed by SealedSecret"}},
	},

	// --- 1j pod status fields.
	{
		name:    "1j ContainerCreating carries no message",
		message: ``,
		want:    nil,
	},
	{
		name:    "1j InvalidImageName (Failed to apply default image tag)",
		message: `Failed to apply default image tag "Reg.Example.com/Shop/Web": couldn't parse image reference "Reg.Example.com/Shop/Web": invalid reference format: repository name must be lowercase`,
		want:    []Signal{{Cause: ImagePullFailed, Image: "Reg.Example.com/Shop/Web", Detail: "invalid image name"}},
	},
	{
		name:    "1j ErrImageNeverPull",
		message: `Container image "reg.example.com/shop/web:1.4.2" is not present with pull policy of Never`,
		want:    []Signal{{Cause: ImagePullFailed, Image: "reg.example.com/shop/web:1.4.2", Detail: "not present, pull policy Never"}},
	},

	// --- Pull failures that are not about credentials.
	{
		name:    "neg x509 pull error is not auth",
		message: `Failed to pull image "reg.internal/shop/web:1.4.2": failed to pull and unpack image "reg.internal/shop/web:1.4.2": failed to resolve reference "reg.internal/shop/web:1.4.2": failed to do request: Head "https://reg.internal/v2/shop/web/manifests/1.4.2": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
		want:    []Signal{{Cause: ImagePullFailed, Image: "reg.internal/shop/web:1.4.2", Detail: "x509"}},
	},
	{
		name:    "neg no such host is not auth",
		message: `Failed to pull image "reg.internal/shop/web:1.4.2": rpc error: code = Unknown desc = failed to pull and unpack image "reg.internal/shop/web:1.4.2": failed to resolve reference "reg.internal/shop/web:1.4.2": failed to do request: Head "https://reg.internal/v2/shop/web/manifests/1.4.2": dial tcp: lookup reg.internal on 10.96.0.10:53: no such host`,
		want:    []Signal{{Cause: ImagePullFailed, Image: "reg.internal/shop/web:1.4.2", Detail: "no such host"}},
	},
	{
		name:    "neg i/o timeout is not auth",
		message: `Failed to pull image "reg.example.com/shop/web:1.4.2": failed to pull and unpack image "reg.example.com/shop/web:1.4.2": failed to resolve reference "reg.example.com/shop/web:1.4.2": failed to do request: Head "https://reg.example.com/v2/shop/web/manifests/1.4.2": dial tcp 203.0.113.10:443: i/o timeout`,
		want:    []Signal{{Cause: ImagePullFailed, Image: "reg.example.com/shop/web:1.4.2", Detail: "i/o timeout"}},
	},
	{
		name:    "neg Docker Hub rate limit is not auth",
		message: `Failed to pull image "nginx:1.27": failed to pull and unpack image "docker.io/library/nginx:1.27": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/nginx/manifests/sha256:0a1b: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit`,
		want:    []Signal{{Cause: ImagePullFailed, Image: "nginx:1.27", Detail: "toomanyrequests"}},
	},
	{
		name:    "neg TLS handshake timeout is not auth",
		message: `Failed to pull image "reg.example.com/shop/web:1.4.2": failed to pull and unpack image "reg.example.com/shop/web:1.4.2": failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://reg.example.com/v2/shop/web/blobs/sha256:0a1b": net/http: TLS handshake timeout`,
		want:    []Signal{{Cause: ImagePullFailed, Image: "reg.example.com/shop/web:1.4.2", Detail: "tls handshake timeout"}},
	},
	{
		name:    "neg connection reset is not auth",
		message: `Failed to pull image "reg.example.com/shop/web:1.4.2": failed to pull and unpack image "reg.example.com/shop/web:1.4.2": failed to resolve reference "reg.example.com/shop/web:1.4.2": failed to do request: Head "https://reg.example.com/v2/shop/web/manifests/1.4.2": read tcp 10.0.3.7:51234->203.0.113.10:443: read: connection reset by peer`,
		want:    []Signal{{Cause: ImagePullFailed, Image: "reg.example.com/shop/web:1.4.2", Detail: "connection reset"}},
	},
	{
		name:    "neg plain-HTTP registry is not auth",
		message: `Failed to pull image "10.0.0.5:5000/shop/web:1.4.2": failed to pull and unpack image "10.0.0.5:5000/shop/web:1.4.2": failed to resolve reference "10.0.0.5:5000/shop/web:1.4.2": failed to do request: Head "https://10.0.0.5:5000/v2/shop/web/manifests/1.4.2": http: server gave HTTP response to HTTPS client`,
		want:    []Signal{{Cause: ImagePullFailed, Image: "10.0.0.5:5000/shop/web:1.4.2", Detail: "http response to https client"}},
	},
	{
		name:    "neg anonymous token fetch that failed on DNS is not auth",
		message: `Failed to pull image "nginx:1.27": failed to pull and unpack image "docker.io/library/nginx:1.27": failed to resolve reference "docker.io/library/nginx:1.27": failed to authorize: failed to fetch anonymous token: Get "https://auth.docker.io/token?scope=repository%3Alibrary%2Fnginx%3Apull&service=registry.docker.io": dial tcp: lookup auth.docker.io on 10.96.0.10:53: no such host`,
		want:    []Signal{{Cause: ImagePullFailed, Image: "nginx:1.27", Detail: "no such host"}},
	},

	// --- Messages that must not be classified.
	{name: "neg hostPath FailedMount", message: `MountVolume.SetUp failed for volume "data" : hostPath type check failed: /srv/data is not a directory`},
	{name: "neg EBS CSI MountDevice failure", message: `MountVolume.MountDevice failed for volume "pvc-0a1b2c3d" : rpc error: code = Internal desc = Failed to find device path /dev/xvdba. refusing to create fs`},
	{name: "neg configmap cache sync is not a Secret", message: `MountVolume.SetUp failed for volume "kube-api-access-7xk2p" : failed to sync configmap cache: timed out waiting for the condition`},
	{name: "neg Scheduled", message: `Successfully assigned shop/web-5d8f7c9b4-x2x9q to worker-2`},
	{name: "neg Pulling", message: `Pulling image "reg.example.com/shop/web:1.4.2"`},
	{name: "neg Pulled", message: `Successfully pulled image "nginx:1.27" in 1.234s (1.234s including waiting). Image size: 72134211 bytes.`},
	{name: "neg Created", message: `Created container: app`},
	{name: "neg BackOff restarting failed container", message: `Back-off restarting failed container app in pod web-5d8f7c9b4-x2x9q_shop(1f0e4c2b-8a7d-4e3f-9b6a-5c4d3e2f1a0b)`},
	{name: "neg BackOff pulling image without an error (Normal event)", message: `Back-off pulling image "reg.example.com/shop/web:1.4.2"`},
	{name: "neg Error: ErrImagePull says no cause", message: `Error: ErrImagePull`},
	{name: "neg Error: ImagePullBackOff says no cause", message: `Error: ImagePullBackOff`},
	{name: "neg probe 401 is not a pull", message: `Readiness probe failed: HTTP probe failed with statuscode: 401`},
	{name: "neg application 401 Unauthorized in a log", message: `level=error msg="upstream call failed" err="POST https://api.example.com/v1/orders: 401 Unauthorized"`},
	{name: "neg x509 in an application log", message: `level=error msg="tls: failed to verify certificate: x509: certificate signed by unknown authority"`},
	{name: "neg ExternalSecret resource not found is not a Secret", message: `externalsecrets.external-secrets.io "db-credentials" not found`},
	{name: "neg SealedSecret resource not found is not a Secret", message: `sealedsecrets.bitnami.com "db-credentials" not found`},
	{name: "neg SealedSecret unsealed successfully", message: `SealedSecret unsealed successfully`},
	{name: "neg ESO secret synced", message: `secret synced`},
	{name: "neg application reads a Secret fine", message: `level=info msg="loaded secret from /var/run/secrets/db/password"`},
	{name: "neg application prose with is forbidden", message: `level=warn msg="access to /admin is forbidden: missing role"`},
	{name: "neg FailedScheduling", message: `0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.`},
	{
		name:    "neg ConfigMap volume not found maps to its own cause",
		message: `MountVolume.SetUp failed for volume "config" : configmap "app-config" not found`,
		want:    []Signal{{Cause: ConfigMapNotFound, ConfigMap: "app-config", Volume: "config"}},
	},
}

func TestClassify(t *testing.T) {
	for _, tc := range classifyCases {
		t.Run(tc.name, func(t *testing.T) {
			got := Classify(tc.message)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Classify(%q)\n got: %+v\nwant: %+v", tc.message, got, tc.want)
			}
		})
	}
}

// Every row of the table must be exercised by a real wording in the test
// table, so that a row nobody can justify does not linger.
func TestEveryPatternHasARealWording(t *testing.T) {
	for i, p := range patterns {
		found := false
		for _, tc := range classifyCases {
			if p.re.MatchString(asciiLower(normalize(tc.message))) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("pattern %d (%s, %q) matches no test message", i, p.cause, p.expr)
		}
	}
	for i, cx := range contexts {
		found := false
		for _, tc := range classifyCases {
			if cx.re.MatchString(asciiLower(normalize(tc.message))) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("context %d (%s, %q) matches no test message", i, cx.field, cx.expr)
		}
	}
}

// A row's keyword gates its regexp: a match without the keyword would be
// silently lost.
func TestKeywordsAreInEveryMatch(t *testing.T) {
	for i, p := range patterns {
		for _, tc := range classifyCases {
			for _, m := range p.re.FindAllString(asciiLower(normalize(tc.message)), -1) {
				if !strings.Contains(m, p.keyword) {
					t.Errorf("pattern %d (%s) matched %q in %q without keyword %q", i, p.cause, m, tc.name, p.keyword)
				}
			}
		}
	}
}

func TestClassifyOddInputs(t *testing.T) {
	huge := strings.Repeat(`MountVolume.SetUp failed for volume "creds" : secret "db-credentials" not found, `, 40000)
	inputs := []string{
		"",
		"\x00\xff\xfe",
		"secret \"\xff\xfe\" not found",
		"MountVolume.SetUp failed for volume \"\xc3\x28\" : secret \"db\" not found",
		`secret "" not found`,
		`"`, `\"`, `\\\"`,
		"unmounted volumes=[",
		"unmounted volumes=[] failed to process volumes=[]",
		`User "" cannot  resource`,
		`is forbidden:`,
		strings.Repeat("Failed to pull image \"x\": 401 Unauthorized: ", 5000),
		strings.Repeat("a", maxMessage+10),
		huge,
		strings.Repeat("\n", 1000) + `secret "db" not found`,
		"Failed to unseal: " + strings.Repeat("é", 300),
	}
	for _, in := range inputs {
		for _, s := range Classify(in) {
			checkSignal(t, in, s)
		}
	}
}

func checkSignal(t *testing.T, in string, s Signal) {
	t.Helper()
	short := in
	if len(short) > 80 {
		short = short[:80]
	}
	if s.Cause == "" {
		t.Errorf("Classify(%q): signal without a cause: %+v", short, s)
	}
	if len(s.Detail) > maxDetail {
		t.Errorf("Classify(%q): Detail is %d bytes", short, len(s.Detail))
	}
	for _, f := range []string{s.Secret, s.Namespace, s.Key, s.Volume, s.Node, s.User, s.Verb, s.Resource, s.ServiceAccount,
		s.Image, s.Webhook, s.Class, s.Provider, s.Detail, s.ConfigMap, s.Object, s.Driver} {
		if !utf8.ValidString(f) {
			t.Errorf("Classify(%q): invalid UTF-8 in %+v", short, s)
		}
	}
}

func TestClassifyConcurrent(t *testing.T) {
	done := make(chan bool)
	for g := 0; g < 8; g++ {
		go func() {
			for _, tc := range classifyCases {
				Classify(tc.message)
			}
			done <- true
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
}

func FuzzClassify(f *testing.F) {
	for _, tc := range classifyCases {
		f.Add(tc.message)
	}
	f.Fuzz(func(t *testing.T, message string) {
		for _, s := range Classify(message) {
			checkSignal(t, message, s)
		}
	})
}

// routineEvents is the bulk of a real dump: events that say nothing about
// Secrets, which Classify must dismiss cheaply.
var routineEvents = []string{
	`Successfully assigned shop/web-5d8f7c9b4-x2x9q to worker-2`,
	`Pulling image "reg.example.com/shop/web:1.4.2"`,
	`Successfully pulled image "reg.example.com/shop/web:1.4.2" in 2.345s (2.345s including waiting). Image size: 72134211 bytes.`,
	`Container image "reg.example.com/shop/web:1.4.2" already present on machine`,
	`Created container: app`,
	`Started container app`,
	`Stopping container app`,
	`Back-off restarting failed container app in pod web-5d8f7c9b4-x2x9q_shop(1f0e4c2b-8a7d-4e3f-9b6a-5c4d3e2f1a0b)`,
	`Readiness probe failed: Get "http://10.0.3.7:8080/healthz": dial tcp 10.0.3.7:8080: connect: connection refused`,
	`Scaled up replica set web-5d8f7c9b4 to 3`,
	`Created pod: web-5d8f7c9b4-x2x9q`,
	`0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.`,
}

func BenchmarkClassifyRoutineEvents(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, m := range routineEvents {
			Classify(m)
		}
	}
}

func BenchmarkClassify(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, tc := range classifyCases {
			Classify(tc.message)
		}
	}
}
