package supervisor

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"

	"kamaji-backstage/test/kube/internal/apiserver"
	"kamaji-backstage/test/kube/internal/state"
)

// loadPorts reads DIR/ports.json, assigns free ports to etcd and to clusters that have none
// yet, checks that every port this run needs is free, and saves the file.
func (s *Supervisor) loadPorts() (*state.Ports, error) {
	p := &state.Ports{}
	if err := state.LoadJSON(s.l.portsFile(), p); err != nil {
		return nil, err
	}
	if p.Clusters == nil {
		p.Clusters = map[string]int{}
	}
	used := []int{p.EtcdClient, p.EtcdPeer}
	for _, port := range p.Clusters {
		used = append(used, port)
	}
	assign := func(port *int) error {
		for *port == 0 {
			free, err := stablePort()
			if err != nil {
				return err
			}
			if !slices.Contains(used, free) {
				*port = free
				used = append(used, free)
			}
		}
		return nil
	}
	check := func(what string, port int) error {
		if !apiserver.PortFree(port) {
			return fmt.Errorf("port %d of %s (kept in %s) is in use by another process: free it, or delete that file to pick new ports",
				port, what, s.l.portsFile())
		}
		return nil
	}
	if err := assign(&p.EtcdClient); err != nil {
		return nil, err
	}
	if err := assign(&p.EtcdPeer); err != nil {
		return nil, err
	}
	if err := check("etcd (client)", p.EtcdClient); err != nil {
		return nil, err
	}
	if err := check("etcd (peer)", p.EtcdPeer); err != nil {
		return nil, err
	}
	for _, c := range s.cfg.Clusters {
		port := p.Clusters[c.Name]
		if err := assign(&port); err != nil {
			return nil, err
		}
		p.Clusters[c.Name] = port
		if err := check("cluster "+c.Name, port); err != nil {
			return nil, err
		}
	}
	return p, state.SaveJSON(s.l.portsFile(), p, 0o644)
}

// stablePort picks a free port below the kernel's ephemeral range, so that outgoing connections
// never take a kept port while its cluster is stopped. Falls back to any free port.
func stablePort() (int, error) {
	low := 32768
	if data, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		var lo, hi int
		if n, _ := fmt.Sscan(string(data), &lo, &hi); n == 2 && lo > 0 {
			low = lo
		}
	}
	const first = 20000
	if low-first >= 1000 {
		for range 50 {
			port := first + rand.IntN(low-first)
			if apiserver.PortFree(port) {
				return port, nil
			}
		}
	}
	return apiserver.FreePort()
}
