package state

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
)

func sample() *State {
	return &State{
		Ready: true, PID: 1234, ControlURL: "http://127.0.0.1:1", Etcd: Etcd{Endpoint: "http://127.0.0.1:2"},
		CAFile: "/abs/pki/ca.crt",
		Clusters: map[string]*Cluster{"central": {
			Name: "central", Server: "https://127.0.0.1:3", Sets: []string{"capi"}, Running: true, PID: 2345,
			AdminKubeconfig: "/abs/kubeconfigs/central/admin.yaml", LogFile: "/abs/logs/central.log",
		}},
		Users: map[string]*User{
			"admin": {Groups: []string{"system:masters"}, Token: "t",
				Kubeconfigs:      map[string]string{"central": "/abs/kubeconfigs/central/admin.yaml"},
				TokenKubeconfigs: map[string]string{"central": "/abs/kubeconfigs/central/admin-token.yaml"}},
			"late": {Groups: []string{}, Kubeconfigs: map[string]string{}, TokenKubeconfigs: map[string]string{}},
		},
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// The TypeScript helper reads these exact keys.
func TestJSONShape(t *testing.T) {
	data, err := sample().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if got, want := keys(m), []string{"caFile", "clusters", "controlUrl", "etcd", "pid", "ready", "users"}; !reflect.DeepEqual(got, want) {
		t.Errorf("top-level keys %v, want %v", got, want)
	}
	c := m["clusters"].(map[string]any)["central"].(map[string]any)
	if got, want := keys(c), []string{"adminKubeconfig", "logFile", "name", "pid", "running", "server", "sets"}; !reflect.DeepEqual(got, want) {
		t.Errorf("cluster keys %v, want %v", got, want)
	}
	users := m["users"].(map[string]any)
	if got, want := keys(users["admin"].(map[string]any)), []string{"groups", "kubeconfigs", "token", "tokenKubeconfigs"}; !reflect.DeepEqual(got, want) {
		t.Errorf("user keys %v, want %v", got, want)
	}
	// Runtime users have no token, but still a (empty) tokenKubeconfigs object and a groups array.
	if got, want := keys(users["late"].(map[string]any)), []string{"groups", "kubeconfigs", "tokenKubeconfigs"}; !reflect.DeepEqual(got, want) {
		t.Errorf("runtime user keys %v, want %v", got, want)
	}
	if _, ok := m["etcd"].(map[string]any)["endpoint"]; !ok {
		t.Error("etcd.endpoint missing")
	}
}

func TestWriteIsAtomicAndReadable(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	s := sample()
	if err := s.Write(path); err != nil {
		t.Fatal(err)
	}
	s.Ready = false
	if err := s.Write(path); err != nil {
		t.Fatal(err)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Fatalf("round trip: %+v", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temp files left behind: %v", entries)
	}
}

func TestCloneIsDeep(t *testing.T) {
	s := sample()
	c := s.Clone()
	c.Clusters["central"].Running = false
	c.Users["admin"].Kubeconfigs["x"] = "y"
	if !s.Clusters["central"].Running || len(s.Users["admin"].Kubeconfigs) != 1 {
		t.Fatal("clone shares data with the original")
	}
}

func TestLoadJSONMissingFile(t *testing.T) {
	p := Ports{EtcdClient: 7}
	if err := LoadJSON(filepath.Join(t.TempDir(), "nope.json"), &p); err != nil || p.EtcdClient != 7 {
		t.Fatalf("missing file: %v %+v", err, p)
	}
}
