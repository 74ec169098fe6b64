package pki

import (
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestCAIsCreatedOnceAndReused(t *testing.T) {
	dir := t.TempDir()
	ca1, err := LoadOrCreateCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	ca2, err := LoadOrCreateCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	if string(ca1.CertPEM) != string(ca2.CertPEM) {
		t.Fatal("second load issued a new CA")
	}
	if ca2.CertFile != filepath.Join(dir, "ca.crt") || !ca2.Cert.IsCA {
		t.Fatalf("unexpected CA %s", ca2.CertFile)
	}
	if st, _ := os.Stat(filepath.Join(dir, "ca.key")); st.Mode().Perm() != 0o600 {
		t.Fatalf("ca.key mode %v", st.Mode().Perm())
	}
}

func TestIncompleteCAIsAnError(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadOrCreateCA(dir); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "ca.key"))
	if _, err := LoadOrCreateCA(dir); err == nil {
		t.Fatal("want an error for a CA without key")
	}
}

func TestServingCertNamesAndReuse(t *testing.T) {
	dir := t.TempDir()
	ca, _ := LoadOrCreateCA(dir)
	crt, key := filepath.Join(dir, "s.crt"), filepath.Join(dir, "s.key")
	ips := []net.IP{net.ParseIP("127.0.0.1")}
	p1, err := ca.EnsureServing(crt, key, "island-a", []string{"localhost", "island-a"}, ips)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Verify(p1.CertPEM, x509.ExtKeyUsageServerAuth)
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"127.0.0.1", "localhost", "island-a"} {
		if err := cert.VerifyHostname(host); err != nil {
			t.Errorf("not valid for %s: %v", host, err)
		}
	}
	if _, err := ca.Verify(p1.CertPEM, x509.ExtKeyUsageClientAuth); err == nil {
		t.Error("serving certificate must not be usable as a client certificate")
	}
	p2, _ := ca.EnsureServing(crt, key, "island-a", []string{"localhost", "island-a"}, ips)
	if string(p1.CertPEM) != string(p2.CertPEM) {
		t.Error("valid serving certificate was not reused")
	}
	p3, _ := ca.EnsureServing(crt, key, "island-a", []string{"localhost", "island-a", "extra"}, ips)
	if string(p1.CertPEM) == string(p3.CertPEM) {
		t.Error("serving certificate lacking a name was reused")
	}
}

func TestServingCertFromAnotherCAIsReplaced(t *testing.T) {
	other, _ := LoadOrCreateCA(t.TempDir())
	dir := t.TempDir()
	ca, _ := LoadOrCreateCA(dir)
	crt, key := filepath.Join(dir, "s.crt"), filepath.Join(dir, "s.key")
	if _, err := other.EnsureServing(crt, key, "x", []string{"localhost"}, nil); err != nil {
		t.Fatal(err)
	}
	p, err := ca.EnsureServing(crt, key, "x", []string{"localhost"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ca.Verify(p.CertPEM, x509.ExtKeyUsageServerAuth); err != nil {
		t.Fatal(err)
	}
}

func TestClientCertSubjectAndGroupChange(t *testing.T) {
	dir := t.TempDir()
	ca, _ := LoadOrCreateCA(dir)
	crt, key := filepath.Join(dir, "u.crt"), filepath.Join(dir, "u.key")
	p1, err := ca.EnsureClient(crt, key, "team-a", []string{"team-a", "devs"})
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Verify(p1.CertPEM, x509.ExtKeyUsageClientAuth)
	if err != nil {
		t.Fatal(err)
	}
	// DER sorts the SET OF organizations; Kubernetes treats them as an unordered group list.
	if cert.Subject.CommonName != "team-a" || !sameSet(cert.Subject.Organization, []string{"team-a", "devs"}) {
		t.Fatalf("subject %v", cert.Subject)
	}
	p2, _ := ca.EnsureClient(crt, key, "team-a", []string{"devs", "team-a"})
	if string(p1.CertPEM) != string(p2.CertPEM) {
		t.Error("same groups in another order must reuse the certificate")
	}
	p3, _ := ca.EnsureClient(crt, key, "team-a", []string{"team-b"})
	c3, _ := ca.Verify(p3.CertPEM, x509.ExtKeyUsageClientAuth)
	if !slices.Equal(c3.Subject.Organization, []string{"team-b"}) {
		t.Errorf("groups not updated: %v", c3.Subject.Organization)
	}
}

func TestSigningKey(t *testing.T) {
	dir := t.TempDir()
	key, pub := filepath.Join(dir, "sa.key"), filepath.Join(dir, "sa.pub")
	if err := EnsureSigningKey(key, pub); err != nil {
		t.Fatal(err)
	}
	k1, _ := os.ReadFile(key)
	if err := EnsureSigningKey(key, pub); err != nil {
		t.Fatal(err)
	}
	k2, _ := os.ReadFile(key)
	if string(k1) != string(k2) {
		t.Fatal("signing key was replaced")
	}
	if _, err := os.Stat(pub); err != nil {
		t.Fatal(err)
	}
}
