// Package state holds the state.json format (read by the TypeScript test helper and the
// demo; keep it exact) and the small files a state dir persists across `up` runs.
package state

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// State is the content of DIR/state.json and of GET /state.
type State struct {
	Ready      bool                `json:"ready"`
	PID        int                 `json:"pid"`
	ControlURL string              `json:"controlUrl"`
	Etcd       Etcd                `json:"etcd"`
	CAFile     string              `json:"caFile"`
	Clusters   map[string]*Cluster `json:"clusters"`
	Users      map[string]*User    `json:"users"`
}

// Etcd describes the shared embedded etcd.
type Etcd struct {
	Endpoint string `json:"endpoint"`
}

// Cluster is one kube-apiserver.
type Cluster struct {
	Name            string   `json:"name"`
	Server          string   `json:"server"`
	Sets            []string `json:"sets"`
	Running         bool     `json:"running"`
	PID             int      `json:"pid"` // 0 while stopped
	AdminKubeconfig string   `json:"adminKubeconfig"`
	LogFile         string   `json:"logFile"`
}

// User is a test user. Token is omitted for users added at runtime (POST /users):
// the static token file is only read when an apiserver starts.
type User struct {
	Groups           []string          `json:"groups"`
	Token            string            `json:"token,omitempty"`
	Kubeconfigs      map[string]string `json:"kubeconfigs"`
	TokenKubeconfigs map[string]string `json:"tokenKubeconfigs"`
}

// Clone returns a deep copy (via JSON, the state is small).
func (s *State) Clone() *State {
	data, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	var out State
	if err := json.Unmarshal(data, &out); err != nil {
		panic(err)
	}
	return &out
}

// Marshal returns the indented JSON form written to state.json.
func (s *State) Marshal() ([]byte, error) {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// Write writes the state to path atomically.
func (s *State) Write(path string) error {
	data, err := s.Marshal()
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, data, 0o644)
}

// Read parses a state.json file.
func Read(path string) (*State, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}

// WriteFileAtomic writes data to a temp file in the same directory, then renames it over
// path, so readers never see a partial file.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	return nil
}
