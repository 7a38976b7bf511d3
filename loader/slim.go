package loader

import (
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/secretscan/secretscan/internal/redact"
)

// slim drops, right after decoding, the fields of bulky kinds that no
// Secret-access check reads: resource requests, probes, ports, security
// contexts, scheduling constraints, pod conditions and IPs, node image lists,
// ConfigMap values, and the env variables and volumes that involve no Secret
// (literal values, ConfigMaps, the downward API, emptyDirs, claims). A large
// dump then takes less memory than its own bytes. What stays: metadata, every
// container's name and image, its Secret env and envFrom, Secret, projected
// and CSI volumes, imagePullSecrets, the ServiceAccount, pod phase and
// container states, controller conditions. Keep this list in step with the
// analyzers: a field dropped here reads as empty to them.
func slim(obj runtime.Object) {
	switch o := obj.(type) {
	case *corev1.Pod:
		slimPodSpec(&o.Spec)
		slimPodStatus(&o.Status)
	case *corev1.PodTemplate:
		slimTemplate(&o.Template)
	case *appsv1.Deployment:
		slimTemplate(&o.Spec.Template)
	case *appsv1.ReplicaSet:
		slimTemplate(&o.Spec.Template)
	case *appsv1.StatefulSet:
		slimTemplate(&o.Spec.Template)
		o.Spec.VolumeClaimTemplates = nil
	case *appsv1.DaemonSet:
		slimTemplate(&o.Spec.Template)
	case *batchv1.Job:
		slimTemplate(&o.Spec.Template)
	case *batchv1.CronJob:
		redact.ObjectMeta(&o.Spec.JobTemplate.ObjectMeta)
		slimTemplate(&o.Spec.JobTemplate.Spec.Template)
	case *corev1.ReplicationController:
		if o.Spec.Template != nil {
			slimTemplate(o.Spec.Template)
		}
	case *corev1.Node:
		// Node status lists every image on the node with its size: bulk.
		o.Status.Images = nil
		o.Status.VolumesAttached = nil
		o.Status.VolumesInUse = nil
	case *corev1.ConfigMap:
		// Not Secrets, but as bulky; keep the key names.
		for k := range o.Data {
			o.Data[k] = ""
		}
		for k := range o.BinaryData {
			o.BinaryData[k] = nil
		}
	}
}

// slimTemplate slims a pod template: its spec, and its metadata as any
// object's (a template's annotations may carry a last-applied copy too).
func slimTemplate(t *corev1.PodTemplateSpec) {
	redact.ObjectMeta(&t.ObjectMeta)
	slimPodSpec(&t.Spec)
}

func slimPodSpec(spec *corev1.PodSpec) {
	for i := range spec.InitContainers {
		slimContainer(&spec.InitContainers[i])
	}
	for i := range spec.Containers {
		slimContainer(&spec.Containers[i])
	}
	for i := range spec.EphemeralContainers {
		slimContainer((*corev1.Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon))
	}
	spec.Volumes = secretVolumes(spec.Volumes)
	spec.Affinity = nil
	spec.Tolerations = nil
	spec.TopologySpreadConstraints = nil
	spec.SecurityContext = nil
	spec.DNSConfig = nil
	spec.HostAliases = nil
	spec.ReadinessGates = nil
	spec.Overhead = nil
	spec.NodeSelector = nil
	spec.ResourceClaims = nil
	spec.SchedulingGates = nil
	spec.Resources = nil
}

// secretVolumes keeps the volumes that can involve a Secret: secret, CSI, and
// projected volumes with a Secret source (whose other sources are dropped).
func secretVolumes(volumes []corev1.Volume) []corev1.Volume {
	out := volumes[:0]
	for _, v := range volumes {
		switch {
		case v.Secret != nil, v.CSI != nil:
			out = append(out, corev1.Volume{Name: v.Name, VolumeSource: corev1.VolumeSource{Secret: v.Secret, CSI: v.CSI}})
		case v.Projected != nil:
			var sources []corev1.VolumeProjection
			for _, s := range v.Projected.Sources {
				if s.Secret != nil {
					sources = append(sources, corev1.VolumeProjection{Secret: s.Secret})
				}
			}
			if len(sources) > 0 {
				out = append(out, corev1.Volume{Name: v.Name, VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: sources, DefaultMode: v.Projected.DefaultMode}}})
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return append([]corev1.Volume(nil), out...)
}

// secretEnv keeps the env variables that read a Secret, and the envFrom
// sources that are Secrets.
func secretEnv(c *corev1.Container) {
	env := c.Env[:0]
	for _, e := range c.Env {
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			env = append(env, corev1.EnvVar{Name: e.Name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: e.ValueFrom.SecretKeyRef}})
		}
	}
	c.Env = nil
	if len(env) > 0 {
		c.Env = append([]corev1.EnvVar(nil), env...)
	}
	from := c.EnvFrom[:0]
	for _, f := range c.EnvFrom {
		if f.SecretRef != nil {
			from = append(from, corev1.EnvFromSource{Prefix: f.Prefix, SecretRef: f.SecretRef})
		}
	}
	c.EnvFrom = nil
	if len(from) > 0 {
		c.EnvFrom = append([]corev1.EnvFromSource(nil), from...)
	}
}

func slimContainer(c *corev1.Container) {
	secretEnv(c)
	c.Command = nil
	c.Args = nil
	c.Ports = nil
	c.Resources = corev1.ResourceRequirements{}
	c.ResizePolicy = nil
	c.VolumeMounts = nil
	c.VolumeDevices = nil
	c.LivenessProbe = nil
	c.ReadinessProbe = nil
	c.StartupProbe = nil
	c.Lifecycle = nil
	c.SecurityContext = nil
}

func slimPodStatus(st *corev1.PodStatus) {
	st.Conditions = nil
	st.PodIPs = nil
	st.HostIPs = nil
	st.ResourceClaimStatuses = nil
	slim := func(list []corev1.ContainerStatus) {
		for i := range list {
			cs := &list[i]
			cs.ImageID = ""
			cs.ContainerID = ""
			cs.AllocatedResources = nil
			cs.Resources = nil
			cs.VolumeMounts = nil
			cs.AllocatedResourcesStatus = nil
			cs.User = nil
		}
	}
	slim(st.InitContainerStatuses)
	slim(st.ContainerStatuses)
	slim(st.EphemeralContainerStatuses)
}
