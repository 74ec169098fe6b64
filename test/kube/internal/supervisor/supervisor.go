// Package supervisor implements `kubeplane up`: one embedded etcd, one kube-apiserver
// process per cluster, CRDs, users and kubeconfigs, state.json and the control API.
package supervisor

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"kamaji-backstage/test/kube/internal/apiserver"
	"kamaji-backstage/test/kube/internal/control"
	"kamaji-backstage/test/kube/internal/crds"
	"kamaji-backstage/test/kube/internal/etcd"
	"kamaji-backstage/test/kube/internal/pki"
	"kamaji-backstage/test/kube/internal/state"
)

// Supervisor owns everything one `kubeplane up` starts.
type Supervisor struct {
	cfg            *Config
	l              layout
	stdout, stderr io.Writer
	exe            string

	ca          *pki.CA
	ports       *state.Ports
	readyClient *http.Client
	etcd        *etcd.Server
	clusters    []*cluster
	byName      map[string]*cluster

	ctx    context.Context // cancelled when shutdown begins
	cancel context.CancelFunc

	mu           sync.Mutex // guards the fields below and state.json writes
	users        map[string]*userRec
	st           *state.State
	published    bool
	shuttingDown bool

	shutdownReq  chan struct{}
	shutdownOnce sync.Once
}

// Run runs `kubeplane up` until ctx is cancelled (SIGINT/SIGTERM) or POST /shutdown.
func Run(ctx context.Context, cfg *Config, stdout, stderr io.Writer) (err error) {
	started := time.Now()
	s := &Supervisor{
		cfg: cfg, l: layout{cfg.StateDir}, stdout: stdout, stderr: stderr,
		byName: map[string]*cluster{}, shutdownReq: make(chan struct{}),
	}
	s.ctx, s.cancel = context.WithCancel(ctx)
	defer s.cancel()
	if s.exe, err = os.Executable(); err != nil {
		return err
	}
	for _, d := range []string{cfg.StateDir, s.l.pkiDir(), s.l.logsDir(), s.l.kubeconfigsDir()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	lock, err := lockStateDir(cfg.StateDir)
	if err != nil {
		return err
	}
	defer lock.Close()
	// A stale state.json from an earlier run must not look ready.
	if err := os.Remove(s.l.stateFile()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}

	if err := s.prepare(); err != nil {
		return err
	}
	if s.etcd, err = etcd.Start(s.l.etcdDir(), s.l.etcdLog(), s.ports.EtcdClient, s.ports.EtcdPeer, 30*time.Second); err != nil {
		return err
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.teardown()
		return err
	}
	if err := s.startAll(); err != nil {
		listener.Close()
		s.teardown()
		return err
	}
	if err := s.publish("http://" + listener.Addr().String()); err != nil {
		listener.Close()
		s.teardown()
		return err
	}
	srv := &http.Server{Handler: control.Handler(s), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(listener) }()

	names := make([]string, len(s.clusters))
	for i, c := range s.clusters {
		names[i] = c.spec.Name
	}
	fmt.Fprintf(s.stdout, "kubeplane: ready in %.2fs (clusters: %s)\n", time.Since(started).Seconds(), strings.Join(names, ", "))

	var runErr error
	select {
	case <-ctx.Done():
	case <-s.shutdownReq:
	case err := <-s.etcd.Err():
		runErr = fmt.Errorf("embedded etcd failed: %w (log %s)", err, s.l.etcdLog())
		fmt.Fprintf(s.stderr, "kubeplane: %v\n", runErr)
	}
	fmt.Fprintln(s.stderr, "kubeplane: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	s.cancel()
	_ = srv.Shutdown(sctx)
	s.teardown()
	s.mu.Lock()
	s.st.Ready = false
	for _, c := range s.st.Clusters {
		c.Running, c.PID = false, 0
	}
	werr := s.st.Write(s.l.stateFile())
	s.mu.Unlock()
	if runErr == nil && werr != nil {
		runErr = werr
	}
	fmt.Fprintln(s.stderr, "kubeplane: stopped")
	return runErr
}

// prepare loads CRDs, creates/reuses the PKI, users, ports and the cluster processes.
func (s *Supervisor) prepare() error {
	var err error
	if s.ca, err = pki.LoadOrCreateCA(s.l.pkiDir()); err != nil {
		return err
	}
	if err := s.loadUsers(); err != nil {
		return err
	}
	if s.ports, err = s.loadPorts(); err != nil {
		return err
	}
	admin := s.users[AdminUser]
	adminCert, err := tls.X509KeyPair(admin.pair.CertPEM, admin.pair.KeyPEM)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	pool.AddCert(s.ca.Cert)
	s.readyClient = &http.Client{Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{adminCert}, MinVersion: tls.VersionTLS12},
		DisableKeepAlives: true,
	}}

	for _, spec := range s.cfg.Clusters {
		c := &cluster{spec: spec, port: s.ports.Clusters[spec.Name], certDir: s.l.clusterCertDir(spec.Name)}
		if s.cfg.CRDDir != "" {
			for _, set := range spec.Sets {
				dir := filepath.Join(s.cfg.CRDDir, set)
				if st, err := os.Stat(dir); err != nil || !st.IsDir() {
					return fmt.Errorf("cluster %s: CRD set %q: %s is not a directory", spec.Name, set, dir)
				}
				list, err := crds.LoadDir(dir)
				if err != nil {
					return fmt.Errorf("cluster %s: CRD set %q: %w", spec.Name, set, err)
				}
				c.crds = append(c.crds, list...)
			}
		}
		if _, err := s.ca.EnsureServing(apiserver.ServingCertFile(c.certDir), apiserver.ServingKeyFile(c.certDir),
			spec.Name, []string{"localhost", spec.Name}, []net.IP{net.ParseIP("127.0.0.1")}); err != nil {
			return fmt.Errorf("cluster %s: serving certificate: %w", spec.Name, err)
		}
		if err := pki.EnsureSigningKey(apiserver.SAKeyFile(c.certDir), apiserver.SAPubFile(c.certDir)); err != nil {
			return fmt.Errorf("cluster %s: service-account key: %w", spec.Name, err)
		}
		name := spec.Name
		c.proc = &apiserver.Process{
			Name: name, Exe: s.exe, LogFile: s.l.clusterLog(name), Port: c.port,
			OnExit: func(unexpected bool, err error) { s.clusterExited(name, unexpected, err) },
		}
		s.clusters = append(s.clusters, c)
		s.byName[name] = c
	}
	return nil
}

