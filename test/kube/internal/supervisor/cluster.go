package supervisor

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	apiextclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"kamaji-backstage/test/kube/internal/apiserver"
	"kamaji-backstage/test/kube/internal/crds"
)

const (
	readyTimeout = 60 * time.Second
	stopGrace    = 5 * time.Second
)

// cluster is one kube-apiserver managed by the supervisor.
type cluster struct {
	spec    ClusterSpec
	port    int
	certDir string
	crds    []crds.CRD
	proc    *apiserver.Process
	opMu    sync.Mutex // serializes start/stop of this cluster
}

func (c *cluster) server() string { return "https://127.0.0.1:" + strconv.Itoa(c.port) }

// restConfig returns an admin client config for the cluster (TLS verified against the CA).
func (s *Supervisor) restConfig(c *cluster) *rest.Config {
	admin := s.users[AdminUser]
	return &rest.Config{
		Host: c.server(),
		TLSClientConfig: rest.TLSClientConfig{
			CAData:   s.ca.CertPEM,
			CertData: admin.pair.CertPEM,
			KeyData:  admin.pair.KeyPEM,
		},
		QPS:       100,
		Burst:     200,
		Timeout:   30 * time.Second,
		UserAgent: "kubeplane",
	}
}

// bringUp starts the apiserver and waits for /readyz (60 s). With install it then waits for
// namespace default and installs the cluster's CRDs; without, it checks the CRDs are served.
func (s *Supervisor) bringUp(ctx context.Context, c *cluster, install bool) error {
	if !apiserver.PortFree(c.port) {
		return fmt.Errorf("cluster %s: port %d is in use by another process", c.spec.Name, c.port)
	}
	if err := c.proc.Start(); err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	if err := c.proc.WaitReady(rctx, s.readyClient); err != nil {
		return err
	}
	cfg := s.restConfig(c)
	ext, err := apiextclient.NewForConfig(cfg)
	if err != nil {
		return err
	}
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	if install {
		err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
			_, err := kube.CoreV1().Namespaces().Get(ctx, "default", metav1.GetOptions{})
			return err == nil, nil
		})
		if err != nil {
			return fmt.Errorf("cluster %s: namespace default did not appear: %w", c.spec.Name, err)
		}
		if err := crds.Apply(ctx, ext, c.crds); err != nil {
			return fmt.Errorf("cluster %s: %w", c.spec.Name, err)
		}
	}
	if err := crds.WaitServed(ctx, ext, kube.Discovery(), c.crds, 60*time.Second); err != nil {
		return fmt.Errorf("cluster %s: %w", c.spec.Name, err)
	}
	return nil
}
