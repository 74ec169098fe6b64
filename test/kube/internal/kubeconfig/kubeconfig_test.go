package kubeconfig

import (
	"os"
	"path/filepath"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
)

func TestSelfContainedKubeconfigs(t *testing.T) {
	dir := t.TempDir()
	ca := []byte("-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n")
	cert := filepath.Join(dir, "c.yaml")
	if err := Write(cert, "island-a", "https://127.0.0.1:1234", ca, Credentials{User: "team-a", CertPEM: []byte("crt"), KeyPEM: []byte("key")}); err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.LoadFromFile(cert)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.CurrentContext != "island-a" {
		t.Errorf("current-context %q", cfg.CurrentContext)
	}
	ctx := cfg.Contexts["island-a"]
	if ctx == nil || ctx.Cluster != "island-a" || ctx.AuthInfo != "team-a" {
		t.Fatalf("context %+v", ctx)
	}
	cl := cfg.Clusters["island-a"]
	if cl.Server != "https://127.0.0.1:1234" || string(cl.CertificateAuthorityData) != string(ca) || cl.CertificateAuthority != "" || cl.InsecureSkipTLSVerify {
		t.Errorf("cluster %+v", cl)
	}
	u := cfg.AuthInfos["team-a"]
	if string(u.ClientCertificateData) != "crt" || string(u.ClientKeyData) != "key" || u.ClientCertificate != "" || u.Token != "" {
		t.Errorf("user %+v", u)
	}
	if st, _ := os.Stat(cert); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode().Perm())
	}

	tok := filepath.Join(dir, "t.yaml")
	if err := Write(tok, "central", "https://127.0.0.1:1", ca, Credentials{User: "team-a", Token: "secret"}); err != nil {
		t.Fatal(err)
	}
	cfg, err = clientcmd.LoadFromFile(tok)
	if err != nil {
		t.Fatal(err)
	}
	if u := cfg.AuthInfos["team-a"]; u.Token != "secret" || len(u.ClientCertificateData) != 0 {
		t.Errorf("token user %+v", u)
	}
}
