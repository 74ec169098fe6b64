package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// Ports is DIR/ports.json: the ports kept stable across restarts and `up` runs.
type Ports struct {
	EtcdClient int            `json:"etcdClient"`
	EtcdPeer   int            `json:"etcdPeer"`
	Clusters   map[string]int `json:"clusters"`
}

// SavedUser is one entry of DIR/users.json.
type SavedUser struct {
	Groups []string `json:"groups"`
	// Token is the static bearer token; empty for users added at runtime until the next `up`.
	Token string `json:"token,omitempty"`
}

// LoadJSON reads path into v; a missing file leaves v untouched and is not an error.
func LoadJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// SaveJSON writes v to path atomically.
func SaveJSON(path string, v any, perm os.FileMode) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, append(data, '\n'), perm)
}
