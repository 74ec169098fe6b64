package supervisor

import (
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseUpArgs(t *testing.T) {
	cfg, err := ParseUpArgs([]string{
		"--state-dir", "rel/state",
		"--cluster", "central=capi,kamaji,addons",
		"--cluster=island-a=kamaji",
		"--cluster", "bare",
		"--crds", "crds",
		"--user", "team-a:team-a+devs",
		"--user", "viewer",
		"--user", "admin",
		"--apiserver-arg=--v=2",
		"--etcd-data-keep",
	}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(cfg.StateDir) || !strings.HasSuffix(cfg.StateDir, "rel/state") {
		t.Errorf("state dir %q", cfg.StateDir)
	}
	if !filepath.IsAbs(cfg.CRDDir) {
		t.Errorf("crd dir %q", cfg.CRDDir)
	}
	wantClusters := []ClusterSpec{
		{Name: "central", Sets: []string{"capi", "kamaji", "addons"}},
		{Name: "island-a", Sets: []string{"kamaji"}},
		{Name: "bare", Sets: []string{}},
	}
	if !reflect.DeepEqual(cfg.Clusters, wantClusters) {
		t.Errorf("clusters %+v", cfg.Clusters)
	}
	wantUsers := []UserSpec{
		{Name: "admin", Groups: []string{"system:masters"}},
		{Name: "team-a", Groups: []string{"team-a", "devs"}},
		{Name: "viewer", Groups: []string{}},
	}
	if !reflect.DeepEqual(cfg.Users, wantUsers) {
		t.Errorf("users %+v", cfg.Users)
	}
	if !reflect.DeepEqual(cfg.ApiserverArgs, []string{"--v=2"}) {
		t.Errorf("apiserver args %v", cfg.ApiserverArgs)
	}
}

func TestParseUpArgsErrors(t *testing.T) {
	for name, args := range map[string][]string{
		"no state dir":     {"--cluster", "a"},
		"no cluster":       {"--state-dir", "x"},
		"bad cluster name": {"--state-dir", "x", "--cluster", "Central=capi"},
		"bad set":          {"--state-dir", "x", "--cluster", "a=ca pi"},
		"duplicate":        {"--state-dir", "x", "--cluster", "a", "--cluster", "a=capi"},
		"bad user":         {"--state-dir", "x", "--cluster", "a", "--user", "a b"},
		"bad group":        {"--state-dir", "x", "--cluster", "a", "--user", "u:g,h"},
		"admin groups":     {"--state-dir", "x", "--cluster", "a", "--user", "admin:team"},
		"dup user":         {"--state-dir", "x", "--cluster", "a", "--user", "u", "--user", "u:g"},
		"stray argument":   {"--state-dir", "x", "--cluster", "a", "extra"},
	} {
		if _, err := ParseUpArgs(args, io.Discard); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestParseUserWithSystemGroup(t *testing.T) {
	u, err := ParseUser("ops:system:masters+ops")
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "ops" || !reflect.DeepEqual(u.Groups, []string{"system:masters", "ops"}) {
		t.Fatalf("%+v", u)
	}
}
