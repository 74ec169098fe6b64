// Package apiserver runs one kube-apiserver as a child process (`kubeplane apiserver <flags>`):
// start, readiness, stop (kill or graceful) and restart with the same flags.
package apiserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Stop modes.
const (
	ModeKill     = "kill"     // SIGKILL: a site losing power or its uplink
	ModeGraceful = "graceful" // SIGTERM, SIGKILL after the grace period
)

// Process is one kube-apiserver child. Start may be called again after it has exited.
type Process struct {
	Name    string
	Exe     string // the kubeplane binary
	Args    []string
	LogFile string
	Port    int
	// OnExit runs after each exit, before Stop returns; unexpected is false when Stop caused it.
	OnExit func(unexpected bool, err error)

	mu       sync.Mutex
	cmd      *exec.Cmd
	done     chan struct{}
	stopping bool
}

// Start launches the process; its stdout/stderr are appended to LogFile.
func (p *Process) Start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		return fmt.Errorf("cluster %s: already running (pid %d)", p.Name, p.cmd.Process.Pid)
	}
	log, err := os.OpenFile(p.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	fmt.Fprintf(log, "\n==== kubeplane: starting kube-apiserver for cluster %s on 127.0.0.1:%d at %s\n",
		p.Name, p.Port, time.Now().Format(time.RFC3339))

	cmd := exec.Command(p.Exe, append([]string{"apiserver"}, p.Args...)...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("cluster %s: starting kube-apiserver: %w", p.Name, err)
	}
	done := make(chan struct{})
	p.cmd, p.done, p.stopping = cmd, done, false
	go func() {
		err := cmd.Wait()
		p.mu.Lock()
		unexpected := !p.stopping
		p.cmd = nil
		p.mu.Unlock()
		if p.OnExit != nil {
			p.OnExit(unexpected, err)
		}
		close(done)
	}()
	return nil
}

// PID returns the pid of the running process, or 0.
func (p *Process) PID() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// Done returns a channel closed when the current process exits (nil if not running).
func (p *Process) Done() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return nil
	}
	return p.done
}

// Stop ends the process (ModeKill: SIGKILL; ModeGraceful: SIGTERM, then SIGKILL after grace)
// and returns once it has exited and its port refuses connections. Stopping a stopped process is a no-op.
func (p *Process) Stop(mode string, grace time.Duration) error {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	if cmd == nil {
		p.mu.Unlock()
		return nil
	}
	p.stopping = true
	p.mu.Unlock()

	if mode == ModeGraceful {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(grace):
			_ = cmd.Process.Kill()
		}
	} else {
		_ = cmd.Process.Kill()
	}
	<-done
	return WaitPortClosed(p.Port, 10*time.Second)
}

// WaitReady polls https://127.0.0.1:PORT/readyz with client until it answers 200.
// It fails early when the process exits.
func (p *Process) WaitReady(ctx context.Context, client *http.Client) error {
	done := p.Done()
	if done == nil {
		return fmt.Errorf("cluster %s: kube-apiserver is not running", p.Name)
	}
	url := "https://127.0.0.1:" + strconv.Itoa(p.Port) + "/readyz"
	last := "no answer yet"
	for {
		reqCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		req, _ := http.NewRequestWithContext(reqCtx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				cancel()
				return nil
			}
			last = fmt.Sprintf("HTTP %d: %s", resp.StatusCode, lastLines(string(body), 5))
		} else {
			last = err.Error()
		}
		cancel()
		select {
		case <-done:
			return fmt.Errorf("cluster %s: kube-apiserver exited before it was ready", p.Name)
		case <-ctx.Done():
			return fmt.Errorf("cluster %s: /readyz not 200 (%v); last answer: %s", p.Name, ctx.Err(), last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// PortFree reports whether 127.0.0.1:port can be bound right now.
func PortFree(port int) bool {
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// WaitPortClosed waits until nothing accepts connections on 127.0.0.1:port.
func WaitPortClosed(port int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 200*time.Millisecond)
		if err != nil {
			return nil
		}
		c.Close()
		if time.Now().After(deadline) {
			return fmt.Errorf("port %d still accepts connections after %s", port, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// FreePort asks the kernel for a free loopback port.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Tail returns the last n lines of a file (reads at most the last 64 KiB).
func Tail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	defer f.Close()
	const max = 64 << 10
	if st, err := f.Stat(); err == nil && st.Size() > max {
		_, _ = f.Seek(st.Size()-max, io.SeekStart)
	}
	data, err := io.ReadAll(f)
	if err != nil && !errors.Is(err, io.EOF) {
		return err.Error()
	}
	return lastLines(string(data), n)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
