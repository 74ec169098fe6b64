// Package etcd runs the embedded etcd v3.6 that every kube-apiserver of kubeplane shares
// (each apiserver uses its own --etcd-prefix).
package etcd

import (
	"fmt"
	"net/url"
	"os"
	"strconv"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

// Server is a running embedded etcd.
type Server struct {
	e        *embed.Etcd
	Endpoint string // http://127.0.0.1:PORT
}

// Start starts etcd with its data in dataDir, serving clients on 127.0.0.1:clientPort
// and peers on 127.0.0.1:peerPort; etcd's own log goes to logFile. fsync is off (test data).
func Start(dataDir, logFile string, clientPort, peerPort int, timeout time.Duration) (*Server, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, err
	}
	// etcd warns when the data dir is more open than 0700.
	if err := os.Chmod(dataDir, 0o700); err != nil {
		return nil, err
	}
	client := url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(clientPort)}
	peer := url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(peerPort)}

	cfg := embed.NewConfig()
	cfg.Name = "kubeplane"
	cfg.Dir = dataDir
	cfg.UnsafeNoFsync = true
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.Logger = "zap"
	cfg.LogLevel = "warn"
	cfg.LogOutputs = []string{logFile}

	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, fmt.Errorf("starting etcd (log %s): %w", logFile, err)
	}
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		e.Close()
		return nil, fmt.Errorf("etcd failed (log %s): %w", logFile, err)
	case <-time.After(timeout):
		e.Server.Stop()
		e.Close()
		return nil, fmt.Errorf("etcd not ready after %s (log %s)", timeout, logFile)
	}
	return &Server{e: e, Endpoint: client.String()}, nil
}

// Err delivers a fatal etcd error.
func (s *Server) Err() <-chan error { return s.e.Err() }

// Close stops etcd; call it after every apiserver has stopped.
func (s *Server) Close() { s.e.Close() }
