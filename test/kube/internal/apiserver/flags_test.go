package apiserver

import (
	"slices"
	"testing"
)

func TestArgs(t *testing.T) {
	args := Args(Options{
		Name: "island-a", Port: 4242, EtcdEndpoint: "http://127.0.0.1:1", CertDir: "/s/clusters/island-a",
		ClientCAFile: "/s/pki/ca.crt", TokenFile: "/s/pki/tokens.csv", ExtraArgs: []string{"--v=2"},
	})
	for _, want := range []string{
		"--etcd-servers=http://127.0.0.1:1",
		"--etcd-prefix=/island-a",
		"--secure-port=4242",
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--authorization-mode=RBAC",
		"--client-ca-file=/s/pki/ca.crt",
		"--token-auth-file=/s/pki/tokens.csv",
		"--disable-admission-plugins=ServiceAccount",
		"--service-account-issuer=https://127.0.0.1:4242",
		"--service-account-signing-key-file=/s/clusters/island-a/sa.key",
		"--service-account-key-file=/s/clusters/island-a/sa.pub",
		"--tls-cert-file=/s/clusters/island-a/apiserver.crt",
		"--cert-dir=/s/clusters/island-a",
	} {
		if !slices.Contains(args, want) {
			t.Errorf("missing %s", want)
		}
	}
	if args[len(args)-1] != "--v=2" {
		t.Error("extra args must come last (later flags win)")
	}
}

func TestTail(t *testing.T) {
	if got := lastLines("a\nb\nc\n", 2); got != "b\nc" {
		t.Fatalf("%q", got)
	}
}