// startAll starts every apiserver in parallel and brings each one up. On failure it
// reports every failed cluster with the end of its log.
func (s *Supervisor) startAll() error {
	for _, c := range s.clusters { // the etcd endpoint is known only now
		c.proc.Args = apiserver.Args(apiserver.Options{
			Name: c.spec.Name, Port: c.port, EtcdEndpoint: s.etcd.Endpoint, CertDir: c.certDir,
			ClientCAFile: s.ca.CertFile, TokenFile: s.l.tokenFile(), ExtraArgs: s.cfg.ApiserverArgs,
		})
	}
	errs := make([]error, len(s.clusters))
	var wg sync.WaitGroup
	for i, c := range s.clusters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.bringUp(s.ctx, c, true)
		}()
	}
	wg.Wait()
	var failed []string
	for i, err := range errs {
		if err == nil {
			continue
		}
		c := s.clusters[i]
		failed = append(failed, c.spec.Name)
		fmt.Fprintf(s.stderr, "kubeplane: cluster %s failed to start: %v\n--- last lines of %s ---\n%s\n---\n",
			c.spec.Name, err, c.proc.LogFile, apiserver.Tail(c.proc.LogFile, 25))
	}
	if len(failed) > 0 {
		return fmt.Errorf("startup failed (clusters: %s); logs in %s", strings.Join(failed, ", "), s.l.logsDir())
	}
	return nil
}

// publish writes every kubeconfig, builds the state and writes state.json (ready).
func (s *Supervisor) publish(controlURL string) error {
	st := &state.State{
		Ready: true, PID: os.Getpid(), ControlURL: controlURL,
		Etcd: state.Etcd{Endpoint: s.etcd.Endpoint}, CAFile: s.ca.CertFile,
		Clusters: map[string]*state.Cluster{}, Users: map[string]*state.User{},
	}
	for _, c := range s.clusters {
		pid := c.proc.PID()
		st.Clusters[c.spec.Name] = &state.Cluster{
			Name: c.spec.Name, Server: c.server(), Sets: slices.Clone(c.spec.Sets),
			Running: pid != 0, PID: pid,
			AdminKubeconfig: s.l.kubeconfig(c.spec.Name, AdminUser), LogFile: c.proc.LogFile,
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, u := range s.users {
		entry, err := s.writeUserKubeconfigs(u)
		if err != nil {
			return fmt.Errorf("kubeconfigs of user %s: %w", name, err)
		}
		st.Users[name] = entry
	}
	s.st, s.published = st, true
	return s.st.Write(s.l.stateFile())
}

// writeStateLocked rewrites state.json; s.mu must be held.
func (s *Supervisor) writeStateLocked() {
	if !s.published {
		return
	}
	if err := s.st.Write(s.l.stateFile()); err != nil {
		fmt.Fprintf(s.stderr, "kubeplane: writing %s: %v\n", s.l.stateFile(), err)
	}
}

func (s *Supervisor) setRunning(name string, pid int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st == nil {
		return
	}
	if c := s.st.Clusters[name]; c != nil {
		c.Running, c.PID = pid != 0, pid
		s.writeStateLocked()
	}
}

func (s *Supervisor) clusterExited(name string, unexpected bool, err error) {
	s.setRunning(name, 0)
	s.mu.Lock()
	report := unexpected && s.published && !s.shuttingDown
	s.mu.Unlock()
	if report {
		fmt.Fprintf(s.stderr, "kubeplane: cluster %s exited unexpectedly (%v); log %s\n", name, err, s.l.clusterLog(name))
	}
}

// teardown stops every apiserver (SIGTERM, SIGKILL after 5 s), then etcd.
func (s *Supervisor) teardown() {
	s.mu.Lock()
	s.shuttingDown = true
	s.mu.Unlock()
	s.cancel()
	var wg sync.WaitGroup
	for _, c := range s.clusters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.opMu.Lock() // wait for a start/stop in flight (it ends quickly: s.ctx is cancelled)
			defer c.opMu.Unlock()
			if err := c.proc.Stop(apiserver.ModeGraceful, stopGrace); err != nil {
				fmt.Fprintf(s.stderr, "kubeplane: stopping cluster %s: %v\n", c.spec.Name, err)
			}
		}()
	}
	wg.Wait()
	if s.etcd != nil {
		s.etcd.Close()
	}
}
