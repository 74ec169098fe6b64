// Package kubeconfig writes self-contained kubeconfigs (CA, client pair or token inline).
package kubeconfig

import (
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"kamaji-backstage/test/kube/internal/state"
)

// Credentials: either a client pair or a bearer token.
type Credentials struct {
	User    string
	CertPEM []byte
	KeyPEM  []byte
	Token   string
}

// Build returns a kubeconfig with one cluster, one user and one context, all named after
// the cluster (the user entry is named after the user); current-context is set.
func Build(cluster, server string, caPEM []byte, cred Credentials) ([]byte, error) {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[cluster] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: caPEM}
	cfg.AuthInfos[cred.User] = &clientcmdapi.AuthInfo{
		ClientCertificateData: cred.CertPEM,
		ClientKeyData:         cred.KeyPEM,
		Token:                 cred.Token,
	}
	cfg.Contexts[cluster] = &clientcmdapi.Context{Cluster: cluster, AuthInfo: cred.User, Namespace: "default"}
	cfg.CurrentContext = cluster
	return clientcmd.Write(*cfg)
}

// Write builds the kubeconfig and writes it atomically with mode 0600.
func Write(path, cluster, server string, caPEM []byte, cred Credentials) error {
	data, err := Build(cluster, server, caPEM, cred)
	if err != nil {
		return err
	}
	return state.WriteFileAtomic(path, data, 0o600)
}
