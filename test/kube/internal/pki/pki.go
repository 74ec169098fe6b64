// Package pki creates and reuses the certificates of a kubeplane state dir:
// one shared CA (signs serving and client certificates), serving pairs per
// apiserver, client pairs per user and service-account signing keys.
// All keys are ECDSA P-256.
package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"
)

const (
	caValidity   = 10 * 365 * 24 * time.Hour
	leafValidity = 365 * 24 * time.Hour
	// A leaf certificate that expires sooner than this is issued again.
	renewBefore = 7 * 24 * time.Hour
)

// CA is the shared certificate authority of a state dir.
type CA struct {
	Cert    *x509.Certificate
	Key     crypto.Signer
	CertPEM []byte
	// CertFile is the absolute path of ca.crt.
	CertFile string
}

// Pair is a PEM-encoded certificate and private key.
type Pair struct {
	CertPEM []byte
	KeyPEM  []byte
}

// LoadOrCreateCA reads dir/ca.crt + dir/ca.key, or creates them when both are absent.
func LoadOrCreateCA(dir string) (*CA, error) {
	certFile, keyFile := filepath.Join(dir, "ca.crt"), filepath.Join(dir, "ca.key")
	certPEM, certErr := os.ReadFile(certFile)
	keyPEM, keyErr := os.ReadFile(keyFile)
	switch {
	case certErr == nil && keyErr == nil:
		cert, err := parseCert(certPEM)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", certFile, err)
		}
		key, err := parseKey(keyPEM)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", keyFile, err)
		}
		if !cert.IsCA {
			return nil, fmt.Errorf("%s is not a CA certificate", certFile)
		}
		return &CA{Cert: cert, Key: key, CertPEM: certPEM, CertFile: certFile}, nil
	case errors.Is(certErr, os.ErrNotExist) && errors.Is(keyErr, os.ErrNotExist):
	default:
		return nil, fmt.Errorf("CA in %s is incomplete (need both ca.crt and ca.key): %v / %v", dir, certErr, keyErr)
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "kubeplane-ca", Organization: []string{"kubeplane"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(caValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	cert, _ := x509.ParseCertificate(der)
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM, err = encodeKey(key)
	if err != nil {
		return nil, err
	}
	if err := writePair(certFile, keyFile, Pair{certPEM, keyPEM}); err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key, CertPEM: certPEM, CertFile: certFile}, nil
}

// EnsureServing returns the serving pair in certFile/keyFile, issuing a new one when
// it is missing, not signed by the CA, expiring soon or lacking one of the names.
func (ca *CA) EnsureServing(certFile, keyFile, cn string, dnsNames []string, ips []net.IP) (Pair, error) {
	if p, cert, ok := ca.loadValid(certFile, keyFile, x509.ExtKeyUsageServerAuth); ok {
		if containsAll(cert.DNSNames, dnsNames) && containsAllIPs(cert.IPAddresses, ips) {
			return p, nil
		}
	}
	tmpl := leafTemplate(pkix.Name{CommonName: cn}, x509.ExtKeyUsageServerAuth)
	tmpl.DNSNames = dnsNames
	tmpl.IPAddresses = ips
	p, err := ca.issue(tmpl)
	if err != nil {
		return Pair{}, err
	}
	return p, writePair(certFile, keyFile, p)
}

// EnsureClient returns the client pair (CN=user, O=groups) in certFile/keyFile,
// issuing a new one when it is missing, stale or names other groups.
func (ca *CA) EnsureClient(certFile, keyFile, user string, groups []string) (Pair, error) {
	if p, cert, ok := ca.loadValid(certFile, keyFile, x509.ExtKeyUsageClientAuth); ok {
		if cert.Subject.CommonName == user && sameSet(cert.Subject.Organization, groups) {
			return p, nil
		}
	}
	p, err := ca.IssueClient(user, groups)
	if err != nil {
		return Pair{}, err
	}
	return p, writePair(certFile, keyFile, p)
}

// IssueClient issues a client certificate with CN=user and O=groups.
func (ca *CA) IssueClient(user string, groups []string) (Pair, error) {
	return ca.issue(leafTemplate(pkix.Name{CommonName: user, Organization: slices.Clone(groups)}, x509.ExtKeyUsageClientAuth))
}

// EnsureSigningKey makes sure keyFile holds an ECDSA private key and pubFile its public key
// (used as --service-account-signing-key-file / --service-account-key-file).
func EnsureSigningKey(keyFile, pubFile string) error {
	if keyPEM, err := os.ReadFile(keyFile); err == nil {
		if key, err := parseKey(keyPEM); err == nil {
			if _, err := os.Stat(pubFile); err == nil {
				return nil
			}
			return writePublic(pubFile, key.Public())
		}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(keyFile), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		return err
	}
	return writePublic(pubFile, key.Public())
}

// Verify checks that certPEM was signed by the CA for the given usage (used by tests and reuse checks).
func (ca *CA) Verify(certPEM []byte, usage x509.ExtKeyUsage) (*x509.Certificate, error) {
	cert, err := parseCert(certPEM)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)
	_, err = cert.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{usage}})
	return cert, err
}

func (ca *CA) loadValid(certFile, keyFile string, usage x509.ExtKeyUsage) (Pair, *x509.Certificate, bool) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return Pair{}, nil, false
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return Pair{}, nil, false
	}
	cert, err := ca.Verify(certPEM, usage)
	if err != nil || time.Until(cert.NotAfter) < renewBefore {
		return Pair{}, nil, false
	}
	key, err := parseKey(keyPEM)
	if err != nil || !publicKeysEqual(key.Public(), cert.PublicKey) {
		return Pair{}, nil, false
	}
	return Pair{certPEM, keyPEM}, cert, true
}

func (ca *CA) issue(tmpl *x509.Certificate) (Pair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Pair{}, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return Pair{}, err
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		return Pair{}, err
	}
	return Pair{CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), KeyPEM: keyPEM}, nil
}

func leafTemplate(subject pkix.Name, usage x509.ExtKeyUsage) *x509.Certificate {
	now := time.Now()
	return &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               subject,
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(leafValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{usage},
		BasicConstraintsValid: true,
	}
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err)
	}
	return n
}

func encodeKey(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
}

func parseCert(data []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("no PEM certificate found")
	}
	return x509.ParseCertificate(block.Bytes)
}

func parseKey(data []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM key found")
	}
	switch block.Type {
	case "EC PRIVATE KEY":
		return x509.ParseECPrivateKey(block.Bytes)
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		s, ok := k.(crypto.Signer)
		if !ok {
			return nil, errors.New("unsupported private key type")
		}
		return s, nil
	case "RSA PRIVATE KEY":
		return x509.ParsePKCS1PrivateKey(block.Bytes)
	}
	return nil, fmt.Errorf("unsupported PEM block %q", block.Type)
}

func writePublic(file string, pub crypto.PublicKey) error {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return err
	}
	return os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644)
}

func writePair(certFile, keyFile string, p Pair) error {
	if err := os.MkdirAll(filepath.Dir(certFile), 0o700); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(keyFile), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(keyFile, p.KeyPEM, 0o600); err != nil {
		return err
	}
	return os.WriteFile(certFile, p.CertPEM, 0o644)
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	ea, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && ea.Equal(b)
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

func containsAllIPs(have, want []net.IP) bool {
	for _, w := range want {
		if !slices.ContainsFunc(have, func(h net.IP) bool { return h.Equal(w) }) {
			return false
		}
	}
	return true
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
