package fakeapi

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"kamaji-backstage/test/kube/internal/pki"
)

// Spec describes the fake clusters to serve and their objects.
type Spec struct {
	Resources []Resource `json:"resources"`
	Clusters  []struct {
		Name    string           `json:"name"`
		Objects []map[string]any `json:"objects"`
	} `json:"clusters"`
	// MaxEvents is the history kept per cluster for watches (default 10000).
	MaxEvents int `json:"maxEvents"`
	// BookmarkSeconds is the bookmark interval of watches (default 60).
	BookmarkSeconds int `json:"bookmarkSeconds"`
}

// Output is what Run writes for clients: where each fake cluster answers.
type Output struct {
	ControlURL string                       `json:"controlUrl"`
	CAFile     string                       `json:"caFile"`
	Clusters   map[string]map[string]string `json:"clusters"` // name -> {"server": url}
}

type fakeCluster struct {
	name    string
	store   *Store
	handler *Handler
	addr    string
	mu      sync.Mutex
	server  *http.Server
}

// Fleet runs many fake clusters, each on its own TLS loopback port, and a control API.
type Fleet struct {
	clusters map[string]*fakeCluster
	tlsConf  *tls.Config
}

// NewFleet loads the spec and the CA in caDir (created when absent) and issues one serving certificate.
func NewFleet(spec Spec, caDir string) (*Fleet, *pki.CA, error) {
	ca, err := pki.LoadOrCreateCA(caDir)
	if err != nil {
		return nil, nil, err
	}
	pair, err := ca.EnsureServing(filepath.Join(caDir, "fakeapi.crt"), filepath.Join(caDir, "fakeapi.key"),
		"fakeapi", []string{"localhost"}, []net.IP{net.ParseIP("127.0.0.1")})
	if err != nil {
		return nil, nil, err
	}
	cert, err := tls.X509KeyPair(pair.CertPEM, pair.KeyPEM)
	if err != nil {
		return nil, nil, err
	}
	maxEvents := spec.MaxEvents
	if maxEvents <= 0 {
		maxEvents = 10000
	}
	bookmark := time.Duration(spec.BookmarkSeconds) * time.Second
	f := &Fleet{clusters: map[string]*fakeCluster{}, tlsConf: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	for _, c := range spec.Clusters {
		if _, dup := f.clusters[c.Name]; dup {
			return nil, nil, fmt.Errorf("cluster %s is listed twice", c.Name)
		}
		store := NewStore(spec.Resources, maxEvents)
		for _, o := range c.Objects {
			if err := store.Upsert(o); err != nil {
				return nil, nil, fmt.Errorf("cluster %s: %w", c.Name, err)
			}
		}
		f.clusters[c.Name] = &fakeCluster{name: c.Name, store: store, handler: &Handler{Store: store, BookmarkInterval: bookmark}}
	}
	return f, ca, nil
}

// Start opens every cluster's listener.
func (f *Fleet) Start() error {
	for _, c := range f.clusters {
		if err := c.start(f.tlsConf); err != nil {
			return err
		}
	}
	return nil
}

// Stop closes every listener and connection.
func (f *Fleet) Stop() {
	for _, c := range f.clusters {
		c.stop()
	}
}

func (c *fakeCluster) start(tlsConf *tls.Config) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.server != nil {
		return nil
	}
	addr := c.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("cluster %s: %w", c.name, err)
	}
	c.addr = ln.Addr().String()
	c.server = &http.Server{Handler: c.handler, TLSConfig: tlsConf, ReadHeaderTimeout: 10 * time.Second}
	go func(s *http.Server) { _ = s.ServeTLS(ln, "", "") }(c.server)
	return nil
}

// stop closes the listener and every open connection, like a site losing its uplink.
func (c *fakeCluster) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.server != nil {
		_ = c.server.Close()
		c.server = nil
	}
}

// ControlHandler serves the control API: change objects, compact history, stop and start clusters.
//
//	POST   /clusters/{name}/objects                       body: an object (upsert)
//	DELETE /clusters/{name}/objects/{plural}/{ns|_}/{obj}
//	POST   /clusters/{name}/compact                       later watches from older RVs get 410
//	POST   /clusters/{name}/stop | /start
func (f *Fleet) ControlHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		if len(parts) < 3 || parts[0] != "clusters" {
			writeStatus(w, http.StatusNotFound, "NotFound", "unknown path")
			return
		}
		c, ok := f.clusters[parts[1]]
		if !ok {
			writeStatus(w, http.StatusNotFound, "NotFound", "unknown cluster "+parts[1])
			return
		}
		switch {
		case r.Method == http.MethodPost && len(parts) == 3 && parts[2] == "objects":
			var obj map[string]any
			if err := json.NewDecoder(r.Body).Decode(&obj); err != nil {
				writeStatus(w, http.StatusBadRequest, "BadRequest", err.Error())
				return
			}
			if err := c.store.Upsert(obj); err != nil {
				writeStatus(w, http.StatusBadRequest, "BadRequest", err.Error())
				return
			}
			writeJSON(w, obj)
		case r.Method == http.MethodDelete && len(parts) == 6 && parts[2] == "objects":
			ns := parts[4]
			if ns == "_" {
				ns = ""
			}
			c.store.Delete(parts[3], ns, parts[5])
			writeJSON(w, map[string]bool{"ok": true})
		case r.Method == http.MethodPost && len(parts) == 3 && parts[2] == "compact":
			c.store.Compact()
			writeJSON(w, map[string]bool{"ok": true})
		case r.Method == http.MethodPost && len(parts) == 3 && parts[2] == "stop":
			c.stop()
			writeJSON(w, map[string]bool{"ok": true})
		case r.Method == http.MethodPost && len(parts) == 3 && parts[2] == "start":
			if err := c.start(f.tlsConf); err != nil {
				writeStatus(w, http.StatusInternalServerError, "InternalError", err.Error())
				return
			}
			writeJSON(w, map[string]bool{"ok": true})
		default:
			writeStatus(w, http.StatusNotFound, "NotFound", "unknown path")
		}
	})
}

// Run serves the fleet described by specFile until ctx ends, writing Output to outFile once listening.
func Run(ctx context.Context, specFile, caDir, outFile string) error {
	raw, err := os.ReadFile(specFile)
	if err != nil {
		return err
	}
	var spec Spec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", specFile, err)
	}
	fleet, ca, err := NewFleet(spec, caDir)
	if err != nil {
		return err
	}
	if err := fleet.Start(); err != nil {
		fleet.Stop()
		return err
	}
	defer fleet.Stop()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	control := &http.Server{Handler: fleet.ControlHandler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = control.Serve(ln) }()
	defer control.Close()

	out := Output{ControlURL: "http://" + ln.Addr().String(), CAFile: ca.CertFile, Clusters: map[string]map[string]string{}}
	for name, c := range fleet.clusters {
		out.Clusters[name] = map[string]string{"server": "https://" + c.addr}
	}
	data, _ := json.MarshalIndent(out, "", "  ")
	tmp := outFile + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, outFile); err != nil {
		return err
	}
	fmt.Printf("kubeplane: fake API servers ready (%d clusters)\n", len(fleet.clusters))
	<-ctx.Done()
	return nil
}
