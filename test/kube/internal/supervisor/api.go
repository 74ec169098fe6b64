package supervisor

import (
	"context"
	"fmt"
	"slices"

	"kamaji-backstage/test/kube/internal/apiserver"
	"kamaji-backstage/test/kube/internal/control"
	"kamaji-backstage/test/kube/internal/state"
)

// The methods below implement control.Backend.

// Snapshot returns a copy of the current state.
func (s *Supervisor) Snapshot() *state.State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.Clone()
}

func (s *Supervisor) clusterEntry(name string) *state.Cluster {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := *s.st.Clusters[name]
	c.Sets = slices.Clone(c.Sets)
	return &c
}

func (s *Supervisor) lookup(name string) (*cluster, error) {
	c := s.byName[name]
	if c == nil {
		return nil, fmt.Errorf("%w: no cluster named %q", control.ErrNotFound, name)
	}
	return c, nil
}

func (s *Supervisor) checkNotShuttingDown() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shuttingDown {
		return fmt.Errorf("%w: kubeplane is shutting down", control.ErrConflict)
	}
	return nil
}

// StopCluster stops an apiserver; it returns once the process is gone and its port is closed.
func (s *Supervisor) StopCluster(_ context.Context, name, mode string) (*state.Cluster, error) {
	c, err := s.lookup(name)
	if err != nil {
		return nil, err
	}
	if mode != apiserver.ModeKill && mode != apiserver.ModeGraceful {
		return nil, fmt.Errorf("%w: mode must be kill or graceful", control.ErrBadRequest)
	}
	c.opMu.Lock()
	defer c.opMu.Unlock()
	if err := s.checkNotShuttingDown(); err != nil {
		return nil, err
	}
	if err := c.proc.Stop(mode, stopGrace); err != nil {
		return nil, fmt.Errorf("cluster %s: %w", name, err)
	}
	return s.clusterEntry(name), nil
}

// StartCluster restarts a stopped apiserver with the same port, certs and etcd prefix and
// returns once /readyz answers 200 (and its CRDs are served). A running cluster is left alone.
func (s *Supervisor) StartCluster(_ context.Context, name string) (*state.Cluster, error) {
	c, err := s.lookup(name)
	if err != nil {
		return nil, err
	}
	c.opMu.Lock()
	defer c.opMu.Unlock()
	if err := s.checkNotShuttingDown(); err != nil {
		return nil, err
	}
	if c.proc.PID() != 0 {
		return s.clusterEntry(name), nil
	}
	if err := s.bringUp(s.ctx, c, false); err != nil {
		_ = c.proc.Stop(apiserver.ModeKill, 0)
		return nil, fmt.Errorf("%v; last lines of %s:\n%s", err, c.proc.LogFile, apiserver.Tail(c.proc.LogFile, 15))
	}
	s.setRunning(name, c.proc.PID())
	return s.clusterEntry(name), nil
}

// AddUser issues client-certificate kubeconfigs for a new user on every cluster.
// Runtime users get no static token (the token file is read when an apiserver starts).
// Adding an existing user with the same groups returns its entry; other groups: conflict.
func (s *Supervisor) AddUser(name string, groups []string) (*state.User, error) {
	if groups == nil {
		groups = []string{}
	}
	if err := ValidateUser(name, groups); err != nil {
		return nil, fmt.Errorf("%w: %v", control.ErrBadRequest, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shuttingDown {
		return nil, fmt.Errorf("%w: kubeplane is shutting down", control.ErrConflict)
	}
	if u := s.users[name]; u != nil {
		if !sameGroups(u.groups, groups) {
			return nil, fmt.Errorf("%w: user %s exists with groups %v", control.ErrConflict, name, u.groups)
		}
		return cloneUser(s.st.Users[name]), nil
	}
	pair, err := s.ca.EnsureClient(s.l.userCert(name), s.l.userKey(name), name, groups)
	if err != nil {
		return nil, err
	}
	u := &userRec{name: name, groups: slices.Clone(groups), pair: pair}
	entry, err := s.writeUserKubeconfigs(u)
	if err != nil {
		return nil, err
	}
	s.users[name] = u
	if err := s.saveUsers(); err != nil {
		return nil, err
	}
	s.st.Users[name] = entry
	s.writeStateLocked()
	return cloneUser(entry), nil
}

// RequestShutdown starts a clean shutdown (as on SIGTERM).
func (s *Supervisor) RequestShutdown() {
	s.shutdownOnce.Do(func() { close(s.shutdownReq) })
}

func sameGroups(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func cloneUser(u *state.User) *state.User {
	st := &state.State{Users: map[string]*state.User{"u": u}}
	return st.Clone().Users["u"]
}
