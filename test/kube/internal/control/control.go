// Package control is kubeplane's loopback HTTP control API (plain HTTP, JSON):
//
//	GET  /state                              the state.json content
//	POST /clusters/{name}/stop?mode=kill|graceful
//	POST /clusters/{name}/start
//	POST /users        {"name":"team-a","groups":["team-a"]}
//	POST /shutdown
package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"kamaji-backstage/test/kube/internal/state"
)

// Errors a Backend returns to select the HTTP status.
var (
	ErrNotFound   = errors.New("not found")
	ErrBadRequest = errors.New("bad request")
	ErrConflict   = errors.New("conflict")
)

// Backend is what the supervisor provides.
type Backend interface {
	Snapshot() *state.State
	StopCluster(ctx context.Context, name, mode string) (*state.Cluster, error)
	StartCluster(ctx context.Context, name string) (*state.Cluster, error)
	AddUser(name string, groups []string) (*state.User, error)
	RequestShutdown()
}

// AddUserRequest is the body of POST /users.
type AddUserRequest struct {
	Name   string   `json:"name"`
	Groups []string `json:"groups"`
}

// Handler returns the control API handler.
func Handler(b Backend) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /state", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, b.Snapshot())
	})
	mux.HandleFunc("POST /clusters/{name}/stop", func(w http.ResponseWriter, r *http.Request) {
		mode := r.URL.Query().Get("mode")
		if mode == "" {
			mode = "kill"
		}
		if mode != "kill" && mode != "graceful" {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("mode must be kill or graceful, not %q", mode))
			return
		}
		c, err := b.StopCluster(r.Context(), r.PathValue("name"), mode)
		respond(w, c, err)
	})
	mux.HandleFunc("POST /clusters/{name}/start", func(w http.ResponseWriter, r *http.Request) {
		c, err := b.StartCluster(r.Context(), r.PathValue("name"))
		respond(w, c, err)
	})
	mux.HandleFunc("POST /users", func(w http.ResponseWriter, r *http.Request) {
		var req AddUserRequest
		dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
			return
		}
		u, err := b.AddUser(req.Name, req.Groups)
		respond(w, u, err)
	})
	mux.HandleFunc("POST /shutdown", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		b.RequestShutdown()
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no such endpoint: %s %s", r.Method, r.URL.Path))
	})
	return mux
}

func respond(w http.ResponseWriter, v any, err error) {
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, v)
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, ErrBadRequest):
		writeError(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, ErrConflict):
		writeError(w, http.StatusConflict, err.Error())
	default:
		writeError(w, http.StatusInternalServerError, err.Error())
	}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		status, data = http.StatusInternalServerError, []byte(`{"error":"encoding response failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
}
