package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"kamaji-backstage/test/kube/internal/pki"
)

// servingCert issues (or keeps) a serving certificate signed by the control plane's CA:
// tls.crt + tls.key in --out, for 127.0.0.1 and localhost. Used for the webhooks of the real
// CAPI manager, which the API servers then call with caBundle = the CA.
func servingCert(args []string) int {
	fs := flag.NewFlagSet("serving-cert", flag.ContinueOnError)
	stateDir := fs.String("state-dir", "", "state dir of a kubeplane (its CA is in DIR/pki)")
	out := fs.String("out", "", "directory for tls.crt and tls.key")
	cn := fs.String("cn", "kubeplane-webhook", "certificate common name")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *stateDir == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "kubeplane serving-cert: --state-dir and --out are required")
		return 2
	}
	ca, err := pki.LoadOrCreateCA(filepath.Join(*stateDir, "pki"))
	if err == nil {
		err = os.MkdirAll(*out, 0o700)
	}
	if err == nil {
		_, err = ca.EnsureServing(filepath.Join(*out, "tls.crt"), filepath.Join(*out, "tls.key"), *cn,
			[]string{"localhost"}, []net.IP{net.ParseIP("127.0.0.1")})
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "kubeplane serving-cert: %v\n", err)
		return 1
	}
	return 0
}
