package apiserver

import (
	"fmt"
	"path/filepath"
	"strconv"
)

// Options are the per-cluster inputs of the kube-apiserver command line.
type Options struct {
	Name         string // cluster name, also the etcd prefix /<Name>
	Port         int
	EtcdEndpoint string
	CertDir      string // holds apiserver.crt/.key and sa.key/.pub
	ClientCAFile string
	TokenFile    string
	ExtraArgs    []string
}

// Files of a cluster cert dir.
func ServingCertFile(certDir string) string { return filepath.Join(certDir, "apiserver.crt") }
func ServingKeyFile(certDir string) string  { return filepath.Join(certDir, "apiserver.key") }
func SAKeyFile(certDir string) string       { return filepath.Join(certDir, "sa.key") }
func SAPubFile(certDir string) string       { return filepath.Join(certDir, "sa.pub") }

// Args returns the kube-apiserver flags for one cluster.
func Args(o Options) []string {
	port := strconv.Itoa(o.Port)
	args := []string{
		"--etcd-servers=" + o.EtcdEndpoint,
		"--etcd-prefix=/" + o.Name,
		"--cert-dir=" + o.CertDir,
		"--tls-cert-file=" + ServingCertFile(o.CertDir),
		"--tls-private-key-file=" + ServingKeyFile(o.CertDir),
		"--secure-port=" + port,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		// A loopback address is not valid in the `kubernetes` Endpoints; nothing here needs them.
		"--endpoint-reconciler-type=none",
		"--service-cluster-ip-range=10.0.0.0/24",
		fmt.Sprintf("--service-account-issuer=https://127.0.0.1:%s", port),
		"--service-account-key-file=" + SAPubFile(o.CertDir),
		"--service-account-signing-key-file=" + SAKeyFile(o.CertDir),
		"--authorization-mode=RBAC",
		"--client-ca-file=" + o.ClientCAFile,
		"--token-auth-file=" + o.TokenFile,
		// No ServiceAccount controller runs, so pods would wait for a `default` SA forever.
		"--disable-admission-plugins=ServiceAccount",
		"--allow-privileged=true",
		"--profiling=false",
	}
	return append(args, o.ExtraArgs...)
}
