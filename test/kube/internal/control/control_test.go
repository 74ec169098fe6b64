package control

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"kamaji-backstage/test/kube/internal/state"
)

type fake struct {
	stopped  map[string]string
	shutdown bool
}

func (f *fake) Snapshot() *state.State { return &state.State{Ready: true, PID: 1} }
func (f *fake) StopCluster(_ context.Context, name, mode string) (*state.Cluster, error) {
	if name != "central" {
		return nil, fmt.Errorf("%w: no cluster named %q", ErrNotFound, name)
	}
	f.stopped[name] = mode
	return &state.Cluster{Name: name}, nil
}
func (f *fake) StartCluster(_ context.Context, name string) (*state.Cluster, error) {
	return nil, fmt.Errorf("%w: no cluster named %q", ErrNotFound, name)
}
func (f *fake) AddUser(name string, groups []string) (*state.User, error) {
	if name == "" {
		return nil, fmt.Errorf("%w: name required", ErrBadRequest)
	}
	return &state.User{Groups: groups, Kubeconfigs: map[string]string{}, TokenKubeconfigs: map[string]string{}}, nil
}
func (f *fake) RequestShutdown() { f.shutdown = true }

func do(t *testing.T, h http.Handler, method, path, body string) (int, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, strings.NewReader(body)))
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("%s %s: body is not JSON: %q", method, path, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("content type %q", ct)
	}
	return rec.Code, m
}

func TestRoutes(t *testing.T) {
	f := &fake{stopped: map[string]string{}}
	h := Handler(f)
	if code, m := do(t, h, "GET", "/state", ""); code != 200 || m["ready"] != true {
		t.Errorf("GET /state: %d %v", code, m)
	}
	if code, _ := do(t, h, "POST", "/clusters/central/stop", ""); code != 200 || f.stopped["central"] != "kill" {
		t.Errorf("stop default mode: %d %v", code, f.stopped)
	}
	if code, _ := do(t, h, "POST", "/clusters/central/stop?mode=graceful", ""); code != 200 || f.stopped["central"] != "graceful" {
		t.Errorf("stop graceful: %d %v", code, f.stopped)
	}
	if code, m := do(t, h, "POST", "/clusters/central/stop?mode=soft", ""); code != 400 || m["error"] == nil {
		t.Errorf("bad mode: %d %v", code, m)
	}
	if code, m := do(t, h, "POST", "/clusters/nope/stop", ""); code != 404 || m["error"] == nil {
		t.Errorf("unknown cluster stop: %d %v", code, m)
	}
	if code, _ := do(t, h, "POST", "/clusters/nope/start", ""); code != 404 {
		t.Errorf("unknown cluster start: %d", code)
	}
	if code, m := do(t, h, "POST", "/users", `{"name":"team-a","groups":["team-a"]}`); code != 200 || m["groups"] == nil {
		t.Errorf("add user: %d %v", code, m)
	}
	for _, body := range []string{`{"name":`, `{"name":"x","extra":1}`, `[]`, `{"name":""}`} {
		if code, _ := do(t, h, "POST", "/users", body); code != 400 {
			t.Errorf("body %s: %d, want 400", body, code)
		}
	}
	if code, _ := do(t, h, "GET", "/nothing", ""); code != 404 {
		t.Errorf("unknown path: %d", code)
	}
	if code, _ := do(t, h, "POST", "/shutdown", ""); code != 200 || !f.shutdown {
		t.Errorf("shutdown: %d %v", code, f.shutdown)
	}
}
